"""Scale benchmark: import, size, retrieval and whole-article checks at 10k, 100k and 1M stored claims,
side by side with the naive scan (rapidfuzz ``process.extract`` over every stored claim).

    python bench/scale.py [--sizes 10k,100k,1m] [--db URL] [--queries 200] [--naive-queries 50]

The stored claims are real sentences from ``<shared>/data`` (KCNA and UnifiedFC), filled up to the larger
sizes with spliced ones; the queries are held-out and lightly edited sentences; recall@10 is tie-aware.
What each figure means and the current results: docs/benchmarks.md ("Scale"). Results go to
``artifacts/scale.json`` (``--out``); a missing shared folder prints one line and exits 0.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The founding article, read from the shared folder (it is not ours to bundle).
ARTICLE_NAME = "articles/ar-russia-dprk-treaty-2024-12-05.txt"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")
_MIN_CHARS, _MAX_CHARS = 40, 400
_HOLD_OUT = 50  # one sentence in this many is a query, never stored
_SEED = 20241205


@dataclass(frozen=True)
class Sentence:
    text: str
    language: str
    source: str
    published: str | None


def split_sentences(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        for s in _SENTENCE_END.split(line.strip()):
            s = s.strip()
            if _MIN_CHARS <= len(s) <= _MAX_CHARS:
                out.append(s)
    return out


def real_sentences(shared: Path) -> list[Sentence]:
    """Every distinct sentence of the two corpora, in a fixed order."""
    seen: dict[str, Sentence] = {}
    items = json.loads((shared / "kcna/headlines_2024-11-11.json").read_text(encoding="utf-8"))
    for item in items:
        day = (
            datetime.fromtimestamp(item["date"] / 1000, UTC).date().isoformat() if item.get("date") else None
        )
        for s in split_sentences(item.get("story_text") or ""):
            seen.setdefault(s, Sentence(s, "en", "kcna", day))
    for path in sorted(glob.glob(str(shared / "unifiedfc/dataset/*.json"))):
        for article in json.loads(Path(path).read_text(encoding="utf-8"))["article"]:
            for s in split_sentences(article):
                seen.setdefault(s, Sentence(s, "ar", "unregistered", None))
    # Interleave the languages the same way on every run: order by a hash of the text.
    return sorted(seen.values(), key=lambda s: hashlib.blake2b(s.text.encode(), digest_size=8).digest())


def held_out(sentence: Sentence) -> bool:
    return (
        hashlib.blake2b(sentence.text.encode(), digest_size=8, person=b"held-out").digest()[0] % _HOLD_OUT
        == 0
    )


def spliced(pool: list[Sentence], n: int, taken: set[str]) -> list[Sentence]:
    """``n`` new sentences, each the first half of one real sentence and the second half of another."""
    rng = random.Random(_SEED)
    by_language: dict[str, list[Sentence]] = {}
    for s in pool:
        by_language.setdefault(s.language, []).append(s)
    languages = [s.language for s in pool]
    out: list[Sentence] = []
    while len(out) < n:
        same = by_language[rng.choice(languages)]
        a, b = rng.choice(same), rng.choice(same)
        wa, wb = a.text.split(), b.text.split()
        text = " ".join(wa[: len(wa) // 2] + wb[len(wb) // 2 :])
        if text in taken or len(text) < _MIN_CHARS:
            continue
        taken.add(text)
        out.append(Sentence(text, a.language, a.source, a.published))
    return out


def edited(sentence: Sentence, rng: random.Random) -> str:
    """A light rewrite: one word dropped and two neighbouring words swapped."""
    words = sentence.text.split()
    del words[rng.randrange(len(words))]
    i = rng.randrange(len(words) - 1)
    words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def write_jsonl(path: Path, sentences: list[Sentence]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for s in sentences:
            record = {"text": s.text, "source": s.source, "language": s.language}
            if s.published:
                record["published"] = s.published
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def claims_command() -> list[str]:
    return [sys.executable, "-m", "claims"]


def timed_import(path: Path, url: str) -> tuple[float, float]:
    """Wall time and CPU time (the process and its workers) of ``claims import``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        # words only: these figures are the word index's; vectors at scale are bench/vector_scale.py's
        [*claims_command(), "import", str(path), "--no-vectors", "--db", url],
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"claims import failed: {done.stderr.strip().splitlines()[-1:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def database_size(store) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Bytes on disk: the whole database, and the full-text index's part of it where it can be told."""
    import sqlalchemy as sa

    with store.engine.connect() as conn:
        if store.backend == "sqlite":
            database = store.engine.url.database
            files = [Path(database), Path(database + "-wal")]
            total = sum(f.stat().st_size for f in files if f.exists())
            try:
                index = conn.exec_driver_sql(
                    "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'claim_fts%'"
                ).scalar()
            except sa.exc.OperationalError:  # SQLite built without dbstat
                index = None
            return {"bytes": total, "index_bytes": int(index) if index is not None else -1}
        if store.backend == "postgresql":
            total = conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
            index = conn.execute(
                sa.text(
                    "SELECT coalesce(sum(pg_relation_size(indexrelid)), 0) FROM pg_index "
                    "WHERE indrelid = 'claim'::regclass"
                )
            ).scalar()
            return {"bytes": int(total), "index_bytes": int(index)}
    return {"bytes": -1, "index_bytes": -1}


