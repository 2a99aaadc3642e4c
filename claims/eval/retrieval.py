"""Measure claim retrieval (``claims eval retrieval``): does the store find the claims that match?

Inputs follow the evaluation contract (CONTRACT.md, "Evaluation formats"):

* corpus, JSONL: ``{"id", "text", "title"?, "language"?}`` — the claims to store (a title, when given, is
  stored after the text: fact-check titles often name the claim better than its text);
* queries, JSONL: ``{"id", "text", "language"?}``;
* qrels, TREC: ``qid 0 docid rel`` per line (whitespace-separated; rel > 0 is relevant).

The corpus is imported into a fresh store (SQLite in a temporary directory unless ``store_url`` names
another, empty, database) with the sentence vectors of its documents, then
:func:`claims.match.retrieve.candidates` runs for one query at a time (its vector encoded in the timed
part), so the latency figures are those of one claim checked on its own. Documents of several languages
may be mixed: a query finds documents in any language, as ``claims check`` does.

Metrics, over the queries that have at least one relevant document (``R`` of them each):

* ``MAP@k`` — mean over queries of AP@k = (sum of precision@i at each rank i <= k holding a relevant
  document) / R; as in the CheckThat! scorers (and trec_eval's ``map`` cut at depth k).
* ``MRR`` — mean reciprocal rank of the first relevant document in the top ``depth`` (0 if none).
* ``Recall@10`` — share of the relevant documents found in the top 10.
* latency — wall time of each query's retrieval: p50 and p95, in milliseconds.

Corpus records whose text (and title) repeat an earlier record's are stored once (the store's
de-duplication, counted in ``corpus_duplicates``); when that claim is retrieved, each of their ids is
listed, one rank after the other, as a store holding every copy would rank them (same text, same score).
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from claims.errors import InputError, UsageError
from claims.store.files import json_lines
from claims.types import UNREGISTERED, ClaimRecord

CUTOFFS = (1, 3, 5)
TAG = "claims"


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Records of a corpus or queries file; each needs an ``id`` and a ``text``."""
    out = []
    for where, record in json_lines(path, whole=True):
        if not isinstance(record, dict) or "id" not in record or not isinstance(record.get("text"), str):
            raise InputError(f"{where}: expected an object with an id and a text")
        out.append(record)
    return out


def load_qrels(path: str | Path) -> dict[str, dict[str, int]]:
    """TREC qrels: ``{qid: {docid: relevance}}``."""
    qrels: dict[str, dict[str, int]] = {}
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for n, line in enumerate(handle, start=1):
                parts = line.split()
                if not parts:
                    continue
                if len(parts) != 4:
                    raise InputError(f"{path}:{n}: expected 'qid 0 docid relevance'")
                try:
                    relevance = int(parts[3])
                except ValueError:
                    raise InputError(f"{path}:{n}: relevance {parts[3]!r} is not an integer") from None
                qrels.setdefault(parts[0], {})[parts[2]] = relevance
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    return qrels


def evaluate_retrieval(
    corpus: Iterable[Mapping[str, Any]],
    queries: Iterable[Mapping[str, Any]],
    qrels: Mapping[str, Mapping[str, int]],
    *,
    store_url: str | None = None,
    depth: int = 10,
    language: str | None = None,
    vectors: bool = True,
) -> dict[str, Any]:
    """Index ``corpus``, retrieve for each query, score against ``qrels``.

    Returns ``{"queries", "scored_queries", "corpus", "corpus_duplicates", "index_seconds", "metrics":
    {"MAP@1", "MAP@3", "MAP@5", "MRR", "Recall@10"}, "latency_ms": {"p50", "p95", "mean"}, "run": [(qid,
    docid, rank, score), ...]}``. ``language`` restricts every search to documents in that language
    (default: none; a query's own ``language`` field says what it is written in, not where to search).
    ``vectors``: false imports the corpus without vectors (words only, as before vectors).
    """
    from claims.match.retrieve import candidates
    from claims.store.db import Store, dedupe_key
    from claims.text.normalize import normalize

    docs = list(corpus)
    query_list = list(queries)
    records = list(_corpus_records(docs))
    copies: dict[str, list[str]] = {}  # the id stored -> every corpus id with the same text
    first_of: dict[int, str] = {}
    for r in records:
        key = dedupe_key(normalize(r.text), r.source, r.published)
        docid = str(r.external_id)
        copies.setdefault(first_of.setdefault(key, docid), []).append(docid)
    with tempfile.TemporaryDirectory(prefix="claims-eval-") as tmp:
        store = Store.open(store_url or f"sqlite:///{Path(tmp) / 'retrieval.db'}")
        try:
            if store_url and store.stats()["claims"]:
                raise UsageError(f"{store.url} already holds claims; evaluate retrieval in an empty database")
            started = time.perf_counter()
            result = store.add_claims(records, create_sources=False, vectors=vectors)
            index_seconds = time.perf_counter() - started
            run: list[tuple[str, str, int, float]] = []
            latencies: list[float] = []
            for q in query_list:
                qid = str(q["id"])
                started = time.perf_counter()
                hits = candidates(store, [q["text"]], language, limit=depth)[0]
                latencies.append((time.perf_counter() - started) * 1000.0)
                ids = store.external_ids([c.id for c in hits])
                rank = 0
                for c in hits:
                    for docid in copies.get(ids.get(c.id, ""), ()):
                        rank += 1
                        run.append((qid, docid, rank, c.score))
        finally:
            store.close()
    metrics, scored = score_run(run, qrels, [str(q["id"]) for q in query_list], depth=depth)
    return {
        "queries": len(query_list),
        "scored_queries": scored,
        "corpus": len(docs),
        "corpus_duplicates": result.skipped,
        "index_seconds": round(index_seconds, 3),
        "metrics": metrics,
        "latency_ms": _latency(latencies),
        "run": run,
    }


