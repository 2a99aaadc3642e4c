"""A million stored claims with words and vectors: build time, size, fused retrieval and `claims check`.

    python bench/vector_million.py build   [--claims 1000000] [--encoded 20000] [--dir /tmp/claims-1m]
    python bench/vector_million.py measure [--queries 200] [--runs 5] [--dir /tmp/claims-1m]

**build** fills ``DIR/claims.db`` (SQLite) in four timed steps:

1. *Words.* The stored claims are real sentences of the shared KCNA stories and UnifiedFC articles (one in 50
   held out as queries, never stored), filled up to ``--claims`` with spliced ones (the first half of one
   real sentence and the second half of another, same language), exactly as bench/scale.py makes them;
   they are imported by ``claims import --no-vectors`` (the bulk path: batches, worker processes).
2. *Real vectors.* The first ``--encoded`` stored claims are encoded by the encoder (``claims.encoder``),
   through ``claims db embed``'s own code (``Store.embed``, limited to those claims): its rate on real
   sentences is printed.
3. *Synthetic vectors for the rest.* Encoding a million sentences costs about 40 CPU-minutes here, so claim
   ``i`` beyond the encoded ones gets the vector of encoded claim ``i % encoded`` plus Gaussian noise (sigma
   ``--noise`` a coordinate, default 0.02: a cosine of about 0.9 to its original), normalised; written
   through the store's writer (``claims.store.embed.store_vectors``), 50,000 a transaction.
4. *The graph.* The store writes its HNSW graph beside the file (``Store``'s vector cache, as after an
   import or ``claims db embed``).

**measure** reads that database:

- *Retrieval*: ``--queries`` held-out real sentences (Arabic and English as they come), each encoded for
  real; ``claims.match.retrieve.candidates`` (word and vector candidates fused, as ``claims check`` uses
  them) timed per query in a store opened read-only, like ``claims check``'s: the first query (which opens
  the graph) apart, then p50 and p95, with and without the query's encoding.
- *``claims check``* on ``data/examples/ar-russia-dprk-treaty.txt`` as an editor runs it: a new process per
  run, against this database and against an empty one, alternating; median wall time and the largest peak
  RSS (``getrusage`` of the children).
- *Size*: the SQLite file (and its WAL) and the graph files beside it, per claim.

Results go to ``DIR/result-*.json`` and stdout. A missing shared folder prints one line and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale import held_out, real_sentences, spliced, write_jsonl  # noqa: E402

ARTICLE = ROOT / "data" / "examples" / "ar-russia-dprk-treaty.txt"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def build(args: argparse.Namespace) -> dict[str, object]:
    import numpy as np
    import sqlalchemy as sa

    from claims import encoder
    from claims.store import embed
    from claims.store.db import Store

    work: Path = args.dir
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    url = f"sqlite:///{work / 'claims.db'}"
    out: dict[str, object] = {"claims": args.claims, "encoded": args.encoded, "noise": args.noise}

    sentences = real_sentences(args.shared / "data")
    pool = [s for s in sentences if not held_out(s)]
    stored = pool[: args.claims] + spliced(pool, max(0, args.claims - len(pool)), {s.text for s in sentences})
    out["real_sentences"] = min(len(pool), args.claims)
    path = work / "claims.jsonl"
    write_jsonl(path, stored)
    del stored, sentences, pool

    # 1. words
    start, cpu = time.perf_counter(), cpu_seconds()
    subprocess.run(
        [sys.executable, "-m", "claims", "import", str(path), "--no-vectors", "--db", url],
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
    )
    path.unlink()
    out["words"] = step("words (claims import --no-vectors)", args.claims, start, cpu)

    with Store.open(url) as store:
        # 2. real vectors: Store.embed over the first --encoded claims only
        with store.engine.connect() as conn:
            last = int(
                conn.execute(
                    sa.text("SELECT id FROM claim ORDER BY id LIMIT 1 OFFSET :n"), {"n": args.encoded}
                ).scalar_one()
            )
        real_read = embed.claims_without_vectors

        def first_claims(conn, after=0, limit=None):  # type: ignore[no-untyped-def]
            return [c for c in real_read(conn, after, limit) if c[0] < last]

        embed.claims_without_vectors = first_claims
        start, cpu = time.perf_counter(), cpu_seconds()
        encoded = store.embed().encoded
        out["real_vectors"] = step("real vectors (Store.embed)", encoded, start, cpu)
        embed.claims_without_vectors = real_read

        # 3. synthetic vectors for the rest
        start, cpu = time.perf_counter(), cpu_seconds()
        with store.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT claim_id, vector FROM claim_vector ORDER BY seq")).all()
            base = np.stack([encoder.from_bytes(bytes(v)) for _, v in rows])
            rest = [
                int(i)
                for (i,) in conn.execute(
                    sa.text("SELECT id FROM claim WHERE id >= :last ORDER BY id"), {"last": last}
                )
            ]
        rng = np.random.default_rng(15)
        for s in range(0, len(rest), 50_000):
            ids = rest[s : s + 50_000]
            picks = base[np.arange(s, s + len(ids)) % len(base)]
            noisy = picks + rng.normal(0.0, args.noise, picks.shape).astype(np.float32)
            noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
            with store.engine.begin() as conn:
                embed.store_vectors(conn, ids, noisy)
        out["synthetic_vectors"] = step("synthetic vectors", len(rest), start, cpu)

        # 4. the graph beside the file
        start, cpu = time.perf_counter(), cpu_seconds()
        store._update_vector_cache()  # noqa: SLF001  (what an import or db embed does last)
        out["graph"] = step("graph (built and written)", len(rest) + encoded, start, cpu)
        out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["size"] = sizes(work)
    return out


def step(label: str, n: int, start: float, cpu: float) -> dict[str, float]:
    seconds = time.perf_counter() - start
    row = {
        "n": n,
        "seconds": seconds,
        "per_s": n / seconds,
        "cpu_s": cpu_seconds() - cpu,
        "load": os.getloadavg()[0],
    }
    print(
        f"{label}: {n:,} in {seconds:.1f} s ({row['per_s']:,.0f}/s, {row['cpu_s']:.1f} CPU-s, load {row['load']:.1f})",
        flush=True,
    )
    return row


def sizes(work: Path) -> dict[str, float]:
    import sqlite3

    db = work / "claims.db"
    n = sqlite3.connect(db).execute("SELECT count(*) FROM claim").fetchone()[0]
    sqlite = sum(p.stat().st_size for p in work.glob("claims.db") if p.exists())
    wal = sum(p.stat().st_size for p in work.glob("claims.db-wal"))
    graph = sum(p.stat().st_size for p in work.glob("claims.db.vectors*"))
    out = {"claims": n, "sqlite_bytes": sqlite, "wal_bytes": wal, "graph_bytes": graph}
    out["bytes_per_claim"] = (sqlite + wal + graph) / n
    out["sqlite_per_claim"] = (sqlite + wal) / n
    out["graph_per_claim"] = graph / n
    return out


def measure(args: argparse.Namespace) -> dict[str, object]:
    from claims import encoder
    from claims.match.retrieve import candidates
    from claims.registry import Registry
    from claims.store.db import Store

    url = f"sqlite:///{args.dir / 'claims.db'}"
    out: dict[str, object] = {"size": sizes(args.dir)}
    queries = [s.text for s in real_sentences(args.shared / "data") if held_out(s)]
    random.Random(15).shuffle(queries)
    queries = queries[: args.queries]
    registry = Registry.load()
    encoder.encode(["warm"])
    with Store.open(url, read_only=True) as store:
        start = time.perf_counter()
        first = candidates(store, [queries[0]], registry=registry)
        out["first_query_s"] = time.perf_counter() - start
        assert first[0], "no candidates"
        fused, encoding, cpu, words, near = [], [], [], [], []
        for q in queries[1:]:
            start = time.perf_counter()
            vector = encoder.encode([q])
            encoded = time.perf_counter()
            thread = time.thread_time()
            candidates(store, [q], registry=registry, vectors=vector)
            cpu.append((time.thread_time() - thread) * 1000)
            done = time.perf_counter()
            fused.append((done - encoded) * 1000)
            encoding.append((encoded - start) * 1000)
            # the two searches alone (the word index's, the graph's), then re-ranking and fusion take the rest
            start = time.perf_counter()
            store.search_many([q], limit=50)
            words.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            store.search_vectors(vector, limit=20)
            near.append((time.perf_counter() - start) * 1000)
        out["graph_recall_at_10"] = graph_recall(store, encoder.encode(queries))
    total = [a + b for a, b in zip(fused, encoding, strict=True)]
    out["retrieval_ms"] = {
        "queries": len(fused),
        "fused_p50": percentile(fused, 0.5),
        "fused_p95": percentile(fused, 0.95),
        "with_encoding_p50": percentile(total, 0.5),
        "with_encoding_p95": percentile(total, 0.95),
        "encoding_p50": percentile(encoding, 0.5),
        "fused_cpu_p50": percentile(cpu, 0.5),
        "word_search_p50": percentile(words, 0.5),
        "vector_search_p50": percentile(near, 0.5),
        "load": os.getloadavg()[0],
    }
    print(json.dumps(out["retrieval_ms"]), flush=True)
    out["check"] = check_runs(url, args)
    print(json.dumps(out["check"]), flush=True)
    done = subprocess.run([sys.executable, "-c", _MEMORY, url, str(ARTICLE)], check=True, capture_output=True)
    out["check_memory_mb"] = json.loads(done.stdout)
    print(json.dumps(out["check_memory_mb"]), flush=True)
    return out


def graph_recall(store, queries) -> float:  # type: ignore[no-untyped-def]
    """Recall@10 of the store's vector search (the graph and what is searched beside it) against the exact
    top 10 over every stored vector."""
    import numpy as np
    import sqlalchemy as sa

    best = np.full((len(queries), 10), -2.0, dtype=np.float32)
    best_ids = np.zeros((len(queries), 10), dtype=np.int64)
    with store.engine.connect() as conn:
        after = 0
        while rows := conn.execute(
            sa.text(
                "SELECT seq, claim_id, vector FROM claim_vector WHERE seq > :a ORDER BY seq LIMIT 100000"
            ),
            {"a": after},
        ).all():
            after = rows[-1][0]
            ids = np.array([r[1] for r in rows], dtype=np.int64)
            matrix = np.frombuffer(b"".join(bytes(r[2]) for r in rows), dtype="<f2").reshape(len(rows), -1)
            scores = queries @ matrix.astype(np.float32).T
            both = np.concatenate([best, scores], axis=1)
            both_ids = np.concatenate([best_ids, np.broadcast_to(ids, scores.shape)], axis=1)
            top = np.argsort(-both, axis=1)[:, :10]
            best = np.take_along_axis(both, top, axis=1)
            best_ids = np.take_along_axis(both_ids, top, axis=1)
        store._vectors.refresh(conn)  # noqa: SLF001
    found = [{i for i, _ in store._vectors.nearest(q, 10)} for q in queries]  # noqa: SLF001
    return float(np.mean([len(f & set(e)) / 10 for f, e in zip(found, best_ids, strict=True)]))


def check_runs(url: str, args: argparse.Namespace) -> dict[str, float]:
    claims = shutil.which("claims", path=str(Path(sys.executable).parent)) or "claims"
    empty = args.dir / "empty.db"
    empty.unlink(missing_ok=True)
    subprocess.run([claims, "db", "init", "--db", f"sqlite:///{empty}"], check=True, capture_output=True)
    times: dict[str, list[float]] = {"empty": [], "full": []}
    rss: dict[str, float] = {"empty": 0.0, "full": 0.0}
    for _ in range(args.runs):
        for label, target in (("empty", f"sqlite:///{empty}"), ("full", url)):
            start = time.perf_counter()
            # through a small parent of its own, which prints the peak RSS of its one child
            done = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _MEASURED,
                    claims,
                    "check",
                    str(ARTICLE),
                    "--db",
                    target,
                    "--format",
                    "json",
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            times[label].append(time.perf_counter() - start)
            rss[label] = max(rss[label], float(done.stderr.strip().splitlines()[-1]))
    out = {f"{label}_s": statistics.median(v) for label, v in times.items()}
    out["ratio"] = out["full_s"] / out["empty_s"]
    out.update({f"{label}_peak_rss_mb": v for label, v in rss.items()})
    out["load"] = os.getloadavg()[0]
    return out


# Runs a command and prints its peak RSS (MB) on stderr, last line.
_MEASURED = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, file=sys.stderr)\n"
)


# The founding article checked in one process against the database given; prints the process's memory after
# it: peak RSS, and the resident memory of its own (anonymous) and of mapped files (the graph's pages that
# searches touched: page cache, shared, given back under memory pressure).
_MEMORY = """
import json, sys
from pathlib import Path
from claims.checker import check_text
from claims.match.matcher import StoreMatcher
from claims.registry import Registry
from claims.store.db import Store
from claims.text.read import read_input
registry = Registry.load()
with Store.open(sys.argv[1], read_only=True) as store:
    check_text(read_input(Path(sys.argv[2])), registry, StoreMatcher(store, registry))
    status = dict(line.split(":", 1) for line in open("/proc/self/status"))
print(json.dumps({k: int(status[k].split()[0]) / 1024 for k in ("VmHWM", "RssAnon", "RssFile")}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["build", "measure"])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--encoded", type=int, default=20_000)
    parser.add_argument("--noise", type=float, default=0.02)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/claims-1m"))
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    if not (args.shared / "data").is_dir():
        print(f"{args.shared}/data is not present: nothing to measure")
        return
    result = build(args) if args.what == "build" else measure(args)
    result["command"] = " ".join(["python", "bench/vector_million.py", *sys.argv[1:]])
    path = args.dir / f"result-{args.what}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
