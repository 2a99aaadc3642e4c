"""Main-text extraction from HTML pages (trafilatura: boilerplate removal we should not write ourselves).

libxml2, which parses the page for trafilatura, stops at the 256th level of nested elements ("Excessive
depth in document"): a page nested deeper (a paragraph inside 260 ``<div>``) would lose everything from
there on, silently. Such a page is read by :func:`plain_text` instead, with the standard library's
parser, which keeps no tree and so has no depth limit: all of its text, without scripts, styles,
navigation, headers, footers, asides and forms, one block per line.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from claims.errors import InputError


def extract_article(html: str) -> str:
    """The article's title and body as plain text, one paragraph per line; '' when the page has none."""
    import trafilatura

    if too_deep(html):
        return plain_text(html)
    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, favor_precision=True
        )
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        raise InputError(f"HTML could not be parsed ({type(exc).__name__})") from None
    if doc is None:
        return ""
    title = (getattr(doc, "title", None) or "").strip()
    body = (getattr(doc, "text", None) or "").strip()
    date = (getattr(doc, "date", None) or "").strip()
    lines = []
    if title and not body.startswith(title):
        lines.append(title)
    if date:
        lines.append(f"Published: {date}")
    if body:
        lines.append(body)
    return "\n".join(lines)


def too_deep(html: str) -> bool:
    """Whether libxml2 (and so trafilatura) gives up on ``html`` for its depth of nested elements."""
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(collect_ids=False)
    try:
        lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):  # an empty document, or one lxml cannot read at all
        return False
    return any("Excessive depth" in entry.message for entry in parser.error_log)


# Elements whose content is not the article's text.
_SKIP = frozenset(
    "script style noscript template svg math head nav header footer aside form button select "
    "textarea iframe object canvas".split()
)
# Elements that begin a new line.
_BLOCKS = frozenset(
    "address article blockquote br dd div dl dt figcaption figure h1 h2 h3 h4 h5 h6 hr li main ol p pre "
    "section table td th tr ul body html title".split()
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\f\r\v]+")


def plain_text(html: str) -> str:
    """All the text of a page, one block per line, with the page's title first (see the module)."""
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    title = _SPACES.sub(" ", "".join(parser.title)).strip()
    lines = []
    for line in _CONTROLS.sub(" ", "".join(parser.parts)).split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if line:
            lines.append(line)
    if title and (not lines or lines[0] != title):
        lines.insert(0, title)
    return "\n".join(lines)


class _PlainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0  # depth inside elements whose text is left out
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag == "body":
            self._skip = 0  # a <head> never closed
        elif tag in _SKIP:
            self._skip += 1
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP and self._skip:
            self._skip -= 1
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)
