"""What ``claims follow`` keeps: the state of each feed, the items read from them, and the sightings of
each stored claim (where it was read), with relays of one statement folded into one claim.

A followed article is stored in one transaction: its item, its document, its claims (new ones added,
near-identical statements of the same source folded into the stored claim) and their sightings. A process
killed in the middle leaves nothing of the article; the next run reads it again."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from rapidfuzz import fuzz
from sqlalchemy.engine import Connection

from claims.store import embed
from claims.store import index as fts
from claims.store.bulk import ClaimWriter, prepare_chunk
from claims.store.models import Claim, Decision, Document, FeedItem, FeedState, FollowLease, Sighting, utcnow
from claims.store.rows import dedupe_key
from claims.store.sources import SourceRows
from claims.text.normalize import normalize
from claims.types import ClaimRecord

if TYPE_CHECKING:
    from claims.registry import Registry
    from claims.store.db import Store

_CLAIM = Claim.__table__  # type: ignore[attr-defined]
_DOCUMENT = Document.__table__  # type: ignore[attr-defined]
_DECISION = Decision.__table__  # type: ignore[attr-defined]
_ITEM = FeedItem.__table__  # type: ignore[attr-defined]
_STATE = FeedState.__table__  # type: ignore[attr-defined]
_SIGHTING = Sighting.__table__  # type: ignore[attr-defined]
_LEASE = FollowLease.__table__  # type: ignore[attr-defined]

# A relay or copy of a stored statement: the same source, a text this similar (rapidfuzz ratio of the
# normalised texts, 0-100; a changed word or two in a sentence of 15 words scores about 90), published
# within this many days of it (a relay runs the next day; a claim without a date matches any date).
FOLD_SIMILARITY = 88.0
FOLD_DAYS = 3
_FOLD_CANDIDATES = 2000
# Whether a new claim's text and a stored one's are the same statement (text, stored text, language).
SameStatement = Callable[[str, str, str | None], bool]
_FIGURES = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class ArticleClaim:
    """A claim of a followed article: the record to store and the sentence it was read in."""

    record: ClaimRecord
    start: int
    end: int
    sentence: str


@dataclass(frozen=True)
class SeenItem:
    id: int
    feed: str  # the feed it was first stored from: the one whose changes to it are followed
    url: str
    guid: str | None
    fingerprint: str
    content_hash: str | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class StoredSighting:
    claim_id: int
    outlet: str
    feed: str
    article_url: str
    published: str | None
    fetched_at: str
    start: int
    end: int
    text: str
    via: tuple[str, ...]


@dataclass(frozen=True)
class FeedStatus:
    name: str
    url: str
    last_polled: str | None
    last_success: str | None
    last_error: str | None
    last_error_at: str | None
    last_items: int
    items_added: int
    claims_added: int
    etag: str | None
    last_modified: str | None
    items: int  # items stored from this feed


@dataclass(frozen=True)
class ArticleResult:
    added: int  # new claims
    known: int  # claims already stored (a relay, a copy, or this article read before): a sighting added
    removed: int  # claims of the article's earlier version that no article carries any more


class FeedLedger:
    """The feed tables of ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- feeds -----------------------------------------------------------------------------------------

    def status(self, name: str | None = None) -> list[FeedStatus]:
        with self.store._errors(), self.store.engine.connect() as conn:
            query = sa.select(_STATE).order_by(_STATE.c.name)
            if name is not None:
                query = query.where(_STATE.c.name == name)
            counts = dict(conn.execute(sa.select(_ITEM.c.feed, sa.func.count()).group_by(_ITEM.c.feed)).all())
            return [
                FeedStatus(
                    r.name,
                    r.url,
                    _iso(r.last_polled),
                    _iso(r.last_success),
                    r.last_error,
                    _iso(r.last_error_at),
                    r.last_items,
                    r.items_added,
                    r.claims_added,
                    r.etag,
                    r.last_modified,
                    int(counts.get(r.name, 0)),
                )
                for r in conn.execute(query)
            ]

    def record_poll(
        self,
        name: str,
        url: str,
        *,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        items: int = 0,
        claims: int = 0,
        keep_validators: bool = False,
    ) -> None:
        """Note a poll of feed ``name``: a success (``error`` None: its validators, the items and claims
        it added) or a failure (what failed; the validators and earlier counts stay)."""
        now = utcnow()
        with self.store._errors(), self.store._write() as conn:
            row = conn.execute(sa.select(_STATE).where(_STATE.c.name == name)).first()
            if row is None:
                conn.execute(_STATE.insert().values(name=name, url=url))
                row = conn.execute(sa.select(_STATE).where(_STATE.c.name == name)).one()
            values: dict[str, Any] = {"url": url, "last_polled": now}
            if error is None:
                values |= {
                    "last_success": now,
                    "last_items": items,
                    "items_added": row.items_added + items,
                    "claims_added": row.claims_added + claims,
                }
                if not keep_validators:
                    values |= {"etag": etag, "last_modified": last_modified}
            else:
                values |= {"last_error": error, "last_error_at": now}
                if items or claims:  # items stored before the failure stay counted
                    values |= {
                        "items_added": row.items_added + items,
                        "claims_added": row.claims_added + claims,
                    }
            if url != row.url and (error is not None or keep_validators):
                # a new address in the newsroom file: the old one's validators mean nothing for it
                values |= {"etag": None, "last_modified": None}
            conn.execute(_STATE.update().where(_STATE.c.name == name).values(**values))

    def validators(self, name: str, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified to send when polling feed ``name`` at ``url``."""
        with self.store._errors(), self.store.engine.connect() as conn:
            row = conn.execute(
                sa.select(_STATE.c.etag, _STATE.c.last_modified, _STATE.c.url).where(_STATE.c.name == name)
            ).first()
        if row is None or row.url != url:
            return None, None
        return row.etag, row.last_modified

    def last_polled(self, name: str) -> datetime | None:
        with self.store._errors(), self.store.engine.connect() as conn:
            when = conn.execute(sa.select(_STATE.c.last_polled).where(_STATE.c.name == name)).scalar()
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when

    def _ensure_sources(self, uses: dict[str, str], registry: Registry | None) -> None:
        """The source rows an article needs, in a transaction of their own: two followers adding the same
        source at once on PostgreSQL collide on its key; the one that lost finds it there on a second try."""
        for attempt in (1, 2):
            try:
                with self.store._write() as conn:
                    SourceRows(registry, False).ensure(conn, uses)
                return
            except sa.exc.IntegrityError:
                if attempt == 2:
                    raise
            except sa.exc.SQLAlchemyError:
                with self.store._errors():
                    raise

    # -- sharing the work between followers --------------------------------------------------------------

    def take_lease(self, key: str, owner: str, seconds: float) -> bool:
        """Whether ``owner`` now holds the lease on ``key`` (a feed or an item) for ``seconds``: it was free,
        expired, or already ``owner``'s. One statement (an upsert whose update is conditional), so two
        followers asking at once never both get it, on SQLite and PostgreSQL alike."""
        now = utcnow()
        if self.store.backend == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(_LEASE).values(key=key[:300], owner=owner, until=now + timedelta(seconds=seconds))
        stmt = stmt.on_conflict_do_update(
            index_elements=[_LEASE.c.key],
            set_={"owner": stmt.excluded.owner, "until": stmt.excluded.until},
            where=sa.or_(_LEASE.c.until < now, _LEASE.c.owner == owner),
        )
        with self.store._errors(), self.store._write() as conn:
            # RETURNING, not rowcount: the PostgreSQL driver reports no count for an upsert here
            return conn.execute(stmt.returning(_LEASE.c.owner)).first() is not None

    def release_lease(self, key: str, owner: str) -> None:
        with self.store._errors(), self.store._write() as conn:
            conn.execute(_LEASE.delete().where(_LEASE.c.key == key[:300], _LEASE.c.owner == owner))

    # -- items -----------------------------------------------------------------------------------------

    def seen(self, feed: str, guid: str | None, url: str) -> SeenItem | None:
        """The item stored under this canonical URL, or this GUID in this feed."""
        where = _ITEM.c.url == url
        if guid:
            where = sa.or_(where, sa.and_(_ITEM.c.feed == feed, _ITEM.c.guid == guid))
        with self.store._errors(), self.store.engine.connect() as conn:
            r = conn.execute(sa.select(_ITEM).where(where).order_by(_ITEM.c.id).limit(1)).first()
        if r is None:
            return None
        return SeenItem(r.id, r.feed, r.url, r.guid, r.fingerprint, r.content_hash, r.etag, r.last_modified)

    def note_item(
        self,
        *,
        feed: str,
        outlet: str,
        guid: str | None,
        url: str,
        fingerprint: str,
        published: str | None,
        note: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        registry: Registry | None = None,
    ) -> None:
        """Record an item without storing claims: a page that is not an article (``note`` says why), or
        one whose text has not changed (its new fingerprint, so it is not fetched again)."""
        self._ensure_sources({outlet: "the feed's outlet"}, registry)
        with self.store._errors(), self.store._write() as conn:
            self._upsert_item(
                conn,
                feed=feed,
                outlet=outlet,
                guid=guid,
                url=url,
                fingerprint=fingerprint,
                published=published,
                etag=etag,
                last_modified=last_modified,
                note=note,
            )

    def _upsert_item(self, conn: Connection, *, url: str, guid: str | None, feed: str, **values: Any) -> int:
        where = _ITEM.c.url == url
        if guid:
            where = sa.or_(where, sa.and_(_ITEM.c.feed == feed, _ITEM.c.guid == guid))
        existing = conn.execute(sa.select(_ITEM.c.id).where(where).order_by(_ITEM.c.id).limit(1)).scalar()
        values = {k: v for k, v in values.items() if v is not None or k == "note"}
        values["outlet_id"] = values.pop("outlet")
        if existing is None:
            result = conn.execute(_ITEM.insert().values(url=url, guid=guid, feed=feed, **values))
            return int(result.inserted_primary_key[0])  # type: ignore[index]
        conn.execute(_ITEM.update().where(_ITEM.c.id == existing).values(**values))
        return int(existing)

    def store_article(
        self,
        *,
        feed: str,
        outlet: str,
        guid: str | None,
        url: str,
        fingerprint: str,
        published: str | None,
        etag: str | None,
        last_modified: str | None,
        text: str,
        content_hash: str,
        language: str | None,
        claims: Sequence[ArticleClaim],
        registry: Registry,
        vectors: bool = True,
        same_statement: SameStatement | None = None,
    ) -> ArticleResult:
        """Store a followed article whole, in one transaction (see the module). ``same_statement(text,
        stored_text, language)`` says whether a near-identical stored text of the same source is the same
        statement (the relation rules, given by the caller: the store does not import them); without it
        only the same text, source and date fold."""
        store = self.store
        fetched = utcnow()
        writer = ClaimWriter(store.engine, store._index)
        added = known = removed = 0
        uses = {outlet: "the feed's outlet"}
        for c in claims:
            for sid in (c.record.source, c.record.publisher, *c.record.via):
                if sid:
                    uses.setdefault(sid, f"{url}: source")
        self._ensure_sources(uses, registry)
        with store._errors(), store._write() as conn:
            item_id = self._upsert_item(
                conn,
                feed=feed,
                outlet=outlet,
                guid=guid,
                url=url,
                fingerprint=fingerprint,
                published=published,
                etag=etag,
                last_modified=last_modified,
                note=None,
                content_hash=content_hash,
                fetched_at=fetched,
                claims=len(claims),
            )
            before = set(
                conn.execute(sa.select(_SIGHTING.c.claim_id).where(_SIGHTING.c.item_id == item_id)).scalars()
            )
            conn.execute(_SIGHTING.delete().where(_SIGHTING.c.item_id == item_id))
            doc_id = _document(conn, content_hash, url, outlet, published, language)
            conn.execute(_ITEM.update().where(_ITEM.c.id == item_id).values(document_id=doc_id))
            if conn.dialect.name == "postgresql":
                # Two followers storing one statement at once (an origin and its relay) would not see each
                # other's new claim and store it twice: one writer at a time per source, taken in one order (no
                # deadlock), until the commit. SQLite's writers already queue.
                for source in sorted({c.record.source for c in claims}):
                    conn.execute(
                        sa.text("SELECT pg_advisory_xact_lock(hashtext(:s))"), {"s": f"claims:{source}"}
                    )
            first_new = embed.last_claim_id(conn)
            now_seen: set[int] = set()
            for c in claims:
                claim_id = _fold_target(conn, c.record, same_statement)
                if claim_id is None:
                    batch = prepare_chunk([c.record], 0, writer.stamp(), doc_id, writer.counts_terms)
                    added += writer.insert(conn, batch)
                    claim_id = _claim_by_key(conn, batch.rows[0].dedupe_key)
                else:
                    known += 1
                exists = conn.execute(
                    sa.select(_SIGHTING.c.id).where(
                        _SIGHTING.c.item_id == item_id,
                        _SIGHTING.c.start_offset == c.start,
                        _SIGHTING.c.claim_id == claim_id,
                    )
                ).first()
                if exists is None:
                    conn.execute(
                        _SIGHTING.insert().values(
                            claim_id=claim_id,
                            item_id=item_id,
                            outlet_id=outlet,
                            feed=feed,
                            article_url=url,
                            published=published,
                            fetched_at=fetched,
                            start_offset=c.start,
                            end_offset=c.end,
                            text=c.sentence,
                            via=" ".join(c.record.via),
                        )
                    )
                now_seen.add(claim_id)
            if added:
                writer.finish(conn)
            removed = _drop_orphans(conn, before - now_seen, writer)
            if vectors and added:
                embed.encode_and_store(conn, embed.new_claims(conn, first_new))
        if store._index:
            store._index.invalidate()
        if vectors and added:
            store._update_vector_cache()
        return ArticleResult(added, known, removed)

    # -- reading ---------------------------------------------------------------------------------------

    def sightings(self, claim_id: int) -> list[StoredSighting]:
        with self.store._errors(), self.store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(_SIGHTING)
                .where(_SIGHTING.c.claim_id == claim_id)
                .order_by(_SIGHTING.c.published, _SIGHTING.c.fetched_at, _SIGHTING.c.id)
            ).all()
        return [
            StoredSighting(
                r.claim_id,
                r.outlet_id,
                r.feed,
                r.article_url,
                r.published,
                _iso(r.fetched_at) or "",
                r.start_offset,
                r.end_offset,
                r.text,
                tuple(r.via.split()) if r.via else (),
            )
            for r in rows
        ]

    def counts(self) -> dict[str, int]:
        with self.store._errors(), self.store.engine.connect() as conn:
            n = lambda t: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()  # noqa: E731
            return {"items": n(_ITEM), "sightings": n(_SIGHTING), "claims": n(_CLAIM)}


def _document(
    conn: Connection, content_hash: str, url: str, outlet: str, published: str | None, language: str | None
) -> int:
    """The document of this text: stored once (two outlets publishing the same text, stored by two
    followers at once, meet on its unique hash and share the row)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    conn.execute(
        insert(_DOCUMENT)
        .values(
            path=None,
            url=url,
            publisher_id=outlet,
            published=(published or "")[:10] or None,
            language=language,
            content_hash=content_hash,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=[_DOCUMENT.c.content_hash])
    )
    return int(
        conn.execute(sa.select(_DOCUMENT.c.id).where(_DOCUMENT.c.content_hash == content_hash)).scalar_one()
    )


def _claim_by_key(conn: Connection, key: int) -> int:
    return int(conn.execute(sa.select(_CLAIM.c.id).where(_CLAIM.c.dedupe_key == key)).scalar_one())


def _fold_target(conn: Connection, record: ClaimRecord, same_statement: SameStatement | None) -> int | None:
    """The stored claim this record is a relay or copy of: the same claim (text, source, date), else the
    most similar near-identical text of the same source within :data:`FOLD_DAYS` days."""
    norm = normalize(record.text.strip())
    same = conn.execute(
        sa.select(_CLAIM.c.id).where(_CLAIM.c.dedupe_key == dedupe_key(norm, record.source, record.published))
    ).scalar()
    if same is not None:
        return int(same)
    if same_statement is None:
        return None
    query = sa.select(_CLAIM.c.id, _CLAIM.c.norm_text, _CLAIM.c.text).where(
        _CLAIM.c.source_id == record.source,
        sa.func.length(_CLAIM.c.norm_text).between(int(len(norm) * 0.8), int(len(norm) * 1.25) + 1),
    )
    if record.published:
        day = date.fromisoformat(record.published)
        low = (day - timedelta(days=FOLD_DAYS)).isoformat()
        high = (day + timedelta(days=FOLD_DAYS)).isoformat()
        query = query.where(sa.or_(_CLAIM.c.published.is_(None), _CLAIM.c.published.between(low, high)))
    near = []
    figures = sorted(_FIGURES.findall(norm))
    for claim_id, other, text in conn.execute(query.order_by(_CLAIM.c.id.desc()).limit(_FOLD_CANDIDATES)):
        score = fuzz.ratio(norm, other, score_cutoff=FOLD_SIMILARITY)
        # A copy repeats every figure: "district 12" and "district 7" are two places, though the relation
        # rules read only counts and dates as facts to compare.
        if score and sorted(_FIGURES.findall(other)) == figures:
            near.append((score, int(claim_id), text))
    # Near-identical is not the same: "three warships" and "four warships" differ by one word. The relation
    # rules (numbers, negation, antonyms) must call the two texts the same statement.
    for _, claim_id, text in sorted(near, key=lambda n: (-n[0], -n[1])):
        if same_statement(record.text, text, record.language):
            return claim_id
    return None


def _drop_orphans(conn: Connection, claim_ids: set[int], writer: ClaimWriter) -> int:
    """Delete the claims of an article's earlier version that no sighting holds any more, unless an editor
    decided on them or they came from elsewhere than a feed (an import, ``claims add``)."""
    removed = 0
    for claim_id in sorted(claim_ids):
        if conn.execute(sa.select(_SIGHTING.c.id).where(_SIGHTING.c.claim_id == claim_id).limit(1)).first():
            continue
        if conn.execute(sa.select(_DECISION.c.id).where(_DECISION.c.claim_id == claim_id).limit(1)).first():
            continue
        row = conn.execute(
            sa.select(_CLAIM.c.index_text).where(
                _CLAIM.c.id == claim_id,
                _CLAIM.c.document_id.in_(
                    sa.select(_DOCUMENT.c.id).where(_DOCUMENT.c.url.in_(sa.select(_ITEM.c.url)))
                ),
            )
        ).first()
        if row is None:  # gone, or not from a followed article
            continue
        conn.execute(_CLAIM.delete().where(_CLAIM.c.id == claim_id))
        removed += 1
        if writer.fts is not None:  # SQLite keeps word counts beside its index: take the claim's off
            counts = Counter(set(row.index_text.split()))
            conn.exec_driver_sql(
                f"UPDATE {fts.TERMS_TABLE} SET claims = max(claims - ?, 0) WHERE term = ?",
                [(n, t) for t, n in sorted(counts.items())],
            )
    return removed


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")
