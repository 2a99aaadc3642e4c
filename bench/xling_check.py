"""Cross-language retrieval on the dev sets of bench/xling_retrieval.py, encoding the distractors once.

    python bench/xling_retrieval.py --out artifacts/xling-retrieval     # builds the sets (../shared)
    python bench/xling_check.py [--sets artifacts/xling-retrieval] [--names ar2en,en2ar,ar-para]

``claims eval retrieval`` on each set gives the same figures, but encodes the 12,000 distractors each
time. Here the documents that every set shares are imported (with vectors) once into
``<sets>/shared-docs.db``; each set gets a copy with its own documents added, and its queries are run
through ``claims.match.retrieve.candidates`` as ``claims check`` runs them. Prints MAP@1/5, MRR and
Recall@10 of each set. ``--distractors N`` keeps N of the shared documents (seeded draw) (a quick check while encoding
is slow: the targets are stated for 10,000 or more).
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

from claims.eval.retrieval import _corpus_records, load_jsonl, load_qrels, score_run
from claims.match.retrieve import candidates
from claims.store.db import Store

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", type=Path, default=REPO / "artifacts" / "xling-retrieval")
    parser.add_argument("--names", default="ar2en,en2ar,ar-para")
    parser.add_argument(
        "--distractors", type=int, default=0, help="keep N of the shared documents, drawn at random (0: all)"
    )
    args = parser.parse_args()
    names = args.names.split(",")
    corpora = {n: load_jsonl(args.sets / n / "corpus.jsonl") for n in names}
    common = set.intersection(*({str(d["id"]) for d in docs} for docs in corpora.values()))
    if args.distractors:
        kept = {str(d["id"]) for d in corpora[names[0]] if str(d["id"]) in common}
        kept = set(random.Random(15).sample(sorted(kept), min(args.distractors, len(kept))))
        corpora = {
            n: [d for d in docs if str(d["id"]) in kept or str(d["id"]) not in common]
            for n, docs in corpora.items()
        }
        common = kept
    base = args.sets / f"shared-docs-{args.distractors or 'all'}.db"
    if not base.exists():
        with Store.open(f"sqlite:///{base}.part") as store:
            docs = [d for d in corpora[names[0]] if str(d["id"]) in common]
            store.add_claims(_corpus_records(docs))
        Path(f"{base}.part").rename(base)
    for name in names:
        db = args.sets / name / "check.db"
        for extra in (db, Path(f"{db}.vectors"), Path(f"{db}.vectors.json")):
            extra.unlink(missing_ok=True)
        shutil.copy(base, db)
        with Store.open(f"sqlite:///{db}") as store:
            store.add_claims(_corpus_records([d for d in corpora[name] if str(d["id"]) not in common]))
            queries = load_jsonl(args.sets / name / "queries.jsonl")
            qrels = load_qrels(args.sets / name / "qrels.tsv")
            hits = candidates(store, [q["text"] for q in queries], limit=10)
            ids = store.external_ids([c.id for h in hits for c in h])
            run = [
                (str(q["id"]), ids[c.id], rank, c.score)
                for q, h in zip(queries, hits, strict=True)
                for rank, c in enumerate(h, start=1)
            ]
        metrics, scored = score_run(run, qrels, [str(q["id"]) for q in queries])
        shown = "  ".join(f"{k} {metrics[k]:.4f}" for k in ("MAP@1", "MAP@5", "MRR", "Recall@10"))
        print(f"{name}: {scored} queries, {len(corpora[name])} documents: {shown}", flush=True)


if __name__ == "__main__":
    main()
