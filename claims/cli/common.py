"""What every command shares: the Typer apps, the common options, and turning errors into one line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from claims.errors import EXIT_INPUT, EXIT_INTERNAL, ClaimsError, UsageError
from claims.report.visible import visible

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
NoVectorsOption = Annotated[
    bool,
    typer.Option(
        "--no-vectors",
        help="Store the claims without their sentence vectors (faster; found by their words until "
        "`claims db embed` adds them).",
    ),
]
MaxBytesOption = Annotated[int, typer.Option("--max-bytes", min=1, help="Largest input accepted, in bytes.")]


def err(message: str) -> None:
    sys.stderr.write(f"claims: {visible(message)}\n")


def say(message: str) -> None:
    """A status line on stdout that may echo input (file names, claim text): made visible."""
    print(visible(message))


def internal_error(exc: BaseException) -> None:
    """A bug: one line (the exception's message folded onto it) and where to get the traceback."""
    detail = " ".join(str(exc).split())
    err(f"internal error: {type(exc).__name__}: {detail} (run again with --debug for the traceback)")


def guarded(debug: bool, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run a command body: library errors become one line on stderr and their exit code."""
    try:
        return fn(*args, **kwargs)
    except ClaimsError as exc:
        if debug:
            raise
        err(exc.message)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err("interrupted")
        raise typer.Exit(130) from None
    except BrokenPipeError:
        raise
    except (typer.Exit, typer.Abort):
        raise
    except OSError as exc:  # a path the readers and writers did not check: a directory, no permission, ...
        if debug:
            raise
        where = f"{exc.filename}: " if exc.filename is not None else ""
        err(f"{where}{(exc.strerror or str(exc)).lower()}")
        raise typer.Exit(EXIT_INPUT) from None
    except Exception as exc:  # a bug: still one line, unless --debug
        if debug:
            raise
        internal_error(exc)
        raise typer.Exit(EXIT_INTERNAL) from None


def load_registry(sources: Path | None):  # type: ignore[no-untyped-def]
    from claims.registry import Registry

    return Registry.load(sources)


def input_paths(files: list[str]) -> list[str]:
    from claims.batch import expand_inputs

    if not files:
        raise UsageError("give at least one article file, or - for stdin")
    notes: list[str] = []
    try:
        return expand_inputs(files, notes)
    finally:
        for note in notes:  # what the walk skipped: loops, duplicates, unreadable directories
            err(note)
