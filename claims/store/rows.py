"""A claim record checked and turned into the row the ``claim`` table stores (:class:`ClaimRow`)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from claims.errors import InputError
from claims.isodate import parse_date
from claims.store import index as fts
from claims.store.validate import check_record
from claims.text.normalize import normalize, script_of
from claims.types import ClaimRecord

_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")


class ClaimRow(NamedTuple):
    """The values a new claim is inserted with, in the order of :data:`INSERT_COLUMNS`: a tuple, so that
    drivers take it as it is (SQLite ``executemany``, PostgreSQL ``COPY``)."""

    text: str
    norm_text: str
    index_text: str  # the words of the search index (:func:`claims.store.index.index_text`)
    language: str
    source_id: str
    publisher_id: str | None
    via: str  # source ids separated by spaces
    document_id: int | None
    published: str | None
    url: str | None
    rating: str | None
    hedged: bool
    demo: bool
    external_id: str | None
    dedupe_key: int
    created_at: Any  # as the driver takes it

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt by one C call, not the generated Python ``__new__``: every row of a long import crosses
        # from a worker process to the writer, and the writer's time is the import's.
        return (tuple.__new__, (ClaimRow, tuple(self)))


INSERT_COLUMNS: tuple[str, ...] = ClaimRow._fields


def dedupe_key(norm_text: str, source: str, published: str | None) -> int:
    """Two records with the same key are the same claim: same normalised text, source and date.

    A signed 64-bit hash: a small, fast unique index; two different claims collide with a probability
    of about 3e-8 in a store of a million claims."""
    key = f"{norm_text}\x1f{source}\x1f{published or ''}".encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big", signed=True)


def check_date(value: str | None, what: str, *, error: type[Exception] = InputError) -> str | None:
    """``value`` if it is a YYYY-MM-DD date, None if empty; else ``error`` naming ``what``."""
    if value is None or value == "":
        return None
    return parse_date(value, what, error=error)


def claim_row(record: ClaimRecord, n: int, stamp: Any, document_id: int | None) -> ClaimRow:
    """The row of one record (the ``n``-th of an import); a bad record raises :class:`InputError`."""
    where = record.origin or f"record {n}"
    check_record(record, where)
    text = record.text.strip()
    source = record.source
    if not source or not isinstance(source, str):
        raise InputError(f"{where}: no source id")
    published = record.published
    if published is not None:
        published = check_date(published, where)
    language = record.language
    if not language:
        language = script_of(text) or "und"
    elif not _LANGUAGE.fullmatch(language):
        language = language.strip().lower()
        if not _LANGUAGE.fullmatch(language):
            raise InputError(f"{where}: {record.language!r} is not a language code (ar, en, ...)")
    norm = normalize(text)
    return ClaimRow(
        text,
        norm,
        fts.index_text(norm),
        language,
        source,
        record.publisher or None,
        " ".join(record.via),
        document_id,
        published,
        record.url or None,
        record.rating or None,
        bool(record.hedged),
        bool(record.demo),
        record.external_id or None,
        dedupe_key(norm, source, published),
        stamp,
    )


def source_uses(rows: list[ClaimRow], offset: int, origins: Sequence[str | None] = ()) -> dict[str, str]:
    """Each source id used by rows (the ``offset + 1``-th record on), with where it is first used (for
    error messages)."""

    def where(n: int) -> str:
        return (origins[n - 1] if n <= len(origins) else None) or f"record {n}"

    uses: dict[str, str] = {}
    for n, row in enumerate(rows, start=offset + 1):
        if row.source_id not in uses:
            uses[row.source_id] = f"{where(n)}: source"
        if row.publisher_id and row.publisher_id not in uses:
            uses[row.publisher_id] = f"{where(n)}: publisher"
        if row.via:
            for sid in row.via.split():
                if sid not in uses:
                    uses[sid] = f"{where(n)}: via"
    return uses
