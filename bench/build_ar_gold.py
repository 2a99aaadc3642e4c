"""Rebuild the Arabic attribution dev gold set (UnifiedFC lines) in the ``claims eval attribution`` format.

Usage::

    python bench/build_ar_gold.py [--shared ../shared] [--out artifacts/ar_gold_dev.jsonl]
                                  [--gold bench/gold/ar_unifiedfc_dev.jsonl] [--second | --train]

``--second`` builds the second set instead (``bench/gold/ar_unifiedfc_dev2.jsonl`` ->
``artifacts/ar_gold_dev2.jsonl``): lines from other files, annotated the same way, that the rules are not
developed on; it measures how far the dev figure generalises. ``--train`` builds the train split
(``bench/gold/ar_unifiedfc_train.jsonl`` -> ``artifacts/ar_gold_train.jsonl``): whole articles from files
used by neither dev set, annotated blind to the rules, for training a model.

The UnifiedFC article text may not be copied into this repository, so the hand annotation in
``bench/gold/ar_unifiedfc_dev.jsonl`` stores only offsets and short check prefixes, one object per
annotated line::

    {"id": "R-9/0/1", "file": "R-9.json", "article": 0, "line": 1, "check": "<line[:10]>",
     "attributions": [{"source": [s, e] | null, "source_check": "<span[:8]>" | null, "source_id": "reuters",
                       "cue": ..., "cue_check": ..., "content": ..., "content_check": ...,
                       "shape": "verb-vso", "nested": "outer" | "inner" | "outer+inner" | null}]}

``article`` indexes the file's ``article`` list, ``line`` indexes ``article_text.split("\\n")`` and all
offsets are Python ``str`` indices into that line. This script loads each line from
``<shared>/data/unifiedfc/dataset/<file>``, verifies the line prefix and every span prefix, and writes
one evaluation record per line::

    {"id": "R-9/0/1", "text": "<the line>", "language": "ar",
     "attributions": [{"source": [s, e] | null, "cue": [s, e] | null, "content": [s, e] | null,
                       "source_id": "reuters", "shape": "verb-vso", "nested": "outer"}]}

(``shape`` and ``nested`` are extra keys, ignored by the scorer, kept for per-shape breakdowns.)

Any mismatch (missing file, index out of range, bad span, check prefix differing from the data) aborts
with a message naming the record and exit status 1: the gold set must never be built from text it was
not annotated on. If the shared folder is missing, one line is printed and the script exits 0 (a
user's clone has no ``../shared``). Standard library only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "bench" / "gold" / "ar_unifiedfc_dev.jsonl"
SECOND = REPO / "bench" / "gold" / "ar_unifiedfc_dev2.jsonl"
TRAIN = REPO / "bench" / "gold" / "ar_unifiedfc_train.jsonl"
# --second / --train: which offsets file to read and which artifact to write.
SETS = {
    "second": (SECOND, "ar_gold_dev2.jsonl"),
    "train": (TRAIN, "ar_gold_train.jsonl"),
}
ROLES = ("source", "cue", "content")
LINE_CHECK_LEN = 10
SPAN_CHECK_LEN = 8
DATASET = Path("data") / "unifiedfc" / "dataset"


class GoldError(Exception):
    """The offsets file and the shared data disagree."""


def _load_lines(path: Path) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                records.append(json.loads(raw))
            except json.JSONDecodeError as exc:
                raise GoldError(f"{path.name} line {n}: not valid JSON ({exc})") from None
    return records


def _check_span(rid: str, role: str, rel_no: int, text: str, rel: dict) -> list[int] | None:
    span, check = rel.get(role), rel.get(f"{role}_check")
    where = f"record {rid}, relation {rel_no}, {role}"
    if span is None:
        if check is not None:
            raise GoldError(f"{where}: span is null but {role}_check is {check!r}")
        return None
    if (
        not isinstance(span, list)
        or len(span) != 2
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in span)
    ):
        raise GoldError(f"{where}: span must be [start, end], got {span!r}")
    s, e = span
    if not 0 <= s < e <= len(text):
        raise GoldError(f"{where}: span {span} outside the line (length {len(text)})")
    piece = text[s:e]
    if check is None or check != piece[:SPAN_CHECK_LEN] or len(check) != min(SPAN_CHECK_LEN, len(piece)):
        raise GoldError(f"{where}: text at {span} starts {piece[:SPAN_CHECK_LEN]!r}, expected {check!r}")
    return [s, e]


def build(gold_path: Path, dataset_dir: Path, stats: Counter) -> list[dict]:
    """Return evaluation records for every line of ``gold_path``; raise :class:`GoldError` on any mismatch."""
    cache: dict[str, list] = {}
    seen: set[str] = set()
    out = []
    for rec in _load_lines(gold_path):
        rid = rec.get("id")
        if not rid:
            raise GoldError(f"record without an id: {json.dumps(rec, ensure_ascii=False)[:80]}")
        if rid in seen:
            raise GoldError(f"record {rid}: duplicate id")
        seen.add(rid)
        fname = rec.get("file", "")
        if fname not in cache:
            path = dataset_dir / fname
            if not fname or Path(fname).name != fname or not path.is_file():
                raise GoldError(f"record {rid}: data file {fname!r} not found in {dataset_dir}")
            cache[fname] = json.loads(path.read_text(encoding="utf-8"))["article"]
        articles = cache[fname]
        a, ln = rec.get("article"), rec.get("line")
        if not isinstance(a, int) or not 0 <= a < len(articles):
            raise GoldError(f"record {rid}: article {a!r} out of range ({fname} has {len(articles)})")
        lines = articles[a].split("\n")
        if not isinstance(ln, int) or not 0 <= ln < len(lines):
            raise GoldError(f"record {rid}: line {ln!r} out of range (article {a} has {len(lines)} lines)")
        text = lines[ln]
        if rec.get("check") != text[:LINE_CHECK_LEN]:
            raise GoldError(
                f"record {rid}: line starts {text[:LINE_CHECK_LEN]!r}, expected {rec.get('check')!r}"
            )
        attributions = []
        for i, rel in enumerate(rec.get("attributions") or [], 1):
            spans = {role: _check_span(rid, role, i, text, rel) for role in ROLES}
            if all(v is None for v in spans.values()):
                raise GoldError(f"record {rid}, relation {i}: source, cue and content are all null")
            if not rel.get("source_id"):
                raise GoldError(f"record {rid}, relation {i}: missing source_id")
            attributions.append(
                {
                    **spans,
                    "source_id": rel["source_id"],
                    "shape": rel.get("shape"),
                    "nested": rel.get("nested"),
                }
            )
            stats["relations"] += 1
            stats[f"shape {rel.get('shape')}"] += 1
        stats["records"] += 1
        stats["records without attribution"] += not attributions
        out.append({"id": rid, "text": text, "language": "ar", "attributions": attributions})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="shared folder (default: <repo>/../shared)",
    )
    ap.add_argument(
        "--out", type=Path, default=None, help="output JSONL (default: <repo>/artifacts/ar_gold_dev.jsonl)"
    )
    ap.add_argument(
        "--gold", type=Path, default=GOLD, help=f"offsets file (default: {GOLD.relative_to(REPO)})"
    )
    which = ap.add_mutually_exclusive_group()
    which.add_argument(
        "--second",
        action="store_const",
        const="second",
        dest="set",
        help="build the second set (not developed on) -> artifacts/ar_gold_dev2.jsonl",
    )
    which.add_argument(
        "--train",
        action="store_const",
        const="train",
        dest="set",
        help="build the train split (annotated blind to the rules) -> artifacts/ar_gold_train.jsonl",
    )
    args = ap.parse_args(argv)
    artifact = "ar_gold_dev.jsonl"
    if args.set:
        args.gold, artifact = SETS[args.set]

    dataset_dir = args.shared / DATASET
    if not dataset_dir.is_dir():
        print(f"UnifiedFC data not found under {args.shared}; nothing to do.")
        return 0
    out = args.out or REPO / "artifacts" / artifact

    stats: Counter = Counter()
    try:
        records = build(args.gold, dataset_dir, stats)
    except (GoldError, OSError, ValueError, KeyError) as exc:
        print(f"build_ar_gold: {exc}", file=sys.stderr)
        return 1

    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(
        f"wrote {out}: {stats['records']} records "
        f"({stats['records without attribution']} without attribution), "
        f"{stats['relations']} relations, all checks passed"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
