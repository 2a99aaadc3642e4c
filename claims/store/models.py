"""The tables of the claims store (SQLModel).

These classes describe the schema; the schema itself is created and changed only by the Alembic
migrations in ``claims/store/migrations/versions`` (a test checks that the two agree). Nothing outside
``claims/store`` sees these classes: the store hands out the frozen values of ``claims.types``.

Conventions
-----------
* Times (``created_at``) are timezone-aware UTC datetimes; backends without time zones store UTC.
* Dates of publication are ISO strings ``YYYY-MM-DD``: they sort and compare as dates in every backend,
  and "as of" filters are plain string comparisons.
* Source ids are registry ids (lowercase kebab-case, never containing a space), so the relaying sources of
  a claim (``via``) are stored as one space-separated string, innermost first.
* ``claim.index_text`` is the normalised, clitic-stripped, stop-word-free text that the full-text index
  reads (see ``claims/store/index.py``); ``claim.norm_text`` is the normalised text used for re-ranking.
* ``claim.dedupe_key`` is a 64-bit hash of (normalised text, source, published date): importing the same
  claim twice adds it once. ``claim.external_id`` is the importer's stable id, unique when present.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Source(SQLModel, table=True):
    """A source a claim can be attributed to: a registry entry, or one created by an import."""

    __tablename__ = "source"

    id: str = Field(sa_type=sa.String(100), primary_key=True)
    name: str = Field(sa_type=sa.String(300))
    kind: str = Field(sa_type=sa.String(40))
    # Independence group: sources of one group are one voice (registry ``group``).
    group_id: str = Field(sa_type=sa.String(100))
    # True when the row was copied from the source registry; False when created by --create-sources.
    registered: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)


class Document(SQLModel, table=True):
    """An article whose claims were ingested."""

    __tablename__ = "document"
    __table_args__ = (sa.Index("ux_document_content_hash", "content_hash", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    path: str | None = Field(default=None, sa_type=sa.Text)
    url: str | None = Field(default=None, sa_type=sa.Text)
    publisher_id: str | None = Field(default=None, sa_type=sa.String(100), foreign_key="source.id")
    published: str | None = Field(default=None, sa_type=sa.String(10))
    language: str | None = Field(default=None, sa_type=sa.String(16))
    content_hash: str = Field(sa_type=sa.String(64))
    created_at: datetime = Field(default_factory=utcnow)


class Claim(SQLModel, table=True):
    """One stored claim: what was said, by whom, through whom, when and where."""

    __tablename__ = "claim"
    __table_args__ = (
        sa.Index("ux_claim_dedupe_key", "dedupe_key", unique=True),
        sa.Index("ux_claim_external_id", "external_id", unique=True),
        sa.Index("ix_claim_source_id", "source_id"),
        sa.Index("ix_claim_published", "published"),
        sa.Index("ix_claim_document_id", "document_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_type=sa.Text)
    norm_text: str = Field(sa_type=sa.Text)
    index_text: str = Field(sa_type=sa.Text)
    language: str = Field(sa_type=sa.String(16))
    source_id: str = Field(sa_type=sa.String(100), foreign_key="source.id")
    publisher_id: str | None = Field(default=None, sa_type=sa.String(100), foreign_key="source.id")
    via: str = Field(default="", sa_type=sa.Text)
    document_id: int | None = Field(default=None, foreign_key="document.id")
    published: str | None = Field(default=None, sa_type=sa.String(10))
    url: str | None = Field(default=None, sa_type=sa.Text)
    # The fact-checker's verdict for fact-check records (ClaimReview textualRating), as published.
    rating: str | None = Field(default=None, sa_type=sa.Text)
    hedged: bool = Field(default=False)
    demo: bool = Field(default=False)
    external_id: str | None = Field(default=None, sa_type=sa.Text)
    dedupe_key: int = Field(sa_type=sa.BigInteger)
    created_at: datetime = Field(default_factory=utcnow)


class Decision(SQLModel, table=True):
    """An editor's decision on a claim: the verdict they settled on, and why.

    Decisions are keyed by the hash of the claim's normalised text (``claims.store.db.text_hash``), so a
    decision made while checking one article applies when the same claim appears again; ``claim_id``
    points at a stored claim when the decision concerns one.
    """

    __tablename__ = "decision"
    __table_args__ = (
        sa.Index("ix_decision_text_hash", "text_hash"),
        sa.Index("ix_decision_claim_id", "claim_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    text_hash: str = Field(sa_type=sa.String(32))
    claim_id: int | None = Field(default=None, foreign_key="claim.id")
    verdict: str = Field(sa_type=sa.String(40))
    note: str = Field(default="", sa_type=sa.Text)
    editor: str | None = Field(default=None, sa_type=sa.String(200))
    created_at: datetime = Field(default_factory=utcnow)


class ClaimVector(SQLModel, table=True):
    """A claim's sentence vector (``claims.encoder``: float16 bytes), the encoder model that made it, and
    ``seq``, its place in the order vectors were committed (see ``claims/store/vectors.py``)."""

    __tablename__ = "claim_vector"
    __table_args__ = (sa.Index("ux_claim_vector_seq", "seq", unique=True),)

    claim_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True)
    )
    model: str = Field(sa_type=sa.String(100))
    seq: int = Field(sa_type=sa.BigInteger)
    vector: bytes = Field(sa_type=sa.LargeBinary)


class FeedState(SQLModel, table=True):
    """A followed feed (named in the newsroom file): what the next poll sends (ETag, Last-Modified) and
    what the last ones did."""

    __tablename__ = "feed_state"

    name: str = Field(sa_type=sa.String(200), primary_key=True)
    url: str = Field(sa_type=sa.Text)
    etag: str | None = Field(default=None, sa_type=sa.Text)
    last_modified: str | None = Field(default=None, sa_type=sa.Text)
    last_polled: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_success: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    last_error_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_items: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    items_added: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    claims_added: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class FeedItem(SQLModel, table=True):
    """An article seen in a feed, by canonical URL (unique) and GUID; ``fingerprint`` is the feed's
    description of it, ``content_hash`` its text's, so a changed article is told from one seen before."""

    __tablename__ = "feed_item"
    __table_args__ = (
        sa.Index("ux_feed_item_url", "url", unique=True),
        sa.Index("ix_feed_item_guid", "feed", "guid"),
    )

    id: int | None = Field(default=None, primary_key=True)
    feed: str = Field(sa_type=sa.String(200))
    guid: str | None = Field(default=None, sa_type=sa.Text)
    url: str = Field(sa_type=sa.Text)
    outlet_id: str = Field(sa_type=sa.String(100), foreign_key="source.id")
    fingerprint: str = Field(sa_type=sa.String(64))
    content_hash: str | None = Field(default=None, sa_type=sa.String(64))
    etag: str | None = Field(default=None, sa_type=sa.Text)
    last_modified: str | None = Field(default=None, sa_type=sa.Text)
    published: str | None = Field(default=None, sa_type=sa.String(25))
    fetched_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    document_id: int | None = Field(default=None, foreign_key="document.id")
    claims: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    note: str | None = Field(default=None, sa_type=sa.Text)


