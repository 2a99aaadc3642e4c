"""Storing claims' sentence vectors: encoding claim texts (``claims.encoder``) a batch at a time and writing
the vectors to ``claim_vector``, in the caller's transaction (so vectors are committed with the claims they
belong to), or, for ``claims db embed``, one transaction per batch for the claims that have none yet."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claims import encoder

TABLE = "claim_vector"
# Claims encoded at once: the encoder's batch (larger batches amortise streaming its weights).
BATCH = encoder.BATCH

# A claim has one vector: one of another model is replaced; one of this model is kept.
_INSERT = sa.text(
    f"INSERT INTO {TABLE} (claim_id, model, seq, vector) VALUES (:claim_id, :model, :seq, :vector) "
    "ON CONFLICT (claim_id) DO UPDATE SET model = excluded.model, seq = excluded.seq, "
    f"vector = excluded.vector WHERE {TABLE}.model <> excluded.model"
)
_MISSING = sa.text(
    f"SELECT c.id, c.text FROM claim AS c WHERE c.id > :after AND NOT EXISTS "
    f"(SELECT 1 FROM {TABLE} AS v WHERE v.claim_id = c.id AND v.model = :model) ORDER BY c.id LIMIT :n"
)


def store_vectors(conn: Connection, claim_ids: Sequence[int], vectors: Sequence[object]) -> None:
    """Write the vectors of ``claim_ids`` (unit float32 rows) in ``conn``'s transaction.

    ``seq`` continues from the largest stored: on SQLite the write transaction already holds the database's
    write lock; on PostgreSQL a table lock (held to the commit, readers unaffected) keeps two writers from
    taking the same numbers and makes the numbers' order the order of the commits, which is what lets an
    index read only ``seq`` above the last it saw."""
    if not claim_ids:
        return
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
    last = int(conn.exec_driver_sql(f"SELECT coalesce(max(seq), 0) FROM {TABLE}").scalar_one())
    conn.execute(
        _INSERT,
        [
            {"claim_id": int(i), "model": encoder.MODEL, "seq": last + n, "vector": encoder.to_bytes(v)}
            for n, (i, v) in enumerate(zip(claim_ids, vectors, strict=True), start=1)
        ],
    )


def encode_and_store(
    conn: Connection, claims: Sequence[tuple[int, str]], progress: Callable[[int], None] | None = None
) -> int:
    """Encode ``(id, text)`` pairs :data:`BATCH` at a time and store their vectors in ``conn``'s
    transaction; ``progress`` is called with the size of each batch done. Returns how many."""
    for start in range(0, len(claims), BATCH):
        chunk = claims[start : start + BATCH]
        vectors = encoder.encode([text for _, text in chunk])
        store_vectors(conn, [i for i, _ in chunk], vectors)
        if progress:
            progress(len(chunk))
    return len(claims)


def claims_without_vectors(
    conn: Connection, after: int = 0, limit: int | None = None
) -> list[tuple[int, str]]:
    """The next ``limit`` claims above id ``after`` that have no vector of the current model, by id."""
    rows = conn.execute(_MISSING, {"after": after, "model": encoder.MODEL, "n": limit or BATCH}).all()
    return [(int(i), t) for i, t in rows]


def new_claims(conn: Connection, after: int) -> list[tuple[int, str]]:
    """Claims above id ``after`` without a vector (those an import just added), by id."""
    out: list[tuple[int, str]] = []
    while chunk := claims_without_vectors(conn, out[-1][0] if out else after, 5000):
        out += chunk
    return out


def last_claim_id(conn: Connection) -> int:
    return int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM claim").scalar_one())


def missing_batches(read: Callable[[int], list[tuple[int, str]]]) -> Iterator[list[tuple[int, str]]]:
    """Batches of claims without vectors, by id, each read by ``read(after)`` once the previous is done."""
    after = 0
    while batch := read(after):
        yield batch
        after = batch[-1][0]


def counts(conn: Connection) -> dict[str, int]:
    """How many vectors each model has."""
    rows = conn.exec_driver_sql(f"SELECT model, count(*) FROM {TABLE} GROUP BY model ORDER BY 2 DESC")
    return {m: int(n) for m, n in rows}
