"""Realistic Arabic pairs for the false-dispute rate: UnifiedFC claims against the lines that word retrieval
returns from their own articles (the ``claims eval pairs`` format).

Usage::

    python bench/realistic_pairs.py [--shared ../shared] [--out artifacts/realistic_ar.jsonl]
    claims eval pairs artifacts/realistic_ar.jsonl --output artifacts/realistic_ar.pred.jsonl
    python bench/realistic_pairs.py --candidates [--out artifacts/realistic_candidates.jsonl]

A real article checked against a store mostly meets evidence that agrees or is about something else;
pairs written to contradict (ANS) do not show how often the relation calls such evidence a dispute. Here
each selected claim of ``<shared>/data/unifiedfc/dataset/*.json`` (files whose number is 2 mod 5, in
(number, R before V) order) is searched, with today's retrieval (:func:`claims.match.retrieve.candidates`
through ``claims eval retrieval``'s code), in a temporary store holding only the lines of its own
retrieved articles (``article_text.split("\\n")``, 30 to 600 characters, exact repeats stored once), and
the top 5 lines become pairs. ``--candidates`` writes those pairs, with their text, for labelling.

The article text may not be copied into this repository, so the labels in
``bench/dev/realistic_ar_labels.jsonl`` hold positions and a hash only, one object per pair::

    {"id": "R-12/3/7", "file": "R-12.json", "claim_id": "R-12", "article": 3, "line": 7,
     "hash": "<sha1 of the line, 12 hex digits>", "rank": 2, "label": "unrelated"}

The default mode materialises each labelled pair from ``../shared`` (claim text, line text) after checking
the line's hash; a line whose hash differs (the shared data changed) stops the build with the record's id
and exit status 1. Labels are read by a person (guidelines in ``bench/dev/README.md``), not derived from
the dataset's stance labels. If the shared folder is missing, one line is printed and the script exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LABELS_FILE = REPO / "bench" / "dev" / "realistic_ar_labels.jsonl"
DATASET = Path("data") / "unifiedfc" / "dataset"
TOP = 5
MIN_CHARS, MAX_CHARS = 30, 600


def line_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def selected_files(dataset: Path) -> list[Path]:
    def key(path: Path) -> tuple[int, str]:
        prefix, number = path.stem.split("-")
        return int(number), prefix

    files = [p for p in dataset.glob("*.json") if re.fullmatch(r"[RV]-\d+", p.stem)]
    return [p for p in sorted(files, key=key) if key(p)[0] % 5 == 2]


def candidates_for(path: Path) -> list[dict]:
    """The top-``TOP`` lines of the claim's own articles for the claim, as pair records with positions."""
    from claims.eval.retrieval import evaluate_retrieval

    data = json.loads(path.read_text(encoding="utf-8"))
    seen: dict[str, str] = {}
    corpus = []
    where: dict[str, tuple[int, int, str]] = {}
    for a, article in enumerate(data["article"]):
        for ln, text in enumerate(article.split("\n")):
            if not MIN_CHARS <= len(text.strip()) <= MAX_CHARS or text in seen:
                continue
            docid = f"{path.stem}/{a}/{ln}"
            seen[text] = docid
            where[docid] = (a, ln, text)
            corpus.append({"id": docid, "text": text, "language": "ar"})
    if not corpus:
        return []
    query = {"id": path.stem, "text": data["claim"], "language": "ar"}
    run = evaluate_retrieval(corpus, [query], {}, depth=TOP)["run"]
    out = []
    for _qid, docid, rank, _score in sorted(run, key=lambda r: r[2])[:TOP]:
        a, ln, text = where[docid]
        out.append(
            {
                "id": docid,
                "file": path.name,
                "claim_id": path.stem,
                "article": a,
                "line": ln,
                "hash": line_hash(text),
                "rank": rank,
                "claim": data["claim"],
                "evidence": text,
                "language": "ar",
            }
        )
    return out


class LabelError(Exception):
    """The labels file and the shared data disagree."""


def materialise(labels: list[dict], dataset: Path, stats: Counter) -> list[dict]:
    cache: dict[str, dict] = {}
    seen: set[str] = set()
    out = []
    for rec in labels:
        rid = rec.get("id")
        if not rid or rid in seen:
            raise LabelError(f"record {rid!r}: missing or duplicate id")
        seen.add(rid)
        name = rec.get("file", "")
        if name not in cache:
            path = dataset / name
            if not name or Path(name).name != name or not path.is_file():
                raise LabelError(f"record {rid}: data file {name!r} not found in {dataset}")
            cache[name] = json.loads(path.read_text(encoding="utf-8"))
        data = cache[name]
        a, ln = rec.get("article"), rec.get("line")
        if not isinstance(a, int) or not 0 <= a < len(data["article"]):
            raise LabelError(f"record {rid}: article {a!r} out of range")
        lines = data["article"][a].split("\n")
        if not isinstance(ln, int) or not 0 <= ln < len(lines):
            raise LabelError(f"record {rid}: line {ln!r} out of range")
        text = lines[ln]
        if line_hash(text) != rec.get("hash"):
            raise LabelError(
                f"record {rid}: the line's hash is {line_hash(text)}, labelled {rec.get('hash')}"
            )
        stats[rec["label"]] += 1
        out.append(
            {
                "id": rid,
                "claim": data["claim"],
                "evidence": text,
                "language": "ar",
                "label": rec["label"],
                "rank": rec.get("rank"),
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="default: <repo>/../shared")
    ap.add_argument("--out", type=Path, default=None, help="default: artifacts/realistic_ar.jsonl")
    ap.add_argument("--labels", type=Path, default=LABELS_FILE)
    ap.add_argument("--candidates", action="store_true", help="write the retrieved pairs for labelling")
    args = ap.parse_args(argv)

    dataset = args.shared / DATASET
    if not dataset.is_dir():
        print(f"UnifiedFC data not found under {args.shared}; nothing to do.")
        return 0
    if args.candidates:
        out = args.out or REPO / "artifacts" / "realistic_candidates.jsonl"
        rows = [row for path in selected_files(dataset) for row in candidates_for(path)]
    else:
        out = args.out or REPO / "artifacts" / "realistic_ar.jsonl"
        stats: Counter = Counter()
        try:
            with args.labels.open(encoding="utf-8") as fh:
                labels = [json.loads(line) for line in fh if line.strip()]
            rows = materialise(labels, dataset, stats)
        except (LabelError, OSError, ValueError, KeyError) as exc:
            print(f"realistic_pairs: {exc}", file=sys.stderr)
            return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    summary = (
        f"{len(rows)} pairs" if args.candidates else ", ".join(f"{k} {v}" for k, v in sorted(stats.items()))
    )
    print(f"wrote {out}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