class Sighting(SQLModel, table=True):
    """Where a stored claim was read: the article, the outlet and feed that carried it, when, and the
    sentence's character offsets in the article's text (``text`` is that sentence)."""

    __tablename__ = "sighting"
    __table_args__ = (
        sa.Index("ix_sighting_claim_id", "claim_id"),
        sa.Index("ux_sighting_item_offset", "item_id", "start_offset", "claim_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("claim.id", ondelete="CASCADE"), nullable=False)
    )
    item_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("feed_item.id", ondelete="CASCADE"), nullable=False)
    )
    outlet_id: str = Field(sa_type=sa.String(100), foreign_key="source.id")
    feed: str = Field(sa_type=sa.String(200))
    article_url: str = Field(sa_type=sa.Text)
    published: str | None = Field(default=None, sa_type=sa.String(25))
    fetched_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    start_offset: int
    end_offset: int
    text: str = Field(sa_type=sa.Text)
    via: str = Field(default="", sa_type=sa.Text, sa_column_kwargs={"server_default": ""})


class FollowLease(SQLModel, table=True):
    """A feed (``feed:NAME``) or an item (``item:URL``) one follower is working on, until ``until``."""

    __tablename__ = "follow_lease"

    key: str = Field(sa_type=sa.String(300), primary_key=True)
    owner: str = Field(sa_type=sa.String(100))
    until: datetime = Field(sa_type=sa.DateTime(timezone=True))
