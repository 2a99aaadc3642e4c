"""Writing many claims: records prepared into rows a batch at a time (in forked worker processes for a long
import), then inserted by the backend's fastest way (SQLite ``executemany`` and FTS5 indexing, PostgreSQL
binary ``COPY``), claims already stored skipped."""

from __future__ import annotations

import os
import sys
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterator
from itertools import islice
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from claims.errors import DatabaseError
from claims.store import index as fts
from claims.store.models import Claim, utcnow
from claims.store.rows import INSERT_COLUMNS, ClaimRow, claim_row
from claims.types import ClaimRecord

# A long import is one whose records fill more than this many batches: then, and only then, batches are
# prepared in worker processes.
_POOL_AFTER_BATCHES = 2


class Batch(NamedTuple):
    """Rows to insert, and (SQLite) how many of them hold each index word."""

    rows: list[ClaimRow]
    terms: Counter[str] | None


def prepare_chunk(
    chunk: list[ClaimRecord], offset: int, stamp: Any, document_id: int | None, count_terms: bool = False
) -> Batch:
    """The batch of records ``offset + 1`` on."""
    rows = [claim_row(r, offset + i, stamp, document_id) for i, r in enumerate(chunk, start=1)]
    return Batch(rows, fts.count_terms(row.index_text for row in rows) if count_terms else None)


def prepared_batches(
    records: Iterator[ClaimRecord],
    batch_size: int,
    stamp: Callable[[], Any],
    document_id: int | None,
    workers: int | None,
    count_terms: bool = False,
) -> Generator[Batch, None, None]:
    """Rows for the records, ``batch_size`` at a time, in input order.

    Preparing a record costs more than storing it, so after the first batches the rest are prepared in
    ``workers`` processes while the caller writes (default: one per CPU but one, at most 4). Workers are
    forked (Linux), so they need nothing re-imported and work from any caller, scripts without a
    ``__main__`` guard included; where fork is not available, or if a worker dies, batches are prepared
    here. Workers die with this process, however it ends (:mod:`claims.workers`).
    """
    import multiprocessing

    can_fork = sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
    if workers is None:
        workers = min(4, (os.cpu_count() or 1) - 1) if can_fork else 0
    offset = 0
    n_batches = 0
    while chunk := list(islice(records, batch_size)):
        yield prepare_chunk(chunk, offset, stamp(), document_id, count_terms)
        offset += len(chunk)
        n_batches += 1
        if workers >= 1 and can_fork and n_batches >= _POOL_AFTER_BATCHES:
            break
    else:
        return
    yield from _pooled_batches(records, batch_size, stamp, document_id, workers, count_terms, offset)


_PREPARE_HERE: Any = object()  # in place of a worker's future: a batch left for this process to prepare


def _pooled_batches(
    records: Iterator[ClaimRecord],
    batch_size: int,
    stamp: Callable[[], Any],
    document_id: int | None,
    workers: int,
    count_terms: bool,
    offset: int,
) -> Generator[Batch, None, None]:
    """The rest of :func:`prepared_batches`, prepared by a pool of forked workers, ``workers + 1`` batches
    ahead of the caller."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from claims.workers import die_with_parent

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )
    pending: deque[tuple[Future[Batch], tuple[Any, ...]]] = deque()
    broken = False
    try:
        while True:
            while len(pending) < workers + 1 and (chunk := list(islice(records, batch_size))):
                job = (chunk, offset, stamp(), document_id, count_terms)
                offset += len(chunk)
                pending.append((pool.submit(prepare_chunk, *job) if not broken else _PREPARE_HERE, job))
            if not pending:
                return
            future, job = pending.popleft()
            if future is not _PREPARE_HERE:
                try:
                    yield future.result()
                    continue
                except BrokenProcessPool:
                    broken = True
            yield prepare_chunk(*job)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class ClaimWriter:
    """Inserts prepared batches, ignoring claims already stored; :meth:`finish` ends an import.

    SQLite: one ``executemany``, then the batch is indexed; the index words' claim counts
    (:meth:`Fts5Index.add_term_counts`) come with each batch, counted where it was prepared, and are added
    up here and written once per transaction (:meth:`commit_counts`), so a word shared by many batches is
    written once. PostgreSQL: ``COPY``, its GIN index follows by itself."""

    def __init__(self, engine: Engine, index: fts.SearchIndex | None) -> None:
        dialect = engine.dialect
        # SQLite: the driver's executemany over plain tuples (no per-row work in SQLAlchemy).
        self.raw = dialect.name == "sqlite"
        self.sql = (
            f"INSERT INTO claim ({', '.join(INSERT_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(INSERT_COLUMNS))}) ON CONFLICT DO NOTHING"
        )
        if not self.raw and dialect.name != "postgresql":
            raise DatabaseError(
                f"storing claims on {dialect.name} is not supported; use SQLite or PostgreSQL"
            )
        created_at = Claim.__table__.c.created_at  # type: ignore[attr-defined]
        self.created_at = created_at.type.bind_processor(dialect) if self.raw else None
        # SQLite's index, whose word counts this writer keeps (each batch is then prepared with its counts).
        self.fts = index if isinstance(index, fts.Fts5Index) else None
        self.counts_terms = self.fts is not None
        self.term_counts: Counter[str] = Counter()

    def stamp(self) -> Any:
        """The ``created_at`` value of a batch, as the driver takes it."""
        now = utcnow()
        return self.created_at(now) if self.created_at else now

    def insert(self, conn: Connection, batch: Batch) -> int:
        """Insert the batch's rows; returns how many were new."""
        if not self.raw:
            return _copy_ignoring_duplicates(conn, batch.rows)
        last = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM claim").scalar_one())
        added = max(conn.exec_driver_sql(self.sql, batch.rows).rowcount, 0)
        if added and self.fts is not None:
            self.fts.index_new(conn, last)
            assert batch.terms is not None  # prepared with counts_terms
            if added == len(batch.rows):
                self.term_counts.update(batch.terms)
            else:
                self.term_counts.update(_added_terms(conn, batch, last))
        return added

    def commit_counts(self, conn: Connection) -> None:
        """Write the term counts gathered since the last call (before the transaction commits)."""
        if self.term_counts and self.fts is not None:
            self.fts.add_term_counts(conn, self.term_counts)
        self.term_counts = Counter()

    def finish(self, conn: Connection) -> None:
        """After an import that added claims: SQLite writes the term counts; PostgreSQL moves the word
        index's pending entries into the index proper (see :data:`_FLUSH_PENDING`)."""
        self.commit_counts(conn)
        if not self.raw:
            conn.exec_driver_sql(_FLUSH_PENDING)


