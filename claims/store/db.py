"""The claims store: where claims, their sources and editors' decisions are kept, and searched.

::

    store = Store.open()                      # SQLite in the user data directory, created if need be
    store.add_claims(read_records("claims.jsonl"), registry)
    store.search("وقال الرئيس إن الاتفاقية دخلت حيز التنفيذ", language="ar", limit=20)

Where the database is: ``Store.open(url)``, else ``$CLAIMS_DB`` (an SQLAlchemy URL), else
``sqlite:///$CLAIMS_HOME/claims.db``, else ``claims.db`` in the user data directory (platformdirs). SQLite
runs in WAL mode (readers never wait for a writer) with foreign keys on; a writer waits for another one at
most ``$CLAIMS_BUSY_TIMEOUT_MS`` milliseconds (default 15,000), then fails with "the database is locked".
PostgreSQL (``postgresql+psycopg://``, the ``postgres`` extra) holds the same schema and answers the same
searches (see ``docs/postgresql.md``); opening refuses a database that is not UTF-8 or whose ctype locale
is ``C``, and connections give up after :data:`CONNECT_TIMEOUT_S` seconds unless the URL sets
``connect_timeout``.

The schema is managed by Alembic migrations shipped in ``claims/store/migrations``. Opening a store never
upgrades an existing database: a new or empty one gets the latest schema, one at an older revision is refused
until :meth:`Store.upgrade` (``claims db upgrade``) brings it there, inside one transaction and after copying
an SQLite file aside (``claims.db.bak-0001``), so an upgrade either completes or changes nothing, and can be
undone. ``Store.open(url, read_only=True)``, for commands that only read, creates and changes nothing: SQLite
is opened read-only (the file must exist), PostgreSQL sessions are read-only. A database holding tables that
are not a claims schema is refused untouched, whatever the mode.

This module is the only door to the database: it takes ``ClaimRecord`` values and returns ``StoredClaim``
values, and every database failure leaves it as a :class:`~claims.errors.DatabaseError` with one line to
say what happened.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from claims.config import data_dir, default_url  # noqa: F401  (re-exported)
from claims.errors import DatabaseError, InputError, UsageError
from claims.store import index as fts
from claims.store.models import Claim, Decision, Document, Source, utcnow
from claims.store.validate import check_record
from claims.text.normalize import normalize, script_of
from claims.types import ANONYMOUS, UNATTRIBUTED, UNREGISTERED, ClaimRecord, StoredClaim

if TYPE_CHECKING:
    from claims.registry import Registry

# The latest migration in claims/store/migrations/versions (a test checks that Alembic agrees). Knowing it
# here lets an up-to-date store open without loading Alembic.
SCHEMA_HEAD = "0004"
MIGRATIONS = Path(__file__).resolve().with_name("migrations")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")
_HASH = re.compile(r"[0-9a-f]{32}")
# Sources every store knows, whatever the registry holds.
_SPECIAL_SOURCES = {
    UNATTRIBUTED: ("Unattributed (the author's own voice)", UNATTRIBUTED),
    ANONYMOUS: ("Anonymous or unnamed source", ANONYMOUS),
    UNREGISTERED: ("Named source not in the registry", UNREGISTERED),
}
# A search that filters by language or date reads more index hits than it returns, up to this many.
_MAX_FETCH = 20_000
# How long an SQLite writer waits for another one to finish (``$CLAIMS_BUSY_TIMEOUT_MS`` overrides it).
BUSY_TIMEOUT_MS = 15_000
# How long opening a PostgreSQL connection may take (a ``connect_timeout`` in the URL overrides it):
# a server that accepts the connection and never answers would otherwise hang the command.
CONNECT_TIMEOUT_S = 10

_CLAIM = Claim.__table__  # type: ignore[attr-defined]
_SOURCE = Source.__table__  # type: ignore[attr-defined]
_DOCUMENT = Document.__table__  # type: ignore[attr-defined]
_DECISION = Decision.__table__  # type: ignore[attr-defined]
_INSERT_COLUMNS = (
    "text",
    "norm_text",
    "index_text",
    "language",
    "source_id",
    "publisher_id",
    "via",
    "document_id",
    "published",
    "url",
    "rating",
    "hedged",
    "demo",
    "external_id",
    "dedupe_key",
    "created_at",
)
_CLAIM_COLUMNS = (
    _CLAIM.c.id,
    _CLAIM.c.text,
    _CLAIM.c.language,
    _CLAIM.c.source_id,
    _CLAIM.c.published,
    _CLAIM.c.url,
    _CLAIM.c.publisher_id,
    _CLAIM.c.via,
    _CLAIM.c.rating,
    _CLAIM.c.hedged,
)


class SchemaChange(NamedTuple):
    before: str | None  # the revision before (None: an empty database)
    after: str
    backup: Path | None  # where the SQLite file was copied first


class ImportResult(NamedTuple):
    added: int
    skipped: int  # already stored (same external id, or same text + source + date)
    created_sources: tuple[str, ...]  # ids created because of ``create_sources=True``


@dataclass(frozen=True)
class EditorDecision:
    id: int
    text_hash: str
    verdict: str
    note: str
    editor: str | None
    claim_id: int | None
    created_at: str  # ISO 8601, UTC


def text_hash(text: str) -> str:
    """The key of a claim text for editors' decisions: a hash of its normalised form."""
    return hashlib.blake2b(normalize(text).encode("utf-8"), digest_size=16).hexdigest()


