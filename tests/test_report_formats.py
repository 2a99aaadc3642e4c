"""Machine formats and the hostile-text guarantees: article text never becomes markup."""

import csv
import io
import json
import re

import pytest

from claims.checker import check_text
from claims.report.csv import render_csv
from claims.report.html import render_html
from claims.report.markdown import render_markdown
from claims.report.terminal import make_console, render
from claims.types import InputText

HOSTILE = (
    'قال المتحدث إن <script>alert("x")</script> كان في النص [bold]عريض[/bold].\n'
    "Officials said the page had <img src=x onerror=alert(1)> and [link=https://evil.example]a link[/link] "
    "and </script><script>alert(2)</script> in it.\n"
)


@pytest.fixture(scope="module")
def hostile_report(registry):
    return check_text(InputText(HOSTILE, "hostile.txt", "utf-8", "txt"), registry)


def test_html_escapes_article_text(hostile_report, registry):
    page = render_html(hostile_report, registry)
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert" in page
    assert page.count("<script") == 2  # the data block and the page's own script, nothing else
    assert 'dir="auto"' in page


def test_html_embeds_the_report_data(hostile_report, registry):
    page = render_html(hostile_report, registry)
    start = page.index('id="claims-data">') + len('id="claims-data">')
    data = json.loads(page[start : page.index("</script>", start)])
    assert data["version"] == 1
    assert [c["id"] for c in data["claims"]] == [c.claim.id for c in hostile_report.claims]


def test_rich_output_never_parses_article_markup(hostile_report, registry):
    buf = io.StringIO()
    make_console(no_color=True, width=300, file=buf).print(render(hostile_report, registry))
    out = buf.getvalue()
    assert "[bold]عريض[/bold]" in out
    assert "[link=https://evil.example]a link[/link]" in out


def test_markdown_escapes_links_and_html(hostile_report, registry):
    md = render_markdown(hostile_report, registry)
    assert re.search(r"(?<!\\)\[link=", md) is None and "\\[link=" in md
    assert "<script>" not in md


def test_csv_round_trips(hostile_report, registry):
    rows = list(csv.DictReader(io.StringIO(render_csv([hostile_report], registry))))
    assert [r["text"] for r in rows] == [c.claim.span.text for c in hostile_report.claims]
