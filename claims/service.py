"""What the front ends (the CLI, the batch runner, the HTTP server and its check workers) share: which
database to use, opening it and a matcher over it, checking an article, ingesting one, exporting
decisions. The front ends only parse their input and print or send what these return."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claims.errors import DatabaseError
from claims.isodate import parse_date

if TYPE_CHECKING:
    from claims.match.matcher import StoreMatcher
    from claims.registry import Registry
    from claims.store.db import EditorDecision, ImportResult, Store
    from claims.types import InputText, Report

__all__ = [
    "check_source",
    "decisions_for",
    "existing_store_url",
    "export_reviews",
    "ingest_article",
    "open_matcher",
    "open_store",
    "parse_date",
    "sqlite_file_missing",
    "store_url",
]


# -- which database ----------------------------------------------------------------------------------


def store_url(db: str | None) -> str:
    """The database named, else the default one (``$CLAIMS_DB``, else SQLite in the user data directory)."""
    from claims.config import default_url

    return db or default_url()


def sqlite_file_missing(url: str) -> bool:
    """True only for an SQLite URL whose file does not exist yet (any other database: False)."""
    path = _sqlite_path(url)
    return path is not None and not path.exists()


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (``sqlite:///relative.db``, ``sqlite:////absolute.db``); None for other
    databases and in-memory ones."""
    if not url.startswith("sqlite:///"):
        return None
    name = url.removeprefix("sqlite:///").split("?", 1)[0]
    return Path(name) if name and name != ":memory:" else None


def existing_store_url(db: str | None) -> str | None:
    """The database a check uses: the one named, else the default one if it has been created (a check
    never creates a database). A named SQLite file that does not exist is an error, not an empty
    database: a mistyped ``--db`` would otherwise report every claim unmatched and leave a stray file."""
    url = store_url(db)
    if sqlite_file_missing(url):
        if db is None:
            return None
        raise DatabaseError(
            f"{url}: no such database file (create one with 'claims db init --db {url}' "
            "or 'claims import FILE --db URL'; without --db, the default database is used)"
        )
    return url


def open_store(db: str | None, *, read_only: bool = False, migrate: bool = True) -> Store:
    """The store, for a command that writes (created if need be) or, ``read_only``, one that only reads."""
    from claims.store.db import Store

    return Store.open(db, read_only=read_only, migrate=migrate)


def open_matcher(
    store: Store,
    registry: Registry,
    *,
    min_sources: int = 1,
    as_of: str | None = None,
    same_language: bool = False,
) -> StoreMatcher:
    """The matcher that judges claims against ``store``; ``same_language`` compares each claim only with
    stored claims in its own language."""
    from claims.match.matcher import StoreMatcher
    from claims.match.verdict import Policy

    return StoreMatcher(
        store, registry, Policy(min_sources=min_sources), as_of=as_of, same_language=same_language
    )


# -- checking ----------------------------------------------------------------------------------------


def check_source(
    source: InputText,
    registry: Registry,
    store: Store | None,
    *,
    min_sources: int = 1,
    as_of: str | None = None,
    same_language: bool = False,
) -> tuple[Report, dict[str, EditorDecision] | None]:
    """An article's report, matched against ``store`` when there is one, with the editors' decisions on
    its claims (None without a store)."""
    from claims.checker import check_text

    if store is None:
        return check_text(source, registry), None
    from claims.decisions import decisions_for_report

    matcher = open_matcher(store, registry, min_sources=min_sources, as_of=as_of, same_language=same_language)
    report = check_text(source, registry, matcher)
    return report, decisions_for_report(store, report)


def decisions_for(reports: Sequence[Report], db: str | None) -> list[dict[str, EditorDecision]] | None:
    """Editors' decisions on the claims of each report, when checking against a database."""
    url = existing_store_url(db)
    if url is None:
        return None
    from claims.decisions import decisions_for_report

    with open_store(url, read_only=True) as store:
        return [decisions_for_report(store, r) for r in reports]


# -- storing -----------------------------------------------------------------------------------------


def ingest_article(
    store: Store,
    name: str,
    registry: Registry,
    *,
    publisher: str,
    published: str | None,
    url: str | None,
    create_sources: bool,
    max_bytes: int,
    vectors: bool = True,
) -> tuple[int, ImportResult]:
    """Read an article, check it and store it with its claims, each under its attributed source (the
    author's own under ``publisher``); the date is ``published``, else the article's dateline. Returns how
    many claims it has worth storing and what the store added. ``vectors``: store the claims' sentence
    vectors with them (else ``claims db embed`` adds them later)."""
    from claims.checker import check_text
    from claims.ingest import article_records
    from claims.text.read import read_input

    source = read_input(name, max_bytes=max_bytes)
    report = check_text(source, registry)
    date = published or report.document.published
    doc_id = store.add_document(
        content=source.text,
        path=name,
        url=url,
        publisher=publisher,
        published=date,
        language=report.document.language,
        registry=registry,
        create_sources=create_sources,
    )
    records = article_records(report, publisher, date, url)
    result = store.add_claims(
        records, registry, create_sources=create_sources, document_id=doc_id, vectors=vectors
    )
    return len(records), result


def export_reviews(
    db: str | None,
    registry: Registry,
    paths: Sequence[str],
    *,
    publisher_name: str,
    publisher_url: str | None,
    review_url: str | None,
    article_url: str | None,
    max_bytes: int,
    warnings: list[str],
) -> list[dict[str, Any]]:
    """One schema.org ClaimReview per decided claim, newest first; the claims of the articles at
    ``paths`` are included too (a decided claim that is not stored is known only from its article)."""
    from claims.checker import check_text
    from claims.decisions import export_claimreview
    from claims.text.read import read_input

    reports = [check_text(read_input(p, max_bytes=max_bytes), registry) for p in paths]
    with open_store(db, read_only=True) as store:
        return export_claimreview(
            store,
            registry,
            publisher_name=publisher_name,
            publisher_url=publisher_url,
            reports=reports,
            warnings=warnings,
            review_url=review_url,
            article_urls=[article_url] if article_url is not None else [],
        )
