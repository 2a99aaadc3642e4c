"""The PostgreSQL store beside SQLite, on the same claims: import rate, size, search latency.

    python bench/postgres.py --server postgresql+psycopg://claims@127.0.0.1:5432/postgres \\
        [--claims 100000] [--queries 200] [--shared ../shared]

The claims are real sentences: the KCNA stories (English) and the UnifiedFC articles (Arabic), split at
sentence ends, 40 to 400 characters each; when more claims are asked for than there are sentences, the
sentences come round again under later dates (another date is another claim). They are imported with
``Store.add_claims`` (what ``claims import`` does, preparation in worker processes included) into a new
database on ``--server`` (UTF-8, C.UTF-8, dropped at the end) and into a temporary SQLite file. Then
``--queries`` stored sentences, cut to their first 12 words, are searched on each (``Store.search``, top
50, as ``claims check`` asks for candidates). Prints claims/s, the database and index sizes, and the
per-search latency p50 / p95 of each backend.
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import re
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from claims.registry import Registry
from claims.store.db import Store
from claims.store.index import PG_INDEX
from claims.types import ClaimRecord

ROOT = Path(__file__).resolve().parent.parent
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")


def sentences(shared: Path) -> list[tuple[str, str]]:
    """(text, source id) of every usable sentence, English then Arabic."""
    out: list[tuple[str, str]] = []
    for item in json.loads((shared / "data/kcna/headlines_2024-11-11.json").read_text(encoding="utf-8")):
        out += [(s, "kcna") for s in _SENTENCE_END.split(item.get("story_text") or "")]
    for path in sorted(glob.glob(str(shared / "data/unifiedfc/dataset/*.json"))):
        for article in json.loads(Path(path).read_text(encoding="utf-8"))["article"]:
            out += [(s, "anonymous") for s in _SENTENCE_END.split(article)]
    unique: dict[str, str] = {}
    for text, source in out:
        if 40 <= len(text := text.strip()) <= 400:
            unique.setdefault(text, source)
    return list(unique.items())


def records(pool: list[tuple[str, str]], n: int) -> list[ClaimRecord]:
    start = date(2024, 1, 1)
    return [
        ClaimRecord(text, source, (start + timedelta(days=i // len(pool))).isoformat())
        for i, (text, source) in ((i, pool[i % len(pool)]) for i in range(n))
    ]


def measure(url: str, claims: list[ClaimRecord], queries: list[str], registry: Registry) -> dict:
    with Store.open(url) as store:
        started = time.perf_counter()
        result = store.add_claims(claims, registry)
        seconds = time.perf_counter() - started
        latencies = []
        for q in queries:
            started = time.perf_counter()
            store.search(q, limit=50)
            latencies.append((time.perf_counter() - started) * 1000)
        out = {
            "claims_per_s": round(len(claims) / seconds),
            "added": result.added,  # a few sentences are the same once normalised
            "import_s": round(seconds, 2),
            "size_mb": round(store.stats()["size_bytes"] / 1e6, 1),
            "search_p50_ms": round(statistics.median(latencies), 1),
            "search_p95_ms": round(statistics.quantiles(latencies, n=20)[-1], 1),
        }
        if store.backend == "postgresql":
            with store.engine.connect() as conn:
                index = conn.execute(sa.text(f"SELECT pg_relation_size('{PG_INDEX}')")).scalar()
            out["index_mb"] = round(index / 1e6, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="URL of a PostgreSQL database to create one from")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    if not (args.shared / "data").exists():
        print(f"{args.shared}/data not found; nothing to measure")
        return
    pool = sentences(args.shared)
    claims = records(pool, args.claims)
    queries = [" ".join(t.split()[:12]) for t, _ in random.Random(0).sample(pool, args.queries)]
    registry = Registry.load()
    admin = sa.create_engine(args.server, isolation_level="AUTOCOMMIT")
    name = f"claims_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'")
    print(f"{len(claims):,} claims from {len(pool):,} distinct sentences; {len(queries)} searches")
    try:
        pg_url = admin.url.set(database=name).render_as_string(hide_password=False)
        results = {"postgresql": measure(pg_url, claims, queries, registry)}
        with tempfile.TemporaryDirectory() as tmp:
            results["sqlite"] = measure(f"sqlite:///{tmp}/bench.db", claims, queries, registry)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()
    for backend, figures in results.items():
        print(backend, json.dumps(figures))


if __name__ == "__main__":
    main()
