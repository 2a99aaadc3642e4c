"""Checking many articles: files, directories and globs, on one or several cores."""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from claims.errors import DatabaseError, InputError
from claims.types import Report

if TYPE_CHECKING:
    from claims.match.verdict import Matcher

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")


def expand_inputs(args: list[str]) -> list[str]:
    """Files as given; directories by the articles inside them; quoted globs by their matches, sorted."""
    out: list[str] = []
    for arg in args:
        path = Path(arg)
        if arg == "-" or path.is_file():
            out.append(arg)
        elif path.is_dir():
            found = sorted(
                str(p) for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
            )
            if not found:
                raise InputError(f"{arg}: no .txt, .md or .html articles in this directory")
            out += found
        elif any(ch in arg for ch in "*?["):
            matches = sorted(m for m in glob.glob(arg, recursive=True) if Path(m).is_file())
            if not matches:
                raise InputError(f"{arg}: no file matches this pattern")
            out += matches
        else:
            out.append(arg)  # reading it will say what is wrong
    return out


def existing_store_url(db: str | None) -> str | None:
    """The database a check uses: the one named, else the default one if it has been created (a check
    never creates a database). A named SQLite file that does not exist is an error, not an empty
    database: a mistyped ``--db`` would otherwise report every claim unmatched and leave a stray file."""
    from claims.config import default_url

    url = db or default_url()
    path = _sqlite_path(url)
    if path is not None and not path.exists():
        if db is None:
            return None
        raise DatabaseError(
            f"{url}: no such database file (create one with 'claims db init --db {url}' "
            "or 'claims import FILE --db URL'; without --db, the default database is used)"
        )
    return url


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (``sqlite:///relative.db``, ``sqlite:////absolute.db``); None for other
    databases and in-memory ones."""
    if not url.startswith("sqlite:///"):
        return None
    name = url.removeprefix("sqlite:///").split("?", 1)[0]
    return Path(name) if name and name != ":memory:" else None


# -- one checker per worker process ----------------------------------------------------------------------

_worker: Callable[[str], Report] | None = None


def make_checker(
    sources: str | None, db: str | None, as_of: str | None, min_sources: int, max_bytes: int
) -> Callable[[str], Report]:
    """A function from a path to its report, with its own registry and database connection. The database
    is opened when the first article has been read: an unreadable article is reported as such (exit 3)
    before anything about the database, and leaves it untouched."""
    from claims.attribution.registry import Registry
    from claims.checker import check_text
    from claims.text.read import read_input

    registry = Registry.load(sources)

    @cache
    def matcher() -> Matcher | None:
        url = existing_store_url(db)
        if url is None:
            return None
        from claims.match.matcher import StoreMatcher
        from claims.match.verdict import Policy
        from claims.store.db import Store

        store = Store.open(url, read_only=True)
        return StoreMatcher(store, registry, Policy(min_sources=min_sources), as_of=as_of)

    def check(path: str) -> Report:
        source = read_input(path, max_bytes=max_bytes)
        return check_text(source, registry, matcher())

    return check


def _init(parent: int | None, *args) -> None:  # type: ignore[no-untyped-def]
    from claims.workers import die_with_parent

    global _worker
    die_with_parent(parent)
    _worker = make_checker(*args)


def _check_in_worker(path: str) -> Report:
    assert _worker is not None
    return _worker(path)


def check_many(paths: list[str], jobs: int, *checker_args) -> Iterator[Report]:  # type: ignore[no-untyped-def]
    """Reports in the order of ``paths``; with ``jobs`` > 1 the articles are checked in that many processes."""
    if jobs <= 1 or len(paths) < 2 or "-" in paths:
        check = make_checker(*checker_args)
        for path in paths:
            yield check(path)
        return
    import multiprocessing

    context = multiprocessing.get_context()
    # A forkserver's workers are the server's children, not this process's.
    parent = os.getpid() if context.get_start_method() != "forkserver" else None
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_init, initargs=(parent, *checker_args)
    ) as pool:
        yield from pool.map(_check_in_worker, paths)
