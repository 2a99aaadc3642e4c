"""Convert the ANS stance pairs to pair gold JSONL (the ``claims eval pairs`` format).

Usage::

    python bench/ans_to_pairs.py [--split dev] [--shared ../shared] [--out artifacts/ans_dev_pairs.jsonl]

Reads ``<shared>/data/ans/stance/<split>.csv`` (columns ``s1,s2,stance``; Khouja 2020, latynt/ans,
Apache-2.0) and writes one record per row::

    {"id": "ans-dev-1", "claim": s1, "evidence": s2, "language": "ar", "label": ...}

Labels: ``agree`` (s2 paraphrases s1) → ``supports``, ``disagree`` (s2 was written to contradict s1)
→ ``contradicts``, ``other`` (unrelated headlines) → ``unrelated``. Ids number the data rows from 1 in
file order. Rows with another stance are skipped and counted.

If the shared folder is missing, one line is printed and the script exits 0 (a user's clone has no
``../shared``). Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LABELS = {"agree": "supports", "disagree": "contradicts", "other": "unrelated"}


def convert(path: Path, split: str, stats: Counter) -> list[dict]:
    records = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=1):
            label = LABELS.get((row.get("stance") or "").strip())
            if label is None:
                stats["rows with an unknown stance (skipped)"] += 1
                continue
            records.append(
                {
                    "id": f"ans-{split}-{n}",
                    "claim": row["s1"].strip(),
                    "evidence": row["s2"].strip(),
                    "language": "ar",
                    "label": label,
                }
            )
            stats[label] += 1
    return records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="dev", help="train or dev (default: dev)")
    ap.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="shared folder (default: <repo>/../shared)",
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output JSONL (default: <repo>/artifacts/ans_<split>_pairs.jsonl)",
    )
    args = ap.parse_args(argv)

    path = args.shared / "data" / "ans" / "stance" / f"{args.split}.csv"
    if not path.is_file():
        print(f"ANS stance {args.split} split not found under {args.shared}; nothing to do.")
        return 0
    out = args.out or REPO / "artifacts" / f"ans_{args.split}_pairs.jsonl"
    stats: Counter = Counter()
    records = convert(path, args.split, stats)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(stats.items()))
    print(f"wrote {len(records)} pairs to {out} ({counts})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
