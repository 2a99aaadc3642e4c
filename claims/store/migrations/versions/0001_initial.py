"""Initial schema: sources, documents, claims, editor decisions; the SQLite full-text index.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

A migration is frozen once released: it spells out its DDL instead of importing the current models or
index code, so that later changes to those never change what this step does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# New claims are indexed by the store's insert path, one INSERT ... SELECT per batch: an AFTER INSERT
# trigger would make FTS5 flush its pending terms at every row (3x slower imports). Deletes and updates
# of index_text, which only maintenance does, are kept in sync by triggers.
_FTS = [
    # External-content FTS5 table over claim.index_text (already normalised in Python).
    "CREATE VIRTUAL TABLE claim_fts USING fts5(index_text, content='claim', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER claim_fts_ad AFTER DELETE ON claim BEGIN "
    "INSERT INTO claim_fts(claim_fts, rowid, index_text) VALUES ('delete', old.id, old.index_text); END",
    "CREATE TRIGGER claim_fts_au AFTER UPDATE OF index_text ON claim BEGIN "
    "INSERT INTO claim_fts(claim_fts, rowid, index_text) VALUES ('delete', old.id, old.index_text); "
    "INSERT INTO claim_fts(rowid, index_text) VALUES (new.id, new.index_text); END",
]


def upgrade() -> None:
    op.create_table(
        "source",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("group_id", sa.String(100), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("publisher_id", sa.String(100), sa.ForeignKey("source.id"), nullable=True),
        sa.Column("published", sa.String(10), nullable=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ux_document_content_hash", "document", ["content_hash"], unique=True)
    op.create_table(
        "claim",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("norm_text", sa.Text(), nullable=False),
        sa.Column("index_text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("source_id", sa.String(100), sa.ForeignKey("source.id"), nullable=False),
        sa.Column("publisher_id", sa.String(100), sa.ForeignKey("source.id"), nullable=True),
        sa.Column("via", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("document.id"), nullable=True),
        sa.Column("published", sa.String(10), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("rating", sa.Text(), nullable=True),
        sa.Column("hedged", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("dedupe_key", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ux_claim_dedupe_key", "claim", ["dedupe_key"], unique=True)
    op.create_index("ux_claim_external_id", "claim", ["external_id"], unique=True)
    op.create_index("ix_claim_source_id", "claim", ["source_id"])
    op.create_index("ix_claim_published", "claim", ["published"])
    op.create_index("ix_claim_document_id", "claim", ["document_id"])
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text_hash", sa.String(32), nullable=False),
        sa.Column("claim_id", sa.Integer(), sa.ForeignKey("claim.id"), nullable=True),
        sa.Column("verdict", sa.String(40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("editor", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_decision_text_hash", "decision", ["text_hash"])
    op.create_index("ix_decision_claim_id", "decision", ["claim_id"])
    if op.get_bind().dialect.name == "sqlite":
        for statement in _FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("claim_fts_au", "claim_fts_ad"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS claim_fts")
    op.drop_table("decision")
    op.drop_table("claim")
    op.drop_table("document")
    op.drop_table("source")