def score_run(
    run: Iterable[tuple[str, str, int, float]],
    qrels: Mapping[str, Mapping[str, int]],
    query_ids: Iterable[str],
    *,
    depth: int = 10,
) -> tuple[dict[str, float], int]:
    """MAP@1/3/5, MRR and Recall@10 of a run over the given queries; and how many queries were scored."""
    ranked: dict[str, list[str]] = {}
    for qid, docid, _rank, _score in sorted(run, key=lambda r: (r[0], r[2])):
        ranked.setdefault(qid, []).append(docid)
    totals = {f"MAP@{k}": 0.0 for k in CUTOFFS} | {"MRR": 0.0, "Recall@10": 0.0}
    scored = 0
    for qid in dict.fromkeys(query_ids):
        relevant = {d for d, rel in qrels.get(qid, {}).items() if rel > 0}
        if not relevant:
            continue
        scored += 1
        docs = ranked.get(qid, [])[:depth]
        for k in CUTOFFS:
            totals[f"MAP@{k}"] += average_precision(docs[:k], relevant)
        first = next((i for i, d in enumerate(docs, start=1) if d in relevant), None)
        totals["MRR"] += 1.0 / first if first else 0.0
        totals["Recall@10"] += len(relevant & set(docs[:10])) / len(relevant)
    metrics = {name: round(value / scored, 4) if scored else 0.0 for name, value in totals.items()}
    return metrics, scored


def average_precision(ranked: list[str], relevant: set[str]) -> float:
    """Sum of precision@i at the ranks holding a relevant document, over the number of relevant ones."""
    hits = 0
    total = 0.0
    for i, docid in enumerate(ranked, start=1):
        if docid in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant) if relevant else 0.0


def write_run(run: Iterable[tuple[str, str, int, float]], path: str | Path, tag: str = TAG) -> None:
    """The run in TREC format: ``qid Q0 docid rank score tag``."""
    with open(path, "w", encoding="utf-8") as handle:
        for qid, docid, rank, score in run:
            handle.write(f"{qid} Q0 {docid} {rank} {score} {tag}\n")


def format_retrieval_table(result: Mapping[str, Any]) -> str:
    """The figures as a plain-text table."""
    m = result["metrics"]
    lat = result["latency_ms"]
    lines = [
        f"queries: {result['scored_queries']} scored of {result['queries']}   "
        f"corpus: {result['corpus']} claims ({result['corpus_duplicates']} duplicates), "
        f"indexed in {result['index_seconds']:.1f} s",
        "",
        f"{'metric':<12}{'value':>8}",
    ]
    for name in (*(f"MAP@{k}" for k in CUTOFFS), "MRR", "Recall@10"):
        lines.append(f"{name:<12}{m[name]:>8.4f}")
    lines.append("")
    lines.append(
        f"latency per query: p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms, mean {lat['mean']:.1f} ms"
    )
    return "\n".join(lines)


def _corpus_records(docs: Iterable[Mapping[str, Any]]) -> Iterable[ClaimRecord]:
    for doc in docs:
        text = doc["text"].strip()
        title = (doc.get("title") or "").strip()
        if title and title.casefold() not in text.casefold():
            text = f"{text} {title}" if text else title
        yield ClaimRecord(
            text=text or str(doc["id"]),
            source=UNREGISTERED,
            language=doc.get("language"),
            external_id=str(doc["id"]),
        )


def _latency(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "mean": 0.0}
    ordered = sorted(values)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))]

    return {
        "p50": round(pct(0.50), 2),
        "p95": round(pct(0.95), 2),
        "mean": round(sum(ordered) / len(ordered), 2),
    }
