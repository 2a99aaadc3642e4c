"""What reaches a terminal: control codes from articles and the database are shown, never obeyed, and
--bidi puts every Arabic line in visual order."""

import re

import pytest
from bidi import get_display
from typer.testing import CliRunner

from claims.checker import check_text
from claims.cli import app
from claims.report.terminal import report_view
from claims.report.visible import visible
from claims.store.db import EditorDecision
from claims.types import DocumentInfo, Evidence, InputText, Verdict

from .conftest import terminal_text

PWN = "\x1b]0;PWNED\x07\x1b[2J"
# raw control codes a terminal obeys (ESC is allowed only where rich itself writes colour, checked below)
_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")

HOSTILE = (
    f"Reuters said troops {PWN}crossed the border on Tuesday \x9b31m at dawn.\n"
    "قال المتحدث باسم الوزارة إن \u202eالقوات\u202c وصلت إلى الحدود صباح الثلاثاء.\n"
)

EVIDENCE_AR = "أكدت يونهاب عبور القوات فجرا."


class _Judge:
    """A matcher that finds the same evidence, some of it hostile, for every claim."""

    def judge(self, claims, document: DocumentInfo) -> list[Verdict]:
        evidence = (
            Evidence(
                1,
                f"Troops crossed {PWN}the border.",
                "yonhap",
                f"Yonhap{PWN}",
                "2024-12-05",
                None,
                88.0,
                "supports",
                "same statement\x9b2J (similarity 0.88)",
            ),
            Evidence(
                2, EVIDENCE_AR, "yonhap", "Yonhap", "2024-12-05", None, 80.0, "supports", "same statement"
            ),
        )
        return [
            Verdict("corroborated", f"confirmed by 1 independent source: Yonhap{PWN}", evidence)
            for _ in claims
        ]


def _print(report, registry, *, color: bool, bidi: bool = False, decisions=None) -> str:
    return terminal_text(
        report_view(report, registry, bidi=bidi, width=100, decisions=decisions), color=color
    )


@pytest.fixture(scope="module")
def hostile_report(registry):
    return check_text(InputText(HOSTILE, f"article{PWN}.txt", "utf-8", "txt"), registry, _Judge())


def _decision(note: str) -> EditorDecision:
    return EditorDecision(1, "h", "disputed", note, f"desk{PWN}", None, "2026-12-03T12:00:00+00:00")


@pytest.mark.parametrize(("color", "bidi"), [(True, False), (False, False), (False, True)])
def test_terminal_view_shows_control_codes_instead_of_obeying_them(hostile_report, registry, color, bidi):
    decisions = {c.claim.id: _decision(f"see {PWN}the wire") for c in hostile_report.claims}
    out = _print(hostile_report, registry, color=color, bidi=bidi, decisions=decisions)
    # rich's own colours are the only escape sequences: ESC [ digits ; ... m
    without_colour = re.sub("\x1b\\[[0-9;]*m", "", out)
    assert "\x1b" not in without_colour
    assert not _RAW.search(without_colour)
    # what the article said is still there to read, in claims, evidence, reasons, names, notes, the path
    assert without_colour.count("␛]0;PWNED␇␛[2J") >= 7
    assert "\\x9b31m" in without_colour
    # bidi controls as marks (mirrored brackets when --bidi has put the Arabic line in visual order)
    assert re.search("[⟨⟩]RLO[⟨⟩]", without_colour) and re.search("[⟨⟩]PDF[⟨⟩]", without_colour)


def test_terminal_view_keeps_cue_and_source_styles_on_made_visible_text(registry):
    text = f"Reuters said {PWN}troops crossed the border on Tuesday.\n"
    report = check_text(InputText(text, "a.txt", "utf-8", "txt"), registry)
    out = _print(report, registry, color=True)
    # the cue "said" is still underlined although the text before it grew
    assert re.search("\x1b\\[3;4;[0-9]+msaid\x1b\\[0m", out)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (PWN, "␛]0;PWNED␇␛[2J"),
        ("a\tb", "a\tb"),
        ("line\nnext\r", "line␊next␍"),
        ("\x00\x7f", "␀␡"),
        ("\x9b31m\x85", "\\x9b31m\\x85"),
        ("\u202eevil\u202c \u2067x\u2069 \u200f\u200e\u061c", "⟨RLO⟩evil⟨PDF⟩ ⟨RLI⟩x⟨PDI⟩ ⟨RLM⟩⟨LRM⟩⟨ALM⟩"),
        ("قال المتحدث إن القوات وصلت", "قال المتحدث إن القوات وصلت"),
    ],
)
def test_visible(text, shown):
    assert visible(text) == shown


def test_visible_keeps_newlines_where_text_may_span_lines():
    assert visible("one\ntwo\x1b", newlines=True) == "one\ntwo␛"


def test_bidi_reorders_evidence_and_why_lines_too(hostile_report, registry):
    out = _print(hostile_report, registry, color=False, bidi=True)
    lines = [line.strip() for line in out.splitlines()]
    assert get_display(EVIDENCE_AR) in lines  # the Arabic evidence on a line of its own, in visual order
    assert EVIDENCE_AR not in out
    plain = _print(hostile_report, registry, color=False)
    assert EVIDENCE_AR in plain  # without --bidi, logical order as before


def test_cli_errors_echo_file_names_made_visible(tmp_path):
    result = CliRunner().invoke(app, ["check", str(tmp_path / f"no-such{PWN}.txt"), "--format", "json"])
    assert result.exit_code == 3
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "no-such␛]0;PWNED␇␛[2J.txt" in result.output


def test_cli_decide_echoes_the_claim_made_visible(tmp_path):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["db", "init", "--db", db]).exit_code == 0
    result = runner.invoke(
        app,
        ["decide", f"Troops crossed {PWN}the border", "--verdict", "disputed", "--note", "no", "--db", db],
    )
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert "Troops crossed ␛]0;PWNED␇␛[2Jthe border" in result.output


def test_sources_table_shows_registry_names_literally(tmp_path):
    extra = tmp_path / "sources.toml"
    extra.write_text(
        '[[source]]\nid = "daily-bugle"\nname = "Daily Bugle\\u001b]0;PWNED\\u0007 [bold]x[/bold]"\n'
        'name_ar = "ديلي بيوغل"\nkind = "media"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["sources", "daily-bugle", "--sources", str(extra)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert "␛]0;PWNED␇" in result.output and "[bold]x[/bold]" in result.output