def dedupe_key(norm_text: str, source: str, published: str | None) -> int:
    """Two records with the same key are the same claim: same normalised text, source and date.

    A signed 64-bit hash: a small, fast unique index; two different claims collide with a probability
    of about 3e-8 in a store of a million claims."""
    key = f"{norm_text}\x1f{source}\x1f{published or ''}".encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big", signed=True)


class Store:
    """A claims database. Open it with :meth:`Store.open`; close it (or use ``with``) when done."""

    def __init__(self, engine: Engine, url: URL, *, read_only: bool = False) -> None:
        self.engine = engine
        self._url = url
        self.read_only = read_only
        self._index: fts.SearchIndex | None = (
            _INDEXES[engine.dialect.name]() if engine.dialect.name in _INDEXES else None
        )

    # -- opening, schema --------------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True, read_only: bool = False) -> Store:
        """Open the store at ``url`` (default: :func:`default_url`).

        ``read_only``: nothing is created or changed; the database must exist and hold the claims schema at
        the latest revision. Otherwise a new or empty database gets the latest schema (unless ``migrate`` is
        false), and a claims database at an older revision is refused (see :meth:`upgrade`) unless
        ``migrate`` is false. A database that is not a claims database, or one from a newer claims, is
        refused either way. Every refusal is a :class:`DatabaseError` and leaves the database untouched.
        """
        raw = url or default_url()
        try:
            parsed = make_url(raw)
        except ArgumentError:
            raise DatabaseError(
                f"{raw!r} is not a database URL (e.g. sqlite:///path/claims.db, postgresql+psycopg://host/db)"
            ) from None
        path = _sqlite_file(parsed)
        shown = parsed.render_as_string(hide_password=True)
        if path is not None and path.is_dir():
            raise DatabaseError(f"{shown}: is a directory, not a database file")
        if read_only and path is not None and not path.exists():
            raise DatabaseError(
                f"{shown}: no such database file (create one with 'claims db init' or 'claims import FILE')"
            )
        store = cls(_create_engine(parsed, read_only=read_only), parsed, read_only=read_only)
        try:
            if store.backend == "postgresql":
                store._check_postgresql()
            revision = store._schema_revision()
            if revision is None and read_only:
                raise DatabaseError(
                    f"{store.url}: an empty database, with no claims in it yet (create the schema with "
                    "'claims db init', or import claims with 'claims import FILE')"
                )
            if revision is not None and revision != SCHEMA_HEAD and (migrate or read_only):
                raise DatabaseError(
                    f"{store.url}: the schema is at revision {revision}, this version of claims needs "
                    f"{SCHEMA_HEAD}; run 'claims db upgrade' (it backs an SQLite file up first)"
                )
            if not read_only and store.backend == "sqlite":
                store._journal_to_wal()
            if revision is None and migrate:
                store.upgrade()
        except BaseException:
            store.close()
            raise
        return store

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self._url.render_as_string(hide_password=True)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def revision(self) -> str | None:
        """The schema revision the database is at (None: empty database)."""
        with self._errors(), self.engine.connect() as conn:
            return _current_revision(conn)

    def upgrade(self, *, backup: bool = True) -> SchemaChange:
        """Bring the schema to the latest revision in one transaction (a new database: create it).

        An SQLite file that had a schema is first copied aside with :meth:`backup` (unless ``backup`` is
        false); :meth:`downgrade` or that copy undoes the upgrade."""
        return self._migrate(SCHEMA_HEAD, backup=backup)

    def downgrade(self, revision: str, *, backup: bool = True) -> SchemaChange:
        """Take the schema back to an older ``revision`` (for the claims version that wrote it), in one
        transaction, after copying an SQLite file aside. Data of what the later revisions added (SQLite:
        the search's word counts, PostgreSQL: the word-key index) goes; claims, sources, documents and
        decisions stay."""
        if revision not in _known_revisions():
            raise UsageError(
                f"{revision!r} is not a schema revision of claims (one of: {', '.join(_known_revisions())})"
            )
        return self._migrate(revision, backup=backup, down=True)

    def backup(self, revision: str | None = None) -> Path | None:
        """Copy an SQLite database file aside, consistently even while others write to it:
        ``<file>.bak-<revision>`` (``-2``, ``-3``, ... if taken), or None for a database that is not an SQLite
        file (PostgreSQL: use pg_dump)."""
        path = _sqlite_file(self._url)
        if path is None:
            return None
        revision = revision or (self.revision() or "empty")
        target = path.with_name(f"{path.name}.bak-{revision}")
        n = 2
        while target.exists():
            target = path.with_name(f"{path.name}.bak-{revision}-{n}")
            n += 1
        partial = target.with_name(target.name + ".part")
        import sqlite3

        try:
            source = sqlite3.connect(f"{_file_uri(path)}?mode=ro", uri=True)
            try:
                copy = sqlite3.connect(partial)
                try:
                    source.backup(copy)
                finally:
                    copy.close()
            finally:
                source.close()
            os.replace(partial, target)
        except (sqlite3.Error, OSError) as exc:
            partial.unlink(missing_ok=True)
            raise DatabaseError(f"{self.url}: cannot back the database up to {target}: {exc}") from None
        return target

    def _migrate(self, target: str, *, backup: bool, down: bool = False) -> SchemaChange:
        if self.read_only:
            raise UsageError(
                "this store was opened read-only; open it without read_only to change its schema"
            )
        with self._errors():
            with self.engine.connect() as conn:
                before = _current_revision(conn)
            if before == target:
                return SchemaChange(before, target, None)
            from alembic import command
            from alembic.util import CommandError

            copy = None
            try:
                # The write lock first (BEGIN IMMEDIATE): the copy is then exactly the database the
                # migration starts from.
                with self._write() as conn:
                    if backup and before is not None:
                        copy = self.backup(before)
                    try:
                        if down:
                            command.downgrade(_alembic_config(conn), target)
                        else:
                            command.upgrade(_alembic_config(conn), "head")
                    except CommandError as exc:
                        if down:
                            raise UsageError(f"cannot downgrade {self.url} to {target}: {exc}") from None
                        raise DatabaseError(_unknown_revision(self.url, before, f" ({exc})")) from None
                    after = _current_revision(conn)
            except BaseException:
                if copy is not None:  # nothing changed: the copy is not needed
                    copy.unlink(missing_ok=True)
                raise
        if self._index:
            self._index.invalidate()
        return SchemaChange(before, after or target, copy)

    # -- writing ----------------------------------------------------------------------------------------

    def add_claims(
        self,
        records: Iterable[ClaimRecord],
        registry: Registry | None = None,
        *,
        create_sources: bool = False,
        batch_size: int = 5000,
        progress: Callable[[int], None] | None = None,
        document_id: int | None = None,
        atomic: bool = True,
        workers: int | None = None,
    ) -> ImportResult:
        """Store claim records; records already stored are skipped.

        Records are inserted ``batch_size`` at a time. With ``atomic`` (the default) the whole import is
        one transaction: a bad record (unreadable line, unknown source, bad date) raises and nothing is
        stored. With ``atomic=False`` each batch commits on its own, so an interrupted import keeps the
        batches before the failure (importing the file again skips them).

        Source ids (``source``, ``publisher``, ``via``) must be registry ids or sources already in the
        store; unknown ids raise :class:`InputError`, unless ``create_sources`` creates them. ``progress``
        is called with the number of records stored or skipped after each batch. ``document_id`` ties
        every record to a stored document (see :meth:`add_document`). Errors name a record by where it was
        read (``claims.jsonl:17``, see :func:`claims.store.importers.located`), else by its number.

        Preparing a record (normalising it, analysing it for the index) costs more than storing it, so a
        long import prepares batches in ``workers`` processes while this one writes (default: one per CPU
        but one, at most 4; ``workers=0`` prepares everything here). Imports of a few batches never start
        processes.
        """
        if batch_size < 1:
            raise UsageError("batch_size must be at least 1")
        sources = _Sources(registry, create_sources)
        writer = _ClaimWriter(self.engine, self._index)
        origins: list[str | None] = []  # where each record was read, for error messages

        def tracked(items: Iterable[ClaimRecord]) -> Iterator[ClaimRecord]:
            for record in items:
                origins.append(record.origin)
                yield record

        batches = _prepared_batches(
            tracked(records), batch_size, writer.stamp, document_id, workers, writer.counts_terms
        )
        seen = added = 0

        def write_batch(conn: Connection, batch: _Batch) -> None:
            nonlocal seen, added
            sources.ensure(conn, _source_uses(batch.rows, seen, origins))
            added += writer.insert(conn, batch)
            seen += len(batch.rows)
            if progress:
                progress(len(batch.rows))

        try:
            with self._errors():
                if atomic:
                    with self._write() as conn:
                        for batch in batches:
                            write_batch(conn, batch)
                        if added:
                            writer.finish(conn)
                else:
                    for batch in batches:
                        with self._write() as conn:
                            write_batch(conn, batch)
                            writer.commit_counts(conn)
                    if added:
                        with self._write() as conn:
                            writer.finish(conn)
        finally:
            batches.close()
            if self._index:
                self._index.invalidate()
        return ImportResult(added, seen - added, tuple(sources.created))

    def add_claim(
        self, record: ClaimRecord, registry: Registry | None = None, *, create_sources: bool = False
    ) -> tuple[int, bool]:
        """Store one claim. Returns (its id, whether it was added): a claim already stored keeps its id."""
        if record.origin is None:  # errors say "the claim", not "record 1"
            record = replace(record, origin="the claim")
        result = self.add_claims([record], registry, create_sources=create_sources)
        row = dict(zip(_INSERT_COLUMNS, _claim_row(record, 1, None, None), strict=True))
        where = (
            _CLAIM.c.external_id == row["external_id"]
            if row["external_id"]
            else _CLAIM.c.dedupe_key == row["dedupe_key"]
        )
        with self._errors(), self.engine.connect() as conn:
            claim_id = conn.execute(sa.select(_CLAIM.c.id).where(where)).scalar_one()
        return int(claim_id), result.added == 1

    def add_document(
        self,
        *,
        content: str | None = None,
        content_hash: str | None = None,
        path: str | None = None,
        url: str | None = None,
        publisher: str | None = None,
        published: str | None = None,
        language: str | None = None,
        registry: Registry | None = None,
        create_sources: bool = False,
    ) -> int:
        """Store an ingested article's metadata; returns its id. The same content stored twice is one
        document (keyed by a SHA-256 of the content, or the ``content_hash`` given)."""
        if content_hash is None:
            if content is None:
                raise UsageError("add_document needs the document's content or its content_hash")
            content_hash = hashlib.sha256(content.encode("utf-8")).hexdigest()
        published = _check_date(published, "document")
        with self._errors(), self._write() as conn:
            existing = conn.execute(
                sa.select(_DOCUMENT.c.id).where(_DOCUMENT.c.content_hash == content_hash)
            ).scalar()
            if existing is not None:
                return int(existing)
            if publisher:
                _Sources(registry, create_sources).ensure(conn, {publisher: "the document's publisher"})
            result = conn.execute(
                _DOCUMENT.insert().values(
                    path=path,
                    url=url,
                    publisher_id=publisher or None,
                    published=published,
                    language=language,
                    content_hash=content_hash,
                    created_at=utcnow(),
                )
            )
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def record_decision(
        self,
        text_hash: str,
        verdict: str,
        *,
        note: str = "",
        editor: str | None = None,
        claim_id: int | None = None,
    ) -> int:
        """Record an editor's verdict on a claim (keyed by :func:`text_hash` of its text); returns its id."""
        if not _HASH.fullmatch(text_hash):
            raise UsageError(f"{text_hash!r} is not a claim text hash (32 hex digits, see text_hash())")
        verdict = verdict.strip()
        if not verdict or len(verdict) > 40:
            raise UsageError("a decision needs a verdict of at most 40 characters")
        with self._errors(), self._write() as conn:
            if (
                claim_id is not None
                and conn.execute(sa.select(_CLAIM.c.id).where(_CLAIM.c.id == claim_id)).scalar() is None
            ):
                raise UsageError(f"no stored claim has id {claim_id}")
            result = conn.execute(
                _DECISION.insert().values(
                    text_hash=text_hash,
                    claim_id=claim_id,
                    verdict=verdict,
                    note=note or "",
                    editor=editor or None,
                    created_at=utcnow(),
                )
            )
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    # -- reading ----------------------------------------------------------------------------------------

    def decisions_for(self, text_hash: str) -> list[EditorDecision]:
        """Editors' decisions on a claim text, newest first."""
        with self._errors(), self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(_DECISION)
                .where(_DECISION.c.text_hash == text_hash)
                .order_by(_DECISION.c.created_at.desc(), _DECISION.c.id.desc())
            ).all()
        return [
            EditorDecision(
                id=r.id,
                text_hash=r.text_hash,
                verdict=r.verdict,
                note=r.note,
                editor=r.editor,
                claim_id=r.claim_id,
                created_at=r.created_at.isoformat(timespec="seconds"),
            )
            for r in rows
        ]

    def get(self, claim_id: int) -> StoredClaim | None:
        with self._errors(), self.engine.connect() as conn:
            row = conn.execute(sa.select(*_CLAIM_COLUMNS).where(_CLAIM.c.id == claim_id)).first()
        return _stored(row, 0.0) if row else None

    def external_ids(self, claim_ids: Sequence[int]) -> dict[int, str]:
        """The importer's ids (``ClaimRecord.external_id``) of stored claims that have one."""
        out: dict[int, str] = {}
        with self._errors(), self.engine.connect() as conn:
            for start in range(0, len(claim_ids), 500):
                chunk = list(claim_ids[start : start + 500])
                rows = conn.execute(
                    sa.select(_CLAIM.c.id, _CLAIM.c.external_id).where(
                        _CLAIM.c.id.in_(chunk), _CLAIM.c.external_id.is_not(None)
                    )
                )
                out.update({int(i): e for i, e in rows})
        return out

    def search(
        self, text: str, language: str | None = None, limit: int = 50, as_of: str | None = None
    ) -> list[StoredClaim]:
        """Stored claims sharing words with ``text``, best BM25 match first (``score``: higher is better).

        ``language`` keeps claims in that language only; ``as_of`` (YYYY-MM-DD) keeps claims published on
        or before that date (claims without a date are kept).
        """
        return self.search_many([text], language=language, limit=limit, as_of=as_of)[0]

    def search_many(
        self,
        texts: Sequence[str],
        language: str | None = None,
        limit: int = 50,
        as_of: str | None = None,
    ) -> list[list[StoredClaim]]:
        """:meth:`search` for each text, on one connection."""
        as_of = _check_date(as_of, "as-of", error=UsageError)
        index = self._require_index()
        if limit < 1:
            return [[] for _ in texts]
        queries = [fts.query_words(normalize(t)) for t in texts]
        with self._errors(), self.engine.connect() as conn:
            index.refresh(conn)
            # The claim counts of every query's words in one statement (one round trip on a server),
            # not one per query: the searches then find them cached.
            index.document_frequencies(conn, [f for words in queries for forms in words for f in forms])
            return [self._search_one(conn, index, words, language, limit, as_of) for words in queries]

    def stats(self) -> dict[str, Any]:
        """Counts for ``claims db stats``."""
        c = _CLAIM.c
        with self._errors(), self.engine.connect() as conn:
            count = lambda table: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()  # noqa: E731
            out: dict[str, Any] = {
                "url": self.url,
                "backend": self.backend,
                "revision": _current_revision(conn),
                "latest_revision": SCHEMA_HEAD,
                "claims": count(_CLAIM),
                "sources": count(_SOURCE),
                "documents": count(_DOCUMENT),
                "decisions": count(_DECISION),
            }
            out["fact_checks"] = conn.execute(
                sa.select(sa.func.count()).select_from(_CLAIM).where(c.rating.is_not(None))
            ).scalar_one()
            out["languages"] = dict(
                conn.execute(
                    sa.select(c.language, sa.func.count())
                    .group_by(c.language)
                    .order_by(sa.func.count().desc())
                ).all()
            )
            out["top_sources"] = dict(
                conn.execute(
                    sa.select(c.source_id, sa.func.count())
                    .group_by(c.source_id)
                    .order_by(sa.func.count().desc())
                    .limit(10)
                ).all()
            )
            first, last = conn.execute(sa.select(sa.func.min(c.published), sa.func.max(c.published))).one()
            out["published"] = {"first": first, "last": last}
            if self.backend == "postgresql":
                out["size_bytes"] = conn.execute(
                    sa.text("SELECT pg_database_size(current_database())")
                ).scalar()
        database = self._url.database if self.backend == "sqlite" else None
        if database and database != ":memory:" and Path(database).exists():
            files = (Path(database), Path(database + "-wal"))
            out["size_bytes"] = sum(f.stat().st_size for f in files if f.exists())
        return out

    # -- internals --------------------------------------------------------------------------------------

    def _schema_revision(self) -> str | None:
        """The revision of a claims database, None for an empty one. Refuses (untouched) a database whose
        tables are not a claims schema, and one at a revision this version does not know."""
        with self._errors(), self.engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
            if not names:
                return None
            ours = "alembic_version" in names and _CORE_TABLES <= names
            revision = _current_revision(conn) if ours else None
        if not ours:
            others = sorted(names - _CORE_TABLES - {"alembic_version"}) or sorted(names)
            shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
            raise DatabaseError(
                f"{self.url}: not a claims database (it holds other tables: {shown}); left untouched. "
                "Name a new or empty database for claims"
            )
        if revision is None:
            raise DatabaseError(f"{self.url}: the claims tables are there but no schema revision is recorded")
        if revision != SCHEMA_HEAD and revision not in _known_revisions():
            raise DatabaseError(_unknown_revision(self.url, revision))
        return revision

    def _journal_to_wal(self) -> None:
        """Switch an SQLite database to WAL (a no-op once done: the mode is stored in the file), once it is
        known to be ours."""
        with self._errors(), self.engine.connect() as conn:
            _wal(conn.connection.driver_connection, busy_timeout_ms())

    def _require_index(self) -> fts.SearchIndex:
        if self._index is None:
            raise DatabaseError(
                f"full-text search is not available on {self.backend}; use SQLite or PostgreSQL"
            )
        return self._index

    def _check_postgresql(self) -> None:
        """Refuse a database whose text Arabic would suffer in: not UTF-8, or a ``C`` / ``POSIX`` ctype
        (there, PostgreSQL's text functions, pg_trgm, regular expressions and lower/upper, see no letter
        outside ASCII)."""
        with self._errors(), self.engine.connect() as conn:
            encoding, ctype = conn.execute(
                sa.text(
                    "SELECT pg_encoding_to_char(encoding), datctype FROM pg_database "
                    "WHERE datname = current_database()"
                )
            ).one()
        if encoding != "UTF8":
            problem = f"its encoding is {encoding}, not UTF8"
        elif ctype in ("C", "POSIX"):
            problem = (
                f"its ctype locale is {ctype}, in which PostgreSQL's text functions see no Arabic letters"
            )
        else:
            return
        raise DatabaseError(
            f"{self.url}: {problem}; create the database with "
            f"`createdb -T template0 -E UTF8 --locale=C.UTF-8 {self._url.database or 'claims'}`"
        )

    def _search_one(
        self,
        conn: Connection,
        index: fts.SearchIndex,
        words: list[tuple[str, ...]],
        language: str | None,
        limit: int,
        as_of: str | None,
    ) -> list[StoredClaim]:
        if not words:
            return []
        # Filtering by language or date drops some hits: read half as many again, more if still short.
        fetch = limit + limit // 2 if (language or as_of) else limit
        while True:
            hits = index.search(conn, words, fetch)
            rows = {
                r.id: r
                for r in conn.execute(
                    sa.select(*_CLAIM_COLUMNS).where(_CLAIM.c.id.in_([h[0] for h in hits]))
                ).all()
            }
            out = []
            for claim_id, score in hits:
                row = rows.get(claim_id)
                if row is None or not _keep(row, language, as_of):
                    continue
                out.append(_stored(row, score))
                if len(out) == limit:
                    return out
            if len(hits) < fetch or fetch >= _MAX_FETCH:
                return out
            fetch = min(fetch * 4, _MAX_FETCH)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A connection in a write transaction (SQLite: BEGIN IMMEDIATE, so writers queue, never deadlock)."""
        with self.engine.connect() as conn:
            conn.execution_options(claims_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            raise DatabaseError(self._describe(exc)) from exc
        except OSError as exc:
            raise DatabaseError(f"{self.url}: {exc.strerror or exc}") from exc

    def _describe(self, exc: SQLAlchemyError) -> str:
        orig = getattr(exc, "orig", None) or exc
        lines = str(orig).strip().splitlines()
        message = lines[0] if lines else type(orig).__name__
        if "database is locked" in message:
            try:
                waited = f"{busy_timeout_ms() / 1000:g} s"
            except UsageError:
                waited = "too long"
            return (
                f"{self.url}: the database is locked by another process (waited {waited}, see "
                "CLAIMS_BUSY_TIMEOUT_MS); try again when it is done"
            )
        if "unable to open database file" in message:
            return f"{self.url}: cannot open the database file (does its directory exist and is it writable?)"
        if "no such module: fts5" in message:
            return f"{self.url}: this SQLite has no FTS5 full-text search; use a Python built with FTS5"
        return f"{self.url}: {type(orig).__name__}: {message}"


# -- engine -------------------------------------------------------------------------------------------

# The tables that make a database a claims database (with ``alembic_version``).
_CORE_TABLES = {"source", "document", "claim", "decision"}


def _sqlite_file(url: URL) -> Path | None:
    """The file of an SQLite URL; None for other databases, in-memory ones and ``file:`` URIs."""
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    return Path(database).expanduser()


def _file_uri(path: Path) -> str:
    """An SQLite ``file:`` URI for the path (its query, e.g. ``?mode=ro``, follows)."""
    from urllib.parse import quote

    return f"file:{quote(str(path.resolve()))}"


def _known_revisions() -> tuple[str, ...]:
    """The revisions of the shipped migrations, oldest first (loads Alembic)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    return tuple(reversed([s.revision for s in ScriptDirectory.from_config(config).walk_revisions()]))


