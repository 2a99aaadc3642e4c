"""The `claims` command line: parse options, call the service layer, print. Each group of commands is a
module of this package; importing them registers them on :data:`app`."""

from __future__ import annotations

import inspect
import sys
from typing import Annotated

import typer

from claims import __version__
from claims.cli import check, db_commands, eval_commands, feed_commands, serve_command, store_commands  # noqa: F401
from claims.cli.common import app, db_app, err, eval_app, internal_error
from claims.errors import EXIT_INTERNAL, ClaimsError
from claims.report.visible import visible

__all__ = ["app", "main"]


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


for _info in (
    *app.registered_commands,
    *eval_app.registered_commands,
    *db_app.registered_commands,
    *feed_commands.feeds_app.registered_commands,
):
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
        err(exc.message)
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug outside a command's guarded body
        if "--debug" in sys.argv[1:]:
            raise
        internal_error(exc)
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else 0)
