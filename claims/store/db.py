"""The claims store: where claims, their sources and editors' decisions are kept, and searched.

``Store`` is the only door to the database: it takes ``ClaimRecord`` values, returns ``StoredClaim``
values, and every database failure leaves it as a one-line :class:`~claims.errors.DatabaseError`. Where the
database is, its settings and its migrations: ``docs/postgresql.md`` and ``docs/reliability.md``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine

from claims.config import data_dir, default_url  # noqa: F401  (re-exported)
from claims.errors import DatabaseError, UsageError
from claims.store import embed, engines, schema
from claims.store import index as fts
from claims.store.bulk import Batch, ClaimWriter, prepared_batches
from claims.store.engines import busy_timeout_ms  # noqa: F401  (re-exported)
from claims.store.models import Claim, Decision, Document, Source, utcnow
from claims.store.rows import check_date, claim_row, dedupe_key, source_uses
from claims.store.schema import MIGRATIONS, SCHEMA_HEAD, SchemaChange  # noqa: F401  (re-exported)
from claims.store.sources import SourceRows
from claims.store.vectors import VectorIndex, as_queries
from claims.text.normalize import normalize
from claims.types import ClaimRecord, StoredClaim

if TYPE_CHECKING:
    import numpy as np

    from claims.registry import Registry

__all__ = [
    "EditorDecision",
    "EmbedResult",
    "ImportResult",
    "SchemaChange",
    "Store",
    "dedupe_key",
    "text_hash",
]

_HASH = re.compile(r"[0-9a-f]{32}")
# A search that filters by language or date reads more index hits than it returns, up to this many.
_MAX_FETCH = 20_000

_CLAIM = Claim.__table__  # type: ignore[attr-defined]
_SOURCE = Source.__table__  # type: ignore[attr-defined]
_DOCUMENT = Document.__table__  # type: ignore[attr-defined]
_DECISION = Decision.__table__  # type: ignore[attr-defined]
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
# The search index of each backend the store supports.
_INDEXES: dict[str, type[fts.SearchIndex]] = {"sqlite": fts.Fts5Index, "postgresql": fts.PostgresIndex}


# A fact-check record imported again with another rating by the same fact-checker or at the same review
# address (the review was updated): the claim stored by an earlier import takes the newer rating. Within one
# import, and for another fact-checker's review of the same claim, the first review read stays.
_NEWER_RATING = sa.text(
    "UPDATE claim SET rating = :r WHERE dedupe_key = :k AND id <= :before AND rating <> :r "
    "AND (publisher_id = :p OR url = :u)"
)


class ImportResult(NamedTuple):
    added: int
    skipped: int  # already stored (same external id, or same text + source + date)
    created_sources: tuple[str, ...]  # ids created because of ``create_sources=True``
    updated: int = 0  # already stored, and given the newer fact-check rating the import carried


class EmbedResult(NamedTuple):
    encoded: int  # claims given a vector
    seconds: float


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


class Store:
    """A claims database. Open it with :meth:`Store.open`; close it (or use ``with``) when done."""

    def __init__(self, engine: Engine, url: URL, *, read_only: bool = False) -> None:
        self.engine = engine
        self._url = url
        self.read_only = read_only
        self._index: fts.SearchIndex | None = (
            _INDEXES[engine.dialect.name]() if engine.dialect.name in _INDEXES else None
        )
        # The vectors, read on the first vector search; an SQLite file keeps the HNSW graph of a large
        # store beside it (claims/store/vectors.py).
        file = engines.sqlite_file(url)
        self._vectors = VectorIndex(
            file.with_name(file.name + ".vectors") if file is not None else None, read_only=read_only
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
        parsed = engines.parse_url(url or default_url(), read_only=read_only)
        store = cls(engines.create_engine(parsed, read_only=read_only), parsed, read_only=read_only)
        try:
            with store._errors(), store.engine.connect() as conn:
                if store.backend == "postgresql":
                    engines.check_postgresql(conn, parsed)
                revision = schema.claims_revision(conn, store.url)
            if revision is None and read_only:
                raise DatabaseError(
                    f"{store.url}: an empty database, with no claims in it yet (create the schema with "
                    "'claims db init', or import claims with 'claims import FILE')"
                )
            if revision is not None and revision != schema.SCHEMA_HEAD and (migrate or read_only):
                raise DatabaseError(
                    f"{store.url}: the schema is at revision {revision}, this version of claims needs "
                    f"{schema.SCHEMA_HEAD}; run 'claims db upgrade' (it backs an SQLite file up first)"
                )
            if not read_only and store.backend == "sqlite":
                with store._errors(), store.engine.connect() as conn:
                    engines.switch_to_wal(conn.connection.driver_connection, busy_timeout_ms())
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
            return schema.current_revision(conn)

    def upgrade(self, *, backup: bool = True) -> SchemaChange:
        """Bring the schema to the latest revision in one transaction (a new database: create it).

        An SQLite file that had a schema is first copied aside with :meth:`backup` (unless ``backup`` is
        false); :meth:`downgrade` or that copy undoes the upgrade."""
        return self._migrate(schema.SCHEMA_HEAD, backup=backup)

    def downgrade(self, revision: str, *, backup: bool = True) -> SchemaChange:
        """Take the schema back to an older ``revision`` (for the claims version that wrote it), in one
        transaction, after copying an SQLite file aside. Data of what the later revisions added (SQLite:
        the search's word counts, PostgreSQL: the word-key index) goes; claims, sources, documents and
        decisions stay."""
        known = schema.known_revisions()
        if revision not in known:
            raise UsageError(f"{revision!r} is not a schema revision of claims (one of: {', '.join(known)})")
        return self._migrate(revision, backup=backup, down=True)

    def backup(self, revision: str | None = None) -> Path | None:
        """Copy an SQLite database file aside, consistently even while others write to it:
        ``<file>.bak-<revision>`` (``-2``, ``-3``, ... if taken), or None for a database that is not an SQLite
        file (PostgreSQL: use pg_dump)."""
        if engines.sqlite_file(self._url) is None:
            return None
        return schema.backup_sqlite(self._url, revision or (self.revision() or "empty"))

    def _migrate(self, target: str, *, backup: bool, down: bool = False) -> SchemaChange:
        if self.read_only:
            raise UsageError(
                "this store was opened read-only; open it without read_only to change its schema"
            )
        with self._errors():
            with self.engine.connect() as conn:
                before = schema.current_revision(conn)
            if before == target:
                return SchemaChange(before, target, None)
            copy = None
            try:
                # The write lock first (BEGIN IMMEDIATE): the copy is then exactly the database the
                # migration starts from.
                with self._write() as conn:
                    if backup and before is not None:
                        copy = self.backup(before)
                    after = schema.migrate(conn, target, down=down, shown=self.url, before=before)
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
        vectors: bool = True,
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

        ``vectors``: the claims added get their sentence vectors (``claims.encoder``, 256 at a time), in the
        same transaction as the claims; ``progress`` then also moves as they are encoded. Without,
        :meth:`embed` adds them later; until then the claims are found by their words only.
        """
        if batch_size < 1:
            raise UsageError("batch_size must be at least 1")
        sources = SourceRows(registry, create_sources)
        writer = ClaimWriter(self.engine, self._index)
        origins: list[str | None] = []  # where each record was read, for error messages

        def tracked(items: Iterable[ClaimRecord]) -> Iterator[ClaimRecord]:
            for record in items:
                origins.append(record.origin)
                yield record

        batches = prepared_batches(
            tracked(records), batch_size, writer.stamp, document_id, workers, writer.counts_terms
        )
        seen = 0
        updated = 0
        stored_before: int | None = None  # the last claim stored before this import

        def write_batch(conn: Connection, batch: Batch) -> int:
            nonlocal seen, updated, stored_before
            sources.ensure(conn, source_uses(batch.rows, seen, origins))
            before = embed.last_claim_id(conn)
            if stored_before is None:
                stored_before = before
            added = writer.insert(conn, batch)
            seen += len(batch.rows)
            rated = [
                {"k": r.dedupe_key, "r": r.rating, "p": r.publisher_id, "u": r.url, "before": stored_before}
                for r in batch.rows
                if r.rating and (r.publisher_id or r.url)
            ]
            if rated and added < len(batch.rows):  # a review stored before: the newer rating replaces it
                updated += conn.execute(_NEWER_RATING, rated).rowcount
            encoded = 0

            def step(n: int) -> None:
                nonlocal encoded
                encoded += n
                if progress:
                    progress(n)

            if vectors and added:
                embed.encode_and_store(conn, embed.new_claims(conn, before), step)
            if progress and len(batch.rows) > encoded:
                progress(len(batch.rows) - encoded)
            return added

        try:
            added = self._write_batches(batches, write_batch, writer, atomic=atomic)
        finally:
            batches.close()
            if self._index:
                self._index.invalidate()
        if vectors and added:
            self._update_vector_cache()
        return ImportResult(added, seen - added, tuple(sources.created), updated)

    def _update_vector_cache(self) -> None:
        with self._errors(), self.engine.connect() as conn:
            self._vectors.update_cache(conn)

    def _write_batches(
        self,
        batches: Iterable[Batch],
        write_batch: Callable[[Connection, Batch], int],
        writer: ClaimWriter,
        *,
        atomic: bool,
    ) -> int:
        """Write each batch, in one transaction (``atomic``) or one each; returns how many claims were new."""
        added = 0
        with self._errors():
            if atomic:
                with self._write() as conn:
                    for batch in batches:
                        added += write_batch(conn, batch)
                    if added:
                        writer.finish(conn)
            else:
                for batch in batches:
                    with self._write() as conn:
                        added += write_batch(conn, batch)
                        writer.commit_counts(conn)
                if added:
                    with self._write() as conn:
                        writer.finish(conn)
        return added

    def add_claim(
        self, record: ClaimRecord, registry: Registry | None = None, *, create_sources: bool = False
    ) -> tuple[int, bool]:
        """Store one claim. Returns (its id, whether it was added): a claim already stored keeps its id."""
        if record.origin is None:  # errors say "the claim", not "record 1"
            record = replace(record, origin="the claim")
        result = self.add_claims([record], registry, create_sources=create_sources)
        row = claim_row(record, 1, None, None)
        where = (
            _CLAIM.c.external_id == row.external_id
            if row.external_id
            else _CLAIM.c.dedupe_key == row.dedupe_key
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
        published = check_date(published, "document")
        with self._errors(), self._write() as conn:
            existing = conn.execute(
                sa.select(_DOCUMENT.c.id).where(_DOCUMENT.c.content_hash == content_hash)
            ).scalar()
            if existing is not None:
                return int(existing)
            if publisher:
                SourceRows(registry, create_sources).ensure(conn, {publisher: "the document's publisher"})
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

    def embed(self, progress: Callable[[int], None] | None = None) -> EmbedResult:
        """Give a vector to every stored claim that has none (of the current encoder model), by id, one
        transaction per :data:`embed.BATCH` claims: interrupted, it keeps the batches done and goes on from
        there when run again. ``progress`` is called with each batch's size."""
        import time

        if self.read_only:
            raise UsageError("this store was opened read-only; open it without read_only to add vectors")
        started = time.perf_counter()
        encoded = 0
        after = 0
        with self._errors():
            while True:
                with self.engine.connect() as conn:
                    batch = embed.claims_without_vectors(conn, after)
                if not batch:
                    break
                # encoded outside the write transaction: writers wait only for the insert
                from claims import encoder

                vectors = encoder.encode([text for _, text in batch])
                with self._write() as conn:
                    embed.store_vectors(conn, [i for i, _ in batch], vectors)
                encoded += len(batch)
                after = batch[-1][0]
                if progress:
                    progress(len(batch))
        if encoded:
            self._update_vector_cache()
        return EmbedResult(encoded, time.perf_counter() - started)

    def has_vectors(self) -> bool:
        """Whether any stored claim has a vector of the current encoder model (one indexed lookup)."""
        from claims import encoder

        with self._errors(), self.engine.connect() as conn:
            return (
                conn.execute(
                    sa.text("SELECT 1 FROM claim_vector WHERE model = :m LIMIT 1"), {"m": encoder.MODEL}
                ).first()
                is not None
            )

    def vectors_for(self, claim_ids: Sequence[int]) -> dict[int, np.ndarray]:
        """The stored vectors (unit float32) of the claims that have one of the current model."""
        from claims import encoder

        out: dict[int, np.ndarray] = {}
        with self._errors(), self.engine.connect() as conn:
            for start in range(0, len(claim_ids), 500):
                chunk = [int(i) for i in claim_ids[start : start + 500]]
                rows = conn.execute(
                    sa.text(
                        "SELECT claim_id, vector FROM claim_vector WHERE model = :m AND claim_id IN :ids"
                    ).bindparams(sa.bindparam("ids", expanding=True)),
                    {"m": encoder.MODEL, "ids": chunk},
                )
                out.update({int(i): encoder.from_bytes(bytes(v)) for i, v in rows})
        return out

    def search_vectors(
        self,
        vectors: np.ndarray,
        limit: int = 10,
        language: str | None = None,
        as_of: str | None = None,
    ) -> list[list[StoredClaim]]:
        """For each query vector (unit rows of ``claims.encoder``), the ``limit`` stored claims whose
        vectors are closest, best first, ``score`` = cosine. ``language`` and ``as_of`` filter as in
        :meth:`search`. Claims without a vector are not searched (see :meth:`embed`)."""
        as_of = check_date(as_of, "as-of", error=UsageError)
        try:
            queries = as_queries(vectors)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if limit < 1:
            return [[] for _ in queries]
        with self._errors(), self.engine.connect() as conn:
            self._vectors.refresh(conn)
            return [self._nearest_one(conn, q, language, limit, as_of) for q in queries]

    def _nearest_one(
        self, conn: Connection, query: np.ndarray, language: str | None, limit: int, as_of: str | None
    ) -> list[StoredClaim]:
        fetch = limit * 3 if (language or as_of) else limit
        return _kept_hits(conn, lambda n: self._vectors.nearest(query, n), fetch, limit, language, as_of)

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
        as_of = check_date(as_of, "as-of", error=UsageError)
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
                "revision": schema.current_revision(conn),
                "latest_revision": schema.SCHEMA_HEAD,
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
            from claims import encoder

            models = embed.counts(conn)
            out["vectors"] = models.get(encoder.MODEL, 0)
            out["vector_model"] = encoder.MODEL
            if set(models) - {encoder.MODEL}:
                out["vectors_of_other_models"] = {m: n for m, n in models.items() if m != encoder.MODEL}
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

    def _require_index(self) -> fts.SearchIndex:
        if self._index is None:
            raise DatabaseError(
                f"full-text search is not available on {self.backend}; use SQLite or PostgreSQL"
            )
        return self._index

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
        return _kept_hits(conn, lambda n: index.search(conn, words, n), fetch, limit, language, as_of)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A connection in a write transaction (SQLite: BEGIN IMMEDIATE, so writers queue, never deadlock)."""
        with self.engine.connect() as conn:
            conn.execution_options(claims_write=True)
            with conn.begin():
                yield conn

    def _errors(self) -> AbstractContextManager[None]:
        """Database failures inside the block as one-line :class:`DatabaseError` naming this store."""
        return engines.database_errors(self.url)


def _kept_hits(
    conn: Connection,
    search: Callable[[int], Sequence[tuple[int, float]]],
    fetch: int,
    limit: int,
    language: str | None,
    as_of: str | None,
) -> list[StoredClaim]:
    """The first ``limit`` hits of ``search(n)`` (claim id, score; best first) that pass the language and
    date filters, read as stored claims. Filtering drops hits, so a short result asks for four times as
    many, up to :data:`_MAX_FETCH`."""
    while True:
        hits = search(fetch)
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
