"""Alembic environment of the claims store.

Migrations run through ``claims.store.db.Store`` (on open, and ``claims db upgrade``), which passes an open
connection inside a transaction as ``config.attributes["connection"]``: an upgrade is all or nothing.
There is no ``alembic.ini``; offline (SQL script) mode is not supported.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from claims.store import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from claims.store.index import PG_INDEX, is_index_table


def include_name(name, type_, parent_names) -> bool:  # type: ignore[no-untyped-def]
    # The full-text index (SQLite: virtual and shadow tables; PostgreSQL: an expression index) is not
    # described by the models.
    if type_ == "index" and name == PG_INDEX:
        return False
    return not (type_ == "table" and name is not None and is_index_table(name))


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("claims migrations run through claims.store.db.Store (`claims db upgrade`)")
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        include_name=include_name,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
