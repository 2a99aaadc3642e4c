"""Choose the weights that fuse word and vector candidates (claims/match/retrieve.py), on train queries.

Usage::

    python bench/clef2021_to_retrieval.py --split train && python bench/clef2021_to_retrieval.py --split dev
    python bench/tune_fusion.py [--data artifacts/clef2021-2a-en] [--split train]

Imports the corpus once (with vectors) into ``<data>/fusion.db`` (kept: a second run starts at once),
encodes the queries once, then scores MAP@5 and Recall@10 of each setting of ``W_VECTOR`` and
``COSINE_FLOOR`` (and words alone, ``W_VECTOR = 0``) on the split's queries. Tune on train; report dev.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from claims import encoder
from claims.eval.retrieval import _corpus_records, load_jsonl, load_qrels, score_run
from claims.match import retrieve
from claims.store.db import Store

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=REPO / "artifacts" / "clef2021-2a-en")
    parser.add_argument("--split", default="train")
    parser.add_argument("--weights", default="0,0.2,0.3,0.4,0.5,0.6")
    parser.add_argument("--floors", default="0.1,0.2,0.3")
    args = parser.parse_args()
    db = args.data / "fusion.db"
    with Store.open(f"sqlite:///{db}") as store:
        if not store.stats()["claims"]:
            started = time.perf_counter()
            store.add_claims(_corpus_records(load_jsonl(args.data / "corpus.jsonl")))
            print(f"corpus imported with vectors in {time.perf_counter() - started:.0f} s")
        queries = load_jsonl(args.data / f"queries-{args.split}.jsonl")
        qrels = load_qrels(args.data / f"qrels-{args.split}.tsv")
        texts = [q["text"] for q in queries]
        vectors = encoder.encode(texts)
        found_ids: dict[int, str] = {}
        for w, floor in itertools.product(
            map(float, args.weights.split(",")), map(float, args.floors.split(","))
        ):
            if w == 0 and floor != float(args.floors.split(",")[0]):
                continue
            retrieve.W_VECTOR, retrieve.COSINE_FLOOR = w, floor
            run = []
            for start in range(0, len(texts), 50):
                hits = retrieve.candidates(
                    store, texts[start : start + 50], vectors=vectors[start : start + 50], limit=10
                )
                missing = [c.id for h in hits for c in h if c.id not in found_ids]
                found_ids.update(store.external_ids(missing))
                for q, h in zip(queries[start : start + 50], hits, strict=True):
                    run += [(str(q["id"]), found_ids[c.id], r, c.score) for r, c in enumerate(h, start=1)]
            metrics, scored = score_run(run, qrels, [str(q["id"]) for q in queries])
            print(
                f"W_VECTOR {w:.2f} COSINE_FLOOR {floor:.2f}: MAP@5 {metrics['MAP@5']:.4f} "
                f"Recall@10 {metrics['Recall@10']:.4f} ({scored} queries)",
                flush=True,
            )


if __name__ == "__main__":
    main()
