"""Convert the Emergent headline stances to pair gold JSONL (the ``claims eval pairs`` format).

Usage::

    python bench/emergent_to_pairs.py [--shared ../shared] [--out artifacts/emergent_train_pairs.jsonl]

Reads ``<shared>/data/emergent/train.csv`` (columns ``id, claimHeadline, articleHeadline,
articleHeadlineStance, articleId, claimId``; Ferreira & Vlachos 2016) and writes one record per row::

    {"id": "emergent-<id>", "claim": claimHeadline, "evidence": articleHeadline, "language": "en",
     "label": ..., "claim_id": claimId, "article_id": articleId}

Labels: ``for`` (the article asserts the claim) → ``supports``, ``against`` (it says the claim is
false) → ``contradicts``, ``observing`` → ``unrelated``. An *observing* headline reports the claim
without taking a stance ("Report says ...", "... reportedly ..."): it neither supports nor contradicts
it, which is what ``unrelated`` means for a verdict. Rows with another stance are skipped and counted.
Only the train split exists in the shared folder (``--split`` is accepted for symmetry).

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
LABELS = {"for": "supports", "against": "contradicts", "observing": "unrelated"}


def convert(path: Path, stats: Counter) -> list[dict]:
    records = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=1):
            label = LABELS.get((row.get("articleHeadlineStance") or "").strip())
            if label is None:
                stats["rows with an unknown stance (skipped)"] += 1
                continue
            records.append(
                {
                    "id": f"emergent-{(row.get('id') or '').strip() or n}",
                    "claim": row["claimHeadline"].strip(),
                    "evidence": row["articleHeadline"].strip(),
                    "language": "en",
                    "label": label,
                    "claim_id": row.get("claimId", ""),
                    "article_id": row.get("articleId", ""),
                }
            )
            stats[label] += 1
    return records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="train", help="only train is available (default: train)")
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
        help="output JSONL (default: <repo>/artifacts/emergent_<split>_pairs.jsonl)",
    )
    args = ap.parse_args(argv)

    path = args.shared / "data" / "emergent" / f"{args.split}.csv"
    if not path.is_file():
        print(f"Emergent {args.split} split not found under {args.shared}; nothing to do.")
        return 0
    out = args.out or REPO / "artifacts" / f"emergent_{args.split}_pairs.jsonl"
    stats: Counter = Counter()
    records = convert(path, stats)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(stats.items()))
    print(f"wrote {len(records)} pairs to {out} ({counts})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