@dataclass(frozen=True)
class Query:
    text: str
    edited_from: str | None  # the stored sentence it was edited from; None for a held-out sentence


# A naive hit scoring at least this (token_set_ratio) shares most of its content words with the query.
NEAR = 80


def measure_retrieval(store, queries: list[Query], naive_n: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from rapidfuzz import fuzz, process

    from claims.match.retrieve import candidates
    from claims.registry import Registry
    from claims.store.index import match_text
    from claims.text.normalize import normalize

    registry = Registry.load()
    candidates(store, ["warm-up"], registry=registry)  # alias index, lexicons
    index = store._index  # noqa: SLF001  (the term-frequency cache, emptied before each query)

    def cold() -> None:
        if index is not None:
            index.invalidate()

    search_ms, ours_ms, ours_top = [], [], []
    for q in queries:
        cold()
        start = time.perf_counter()
        store.search(q.text, limit=50)
        search_ms.append((time.perf_counter() - start) * 1000)
        cold()
        start = time.perf_counter()
        top = candidates(store, [q.text], limit=10, registry=registry)[0]
        ours_ms.append((time.perf_counter() - start) * 1000)
        ours_top.append({c.id for c in top})

    import sqlalchemy as sa

    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, norm_text, text FROM claim ORDER BY id")).all()
    ids = [r[0] for r in rows]
    row = {cid: i for i, cid in enumerate(ids)}
    by_text = {r[2]: r[0] for r in rows}
    choices = [match_text(r[1]) for r in rows]
    del rows
    naive_ms: list[float] = []
    recall: dict[str, list[float]] = {"all": [], "held_out": [], "edited": [], "strict": []}
    near_found = near_total = 0
    source = {"ours": 0, "naive": 0, "queries": 0}
    for q, ours in zip(queries[:naive_n], ours_top, strict=False):
        query = match_text(normalize(q.text))
        start = time.perf_counter()
        naive = process.extract(query, choices, scorer=fuzz.token_set_ratio, limit=10)
        naive_ms.append((time.perf_counter() - start) * 1000)
        if not naive:
            continue
        naive_ids = {ids[i] for _, _, i in naive}
        tenth = naive[-1][1]
        # Our claims scoring at least the naive 10th score are as good an answer as the tied ones it listed.
        as_good = {c for c in ours - naive_ids if fuzz.token_set_ratio(query, choices[row[c]]) >= tenth}
        found = min(len(naive_ids), len(naive_ids & ours) + len(as_good)) / len(naive_ids)
        recall["all"].append(found)
        recall["edited" if q.edited_from else "held_out"].append(found)
        recall["strict"].append(len(naive_ids & ours) / len(naive_ids))
        near = {ids[i] for _, score, i in naive if score >= NEAR}
        near_total += len(near)
        near_found += len(near & ours)
        if q.edited_from and q.edited_from in by_text:
            source["queries"] += 1
            source["ours"] += by_text[q.edited_from] in ours
            source["naive"] += by_text[q.edited_from] in naive_ids
    mean = lambda xs: statistics.mean(xs) if xs else None  # noqa: E731
    return {
        "queries": len(queries),
        "search_ms": {"p50": percentile(search_ms, 0.5), "p95": percentile(search_ms, 0.95)},
        "retrieval_ms": {"p50": percentile(ours_ms, 0.5), "p95": percentile(ours_ms, 0.95)},
        "naive_queries": len(naive_ms),
        "naive_ms": {"p50": percentile(naive_ms, 0.5), "p95": percentile(naive_ms, 0.95)},
        "speedup": statistics.median(naive_ms) / statistics.median(ours_ms[: len(naive_ms)]),
        "recall_at_10": mean(recall["all"]),
        "recall_at_10_strict": mean(recall["strict"]),
        "recall_at_10_held_out": mean(recall["held_out"]),
        "recall_at_10_edited": mean(recall["edited"]),
        f"recall_of_naive_hits_scoring_{NEAR}_plus": near_found / near_total if near_total else None,
        f"naive_hits_scoring_{NEAR}_plus": near_total,
        "edited_source_in_top10": source,
    }


def measure_article(store, empty, runs: int, article: Path) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from claims.checker import check_text
    from claims.match.matcher import StoreMatcher
    from claims.registry import Registry
    from claims.text.read import read_input

    registry = Registry.load()
    source = read_input(article)
    out = {}
    for label, target in (("empty", empty), ("full", store)):
        check_text(source, registry, StoreMatcher(target, registry))  # pipelines and lexicons loaded once
        times = []
        for _ in range(runs):
            if target._index is not None:  # noqa: SLF001  (a fresh check starts with an empty cache)
                target._index.invalidate()  # noqa: SLF001
            start = time.perf_counter()
            report = check_text(source, registry, StoreMatcher(target, registry))
            times.append(time.perf_counter() - start)
        out[f"{label}_s"] = statistics.median(times)
        out[f"{label}_claims"] = len(report.claims)
    out["ratio"] = out["full_s"] / out["empty_s"]
    return out


def measure_command(url: str, empty_url: str, runs: int, article: Path) -> dict[str, float]:
    """``claims check`` on the founding article as an editor runs it, start-up included: a new process
    each time, against the database and against the empty one, alternating (median wall seconds)."""
    claims = shutil.which("claims", path=str(Path(sys.executable).parent)) or "claims"
    times: dict[str, list[float]] = {"empty": [], "full": []}
    for _ in range(runs):
        for label, target in (("empty", empty_url), ("full", url)):
            start = time.perf_counter()
            subprocess.run(
                [claims, "check", str(article), "--db", target, "--format", "json"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            times[label].append(time.perf_counter() - start)
    out = {f"{label}_s": statistics.median(values) for label, values in times.items()}
    out["ratio"] = out["full_s"] / out["empty_s"]
    return out


def make_queries(sentences: list, first_pool: list, n: int) -> list[Query]:
    """Half held-out sentences, half lightly edited stored ones (from the smallest size), shuffled."""
    rng = random.Random(_SEED)
    queries = [Query(s.text, None) for s in sentences if held_out(s)][: n // 2]
    queries += [Query(edited(s, rng), s.text) for s in rng.sample(first_pool, n - len(queries))]
    rng.shuffle(queries)
    return queries


def measure_step(
    url: str,
    empty_url: str,
    empty,  # the Store at empty_url, open: the article is also checked against it
    path: Path,
    size: int,
    added: int,
    real: int,
    queries: list[Query],
    args: argparse.Namespace,
    article: Path,
) -> dict[str, object]:
    """Import one step's JSONL file into ``url`` (then delete it) and measure the store at its new ``size``."""
    from claims.store.db import Store

    load = os.getloadavg()[0]
    seconds, cpu = timed_import(path, url)
    path.unlink()
    with Store.open(url) as store:
        return {
            "claims": size,
            "real": min(size, real),
            "spliced": max(0, size - real),
            "backend": store.backend,
            "import": {
                "added": added,
                "seconds": seconds,
                "per_s": added / seconds,
                "cpu_seconds": cpu,
                "load_before": load,
            },
            "size": database_size(store),
            "retrieval": measure_retrieval(store, queries, args.naive_queries),
            "article": measure_article(store, empty, args.article_runs, article),
            "command": measure_command(url, empty_url, args.article_runs, article),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1m", help="comma-separated, from 10k, 100k, 1m")
    parser.add_argument("--db", help="an empty database URL (default: a new SQLite file in a temp folder)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--naive-queries", type=int, default=50)
    parser.add_argument("--article-runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "scale.json")
    args = parser.parse_args()
    try:
        sizes = sorted(SIZES[s.strip().lower()] for s in args.sizes.split(","))
    except KeyError as exc:
        raise SystemExit(f"--sizes: unknown size {exc.args[0]!r}; use {', '.join(SIZES)}") from None
    if not (args.shared / "data").exists():
        print(f"{args.shared}/data not found; nothing to measure")
        return
    sys.path.insert(0, str(ROOT))
    from claims.errors import ClaimsError
    from claims.store.db import Store

    sentences = real_sentences(args.shared / "data")
    article = args.shared / "data" / ARTICLE_NAME
    pool = [s for s in sentences if not held_out(s)]
    queries = make_queries(sentences, pool[: sizes[0]], args.queries)
    extra = max(0, sizes[-1] - len(pool))
    stored = pool[: sizes[-1]] + spliced(pool, extra, {s.text for s in sentences})

    work = Path(tempfile.mkdtemp(prefix="claims-scale-"))
    try:
        url = args.db or f"sqlite:///{work / 'scale.db'}"
        empty_url = f"sqlite:///{work / 'empty.db'}"
        with Store.open(url) as store:
            if store.stats()["claims"]:
                raise SystemExit(f"{store.url} is not empty; give an empty database")
        result: dict[str, object] = {
            "date": datetime.now(UTC).date().isoformat(),
            "command": " ".join(["python", "bench/scale.py", *sys.argv[1:]]),
            "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
            "real_sentences": len(pool),
            "held_out_sentences": len(sentences) - len(pool),
            "sizes": [],
        }
        have = 0
        with Store.open(empty_url) as empty:
            for size in sizes:
                step = stored[have:size]
                path = work / f"claims-{size}.jsonl"
                write_jsonl(path, step)
                row = measure_step(
                    url, empty_url, empty, path, size, len(step), len(pool), queries, args, article
                )
                have = size
                result["sizes"].append(row)  # type: ignore[attr-defined]
                print(json.dumps(row), flush=True)
    except ClaimsError as exc:  # a bad --db URL, an unreachable server: one line
        raise SystemExit(f"bench/scale.py: {exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