def _unknown_revision(url: str, revision: str | None, detail: str = "") -> str:
    return (
        f"{url}: the schema is at revision {revision!r}, which this version of claims does not know{detail}; "
        "upgrade claims"
    )


# The search index of each backend the store supports.
_INDEXES: dict[str, type[fts.SearchIndex]] = {"sqlite": fts.Fts5Index, "postgresql": fts.PostgresIndex}


def _create_engine(url: URL, *, read_only: bool = False) -> Engine:
    sqlite = url.get_backend_name() == "sqlite"
    shown = url.render_as_string(hide_password=True)
    path = _sqlite_file(url)
    if path is not None and read_only:
        # The file opened read-only by SQLite itself: no page of it can change, nothing is created.
        url = url.set(database=_file_uri(path), query={**url.query, "mode": "ro", "uri": "true"})
    elif path is not None:
        directory = path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create the database directory {directory}: {exc.strerror}") from None
    busy_ms = busy_timeout_ms() if sqlite else 0
    connect_args: dict[str, Any] = {}
    if sqlite:
        # The driver's own busy handler, so that even the first PRAGMA waits for another writer.
        connect_args = {"isolation_level": None, "timeout": busy_ms / 1000}
    elif url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        if url.get_driver_name() in ("psycopg", "psycopg2", "psycopg2cffi", ""):
            connect_args = {"connect_timeout": CONNECT_TIMEOUT_S}
    try:
        engine = sa.create_engine(url, connect_args=connect_args)
    except NoSuchModuleError:
        raise DatabaseError(
            f"no database driver for {url.drivername!r}; install it (e.g. pip install 'psycopg[binary]')"
        ) from None
    except ImportError as exc:
        module = getattr(exc, "name", None) or str(exc)
        raise DatabaseError(
            f"cannot use {shown}: its driver ({module}) is not installed; install it "
            f"(PostgreSQL: pip install 'psycopg[binary]')"
        ) from None
    except ArgumentError as exc:
        raise DatabaseError(f"cannot use {shown}: {exc}") from None
    if sqlite:
        event.listen(engine, "connect", lambda conn, _record: _sqlite_pragmas(conn, busy_ms, read_only))
        event.listen(engine, "begin", _sqlite_begin)
    elif read_only and url.get_backend_name() == "postgresql":
        event.listen(engine, "connect", lambda conn, _record: _postgresql_read_only(conn))
    return engine


