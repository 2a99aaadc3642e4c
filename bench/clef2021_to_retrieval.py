"""Convert CheckThat! 2021 task 2A (English, or Arabic with ``--lang ar``) to the ``claims eval retrieval`` formats.

Usage::

    python bench/clef2021_to_retrieval.py [--split dev] [--shared ../shared] [--out artifacts/clef2021-2a-en]
    claims eval retrieval --corpus artifacts/clef2021-2a-en/corpus.jsonl \\
        --queries artifacts/clef2021-2a-en/queries-dev.jsonl --qrels artifacts/clef2021-2a-en/qrels-dev.tsv

Reads ``<shared>/data/clef2021-2a/en/``:

* ``verified_claims.tsv`` (``vclaim_id  vclaim  title``) → ``corpus.jsonl``:
  ``{"id": vclaim_id, "text": vclaim, "title": title, "language": "en"}``;
* ``<split>_queries.tsv`` (``tweet_id  tweet_text``) → ``queries-<split>.jsonl``:
  ``{"id": tweet_id, "text": tweet_text, "language": "en"}``;
* ``train_dev_qrels.tsv`` (``tweet_id 0 vclaim_id 1``), restricted to the split's queries →
  ``qrels-<split>.tsv`` (TREC, tab-separated).

Arabic (``--lang ar``, dev only: ``<shared>/data/clef2021-2a/ar/``) has no verified-claims file: the corpus
is every distinct verified claim of ``dev_top50_candidates.tsv`` (3,571 claims: the top 50 a baseline
retrieved for each dev query, so every distractor is a near miss), queries from ``dev_queries.tsv``, qrels
as above (4 of the 102 relevant claims are not among the candidates: they count as misses). These files
quote fields that hold line breaks, so they are read with ``csv``.

The English files are tab-separated without quoting; a line with the wrong number of fields stops the conversion
with its line number. If the shared folder is missing, one line is printed and the script exits 0 (a
user's clone has no ``../shared``). Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def read_tsv(path: Path, fields: int, header: bool = True) -> list[list[str]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, start=1):
            if header and n == 1:
                continue
            line = line.rstrip("\r\n")
            if not line:
                continue
            parts = line.split("\t")
            if len(parts) != fields:
                raise SystemExit(f"{path}:{n}: expected {fields} tab-separated fields, found {len(parts)}")
            rows.append(parts)
    return rows


def convert(source: Path, out: Path, split: str) -> dict[str, int]:
    corpus = read_tsv(source / "verified_claims.tsv", 3)
    queries = read_tsv(source / f"{split}_queries.tsv", 2)
    qrels = read_tsv(source / "train_dev_qrels.tsv", 4, header=False)
    query_ids = {q[0] for q in queries}
    out.mkdir(parents=True, exist_ok=True)
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        for vid, text, title in corpus:
            record = {"id": vid, "text": text.strip(), "title": title.strip(), "language": "en"}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    with (out / f"queries-{split}.jsonl").open("w", encoding="utf-8") as handle:
        for qid, text in queries:
            handle.write(
                json.dumps({"id": qid, "text": text.strip(), "language": "en"}, ensure_ascii=False) + "\n"
            )
    kept = [q for q in qrels if q[0] in query_ids]
    with (out / f"qrels-{split}.tsv").open("w", encoding="utf-8") as handle:
        for qid, zero, docid, rel in kept:
            handle.write(f"{qid}\t{zero}\t{docid}\t{rel}\n")
    return {"corpus": len(corpus), "queries": len(queries), "qrels": len(kept)}


def _quoted_tsv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def convert_arabic(source: Path, out: Path) -> dict[str, int]:
    corpus: dict[str, tuple[str, str]] = {}
    for row in _quoted_tsv(source / "dev_top50_candidates.tsv"):
        corpus.setdefault(row["vclaim_id"], (row["vclaim"].strip(), row["title"].strip()))
    queries = [(r["tweet_id"], r["tweet_text"].strip()) for r in _quoted_tsv(source / "dev_queries.tsv")]
    qrels = read_tsv(source / "train_dev_qrels.tsv", 4, header=False)
    query_ids = {qid for qid, _ in queries}
    out.mkdir(parents=True, exist_ok=True)
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        for vid, (text, title) in corpus.items():
            record = {"id": vid, "text": text, "title": title, "language": "ar"}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    with (out / "queries-dev.jsonl").open("w", encoding="utf-8") as handle:
        for qid, text in queries:
            handle.write(json.dumps({"id": qid, "text": text, "language": "ar"}, ensure_ascii=False) + "\n")
    kept = [q for q in qrels if q[0] in query_ids]
    with (out / "qrels-dev.tsv").open("w", encoding="utf-8") as handle:
        for qid, zero, docid, rel in kept:
            handle.write(f"{qid}\t{zero}\t{docid}\t{rel}\n")
    return {"corpus": len(corpus), "queries": len(queries), "qrels": len(kept)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("train", "dev"), default="dev")
    parser.add_argument("--lang", choices=("en", "ar"), default="en")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path, help="default: artifacts/clef2021-2a-<lang>")
    args = parser.parse_args(argv)
    args.out = args.out or REPO / "artifacts" / f"clef2021-2a-{args.lang}"
    source = args.shared / "data" / "clef2021-2a" / args.lang
    if not source.is_dir():
        print(f"{source} is not present; nothing to convert")
        return 0
    if args.lang == "ar" and args.split != "dev":
        parser.error("the Arabic task has verified-claim text for the dev split only")
    counts = convert_arabic(source, args.out) if args.lang == "ar" else convert(source, args.out, args.split)
    print(
        f"{args.out}: {counts['corpus']} verified claims, {counts['queries']} {args.split} queries, "
        f"{counts['qrels']} qrels"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
