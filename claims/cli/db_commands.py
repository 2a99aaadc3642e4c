"""`claims db`: create, upgrade, downgrade and count the database."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from claims.cli.common import DbOption, DebugOption, db_app, guarded, say
from claims.errors import DatabaseError
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


@db_app.command("embed")
def db_embed(db: DbOption = None, debug: DebugOption = False) -> None:
    """Give a sentence vector to every stored claim that has none (after `claims import --no-vectors`, or
    claims stored by an older claims), so that claims in another language or in other words find them.
    Each batch of 256 is committed on its own: stopped, it keeps what it did; run it again to go on.

    Example: claims db embed --db sqlite:///claims.db
    """

    def body():  # type: ignore[no-untyped-def]
        import sys

        from claims.service import existing_store_url

        url = existing_store_url(db)
        if url is None:
            raise DatabaseError("no claims database yet: nothing to encode (import claims first)")
        with open_store(url) as store:
            before = store.stats()
            missing = before["claims"] - before["vectors"]
            bar = _embed_bar(missing) if sys.stderr.isatty() and missing else None
            if bar is None:
                result = store.embed()
            else:
                with bar:
                    result = store.embed(progress=lambda n: bar.advance(bar.task_ids[0], n))
        rate = result.encoded / result.seconds if result.seconds else 0.0
        if result.encoded:
            say(
                f"{result.encoded:,} claims encoded in {result.seconds:.1f} s ({rate:,.0f} claims/s); "
                f"{before['vectors'] + result.encoded:,} of {before['claims']:,} claims have vectors"
            )
        else:
            say(f"all {before['claims']:,} claims already have vectors ({before['vector_model']})")

    guarded(debug, body)


def _embed_bar(total: int):  # type: ignore[no-untyped-def]
    """A transient bar on stderr: claims encoded of those without a vector, claims/s, time left."""
    import sys

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from claims.report.terminal import make_console

    progress = Progress(
        TextColumn("encoding claims"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=make_console(file=sys.stderr),
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    )
    progress.add_task("embed", total=total)
    return progress