def _added_terms(conn: Connection, batch: Batch, last: int) -> Counter[str]:
    """The term counts of the batch's rows that were stored (ids above ``last``), when some were skipped as
    already stored: the skipped rows' words are taken off the batch's counts. Rows are told apart by their
    dedupe key (rows with one key have one normalised text, so the same words): reading the new rows'
    keys back costs far less than reading their texts."""
    stored = Counter(k for (k,) in conn.exec_driver_sql("SELECT dedupe_key FROM claim WHERE id > ?", (last,)))
    terms = Counter(batch.terms)
    for row in batch.rows:
        if stored[row.dedupe_key]:
            stored[row.dedupe_key] -= 1
            continue
        for word in set(row.index_text.split()):
            terms[word] -= 1
            if not terms[word]:  # a word of skipped rows only: no count to add
                del terms[word]
    return terms


# PostgreSQL's GIN index takes new rows into a pending list (cheap inserts) that every search reads from end
# to end, and that the inserting session merges into the index whenever it outgrows gin_pending_list_limit
# (4 MB by default): after an import, up to 4 MB of it would slow every search (at 100k claims by about 40 %)
# until an autovacuum. Merging it at the end of an import costs about 0.1 s. Only the index's owner may;
# for another role the statement does nothing and autovacuum merges the list later.
_FLUSH_PENDING = (
    "SELECT gin_clean_pending_list(c.oid) FROM pg_class AS c "
    f"WHERE c.oid = to_regclass('{fts.PG_INDEX}') AND pg_has_role(c.relowner, 'USAGE')"
)

# PostgreSQL: each batch is copied (COPY, the fastest way in) to a temporary table that the transaction
# drops at its end, then moved to ``claim`` with one INSERT ... SELECT that skips the claims already stored.
# The copy is binary: the driver writes each value in the column's own format, which the server takes
# without parsing text. A binary copy needs each column's type: they are read from the temporary table, so
# they are always those of ``claim``.
_BATCH_TABLE = "claim_batch"
_COLUMNS_SQL = ", ".join(INSERT_COLUMNS)
_BATCH_TYPES = (
    "SELECT atttypid FROM pg_attribute WHERE attrelid = CAST(:table AS regclass) AND attnum > 0 "
    "AND NOT attisdropped ORDER BY attnum"
)


def _copy_ignoring_duplicates(conn: Connection, rows: list[ClaimRow]) -> int:
    """Insert ``rows`` on PostgreSQL; returns how many were new."""
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {_BATCH_TABLE} ON COMMIT DROP AS "
        f"SELECT {_COLUMNS_SQL} FROM claim WITH NO DATA"
    )
    types = list(conn.execute(sa.text(_BATCH_TYPES), {"table": f"pg_temp.{_BATCH_TABLE}"}).scalars())
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(f"COPY {_BATCH_TABLE} ({_COLUMNS_SQL}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()
    added = conn.exec_driver_sql(
        f"INSERT INTO claim ({_COLUMNS_SQL}) SELECT {_COLUMNS_SQL} FROM {_BATCH_TABLE} ON CONFLICT DO NOTHING"
    ).rowcount
    conn.exec_driver_sql(f"TRUNCATE {_BATCH_TABLE}")
    return max(added, 0)