def busy_timeout_ms() -> int:
    """How long an SQLite writer waits for another one: ``$CLAIMS_BUSY_TIMEOUT_MS``, else 15 s."""
    raw = os.environ.get("CLAIMS_BUSY_TIMEOUT_MS", "").strip()
    if not raw:
        return BUSY_TIMEOUT_MS
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise UsageError(f"CLAIMS_BUSY_TIMEOUT_MS: {raw!r} is not a number of milliseconds (e.g. 15000)")
    return value


_CACHE_KIB = -65_536  # negative: KiB, not pages


def _sqlite_pragmas(dbapi_connection: Any, busy_ms: int, read_only: bool = False) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        # A 64 MiB page cache (allocated as used; the default is 2 MiB): a large import updates the
        # dedupe-key index at random places, and a search of a million claims reads many index pages.
        pragmas = ["foreign_keys=ON", f"cache_size={_CACHE_KIB}"]
        pragmas += ["query_only=ON"] if read_only else ["synchronous=NORMAL"]
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def _postgresql_read_only(dbapi_connection: Any) -> None:
    """Every transaction of the session read-only: the server refuses any write."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    finally:
        cursor.close()
        dbapi_connection.autocommit = autocommit


def _wal(dbapi_connection: Any, busy_ms: int) -> None:
    """Switch to WAL (a no-op once done: the mode is stored in the file).

    Two processes opening a new database at once can both try to switch; SQLite then answers "database is
    locked" at once instead of waiting, so the switch is retried until the busy timeout."""
    deadline = time.monotonic() + busy_ms / 1000
    pause = 0.005
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as exc:  # sqlite3.OperationalError; SQLAlchemy wraps it for the caller
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _sqlite_begin(conn: Connection) -> None:
    # pysqlite runs in autocommit mode (isolation_level=None) and the store says when a transaction
    # begins: writers take the write lock at once rather than upgrading a read lock, which can fail.
    mode = "IMMEDIATE" if conn.get_execution_options().get("claims_write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def _current_revision(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config(conn: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["connection"] = conn
    return config


class _ClaimWriter:
    """Inserts prepared claim rows a batch at a time (SQLite: one ``executemany``, then the batch is indexed;
    PostgreSQL: ``COPY``, its GIN index follows by itself), ignoring duplicates; :meth:`finish` ends an
    import.

    SQLite also keeps each index word's claim count (:meth:`Fts5Index.add_term_counts`). The counts of a
    batch come with it, counted where it was prepared; they are added up here and written once per
    transaction (:meth:`commit_counts`): a word shared by many batches is then written once, and an import
    of 100,000 news sentences writes 150,000 counts instead of 720,000."""

    def __init__(self, engine: Engine, index: fts.SearchIndex | None) -> None:
        dialect = engine.dialect
        # SQLite: the driver's executemany over plain tuples (no per-row work in SQLAlchemy).
        self.raw = dialect.name == "sqlite"
        self.sql = (
            f"INSERT INTO claim ({', '.join(_INSERT_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(_INSERT_COLUMNS))}) ON CONFLICT DO NOTHING"
        )
        if not self.raw and dialect.name != "postgresql":
            raise DatabaseError(
                f"storing claims on {dialect.name} is not supported; use SQLite or PostgreSQL"
            )
        self.created_at = _CLAIM.c.created_at.type.bind_processor(dialect) if self.raw else None
        # SQLite's index, whose word counts this writer keeps (each batch is then prepared with its counts).
        self.fts = index if isinstance(index, fts.Fts5Index) else None
        self.counts_terms = self.fts is not None
        self.term_counts: Counter[str] = Counter()

    def stamp(self) -> Any:
        """The ``created_at`` value of a batch, as the driver takes it."""
        now = utcnow()
        return self.created_at(now) if self.created_at else now

    def insert(self, conn: Connection, batch: _Batch) -> int:
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


def _added_terms(conn: Connection, batch: _Batch, last: int) -> Counter[str]:
    """The term counts of the batch's rows that were stored (ids above ``last``), when some were skipped as
    already stored: the skipped rows' words are taken off the batch's counts. Rows are told apart by their
    dedupe key (rows with one key have one normalised text, so the same words): reading the new rows'
    keys back costs far less than reading their texts."""
    stored = Counter(k for (k,) in conn.exec_driver_sql("SELECT dedupe_key FROM claim WHERE id > ?", (last,)))
    terms = Counter(batch.terms)
    for row in batch.rows:
        key = row[_DEDUPE_KEY]
        if stored[key]:
            stored[key] -= 1
            continue
        for word in set(row[_INDEX_TEXT].split()):
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
# without parsing text (a batch's copy takes half the time it took as text). A binary copy needs each
# column's type: they are read from the temporary table, so they are always those of ``claim``.
_BATCH_TABLE = "claim_batch"
_COLUMNS_SQL = ", ".join(_INSERT_COLUMNS)
_BATCH_TYPES = (
    "SELECT atttypid FROM pg_attribute WHERE attrelid = CAST(:table AS regclass) AND attnum > 0 "
    "AND NOT attisdropped ORDER BY attnum"
)


def _copy_ignoring_duplicates(conn: Connection, rows: list[tuple[Any, ...]]) -> int:
    """Insert ``rows`` (values of :data:`_INSERT_COLUMNS`) on PostgreSQL; returns how many were new."""
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


# -- records ------------------------------------------------------------------------------------------


def _check_date(value: str | None, what: str, *, error: type[Exception] = InputError) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise error(f"{what}: {value!r} is not a date (YYYY-MM-DD)")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise error(f"{what}: {value!r} is not a valid date") from None
    return value


# A long import is one whose records fill more than this many batches: then, and only then, batches are
# prepared in worker processes.
_POOL_AFTER_BATCHES = 2


class _Batch(NamedTuple):
    """Rows of :data:`_INSERT_COLUMNS`, and (SQLite) how many of them hold each index word."""

    rows: list[tuple[Any, ...]]
    terms: Counter[str] | None


def _prepared_batches(
    records: Iterator[ClaimRecord],
    batch_size: int,
    stamp: Callable[[], Any],
    document_id: int | None,
    workers: int | None,
    count_terms: bool = False,
) -> Generator[_Batch, None, None]:
    """Rows for the records, ``batch_size`` at a time, in input order.

    Worker processes are forked (Linux), so they need nothing re-imported and work from any caller,
    scripts without a ``__main__`` guard included; where fork is not available, or if a worker dies,
    batches are prepared here. Workers die with this process, however it ends (:mod:`claims.workers`).
    """
    import multiprocessing

    can_fork = sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
    if workers is None:
        workers = min(4, (os.cpu_count() or 1) - 1) if can_fork else 0
    offset = 0
    n_batches = 0
    while chunk := list(islice(records, batch_size)):
        yield _prepare_chunk(chunk, offset, stamp(), document_id, count_terms)
        offset += len(chunk)
        n_batches += 1
        if workers >= 1 and can_fork and n_batches >= _POOL_AFTER_BATCHES:
            break
    else:
        return
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from claims.workers import die_with_parent

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )
    pending: deque[tuple[Future[_Batch], tuple[Any, ...]]] = deque()
    broken = False
    try:
        while True:
            while len(pending) < workers + 1 and (chunk := list(islice(records, batch_size))):
                job = (chunk, offset, stamp(), document_id, count_terms)
                offset += len(chunk)
                pending.append((pool.submit(_prepare_chunk, *job) if not broken else _DONE, job))
            if not pending:
                return
            future, job = pending.popleft()
            if future is not _DONE:
                try:
                    yield future.result()
                    continue
                except BrokenProcessPool:
                    broken = True
            yield _prepare_chunk(*job)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_DONE: Any = object()  # a batch left for this process to prepare


