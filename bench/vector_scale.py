"""Vectors at scale: `claims db embed`'s rate, and vector search and database size at up to 1M claims.

    python bench/vector_scale.py [--claims 1000000] [--pool 3000] [--queries 200] [--shared ../shared]

1. **Encoding rate.** ``--pool`` real English sentences from the shared KCNA stories are imported with
   ``--no-vectors`` into a new SQLite file, then ``claims db embed`` encodes them (its own summary line,
   claims/s, is printed: the rate includes loading the model, about 2 s).
2. **A million vectors.** Encoding a million real sentences takes about an hour here, so the rest are
   made by perturbing the pool's vectors: vector ``i`` is pool vector ``i % pool`` plus Gaussian noise
   (sigma ``--noise``, default 0.02 a coordinate, which puts it at a cosine of about 0.8 from its
   original), normalised. Their claims are stored as short synthetic texts (``"<pool sentence> #i"``)
   straight into ``claim`` (no word index: the word index's size and speed are bench/scale.py's), the
   vectors through the store's own writer (``claims.store.embed.store_vectors``), 10,000 a transaction.
3. **Search.** ``--queries`` held-out pool sentences, perturbed once more, are searched with
   ``Store.search_vectors`` (limit 10) in a new process-like state: the first search builds the HNSW graph
   (timed), which the store writes beside the file; a second store loads that file (timed); the p50 and
   p95 of a search are those of the second store.
4. **Size.** The file's growth while the vectors were written, per vector.

Results go to ``artifacts/vector_scale.json``; the temporary database is removed. A missing shared folder
prints one line and exits 0.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def kcna_sentences(shared: Path, n: int) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for path in sorted((shared / "data" / "kcna").glob("*.json")):
        for story in json.loads(path.read_text(encoding="utf-8")):
            for line in (story.get("story_text") or "").splitlines():
                for s in _SENTENCE_END.split(line.strip()):
                    if 40 <= len(s) <= 300 and s not in seen:
                        seen.add(s)
                        out.append(s)
    random.Random(15).shuffle(out)
    return out[:n]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--pool", type=int, default=3000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--noise", type=float, default=0.02)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "vector_scale.json")
    args = parser.parse_args()
    if not (args.shared / "data" / "kcna").is_dir():
        print(f"{args.shared}/data/kcna is not present: nothing to measure")
        return
    from claims import encoder
    from claims.store import embed
    from claims.store.db import Store

    sentences = kcna_sentences(args.shared, args.pool + args.queries)
    pool, held = sentences[: args.pool], sentences[args.pool :]
    result: dict[str, object] = {"claims": args.claims, "pool": len(pool), "noise": args.noise}
    with tempfile.TemporaryDirectory(prefix="claims-vector-scale-") as tmp:
        # 1. the encoding rate of `claims db embed`
        records = Path(tmp) / "pool.jsonl"
        with records.open("w", encoding="utf-8") as out:
            for i, s in enumerate(pool):
                out.write(json.dumps({"text": s, "source": "kcna", "language": "en", "id": f"p{i}"}) + "\n")
        db = Path(tmp) / "claims.db"
        url = f"sqlite:///{db}"
        claims = [sys.executable, "-m", "claims"]
        subprocess.run(
            [*claims, "import", str(records), "--no-vectors", "--db", url], check=True, capture_output=True
        )
        started = time.perf_counter()
        done = subprocess.run(
            [*claims, "db", "embed", "--db", url], check=True, capture_output=True, text=True
        )
        result["embed_seconds"] = round(time.perf_counter() - started, 1)
        result["embed_summary"] = (done.stdout + done.stderr).strip()
        print(result["embed_summary"], flush=True)

        # 2. fill up to --claims with perturbed vectors
        with Store.open(url) as store:
            pool_vectors = store.vectors_for(list(range(1, len(pool) + 1)))
            base = np.stack([pool_vectors[i] for i in sorted(pool_vectors)])
            rng = np.random.default_rng(15)
            size_before = db.stat().st_size + (
                Path(f"{db}-wal").stat().st_size if Path(f"{db}-wal").exists() else 0
            )
            started = time.perf_counter()
            next_id = len(pool) + 1
            step = 10_000
            while next_id <= args.claims:
                n = min(step, args.claims - next_id + 1)
                ids = list(range(next_id, next_id + n))
                source = [(i - 1) % len(pool) for i in ids]
                vectors = base[source] + rng.normal(0, args.noise, (n, encoder.DIM)).astype(np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                rows = [
                    (i, f"{pool[j][:60]} #{i}", "en", "kcna", "") for i, j in zip(ids, source, strict=True)
                ]
                with store._write() as conn:
                    conn.exec_driver_sql(
                        "INSERT INTO claim (id, text, norm_text, index_text, language, source_id, via, hedged, "
                        "demo, dedupe_key, created_at) VALUES (?, ?, '', '', ?, ?, ?, 0, 0, ?, '2026-12-03')",
                        [(i, t, lang, src, via, i) for i, t, lang, src, via in rows],
                    )
                    embed.store_vectors(conn, ids, vectors)
                next_id += n
            result["fill_seconds"] = round(time.perf_counter() - started, 1)
        with Store.open(url) as store:
            with store.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db.stat().st_size
        result["db_bytes"] = size
        result["vector_bytes_per_claim"] = round((size - size_before) / (args.claims - len(pool)), 1)

        # 3. search: the first store builds the graph, a second loads it
        queries = encoder.encode(held)
        queries = queries + np.random.default_rng(16).normal(0, args.noise, queries.shape).astype(np.float32)
        with Store.open(url) as store:
            started = time.perf_counter()
            store.search_vectors(queries[:1], 10)
            result["graph_build_seconds"] = round(time.perf_counter() - started, 1)
        cache = Path(f"{db}.vectors")
        result["graph_file_bytes"] = cache.stat().st_size if cache.exists() else None
        with Store.open(url, read_only=True) as store:
            started = time.perf_counter()
            store.search_vectors(queries[:1], 10)
            result["graph_load_seconds"] = round(time.perf_counter() - started, 1)
            times = []
            for q in queries:
                started = time.perf_counter()
                store.search_vectors(q, 10)
                times.append((time.perf_counter() - started) * 1000)
        result["search_ms"] = {
            "p50": round(statistics.median(times), 2),
            "p95": round(percentile(times, 0.95), 2),
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
