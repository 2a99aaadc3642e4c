"""Followed feeds, the items read from them, and the sightings of each stored claim.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

``claims follow`` reads the newsroom's feeds (claims/feeds/). ``feed_state`` keeps, per feed of the
newsroom file, what the next poll needs (the ETag and Last-Modified of the last answer) and what an editor
asks about it (last success, last error, items added). ``feed_item`` is one article seen in a feed, keyed
by its canonical URL (unique) and its GUID in that feed: an item seen before is not fetched again, and
``fingerprint`` (the feed's own description of the item) and ``content_hash`` (the article text) tell when
it changed. ``follow_lease`` lets several followers share one database: a follower polls a feed, or
fetches an item, only while it holds that feed's or item's lease (taken by one conditional upsert,
expiring on its own if the follower dies). ``sighting`` is where a stored claim was read: the article, the outlet whose feed carried it,
the feed, the times, and the sentence's character offsets in the article text; a statement relayed by
several outlets is one claim with several sightings. Deleting a claim or an item deletes its sightings.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_state",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("last_polled", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_items", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("items_added", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("claims_added", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "feed_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("feed", sa.String(200), nullable=False),
        sa.Column("guid", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("outlet_id", sa.String(100), sa.ForeignKey("source.id"), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("published", sa.String(25), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("document.id"), nullable=True),
        sa.Column("claims", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index("ux_feed_item_url", "feed_item", ["url"], unique=True)
    op.create_index("ix_feed_item_guid", "feed_item", ["feed", "guid"])
    op.create_table(
        "sighting",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("claim_id", sa.Integer(), sa.ForeignKey("claim.id", ondelete="CASCADE"), nullable=False),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("feed_item.id", ondelete="CASCADE"), nullable=False),
        sa.Column("outlet_id", sa.String(100), sa.ForeignKey("source.id"), nullable=False),
        sa.Column("feed", sa.String(200), nullable=False),
        sa.Column("article_url", sa.Text(), nullable=False),
        sa.Column("published", sa.String(25), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("via", sa.Text(), nullable=False, server_default=""),
    )
    op.create_table(
        "follow_lease",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sighting_claim_id", "sighting", ["claim_id"])
    op.create_index(
        "ux_sighting_item_offset", "sighting", ["item_id", "start_offset", "claim_id"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ux_sighting_item_offset", table_name="sighting")
    op.drop_index("ix_sighting_claim_id", table_name="sighting")
    op.drop_table("sighting")
    op.drop_index("ix_feed_item_guid", table_name="feed_item")
    op.drop_index("ux_feed_item_url", table_name="feed_item")
    op.drop_table("feed_item")
    op.drop_table("follow_lease")
    op.drop_table("feed_state")
