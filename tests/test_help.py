"""Every command's --help reads cleanly in an 80-column terminal: prose wrapped by rich, not by hand.

Rich wraps greedily: a wrapped line ends where the next word would not fit. So a line followed by more of
the same paragraph that still had room for that paragraph's next word was broken by hand (a line break
inside a help string), and reads as a ragged, half-empty line. A word rich had to cut ends in `…`, and a
`<value>` too long for its column is split across lines.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import typer.main
from typer.testing import CliRunner

from claims.cli import app

WIDTH = 80
runner = CliRunner()


def _commands() -> list[tuple[str, ...]]:
    found = []
    stack: list[tuple[tuple[str, ...], object]] = [((), typer.main.get_command(app))]
    while stack:
        path, cmd = stack.pop()
        found.append(path)
        stack.extend(((*path, name), sub) for name, sub in getattr(cmd, "commands", {}).items())
    return sorted(found)


def render_help(path: tuple[str, ...]) -> str:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": str(WIDTH), "TERMINAL_WIDTH": None})
    assert result.exit_code == 0, result.output
    return result.stdout


def _first_word(line: str) -> str:
    return line.split()[0]


def _ragged(lines: list[str], width: int) -> list[str]:
    """Pairs of consecutive lines of one paragraph where the first had room for the next's first word."""
    return [
        f"{a.rstrip()!r} / {b.strip()!r}"
        for a, b in zip(lines, lines[1:], strict=False)
        if a.strip() and b.strip() and len(a.rstrip()) + 1 + len(_first_word(b)) <= width
    ]


def _prose(text: str) -> list[list[str]]:
    """The paragraphs between the usage line and the first panel, each as its lines without the margin."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Usage:")) + 1
    end = next((i for i, line in enumerate(lines) if line.startswith("╭")), len(lines))
    paragraphs: list[list[str]] = [[]]
    for line in lines[start:end]:
        if line.strip():
            paragraphs[-1].append(line[1:])
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


_BROKEN_VALUE = re.compile(r"<[a-z][\w|\[\]]*(?:  |$)")  # `<rich|json|mark` with `down>` on the next line
_CELL = re.compile(r"(?<=\S)  +(?=\S)|^ +(?=\S)")


def _panels(text: str) -> list[list[str]]:
    """The inside of each panel (Arguments, Options, Commands), one string per line, borders removed."""
    panels: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("╭"):
            panels.append([])
        elif line.startswith("│") and panels:
            panels[-1].append(line[1:-1])
    return panels


def _help_cells(panel: list[str]) -> tuple[int, list[list[str]]]:
    """The help column of a panel: its width and, for each row (option, argument or command), its lines.

    The column starts where most lines' last cell starts (a cell is text after two or more spaces)."""
    starts = Counter(m.end() for line in panel for m in list(_CELL.finditer(line))[-1:])
    column = starts.most_common(1)[0][0]
    width = len(panel[0]) - column - 1  # the panel's right padding
    rows: list[list[str]] = []
    for line in panel:
        if line[:column].strip() or not rows:
            rows.append([])
        rows[-1].append(line[column:].rstrip())
    return width, rows


@pytest.mark.parametrize("path", _commands(), ids=lambda p: " ".join(("claims", *p)))
def test_help_at_80_columns_has_no_hand_made_line_breaks(path):
    text = render_help(path)
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    problems = [r for paragraph in _prose(text) for r in _ragged(paragraph, WIDTH - 2)]
    for panel in _panels(text):
        width, rows = _help_cells(panel)
        for row in rows:
            # Typer puts [default: ...], [env var: ...] and [required] on a line of their own.
            prose = [line for line in row if not line.lstrip().startswith("[")]
            problems += _ragged(prose, width)
    assert problems == [], "\n".join(problems)
    assert re.findall(r"\S*\w…", text) == [], "a word too long for its column was cut"
    broken = [line for panel in _panels(text) for line in panel if _BROKEN_VALUE.search(line)]
    assert broken == [], "a <value> broken across lines"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a hand-made break: "or" would have fitted after "init`"
        (["Uses the database (the one made by `claims db init`", "or `claims import`)."], 1),
        # rich's own wrapping: "verdicts." would not have fitted
        (["Find the claims of articles (files, directories or globs), their sources and", "verdicts."], 0),
        (["One line only."], 0),
    ],
)
def test_ragged_break_detection(lines, expected):
    assert len(_ragged(lines, WIDTH - 2)) == expected


def test_the_help_panels_are_read_by_column():
    """The help column of the options panel is found, so the check above sees each option's help."""
    width, rows = _help_cells(_panels(render_help(("check",)))[1])
    helps = [" ".join(line.strip() for line in row) for row in rows]
    assert any(h.startswith("Check this many articles at once.") for h in helps)
    assert 20 < width < WIDTH
