"""`claims db`: create, upgrade, downgrade and count the database."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from claims.cli.common import DbOption, DebugOption, _run, _say, db_app
from claims.service import open_store


@db_app.command("init")
def db_init(db: DbOption = None, debug: DebugOption = False) -> None:
    """Create the database (or bring an existing one up to date, as `claims db upgrade` does).

    Example: claims db init
    """

    def body():  # type: ignore[no-untyped-def]
        with open_store(db, migrate=False) as store:
            change = store.upgrade()
            _print_backup(change)
            _say(f"database ready: {store.url} (schema {change.after})")

    _run(debug, body)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, debug: DebugOption = False) -> None:
    """Apply schema migrations; stored data is kept. An SQLite file is first copied to FILE.bak-REVISION;
    `claims db downgrade REVISION` undoes the upgrade (see docs/reliability.md).

    Example: claims db upgrade --db sqlite:///claims.db
    """

    def body():  # type: ignore[no-untyped-def]
        with open_store(db, migrate=False) as store:
            change = store.upgrade()
            _print_backup(change)
            _say(f"{store.url}: schema {change.before or 'none'} -> {change.after}")

    _run(debug, body)


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="The schema revision to go back to (e.g. 0003).")],
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Take the schema back to an older revision, for the older claims that wrote it; an SQLite file is
    first copied to FILE.bak-REVISION. Claims, sources, documents and decisions are kept.

    Example: claims db downgrade 0003 --db sqlite:///claims.db
    """

    def body():  # type: ignore[no-untyped-def]
        with open_store(db, migrate=False) as store:
            change = store.downgrade(revision)
            _print_backup(change)
            print(f"{store.url}: schema {change.before or 'none'} -> {change.after}")

    _run(debug, body)


def _print_backup(change) -> None:  # type: ignore[no-untyped-def]
    if change.backup is not None:
        print(f"backup of the database at schema {change.before}: {change.backup}")


@db_app.command("stats")
def db_stats(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    debug: DebugOption = False,
) -> None:
    """Counts of stored claims, sources, documents and decisions.

    Example: claims db stats
    """

    def body():  # type: ignore[no-untyped-def]
        with open_store(db, read_only=True) as store:
            return store.stats()

    stats = _run(debug, body)
    if as_json:
        print(json.dumps(stats, indent=2, ensure_ascii=False, default=str))
    else:
        for key, value in stats.items():
            _say(f"{key}: {value}")
