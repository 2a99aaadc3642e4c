"""What one claim of a SQLite import costs, part by part, in CPU time, and what FTS5 alone can index.

    python bench/import_parts.py CLAIMS.jsonl [--limit 100000]

CLAIMS.jsonl: claim records, e.g. the 100,000 sentences that docs/benchmarks.md ("Import rate") writes with
``bench/scale.py``'s functions. Prints, per claim (CPU time in this process, one pass each):

* reading: parsing and checking the JSONL records (``claims.store.importers.read_records``);
* preparing: the row a worker process prepares (normalising, the index text, counting its words);
* FTS5 alone: the index texts put into an in-memory FTS5 table in batches of 5,000, nothing else running,
  under the settings the store could use (detail, columnsize, automerge, the tokenizer) and with one form
  per word instead of all of them: the ceiling of any import through this index on this machine.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from itertools import islice

from claims.store import bulk
from claims.store import index as fts
from claims.store.importers import read_records
from claims.text.normalize import normalize

BATCH = 5000
_TABLE = "CREATE VIRTUAL TABLE f USING fts5(index_text, tokenize='unicode61 remove_diacritics 0'{})"
VARIANTS = {
    "as the store builds it": (_TABLE.format(""), []),
    "detail=none": (_TABLE.format(", detail=none"), []),
    "detail=column": (_TABLE.format(", detail=column"), []),
    "columnsize=0": (_TABLE.format(", columnsize=0"), []),
    "automerge=0": (_TABLE.format(""), ["INSERT INTO f(f, rank) VALUES ('automerge', 0)"]),
    "pgsz=8000": (_TABLE.format(""), ["INSERT INTO f(f, rank) VALUES ('pgsz', 8000)"]),
    "ascii tokenizer": ("CREATE VIRTUAL TABLE f USING fts5(index_text, tokenize='ascii')", []),
}


def cpu(work) -> float:  # type: ignore[no-untyped-def]
    start = time.process_time()
    work()
    return time.process_time() - start


def fts5_seconds(texts: list[str], create: str, settings: list[str]) -> float:
    conn = sqlite3.connect(":memory:")
    conn.execute(create)
    for statement in settings:
        conn.execute(statement)

    def index() -> None:
        for start in range(0, len(texts), BATCH):
            batch = texts[start : start + BATCH]
            conn.executemany("INSERT INTO f(rowid, index_text) VALUES (?, ?)", enumerate(batch, start + 1))
        conn.commit()

    return cpu(index)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("claims")
    parser.add_argument("--limit", type=int, default=100_000)
    args = parser.parse_args()

    records: list = []
    reading = cpu(lambda: records.extend(islice(read_records(args.claims), args.limit)))
    n = len(records)
    bulk.prepare_chunk(records[:BATCH], 0, "x", None, True)  # warm the word-form cache, as a long import does
    batches: list = []
    preparing = cpu(
        lambda: batches.extend(
            bulk.prepare_chunk(records[i : i + BATCH], i, "x", None, True) for i in range(0, n, BATCH)
        )
    )
    texts = [row.index_text for batch in batches for row in batch.rows]
    one_form = [" ".join(forms[0] for forms in fts.analyze(normalize(r.text))) for r in records]

    print(f"{n:,} claims, {statistics.mean(len(t.split()) for t in texts):.1f} index words each")
    print(f"reading      {reading / n * 1e6:6.1f} µs a claim")
    print(f"preparing    {preparing / n * 1e6:6.1f} µs a claim")
    print("FTS5 alone, in memory:")
    for label, (create, settings) in VARIANTS.items():
        seconds = fts5_seconds(texts, create, settings)
        print(f"  {label:24} {seconds / n * 1e6:6.1f} µs a claim  ({n / seconds:9,.0f} claims/s)")
    seconds = fts5_seconds(one_form, *VARIANTS["as the store builds it"])
    words = statistics.mean(len(t.split()) for t in one_form)
    print(
        f"  {'one form per word':24} {seconds / n * 1e6:6.1f} µs a claim  ({n / seconds:9,.0f} claims/s, {words:.1f} words)"
    )


if __name__ == "__main__":
    main()
