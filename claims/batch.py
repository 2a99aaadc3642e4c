"""Checking many articles: files, directories and globs, on one or several cores."""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from claims.errors import InputError
from claims.types import Report

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
    never creates a database)."""
    from claims.config import default_url

    url = db or default_url()
    if db is None and url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    return url


# -- one checker per worker process ----------------------------------------------------------------------

_worker: Callable[[str], Report] | None = None


def make_checker(
    sources: str | None, db: str | None, as_of: str | None, min_sources: int, max_bytes: int
) -> Callable[[str], Report]:
    """A function from a path to its report, with its own registry and database connection."""
    from claims.attribution.registry import Registry
    from claims.checker import check_text
    from claims.text.read import read_input

    registry = Registry.load(sources)
    matcher = None
    url = existing_store_url(db)
    if url is not None:
        from claims.match.matcher import StoreMatcher
        from claims.match.verdict import Policy
        from claims.store.db import Store

        matcher = StoreMatcher(Store.open(url), registry, Policy(min_sources=min_sources), as_of=as_of)

    def check(path: str) -> Report:
        return check_text(read_input(path, max_bytes=max_bytes), registry, matcher)

    return check


def _init(*args) -> None:  # type: ignore[no-untyped-def]
    global _worker
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
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init, initargs=checker_args) as pool:
        yield from pool.map(_check_in_worker, paths)
