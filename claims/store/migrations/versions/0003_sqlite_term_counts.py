"""SQLite search: how many claims hold each index word, kept beside the FTS5 index. Nothing changes on
PostgreSQL (its GIN index counts cheaply).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

A search prunes its query to the rarest words (claims/store/index.py); it used to count each word's claims
in the FTS5 index at search time, up to a cap, which was half the time of a search on a million claims.
The counts are now a table that each import updates: one B-tree lookup a word. An existing database has
them computed here from claim.index_text.
"""

from __future__ import annotations

from collections import Counter

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLE = "claim_fts_terms"  # a name of the FTS5 family: claims.store.index.is_index_table knows it


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    op.execute(f"CREATE TABLE {TABLE} (term TEXT PRIMARY KEY, claims INTEGER NOT NULL) WITHOUT ROWID")
    counts: Counter[str] = Counter()
    for (text,) in bind.exec_driver_sql("SELECT index_text FROM claim"):
        counts.update(set(text.split()))
    if counts:
        bind.exec_driver_sql(f"INSERT INTO {TABLE} (term, claims) VALUES (?, ?)", list(counts.items()))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TABLE IF EXISTS {TABLE}")
