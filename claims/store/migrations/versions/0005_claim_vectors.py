"""Sentence vectors of the claims: one row a claim, in a table of its own.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

A claim's vector (claims/encoder.py: 512 numbers stored as float16, 1 KB) lets an Arabic claim find the
English statement it reports. The vectors live beside the claims, not in ``claim``: a database can hold
claims without vectors (filled words-first, ``claims db embed`` later), and reading claims never reads
their kilobyte of vector. ``model`` names the encoder that made the vector: vectors of another model are
never compared with the current one's. ``seq`` numbers the vectors in the order they were committed
(writers take a lock for it), so that a vector index kept in memory or in a file beside the database knows
in one indexed lookup whether vectors were added since it was built, and reads only those. Deleting a
claim deletes its vector.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_vector",
        sa.Column("claim_id", sa.Integer(), sa.ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ux_claim_vector_seq", "claim_vector", ["seq"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_claim_vector_seq", table_name="claim_vector")
    op.drop_table("claim_vector")
