"""The commands that read or write the claims database: sources, import, add, ingest, decide, export."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from claims.cli.common import (
    CreateSourcesOption,
    DbOption,
    DebugOption,
    MaxBytesOption,
    NoVectorsOption,
    SourcesOption,
    app,
    err,
    guarded,
    input_paths,
    load_registry,
    say,
)
from claims.errors import EXIT_INPUT, InputError, UsageError
from claims.report.visible import visible
from claims.service import export_reviews, ingest_article, open_store, parse_date
from claims.text.read import DEFAULT_MAX_BYTES


@app.command()
def sources(
    query: Annotated[str | None, typer.Argument(help="Name, alias or id to look for (any language).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="Most entries to show.")] = 50,
    extra: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """List or search the source registry.

    Example: claims sources "وكالة الأنباء الكورية"
    """
    registry = guarded(debug, load_registry, extra)
    found = registry.search(query, limit=limit) if query else list(registry)[:limit]
    if as_json:
        from claims.report.json import registry_entry

        print(json.dumps([registry_entry(s) for s in found], ensure_ascii=False, indent=2))
        return
    from rich.table import Table
    from rich.text import Text

    from claims.report.terminal import make_console

    table = Table(show_header=True, header_style="bold")
    for col in ("id", "name", "Arabic", "kind", "group"):
        table.add_column(col, no_wrap=col in ("id", "group"))
    for s in found:
        table.add_row(*(Text(visible(x)) for x in (s.id, s.name, s.name_ar, s.kind, s.group)))
    make_console().print(table)
    if not found:
        err(f"no source matches {query!r}")
        raise typer.Exit(1)


@app.command("import")
def import_(
    files: Annotated[
        list[str],
        typer.Argument(help="JSONL, CSV or ClaimReview (.json, .jsonld, .html) files; '-' is JSONL."),
    ],
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="jsonl, csv or claimreview (default: by extension).")
    ] = None,
    create_sources: CreateSourcesOption = False,
    fallback_source: Annotated[
        str,
        typer.Option("--fallback-source", help="Source id for ClaimReview claimants not in the registry."),
    ] = "unregistered",
    no_vectors: NoVectorsOption = False,
    db: DbOption = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """Add claim records to the database. Re-importing the same records adds nothing; each file is one
    transaction, so a bad record (named with its line) leaves the database as it was.

    Example: claims import data/examples/demo-claims.jsonl
    """

    def body():  # type: ignore[no-untyped-def]
        registry = load_registry(sources)
        with open_store(db) as store:
            for name in files:
                warnings: list[str] = []
                result = _import_file(
                    store, name, registry, format, fallback_source, create_sources, warnings, not no_vectors
                )
                for w in warnings[:5]:
                    err(f"warning: {w}")
                created = (
                    f", created sources: {', '.join(result.created_sources)}"
                    if result.created_sources
                    else ""
                )
                updated = f" ({result.updated} with a newer rating)" if result.updated else ""
                say(f"{name}: {result.added} added, {result.skipped} already stored{updated}{created}")

    guarded(debug, body)


def _import_file(store, name: str, registry, format, fallback_source, create_sources, warnings, vectors=True):  # type: ignore[no-untyped-def]
    """Store one file's records as they are read, with their vectors unless ``vectors`` is false. On a
    terminal a bar on stderr follows the bytes of the records stored (the file's size is the total), with
    the claims stored, their rate and the time left (encoding the vectors is most of that time)."""
    from collections import deque

    from claims.store.importers import read_records

    read = 0  # bytes read so far
    ends: deque[int] = deque()  # the bytes read at the end of each record not stored yet
    stored = 0

    def at(n: int) -> None:
        nonlocal read
        read = n

    def noted(records):  # type: ignore[no-untyped-def]
        for record in records:
            ends.append(read)
            yield record

    bar = _import_bar(name)
    records = read_records(
        name, registry, format=format, fallback_source=fallback_source, warnings=warnings, on_read=at
    )
    if bar is None:
        return store.add_claims(records, registry, create_sources=create_sources, vectors=vectors)

    def progress(n: int) -> None:
        nonlocal stored
        stored += n
        done = read
        for _ in range(min(n, len(ends))):
            done = ends.popleft()
        bar.update(done, stored)

    with bar:
        return store.add_claims(
            noted(records), registry, create_sources=create_sources, progress=progress, vectors=vectors
        )


class _ImportBar:
    """A transient progress bar on stderr: bytes stored of the file's total, claims, claims/s, time left."""

    def __init__(self, name: str, total: int | None) -> None:
        import time

        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

        from claims.report.terminal import make_console

        self.progress = Progress(
            TextColumn("importing {task.description}", markup=False),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[claims]:,} claims, {task.fields[rate]:,.0f}/s"),
            TimeRemainingColumn(),
            console=make_console(file=sys.stderr),
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.task = self.progress.add_task(visible(name), total=total, claims=0, rate=0.0)
        self.started = time.monotonic()

    def __enter__(self) -> _ImportBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def update(self, done_bytes: int, claims: int) -> None:
        import time

        rate = claims / max(time.monotonic() - self.started, 1e-6)
        self.progress.update(self.task, completed=done_bytes, claims=claims, rate=rate)


def _import_bar(name: str) -> _ImportBar | None:
    """The bar for importing ``name``; none when stderr is not a terminal (a log or a pipe)."""
    if not sys.stderr.isatty():
        return None
    try:
        total = None if name == "-" else os.stat(name).st_size
    except OSError:
        total = None
    return _ImportBar(name, total)


@app.command()
def add(
    text: Annotated[str, typer.Argument(help="The claim, as a sentence.")],
    source: Annotated[str, typer.Option("--source", "-s", help="Registry id of who made the claim.")],
    published: Annotated[str | None, typer.Option("--published", help="Date (YYYY-MM-DD).")] = None,
    url: Annotated[str | None, typer.Option("--url", help="Where it was published.")] = None,
    language: Annotated[
        str | None, typer.Option("--language", help="ar, en, … (detected when absent).")
    ] = None,
    create_sources: CreateSourcesOption = False,
    db: DbOption = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """Store one claim.

    Example: claims add "North Korea fired ballistic missiles on 5 November." --source south-korea-jcs
    """
    from claims.types import ClaimRecord

    def body():  # type: ignore[no-untyped-def]
        from claims.store.validate import check_record

        if published:
            parse_date(published, "--published")
        record = ClaimRecord(text=text, source=source, published=published, url=url, language=language)
        check_record(record, "the claim", UsageError)  # the store's own checks, as usage errors
        registry = load_registry(sources)
        with open_store(db) as store:
            claim_id, added = store.add_claim(record, registry, create_sources=create_sources)
        print(f"claim {claim_id} {'added' if added else 'was already stored'}")

    guarded(debug, body)


@app.command()
def ingest(
    articles: Annotated[
        list[str],
        typer.Argument(
            help="Article files (.txt, .md, .html), directories of them, WARC files; '-' reads stdin."
        ),
    ],
    publisher: Annotated[
        str, typer.Option("--publisher", "-p", help="Registry id of the outlet that published it.")
    ],
    published: Annotated[
        str | None, typer.Option("--published", help="Date (YYYY-MM-DD); default: the article's dateline.")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="Where the article was published.")] = None,
    create_sources: CreateSourcesOption = False,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    no_vectors: NoVectorsOption = False,
    db: DbOption = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """Extract an article's claims and store each under its attributed source (the author's own claims
    under the publisher). Ingesting the same article again adds nothing. A WARC file (.warc, .warc.gz) is
    read page by page, each with where it was read (docs/feeds.md); an interrupted run continues.

    Example: claims ingest data/examples/en-dprk-troops-wire.txt --publisher reuters
    """

    def body():  # type: ignore[no-untyped-def]
        if published:
            parse_date(published, "--published")
        registry = load_registry(sources)
        if registry.get(publisher) is None and not create_sources:
            raise UsageError(f"--publisher {publisher}: not in the registry (see `claims sources`)")
        warcs = [name for name in articles if _is_warc(name)]
        names = (
            input_paths([name for name in articles if name not in warcs])
            if len(warcs) < len(articles)
            else []
        )
        failed: list[str] = []
        totals = [0, 0, 0]  # claims found, added, already stored
        with open_store(db) as store:
            for name in warcs:
                _ingest_warc(store, name, registry, publisher, not no_vectors)
            bar = _ArticlesBar(len(names)) if len(names) > 1 and sys.stderr.isatty() else None
            for done, name in enumerate(names, start=1):
                try:
                    found, result = ingest_article(
                        store,
                        name,
                        registry,
                        publisher=publisher,
                        published=published,
                        url=url,
                        create_sources=create_sources,
                        max_bytes=max_bytes,
                        vectors=not no_vectors,
                    )
                except InputError as exc:
                    if len(names) == 1:
                        raise
                    err(exc.message)  # one bad article of many: said, and the others go on
                    failed.append(name)
                    continue
                finally:
                    if bar is not None:
                        bar.update(done)
                totals = [totals[0] + found, totals[1] + result.added, totals[2] + result.skipped]
                if bar is None:
                    say(f"{name}: {found} claims, {result.added} added, {result.skipped} already stored")
            if bar is not None:
                bar.close()
        if len(names) > 1:
            none = f", {len(failed)} could not be read" if failed else ""
            say(
                f"{len(names)} articles{none}: {totals[0]} claims, {totals[1]} added, "
                f"{totals[2]} already stored"
            )
        if failed:
            raise typer.Exit(EXIT_INPUT)

    guarded(debug, body)


class _ArticlesBar:
    """Articles ingested out of how many, on stderr (a terminal only)."""

    def __init__(self, total: int) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self._progress = Progress(
            "ingesting", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True
        )
        self._task = self._progress.add_task("ingest", total=total)
        self._progress.start()

    def update(self, done: int) -> None:
        self._progress.update(self._task, completed=done)

    def close(self) -> None:
        self._progress.stop()


def _is_warc(name: str) -> bool:
    from claims.feeds.archive import is_warc

    return is_warc(name)


def _ingest_warc(store, name: str, registry, publisher: str, vectors: bool) -> None:  # type: ignore[no-untyped-def]
    """The pages of a WARC file, with a progress bar on a terminal and a summary line at the end."""
    from claims.feeds.archive import ingest_warc

    bar = _import_bar(name)

    def progress(done: int, claims: int) -> None:
        if bar is not None:
            bar.update(done, claims)

    if bar is not None:
        bar.__enter__()
    try:
        run = ingest_warc(store, name, registry, publisher=publisher, vectors=vectors, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__()
    skipped = f", {len(run.skipped)} not articles" if run.skipped else ""
    say(
        f"{name}: {run.pages} pages, {run.stored} stored, {run.already} stored before{skipped}; "
        f"{run.claims_added} claims added, {run.claims_known} already stored"
    )


@app.command()
def decide(
    claim_ref: Annotated[
        str,
        typer.Argument(
            metavar="CLAIM_REF",
            help="The claim's text, or FILE#cN: claim cN of an article, as `claims check FILE` numbers them.",
        ),
    ],
    verdict: Annotated[str, typer.Option("--verdict", help="corroborated, disputed or single-source.")],
    note: Annotated[str, typer.Option("--note", help="Why: the source that confirms or refutes the claim.")],
    editor: Annotated[str | None, typer.Option("--editor", help="Who decided.")] = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    db: DbOption = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """Record an editor's verdict on a claim; later checks show it beside the automatic verdict.

    Example: claims decide data/examples/ar-russia-dprk-treaty.txt#c3 --verdict corroborated --note "TASS and KCNA report it"
    """

    def body():  # type: ignore[no-untyped-def]
        from claims.decisions import record_decision, resolve_claim_ref

        registry = load_registry(sources)
        text = resolve_claim_ref(claim_ref, registry, max_bytes=max_bytes)
        with open_store(db) as store:
            decision = record_decision(store, text, verdict, note, editor)
        shown = text if len(text) <= 80 else text[:79] + "…"
        say(f"decision {decision.id}: {decision.verdict}: {shown}")

    guarded(debug, body)


class ExportFormat(StrEnum):
    claimreview = "claimreview"


@app.command()
def export(
    articles: Annotated[
        list[str] | None,
        typer.Argument(
            help="Articles whose decided claims to include too (a decided claim that is not stored is known "
            "only from its article)."
        ),
    ] = None,
    format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="claimreview: schema.org ClaimReview JSON-LD.")
    ] = ExportFormat.claimreview,
    publisher_name: Annotated[
        str,
        typer.Option("--publisher-name", help="The newsroom that reviewed the claims (the reviews' author)."),
    ] = "",
    publisher_url: Annotated[
        str | None, typer.Option("--publisher-url", help="The newsroom's web site.")
    ] = None,
    review_url: Annotated[
        str | None,
        typer.Option(
            "--review-url",
            help="The page of the reviews (each one's url); {key} is replaced by the claim's key, e.g. "
            "https://desk.example/checks/{key}. Default: the article's URL, when known.",
        ),
    ] = None,
    article_url: Annotated[
        str | None,
        typer.Option(
            "--article-url", help="Where the one article given was published (the claims' appearance)."
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the JSON-LD here (default: stdout).")
    ] = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    db: DbOption = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """Export editors' decisions: one schema.org ClaimReview per decided claim, newest first.

    Example: claims export --format claimreview --publisher-name "Al-Wafd Fact Check" -o factchecks.json
    """

    def body():  # type: ignore[no-untyped-def]
        if not publisher_name.strip():
            raise UsageError("--publisher-name is required: the newsroom that reviewed the claims")
        registry = load_registry(sources)
        paths = input_paths(articles) if articles else []
        if article_url is not None and len(paths) != 1:
            raise UsageError("--article-url names the URL of one article: give exactly one article with it")
        warnings: list[str] = []
        reviews = export_reviews(
            db,
            registry,
            paths,
            publisher_name=publisher_name,
            publisher_url=publisher_url,
            review_url=review_url,
            article_url=article_url,
            max_bytes=max_bytes,
            warnings=warnings,
        )
        for warning in warnings:
            err(f"warning: {warning}")
        text = json.dumps(reviews, ensure_ascii=False, indent=2) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
            err(f"{len(reviews)} ClaimReview(s) written to {output}")

    guarded(debug, body)
