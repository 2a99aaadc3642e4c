"""PostgreSQL search: the GIN index holds a 64-bit hash of each word of claim.index_text instead of the word
itself. Nothing changes on SQLite.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

Most of a PostgreSQL import's write time was the GIN index over string_to_array(index_text, ' ') (0002)
taking in some 30 text keys a claim, each compared under the database's collation. Integer keys are
compared as integers: an import's write step takes about a quarter less time (docs/benchmarks.md).

The keys are computed on the server, by one IMMUTABLE function that both the index and every search call,
so the words a search looks for and the words the index holds can never be hashed two ways. 64 bits and
not 32: with 32-bit keys, 8 pairs of the 152,500 distinct words of 100,000 news claims shared a key, and 2
of 400 searches ranked differently for it (a shared key adds the other word's claims to a word's count);
with 64 bits, a million distinct words share none but with a chance of about 3 in 100 million. Should two
words share one all the same, a search drops the claims whose text holds none of its words
(claims/store/index.py). Every name in the function's body is schema-qualified, because the index also
calls it where search_path is empty (pg_dump's restore, autovacuum).
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# hashtextextended is PostgreSQL's own 64-bit string hash (the one of hash partitioning), seed 0. Its values
# need not be the same on another server: a dump is restored by building the index again, with that
# server's function.
_FUNCTION = (
    "CREATE FUNCTION claim_word_keys(words text) RETURNS int8[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
    "$$ SELECT ARRAY(SELECT pg_catalog.hashtextextended(w, 0) "
    "FROM pg_catalog.unnest(pg_catalog.string_to_array(words, ' ')) AS w) $$"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_FUNCTION)
        op.execute("CREATE INDEX ix_claim_word_keys ON claim USING gin (claim_word_keys(index_text))")
        op.execute("DROP INDEX IF EXISTS ix_claim_index_words")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_claim_index_words ON claim USING gin ((string_to_array(index_text, ' ')))"
        )
        op.execute("DROP INDEX IF EXISTS ix_claim_word_keys")
        op.execute("DROP FUNCTION IF EXISTS claim_word_keys(text)")
