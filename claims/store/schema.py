"""The store's schema: which revision a database is at, whether it is a claims database at all, the
Alembic migrations in ``claims/store/migrations`` run in one transaction, and SQLite backups."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection

from claims.errors import DatabaseError, UsageError
from claims.store.engines import file_uri, sqlite_file

# The latest migration in claims/store/migrations/versions (a test checks that Alembic agrees). Knowing it
# here lets an up-to-date store open without loading Alembic.
SCHEMA_HEAD = "0006"
MIGRATIONS = Path(__file__).resolve().with_name("migrations")
# The tables that make a database a claims database (with ``alembic_version``).
CORE_TABLES = {"source", "document", "claim", "decision"}


class SchemaChange(NamedTuple):
    before: str | None  # the revision before (None: an empty database)
    after: str
    backup: Path | None  # where the SQLite file was copied first


def current_revision(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def claims_revision(conn: Connection, shown: str) -> str | None:
    """The revision of a claims database, None for an empty one. Refuses (untouched) a database whose
    tables are not a claims schema, and one at a revision this version does not know."""
    names = set(sa.inspect(conn).get_table_names())
    if not names:
        return None
    ours = "alembic_version" in names and CORE_TABLES <= names
    if not ours:
        others = sorted(names - CORE_TABLES - {"alembic_version"}) or sorted(names)
        listed = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        raise DatabaseError(
            f"{shown}: not a claims database (it holds other tables: {listed}); left untouched. "
            "Name a new or empty database for claims"
        )
    revision = current_revision(conn)
    if revision is None:
        raise DatabaseError(f"{shown}: the claims tables are there but no schema revision is recorded")
    if revision != SCHEMA_HEAD and revision not in known_revisions():
        raise DatabaseError(unknown_revision(shown, revision))
    return revision


def known_revisions() -> tuple[str, ...]:
    """The revisions of the shipped migrations, oldest first (loads Alembic)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    return tuple(reversed([s.revision for s in ScriptDirectory.from_config(config).walk_revisions()]))


def unknown_revision(shown: str, revision: str | None, detail: str = "") -> str:
    return (
        f"{shown}: the schema is at revision {revision!r}, which this version of claims does not know{detail}; "
        "upgrade claims"
    )


def alembic_config(conn: Connection) -> Any:
    """An Alembic configuration that runs the shipped migrations on ``conn``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["connection"] = conn
    return config


def migrate(conn: Connection, target: str, *, down: bool, shown: str, before: str | None) -> str | None:
    """Run the migrations on ``conn`` (in its transaction) up to the head, or down to ``target``; returns
    the revision reached."""
    from alembic import command
    from alembic.util import CommandError

    try:
        if down:
            command.downgrade(alembic_config(conn), target)
        else:
            command.upgrade(alembic_config(conn), "head")
    except CommandError as exc:
        if down:
            raise UsageError(f"cannot downgrade {shown} to {target}: {exc}") from None
        raise DatabaseError(unknown_revision(shown, before, f" ({exc})")) from None
    return current_revision(conn)


def backup_sqlite(url: URL, revision: str) -> Path | None:
    """Copy an SQLite database file aside, consistently even while others write to it:
    ``<file>.bak-<revision>`` (``-2``, ``-3``, ... if taken); None for a database that is not a file."""
    path = sqlite_file(url)
    if path is None:
        return None
    target = path.with_name(f"{path.name}.bak-{revision}")
    n = 2
    while target.exists():
        target = path.with_name(f"{path.name}.bak-{revision}-{n}")
        n += 1
    partial = target.with_name(target.name + ".part")
    import sqlite3

    try:
        source = sqlite3.connect(f"{file_uri(path)}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        shown = url.render_as_string(hide_password=True)
        raise DatabaseError(f"{shown}: cannot back the database up to {target}: {exc}") from None
    return target
