"""`claims check`: check articles and print or write their reports."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from claims.cli import common
from claims.cli.common import DbOption, DebugOption, MaxBytesOption, SourcesOption, app
from claims.errors import EXIT_FAIL_ON
from claims.report import RenderOptions
from claims.service import decisions_for, parse_date
from claims.text.read import DEFAULT_MAX_BYTES


class Format(StrEnum):
    rich = "rich"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"
    html = "html"


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
    same_language: Annotated[
        bool,
        typer.Option(
            "--same-language",
            help="Compare each claim only with stored claims in its own language (no matching across languages).",
        ),
    ] = False,
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
        common.err(
            f"--fail-on: unknown condition {', '.join(sorted(unknown))}; use disputed, single-source, unattributed"
        )
        raise typer.Exit(2)
    fmt = format or (Format.rich if sys.stdout.isatty() else Format.json)
    registry = common.guarded(debug, common.load_registry, sources)
    if as_of is not None:
        common.guarded(debug, parse_date, as_of, "--as-of")
    paths = common.guarded(debug, common.input_paths, files)
    args = (str(sources) if sources else None, db, as_of, min_sources, max_bytes, same_language)
    reports = common.guarded(debug, _check_all, paths, jobs, args, output_dir, fmt, registry)
    if output_dir is None:
        decisions = common.guarded(debug, decisions_for, reports, db)
        common.guarded(debug, _print_reports, reports, registry, fmt, no_color, width, bidi, decisions)
    else:
        common.say(f"{len(paths)} reports written to {output_dir}")
    if len(reports) > 1:
        _print_overall(reports, fmt if output_dir is None else None, no_color, width)
    failures = _failures(reports, conditions)
    if failures:
        common.err(_fail_on_message(conditions, failures))
        raise typer.Exit(EXIT_FAIL_ON)


def _check_all(paths: list[str], jobs: int, args: tuple, output_dir: Path | None, fmt: Format, registry):  # type: ignore[no-untyped-def]
    """Check every article; with --output-dir write each report as it comes, else return them all.

    With --output-dir, a failure (an unreadable article, a refused output file) stops the run, and a line
    before the error says which reports were written and which article failed."""
    from claims.batch import check_many, report_names
    from claims.report import report_format

    names = report_names(paths, report_format(fmt.value).SUFFIX) if output_dir is not None else []
    reports = []
    written: list[Path] = []
    try:
        progress = _progress(len(paths))
        try:
            for n, report in enumerate(check_many(paths, jobs, *args), start=1):
                if output_dir is not None:
                    decisions = decisions_for([report], args[1])
                    written.append(_write_report(report, registry, fmt, output_dir, names[n - 1], decisions))
                reports.append(report)
                if progress is not None:
                    progress[0].update(progress[1], completed=n)
        finally:
            if progress is not None:
                progress[0].stop()
    except (Exception, KeyboardInterrupt):
        if written:
            common.err(_partly_written(paths, written))
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
    common.err(f"{len(reports)} articles checked, none failed: {total['claims']} claims ({counts})")


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


def _write_report(report, registry, fmt: Format, output_dir: Path, name: Path, decisions=None) -> Path:  # type: ignore[no-untyped-def]
    """One article's report as a file; the terminal view's files hold the JSON report."""
    from claims.batch import write_report_file
    from claims.report import report_format

    shown = report_format(fmt.value if fmt is not Format.rich else Format.json.value)
    return write_report_file(output_dir, name, shown.render([report], registry, decisions, RenderOptions()))


def _print_reports(
    reports, registry, fmt: Format, no_color: bool, width: int | None, bidi: bool = False, decisions=None
) -> None:  # type: ignore[no-untyped-def]
    from claims.report import report_format

    options = RenderOptions(no_color=no_color, width=width, bidi=bidi)
    sys.stdout.write(report_format(fmt.value).render(reports, registry, decisions, options))


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
