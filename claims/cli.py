"""The `claims` command line: parse options, call the API, pick a renderer. Nothing else lives here."""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from claims import __version__
from claims.errors import EXIT_FAIL_ON, EXIT_INPUT, EXIT_INTERNAL, ClaimsError, UsageError
from claims.report.visible import visible
from claims.text.read import DEFAULT_MAX_BYTES

app = typer.Typer(
    name="claims",
    help="Check the claims of a news article: who said each one, through whom, and whether others agree.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
eval_app = typer.Typer(help="Measure the checker on annotated data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
db_app = typer.Typer(help="Manage the claims database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


class Format(StrEnum):
    rich = "rich"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"
    html = "html"


SourcesOption = Annotated[
    Path | None,
    typer.Option(
        "--sources", envvar="CLAIMS_SOURCES", help="Extra sources file (TOML, same shape as the registry)."
    ),
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show a traceback on errors.")]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", envvar="CLAIMS_DB", help="Database URL (default: SQLite in the user data directory)."
    ),
]
CreateSourcesOption = Annotated[
    bool, typer.Option("--create-sources", help="Create unknown source ids instead of refusing the import.")
]
MaxBytesOption = Annotated[int, typer.Option("--max-bytes", min=1, help="Largest input accepted, in bytes.")]


def _err(message: str) -> None:
    sys.stderr.write(f"claims: {visible(message)}\n")


def _say(message: str) -> None:
    """A status line on stdout that may echo input (file names, claim text): made visible."""
    print(visible(message))


def _internal_error(exc: BaseException) -> None:
    """A bug: one line (the exception's message folded onto it) and where to get the traceback."""
    detail = " ".join(str(exc).split())
    _err(f"internal error: {type(exc).__name__}: {detail} (run again with --debug for the traceback)")


def _run(debug: bool, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run a command body: library errors become one line on stderr and their exit code."""
    try:
        return fn(*args, **kwargs)
    except ClaimsError as exc:
        if debug:
            raise
        _err(exc.message)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _err("interrupted")
        raise typer.Exit(130) from None
    except BrokenPipeError:
        raise
    except (typer.Exit, typer.Abort):
        raise
    except OSError as exc:  # a path the readers and writers did not check: a directory, no permission, ...
        if debug:
            raise
        where = f"{exc.filename}: " if exc.filename is not None else ""
        _err(f"{where}{(exc.strerror or str(exc)).lower()}")
        raise typer.Exit(EXIT_INPUT) from None
    except Exception as exc:  # a bug: still one line, unless --debug
        if debug:
            raise
        _internal_error(exc)
        raise typer.Exit(EXIT_INTERNAL) from None


def _registry(sources: Path | None):  # type: ignore[no-untyped-def]
    from claims.registry import Registry

    return Registry.load(sources)


@app.command()
def check(
    files: Annotated[list[str], typer.Argument(help="Article files (.txt, .md, .html); '-' reads stdin.")],
    format: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            metavar="<format>",
            help="rich, json, jsonl, csv, markdown or html (default: rich on a terminal, json otherwise).",
        ),
    ] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colours (also: NO_COLOR set).")] = False,
    width: Annotated[int | None, typer.Option("--width", help="Terminal width for the rich view.")] = None,
    bidi: Annotated[
        bool, typer.Option("--bidi", help="Reorder Arabic for terminals without bidi support (rich view).")
    ] = False,
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a claim is any of: disputed, single-source, unattributed (comma-separated); "
            "stderr names them.",
        ),
    ] = "",
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    db: DbOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Ignore evidence published after this date (YYYY-MM-DD).")
    ] = None,
    min_sources: Annotated[
        int, typer.Option("--min-sources", min=1, help="Independent sources needed to corroborate a claim.")
    ] = 1,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Check this many articles at once.")] = 1,
    output_dir: Annotated[
        Path | None, typer.Option("--output-dir", help="Write one report per article into this directory.")
    ] = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """Find the claims of articles (files, directories or globs), their sources and verdicts.

    Uses the claims database when one exists (--db, CLAIMS_DB, or the default one made by `claims db init`
    or `claims import`); without one every claim is single-source.

    Example: claims check data/examples/ar-russia-dprk-treaty.txt
    """
    conditions = {c.strip() for c in fail_on.split(",") if c.strip()}
    unknown = conditions - {"disputed", "single-source", "unattributed"}
    if unknown:
        _err(
            f"--fail-on: unknown condition {', '.join(sorted(unknown))}; use disputed, single-source, unattributed"
        )
        raise typer.Exit(2)
    fmt = format or (Format.rich if sys.stdout.isatty() else Format.json)
    registry = _run(debug, _registry, sources)
    if as_of is not None:
        _run(debug, _check_date, as_of, "--as-of")
    paths = _run(debug, _paths, files)
    args = (str(sources) if sources else None, db, as_of, min_sources, max_bytes)
    reports = _run(debug, _check_all, paths, jobs, args, output_dir, fmt, registry)
    if output_dir is None:
        decisions = _run(debug, _decisions, reports, db)
        _run(debug, _print_reports, reports, registry, fmt, no_color, width, bidi, decisions)
    else:
        _say(f"{len(paths)} reports written to {output_dir}")
    if len(reports) > 1:
        _print_overall(reports, fmt if output_dir is None else None, no_color, width)
    failures = _failures(reports, conditions)
    if failures:
        _err(_fail_on_message(conditions, failures))
        raise typer.Exit(EXIT_FAIL_ON)


def _paths(files: list[str]) -> list[str]:
    from claims.batch import expand_inputs

    if not files:
        raise UsageError("give at least one article file, or - for stdin")
    notes: list[str] = []
    try:
        return expand_inputs(files, notes)
    finally:
        for note in notes:  # what the walk skipped: loops, duplicates, unreadable directories
            _err(note)


def _check_all(paths: list[str], jobs: int, args: tuple, output_dir: Path | None, fmt: Format, registry):  # type: ignore[no-untyped-def]
    """Check every article; with --output-dir write each report as it comes, else return them all.

    With --output-dir, a failure (an unreadable article, a refused output file) stops the run, and a line
    before the error says which reports were written and which article failed."""
    from claims.batch import check_many, report_names

    names = report_names(paths, _SUFFIX[fmt.value]) if output_dir is not None else []
    reports = []
    written: list[Path] = []
    try:
        progress = _progress(len(paths))
        try:
            for n, report in enumerate(check_many(paths, jobs, *args), start=1):
                if output_dir is not None:
                    decisions = _decisions([report], args[1])
                    written.append(_write_report(report, registry, fmt, output_dir, names[n - 1], decisions))
                reports.append(report)
                if progress is not None:
                    progress[0].update(progress[1], completed=n)
        finally:
            if progress is not None:
                progress[0].stop()
    except (Exception, KeyboardInterrupt):
        if written:
            _err(_partly_written(paths, written))
        raise
    return reports


def _partly_written(paths: list[str], written: list[Path]) -> str:
    shown = ", ".join(str(w) for w in written[:5]) + (", ..." if len(written) > 5 else "")
    failed = paths[len(written)]
    after = len(paths) - len(written) - 1
    rest = f"; the {after} after it were not checked" if after > 1 else "; the one after it was not checked"
    return f"{len(written)} of {len(paths)} reports written ({shown}) before {failed} failed{rest if after else ''}:"


def _print_overall(reports, fmt: Format | None, no_color: bool, width: int | None) -> None:  # type: ignore[no-untyped-def]
    """The summary over all articles: a table after the reports in the terminal view, else one line on
    stderr, so that stdout stays a valid report stream."""
    from claims.batch import overall_summary

    if fmt is Format.rich:
        from claims.report.terminal import make_console, overall_table

        console = make_console(no_color=no_color or bool(os.environ.get("NO_COLOR")), width=width)
        console.print(overall_table(reports))
        return
    total = overall_summary(reports)
    counts = ", ".join(
        f"{total[k]} {k}" for k in ("corroborated", "disputed", "single-source", "unattributed")
    )
    _err(f"{len(reports)} articles checked, none failed: {total['claims']} claims ({counts})")


def _progress(total: int):  # type: ignore[no-untyped-def]
    if total < 2 or not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    from claims.report.terminal import make_console

    progress = Progress(
        console=make_console(file=sys.stderr), transient=True, redirect_stdout=False, redirect_stderr=False
    )
    progress.start()
    return progress, progress.add_task("checking", total=total)


_SUFFIX = {
    "json": ".json",
    "jsonl": ".jsonl",
    "csv": ".csv",
    "markdown": ".md",
    "html": ".html",
    "rich": ".txt",
}


def _write_report(report, registry, fmt: Format, output_dir: Path, name: Path, decisions=None) -> Path:  # type: ignore[no-untyped-def]
    import io

    from claims.batch import write_report_file

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        _print_reports(
            [report], registry, fmt if fmt is not Format.rich else Format.json, True, 100, decisions=decisions
        )
    return write_report_file(output_dir, name, buffer.getvalue())


def _check_date(value: str, what: str) -> None:
    import datetime as dt

    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


def _open_store(db: str | None, read_only: bool = False):  # type: ignore[no-untyped-def]
    """The store, for a command that writes (created if need be) or, ``read_only``, one that only reads."""
    from claims.store.db import Store

    return Store.open(db, read_only=read_only)


def _decisions(reports, db: str | None):  # type: ignore[no-untyped-def]
    """Editors' decisions on the claims of each report, when checking against a database."""
    from claims.batch import existing_store_url

    url = existing_store_url(db)
    if url is None:
        return None
    from claims.decisions import decisions_for_report
    from claims.store.db import Store

    with Store.open(url, read_only=True) as store:
        return [decisions_for_report(store, r) for r in reports]


def _print_reports(
    reports, registry, fmt: Format, no_color: bool, width: int | None, bidi: bool = False, decisions=None
) -> None:  # type: ignore[no-untyped-def]
    from claims.report.json import render_json, render_jsonl, report_dict

    decided = decisions or [None] * len(reports)

    if fmt is Format.html and len(reports) > 1:
        raise UsageError("--format html makes one page per article: check one file at a time")
    if fmt is Format.html:
        from claims.report.html import render_html

        print(render_html(reports[0], registry, decided[0]))
    elif fmt is Format.markdown:
        from claims.report.markdown import render_markdown

        print("\n".join(render_markdown(r, registry, d) for r, d in zip(reports, decided, strict=True)))
    elif fmt is Format.csv:
        from claims.report.csv import render_csv

        sys.stdout.write(render_csv(reports, registry, decided))
    elif fmt is Format.json:
        if len(reports) == 1:
            print(render_json(reports[0], registry, decided[0]))
        else:
            dicts = [report_dict(r, registry, d) for r, d in zip(reports, decided, strict=True)]
            print(json.dumps(dicts, ensure_ascii=False, indent=2))
    elif fmt is Format.jsonl:
        for r, d in zip(reports, decided, strict=True):
            if r.claims:
                print(render_jsonl(r, registry, d))
    else:
        from claims.report.terminal import make_console, render

        console = make_console(no_color=no_color or bool(os.environ.get("NO_COLOR")), width=width)
        for r, d in zip(reports, decided, strict=True):
            console.print(render(r, registry, bidi=bidi, width=console.width, decisions=d))


_FAIL_ON = ("disputed", "single-source", "unattributed")


def _failures(reports, conditions: set[str]) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """The --fail-on conditions met, each with the claims that meet it (FILE#cN, as `claims decide` takes)."""
    found: dict[str, list[str]] = {}
    for condition in _FAIL_ON:
        if condition not in conditions:
            continue
        refs = [f"{r.document.path}#{c.claim.id}" for r in reports for c in r.claims if _meets(c, condition)]
        if refs:
            found[condition] = refs
    return found


def _meets(item, condition: str) -> bool:  # type: ignore[no-untyped-def]
    if condition == "unattributed":
        return not item.claim.attribution.attributed
    return item.verdict.label == condition


def _fail_on_message(conditions: set[str], failures: dict[str, list[str]], shown: int = 5) -> str:
    """`--fail-on disputed: 1 claim disputed (a.txt#c5)`; at most `shown` claims named per condition."""
    parts = []
    for condition, refs in failures.items():
        more = f" and {len(refs) - shown} more" if len(refs) > shown else ""
        noun = "claim" if len(refs) == 1 else "claims"
        parts.append(f"{len(refs)} {noun} {condition} ({', '.join(refs[:shown])}{more})")
    asked = ",".join(c for c in _FAIL_ON if c in conditions)
    return f"--fail-on {asked}: {'; '.join(parts)}"


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
    registry = _run(debug, _registry, extra)
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
        _err(f"no source matches {query!r}")
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
    db: DbOption = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """Add claim records to the database. Re-importing the same records adds nothing; each file is one
    transaction, so a bad record (named with its line) leaves the database as it was.

    Example: claims import data/examples/demo-claims.jsonl
    """

    def body():  # type: ignore[no-untyped-def]
        registry = _registry(sources)
        with _open_store(db) as store:
            for name in files:
                warnings: list[str] = []
                result = _import_file(
                    store, name, registry, format, fallback_source, create_sources, warnings
                )
                for w in warnings[:5]:
                    _err(f"warning: {w}")
                created = (
                    f", created sources: {', '.join(result.created_sources)}"
                    if result.created_sources
                    else ""
                )
                _say(f"{name}: {result.added} added, {result.skipped} already stored{created}")

    _run(debug, body)


def _import_file(store, name: str, registry, format, fallback_source, create_sources, warnings):  # type: ignore[no-untyped-def]
    """Store one file's records as they are read. On a terminal a bar on stderr follows the bytes of the
    records stored (the file's size is the total), with the claims stored, their rate and the time left."""
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
        return store.add_claims(records, registry, create_sources=create_sources)

    def progress(n: int) -> None:
        nonlocal stored
        stored += n
        done = read
        for _ in range(min(n, len(ends))):
            done = ends.popleft()
        bar.update(done, stored)

    with bar:
        return store.add_claims(noted(records), registry, create_sources=create_sources, progress=progress)


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
            _check_date(published, "--published")
        record = ClaimRecord(text=text, source=source, published=published, url=url, language=language)
        check_record(record, "the claim", UsageError)  # the store's own checks, as usage errors
        registry = _registry(sources)
        with _open_store(db) as store:
            claim_id, added = store.add_claim(record, registry, create_sources=create_sources)
        print(f"claim {claim_id} {'added' if added else 'was already stored'}")

    _run(debug, body)


@app.command()
def ingest(
    articles: Annotated[list[str], typer.Argument(help="Article files (.txt, .md, .html); '-' reads stdin.")],
    publisher: Annotated[
        str, typer.Option("--publisher", "-p", help="Registry id of the outlet that published it.")
    ],
    published: Annotated[
        str | None, typer.Option("--published", help="Date (YYYY-MM-DD); default: the article's dateline.")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="Where the article was published.")] = None,
    create_sources: CreateSourcesOption = False,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    db: DbOption = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """Extract an article's claims and store each under its attributed source (the author's own claims
    under the publisher). Ingesting the same article again adds nothing.

    Example: claims ingest data/examples/en-dprk-troops-wire.txt --publisher reuters
    """

    def body():  # type: ignore[no-untyped-def]
        from claims.checker import check_text
        from claims.ingest import article_records
        from claims.text.read import read_input

        if published:
            _check_date(published, "--published")
        registry = _registry(sources)
        if registry.get(publisher) is None and not create_sources:
            raise UsageError(f"--publisher {publisher}: not in the registry (see `claims sources`)")
        with _open_store(db) as store:
            for name in articles:
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
                    records, registry, create_sources=create_sources, document_id=doc_id
                )
                _say(f"{name}: {len(records)} claims, {result.added} added, {result.skipped} already stored")

    _run(debug, body)


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
        from claims.decisions import decide as record_decision
        from claims.decisions import resolve_claim_ref

        registry = _registry(sources)
        text = resolve_claim_ref(claim_ref, registry, max_bytes=max_bytes)
        with _open_store(db) as store:
            decision = record_decision(store, text, verdict, note, editor)
        shown = text if len(text) <= 80 else text[:79] + "…"
        _say(f"decision {decision.id}: {decision.verdict}: {shown}")

    _run(debug, body)


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
        from claims.checker import check_text
        from claims.decisions import export_claimreview
        from claims.text.read import read_input

        if not publisher_name.strip():
            raise UsageError("--publisher-name is required: the newsroom that reviewed the claims")
        registry = _registry(sources)
        paths = _paths(articles) if articles else []
        if article_url is not None and len(paths) != 1:
            raise UsageError("--article-url names the URL of one article: give exactly one article with it")
        reports = [check_text(read_input(p, max_bytes=max_bytes), registry) for p in paths]
        warnings: list[str] = []
        with _open_store(db, read_only=True) as store:
            reviews = export_claimreview(
                store,
                registry,
                publisher_name=publisher_name,
                publisher_url=publisher_url,
                reports=reports,
                warnings=warnings,
                review_url=review_url,
                article_urls=[article_url] if article_url is not None else [],
            )
        for warning in warnings:
            _err(f"warning: {warning}")
        text = json.dumps(reviews, ensure_ascii=False, indent=2) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
            _err(f"{len(reviews)} ClaimReview(s) written to {output}")

    _run(debug, body)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    token_env: Annotated[
        str,
        typer.Option(
            "--token-env", help="Environment variable holding the token that writes need (unset: no writes)."
        ),
    ] = "CLAIMS_API_TOKEN",
    max_body: Annotated[
        int, typer.Option("--max-body", min=1, help="Largest request body accepted, in bytes.")
    ] = 5_000_000,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            envvar="CLAIMS_SERVE_WORKERS",
            show_envvar=False,
            min=1,
            help="Checks run at once, each in its own process (default: one per CPU core).",
        ),
    ] = None,
    queue: Annotated[
        int,
        typer.Option(
            "--queue",
            envvar="CLAIMS_SERVE_QUEUE",
            show_envvar=False,
            min=0,
            help="Checks that may wait for a worker (then: 503).",
        ),
    ] = 64,
    check_timeout: Annotated[
        float,
        typer.Option(
            "--check-timeout",
            envvar="CLAIMS_SERVE_CHECK_TIMEOUT",
            show_envvar=False,
            min=0.001,
            help="Seconds a check may run, or wait for a worker, before it is refused (504, 503).",
        ),
    ] = 60.0,
    worker_memory: Annotated[
        int,
        typer.Option(
            "--worker-memory",
            envvar="CLAIMS_SERVE_WORKER_MEMORY",
            show_envvar=False,
            min=0,
            help="MB of memory (address space) each check worker may use; 0: no limit.",
        ),
    ] = 2048,
    db: DbOption = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    r"""Serve the HTTP API for editorial tools (needs the server extra: pip install 'claims\[server]').

    Reads are open; writes (POST /v1/claims, POST /v1/decisions) need the header
    `Authorization: Bearer <token>`. OpenAPI: http://HOST:PORT/openapi.json and /docs

    The worker options can also be set in the environment: CLAIMS_SERVE_WORKERS, CLAIMS_SERVE_QUEUE,
    CLAIMS_SERVE_CHECK_TIMEOUT, CLAIMS_SERVE_WORKER_MEMORY.

    Example: CLAIMS_API_TOKEN=$(openssl rand -hex 32) claims serve --port 8000
    """

    def body():  # type: ignore[no-untyped-def]
        try:
            import uvicorn  # noqa: F401

            from claims.serve import run
        except ImportError as exc:
            raise UsageError(
                f"claims serve needs the server extra ({exc.name} is not installed): pip install 'claims[server]'"
            ) from None
        token = os.environ.get(token_env, "").strip() or None
        if token is None:
            _err(f"warning: ${token_env} is not set: writes are disabled, the API is read-only")
        if host not in ("127.0.0.1", "localhost", "::1"):
            _err(f"warning: serving on {host} over plain HTTP; put a TLS proxy in front of it")
        run(
            host,
            port,
            db_url=db,
            token=token,
            max_body=max_body,
            sources=str(sources) if sources else None,
            workers=workers,
            queue=queue,
            check_timeout=check_timeout,
            worker_memory=worker_memory,
        )

    _run(debug, body)


