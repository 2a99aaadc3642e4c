"""`claims db`: create, upgrade, downgrade and count the database."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from claims.cli.common import DbOption, DebugOption, db_app, guarded, say
from claims.service import open_store


@db_app.command("init")
def db_init(db: DbOption = None, debug: DebugOption = False) -> None:
    """Create the database (or bring an existing one up to date, as `claims db upgrade` does).

    Example: claims db init
    """

    _change_schema(
        db,
        debug,
        lambda store: store.upgrade(),
        lambda url, c: say(f"database ready: {url} (schema {c.after})"),
    )


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, debug: DebugOption = False) -> None:
    """Apply schema migrations; stored data is kept. An SQLite file is first copied to FILE.bak-REVISION;
    `claims db downgrade REVISION` undoes the upgrade (see docs/reliability.md).

    Example: claims db upgrade --db sqlite:///claims.db
    """

    _change_schema(db, debug, lambda store: store.upgrade(), _say_change)


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

    _change_schema(db, debug, lambda store: store.downgrade(revision), _print_change)


def _change_schema(db: str | None, debug: bool, change_of, said) -> None:  # type: ignore[no-untyped-def]
    """Open the database without migrating it, change its schema with ``change_of(store)``, then say where
    the backup is (when one was made) and, with ``said(url, change)``, what changed."""

    def body():  # type: ignore[no-untyped-def]
        with open_store(db, migrate=False) as store:
            change = change_of(store)
            if change.backup is not None:
                print(f"backup of the database at schema {change.before}: {change.backup}")
            said(store.url, change)

    guarded(debug, body)


def _say_change(url: str, change) -> None:  # type: ignore[no-untyped-def]
    say(f"{url}: schema {change.before or 'none'} -> {change.after}")


def _print_change(url: str, change) -> None:  # type: ignore[no-untyped-def]
    print(f"{url}: schema {change.before or 'none'} -> {change.after}")


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

    stats = guarded(debug, body)
    if as_json:
        print(json.dumps(stats, indent=2, ensure_ascii=False, default=str))
    else:
        for key, value in stats.items():
            say(f"{key}: {value}")
