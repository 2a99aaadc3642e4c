"""PostgreSQL search: a GIN index over the words of claim.index_text. Nothing changes on SQLite.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

The words are split with string_to_array, not with PostgreSQL's text parser: claim.index_text already
holds the analysed forms, space-separated (see claims/store/index.py), and the index must hold exactly
those whatever the database's locale. Queries use the same expression, so PostgreSQL uses the index.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_claim_index_words ON claim USING gin ((string_to_array(index_text, ' ')))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_claim_index_words")
