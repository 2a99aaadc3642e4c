"""Machine formats and the hostile-text guarantees: article text never becomes markup."""

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from rich.console import Console

from claims.checker import check_text
from claims.report.csv import render_csv
from claims.report.html import _SCRIPT, render_html
from claims.report.markdown import render_markdown
from claims.report.terminal import THEME, make_console, report_view
from claims.types import InputText

HOSTILE = (
    'قال المتحدث إن <script>alert("x")</script> كان في النص [bold]عريض[/bold].\n'
    "Officials said the page had <img src=x onerror=alert(1)> and [link=https://evil.example]a link[/link] "
    "and </script><script>alert(2)</script> in it.\n"
)


@pytest.fixture(scope="module")
def hostile_report(registry):
    return check_text(InputText(HOSTILE, "hostile.txt", "utf-8", "txt"), registry)


class _Page(HTMLParser):
    """The elements, attributes, scripts and text of a page, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def test_html_escapes_article_text(hostile_report, registry):
    page = _Page()
    page.feed(render_html(hostile_report, registry))
    # the article's <script>, <img onerror> and </script> breakouts are text, not elements
    assert {tag for tag, _ in page.tags} <= {
        "html", "head", "meta", "title", "style", "body", "header", "h1", "p", "span", "main", "mark", "aside",
        "script",
    }  # fmt: skip
    assert not [(tag, a) for tag, attrs in page.tags for a in attrs if a.startswith("on")]
    assert [attrs.get("type") for tag, attrs in page.tags if tag == "script"] == ["application/json", None]
    assert page.scripts[1].strip() == _SCRIPT.strip()  # the only code is the page's own
    text = "".join(page.text)
    for hostile in (
        '<script>alert("x")</script>',
        "<img src=x onerror=alert(1)>",
        "</script><script>alert(2)",
    ):
        assert hostile in text
    assert 'dir="auto"' in render_html(hostile_report, registry)


def test_html_escapes_a_hostile_path(registry):
    path = '"><img src=x onerror=alert(1)>.txt'
    page = _Page()
    page.feed(
        render_html(
            check_text(InputText("Reuters said it rained.\n", path, "utf-8", "txt"), registry), registry
        )
    )
    assert "img" not in {tag for tag, _ in page.tags}
    assert path in "".join(page.text)


def test_html_embeds_the_report_data(hostile_report, registry):
    page = render_html(hostile_report, registry)
    start = page.index('id="claims-data">') + len('id="claims-data">')
    data = json.loads(page[start : page.index("</script>", start)])
    assert data["version"] == 1
    assert [c["id"] for c in data["claims"]] == [c.claim.id for c in hostile_report.claims]


def test_rich_output_never_parses_article_markup(hostile_report, registry):
    buf = io.StringIO()
    make_console(no_color=True, width=300, file=buf).print(report_view(hostile_report, registry))
    out = buf.getvalue()
    assert "[bold]عريض[/bold]" in out
    assert "[link=https://evil.example]a link[/link]" in out
    # in colour too: the article's [bold] and [link=...] are printed, not turned into styles or a hyperlink
    buf = io.StringIO()
    Console(theme=THEME, force_terminal=True, color_system="truecolor", width=300, file=buf).print(
        report_view(hostile_report, registry)
    )
    coloured = buf.getvalue()
    assert "\x1b[" in coloured  # styled: the verdict colours are there
    assert "\x1b]8;" not in coloured  # no OSC 8 hyperlink
    plain = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert "[bold]عريض[/bold]" in plain and "[link=https://evil.example]a link[/link]" in plain


def test_markdown_escapes_links_and_html(hostile_report, registry):
    md = render_markdown(hostile_report, registry)
    assert re.search(r"(?<!\\)\[link=", md) is None and "\\[link=" in md
    assert "<script>" not in md


def test_csv_round_trips(hostile_report, registry):
    rows = list(csv.DictReader(io.StringIO(render_csv([hostile_report], registry))))
    assert [r["text"] for r in rows] == [c.claim.span.text for c in hostile_report.claims]