def _prepare_chunk(
    chunk: list[ClaimRecord], offset: int, stamp: Any, document_id: int | None, count_terms: bool = False
) -> _Batch:
    rows = [_claim_row(r, offset + i, stamp, document_id) for i, r in enumerate(chunk, start=1)]
    return _Batch(rows, fts.count_terms(row[_INDEX_TEXT] for row in rows) if count_terms else None)


_INDEX_TEXT = _INSERT_COLUMNS.index("index_text")
_DEDUPE_KEY = _INSERT_COLUMNS.index("dedupe_key")


def _claim_row(record: ClaimRecord, n: int, stamp: Any, document_id: int | None) -> tuple[Any, ...]:
    """The values of :data:`_INSERT_COLUMNS` for one record (the ``n``-th of an import)."""
    where = record.origin or f"record {n}"
    check_record(record, where)
    text = record.text.strip()
    source = record.source
    if not source or not isinstance(source, str):
        raise InputError(f"{where}: no source id")
    published = record.published
    if published is not None:
        published = _check_date(published, where)
    language = record.language
    if not language:
        language = script_of(text) or "und"
    elif not _LANGUAGE.fullmatch(language):
        language = language.strip().lower()
        if not _LANGUAGE.fullmatch(language):
            raise InputError(f"{where}: {record.language!r} is not a language code (ar, en, ...)")
    norm = normalize(text)
    return (
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


def _source_uses(
    rows: list[tuple[Any, ...]], offset: int, origins: Sequence[str | None] = ()
) -> dict[str, str]:
    """Each source id used by a batch, with where it is first used (for error messages)."""

    def where(n: int) -> str:
        return (origins[n - 1] if n <= len(origins) else None) or f"record {n}"

    uses: dict[str, str] = {}
    for n, row in enumerate(rows, start=offset + 1):
        source, publisher, via = row[4:7]
        if source not in uses:
            uses[source] = f"{where(n)}: source"
        if publisher and publisher not in uses:
            uses[publisher] = f"{where(n)}: publisher"
        if via:
            for sid in via.split():
                if sid not in uses:
                    uses[sid] = f"{where(n)}: via"
    return uses


class _Sources:
    """Makes sure every source id a write uses has a row: from the registry, or created on request."""

    def __init__(self, registry: Registry | None, create: bool) -> None:
        self.registry = registry
        self.create = create
        self.known: set[str] | None = None
        self.created: list[str] = []

    def ensure(self, conn: Connection, uses: dict[str, str]) -> None:
        if self.known is None:
            self.known = set(conn.execute(sa.select(_SOURCE.c.id)).scalars())
        missing = [sid for sid in uses if sid not in self.known]
        if not missing:
            return
        now = utcnow()
        rows = []
        for sid in missing:
            row = self._from_registry(sid)
            if row is None:
                if not self.create:
                    raise InputError(f"{uses[sid]} id {sid!r} is unknown; {self._advice(sid)}")
                if not _ID.fullmatch(sid) or len(sid) > 100:
                    raise InputError(
                        f"{uses[sid]} id {sid!r} is not a valid source id (lowercase kebab-case, e.g. kcna)"
                    )
                row = {"id": sid, "name": sid, "kind": UNREGISTERED, "group_id": sid, "registered": False}
                self.created.append(sid)
            rows.append({**row, "created_at": now})
        conn.execute(_SOURCE.insert(), rows)
        self.known.update(missing)

    def _from_registry(self, sid: str) -> dict[str, Any] | None:
        source = self.registry.get(sid) if self.registry is not None else None
        if source is not None:
            return {
                "id": sid,
                "name": source.name,
                "kind": source.kind,
                "group_id": source.group,
                "registered": True,
            }
        if sid in _SPECIAL_SOURCES:
            name, kind = _SPECIAL_SOURCES[sid]
            return {"id": sid, "name": name, "kind": kind, "group_id": sid, "registered": True}
        return None

    def _advice(self, sid: str) -> str:
        hint = ""
        if self.registry is not None and (match := self.registry.lookup(sid)) is not None:
            hint = f"did you mean {match.id!r}? Otherwise "
        else:  # a typo in an id: yonhapp, russia_mfa
            import difflib

            ids = {s.id for s in self.registry} if self.registry is not None else set()
            close = difflib.get_close_matches(
                sid.replace("_", "-"), ids | (self.known or set()), n=1, cutoff=0.8
            )
            if close:
                hint = f"did you mean {close[0]!r}? Otherwise "
        return f"{hint}add it to a sources file (--sources) or pass --create-sources"


def _keep(row: Any, language: str | None, as_of: str | None) -> bool:
    if language and row.language != language and row.language.split("-")[0] != language:
        return False
    return not (as_of and row.published and row.published > as_of)


def _stored(row: Any, score: float) -> StoredClaim:
    return StoredClaim(
        id=int(row.id),
        text=row.text,
        language=row.language,
        source=row.source_id,
        published=row.published,
        url=row.url,
        publisher=row.publisher_id,
        via=tuple(row.via.split()) if row.via else (),
        rating=row.rating,
        hedged=bool(row.hedged),
        score=round(score, 4),
    )