@db_app.command("init")
def db_init(db: DbOption = None, debug: DebugOption = False) -> None:
    """Create the database (or bring an existing one up to date, as `claims db upgrade` does).

    Example: claims db init
    """

    def body():  # type: ignore[no-untyped-def]
        from claims.store.db import Store

        with Store.open(db, migrate=False) as store:
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
        from claims.store.db import Store

        with Store.open(db, migrate=False) as store:
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
        from claims.store.db import Store

        with Store.open(db, migrate=False) as store:
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
        with _open_store(db, read_only=True) as store:
            return store.stats()

    stats = _run(debug, body)
    if as_json:
        print(json.dumps(stats, indent=2, ensure_ascii=False, default=str))
    else:
        for key, value in stats.items():
            _say(f"{key}: {value}")


def _write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


@eval_app.command("attribution")
def eval_attribution(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL: {id, text, language, attributions: [...]}.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write predictions here (JSONL).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    extra: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """Score source, cue and content spans against gold attributions.

    Example: claims eval attribution artifacts/polnear_dev.jsonl
    """
    from claims.eval.attribution import format_table, score
    from claims.eval.predict import predict_attributions, read_jsonl

    def body():  # type: ignore[no-untyped-def]
        records = read_jsonl(gold)
        preds = predict_attributions(records, _registry(extra))
        if output:
            _write_jsonl(output, preds)
        return score(records, preds)

    result = _run(debug, body)
    print(json.dumps(result, indent=2) if as_json else format_table(result))


@eval_app.command("pairs")
def eval_pairs(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL: {id, claim, evidence, language, label}.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write predictions here (JSONL).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    debug: DebugOption = False,
) -> None:
    """Score supports / contradicts / unrelated against gold claim–evidence pairs.

    Example: claims eval pairs artifacts/ans_dev_pairs.jsonl
    """
    from claims.eval.pairs import format_pairs_table, predict_pairs, score_pairs
    from claims.eval.predict import read_jsonl

    def body():  # type: ignore[no-untyped-def]
        records = read_jsonl(gold)
        preds = predict_pairs(records)
        if output:
            _write_jsonl(output, preds)
        return score_pairs(records, preds)

    result = _run(debug, body)
    print(json.dumps(result, indent=2) if as_json else format_pairs_table(result))


@eval_app.command("retrieval")
def eval_retrieval(
    corpus: Annotated[Path, typer.Option("--corpus", help="Corpus JSONL: {id, text, title?, language?}.")],
    queries: Annotated[Path, typer.Option("--queries", help="Queries JSONL: {id, text, language?}.")],
    qrels: Annotated[Path, typer.Option("--qrels", help="TREC qrels: qid 0 docid rel.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the TREC run here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Index into this empty database (e.g. a new PostgreSQL one) instead of a temporary SQLite file.",
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Index a corpus in a temporary database and score retrieval (MAP@1/3/5, MRR, Recall@10, latency).

    Example: claims eval retrieval --corpus c.jsonl --queries q.jsonl --qrels qrels.tsv
    """
    from claims.eval.retrieval import (
        evaluate_retrieval,
        format_retrieval_table,
        load_jsonl,
        load_qrels,
        write_run,
    )

    def body():  # type: ignore[no-untyped-def]
        result = evaluate_retrieval(load_jsonl(corpus), load_jsonl(queries), load_qrels(qrels), store_url=db)
        if output:
            write_run(result["run"], output)
        return result

    result = _run(debug, body)
    if as_json:
        print(json.dumps({k: v for k, v in result.items() if k != "run"}, indent=2))
    else:
        print(format_retrieval_table(result))


def _version(value: bool) -> None:
    if value:
        print(f"claims {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Claim and attribution checker for newsrooms (Arabic and English)."""


def _one_line_a_paragraph(text: str) -> str:
    """A help text whose paragraphs are one line each (list items keep theirs): Typer keeps the line breaks
    inside a paragraph, which show as ragged half-empty lines; rich wraps one line at any width."""
    paragraphs = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        lines: list[str] = []
        for line in paragraph.splitlines():
            if lines and not line.lstrip().startswith(("- ", "* ")):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line.strip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


for _info in (*app.registered_commands, *eval_app.registered_commands, *db_app.registered_commands):
    _info.help = _one_line_a_paragraph(_info.help or inspect.getdoc(_info.callback) or "")


# The command-line parser's own errors (unknown option, missing argument, bad value). Typer re-exports
# only some of them; their base is found through one it does export, whichever click it is built on.
_ParserError = next(cls for cls in typer.BadParameter.__mro__ if cls.__name__ == "ClickException")


def main() -> None:
    """The console script: every error is one line on stderr (``claims: ...``) and an exit code."""
    try:
        code = app(standalone_mode=False)
    except _ParserError as exc:
        if type(exc).__name__ != "NoArgsIsHelpError":  # `claims db` has printed its help already
            ctx = getattr(exc, "ctx", None)
            hint = f" (see '{ctx.command_path} -h')" if ctx is not None else ""
            print(f"claims: {visible(exc.format_message())}{visible(hint)}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("claims: aborted", file=sys.stderr)
        sys.exit(1)
    except BrokenPipeError:  # `claims check … | head`: the reader left, nothing to report
        sys.stderr.close()
        sys.exit(0)
    except ClaimsError as exc:  # raised outside a command's guarded body
        if "--debug" in sys.argv[1:]:
            raise
        _err(exc.message)
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug outside a command's guarded body
        if "--debug" in sys.argv[1:]:
            raise
        _internal_error(exc)
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else 0)
