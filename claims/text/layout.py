"""Page layout: which lines are reporting and which are not claims at all.

A scraped news page carries a title, a dateline, section headings, a credit line, a keyword list and
"read also" blocks around the body. Those go to ``skipped`` with a reason; datelines and credits are
parsed into the document's metadata. Everything else is split into sentences (``segment``); questions
are skipped too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from claims import lang
from claims.resources import load_toml
from claims.text.dates import parse_date
from claims.text.normalize import normalize
from claims.types import Skipped, Span


@dataclass(frozen=True)
class Paragraph:
    """A line of the article's body: where it is, its line number and its language."""

    span: Span
    line: int  # 1-based, as in the article
    language: str


@dataclass(frozen=True)
class Layout:
    language: str
    paragraphs: tuple[Paragraph, ...]
    skipped: tuple[Skipped, ...]
    published: str | None = None
    publisher_text: str | None = None
    credit: str | None = None  # the agency named by a wire credit that opens the report ("(Reuters) -")


@dataclass(frozen=True)
class _Rules:
    labels: dict[str, tuple[str, ...]]  # kind -> normalised labels
    max_words: int
    final: frozenset[str]
    link_separators: tuple[str, ...]
    share: tuple[str, ...]  # normalised openings of share / subscribe lines
    max_share_words: int


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = load_toml("lexicons/layout.toml")
    labels = {
        kind: tuple(sorted({normalize(x) for x in values}, key=len, reverse=True))
        for kind, values in data["labels"].items()
    }
    h = data["headings"]
    f = data["furniture"]
    share = tuple(sorted({normalize(x) for x in f["share"]}, key=len, reverse=True))
    return _Rules(
        labels,
        int(h["max_words"]),
        frozenset(h["final"]),
        tuple(h["link_separators"]),
        share,
        int(f["max_share_words"]),
    )


_SKIP_REASON = {
    "published": "metadata",
    "publisher": "metadata",
    "byline": "metadata",
    "keywords": "keywords",
    "read_also": "read-also",
}
# A question mark closing the sentence itself; one inside a closing quotation is quoted speech.
_QUESTION_END = re.compile(r"[?؟][\s.…)]*$")
_WORD = re.compile(r"\w+")
# "MOSCOW, Dec 5 (Reuters) -" · "بيروت ( رويترز ) -" · "(أ ف ب) –": the wire the report comes from.
WIRE_CREDIT = re.compile(r"^[^()\n]{0,60}?\(\s*([^()\n]{1,40}?)\s*\)\s*[-–—:]")
_CREDIT_LINES = 2  # a credit opens one of the first lines of the body
_TOP_LINES = 3  # a page repeats its headline, one of its first lines, further down


def lines(text: str) -> Iterator[tuple[int, int, int]]:
    """(line number, start, end) of every non-blank line, surrounding whitespace excluded."""
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True), start=1):
        start, end = offset, offset + len(raw)
        offset = end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            yield number, start, end


def analyse(text: str) -> Layout:
    """Split ``text`` into paragraphs of reporting and skipped lines."""
    rules = _rules()
    language = lang.detect(text) or lang.DEFAULT
    paragraphs: list[Paragraph] = []
    skipped: list[Skipped] = []
    published = publisher = credit = None
    top: list[str] = []  # the page's first lines: its title and headline
    for number, start, end in lines(text):
        line = text[start:end]
        span = Span(start, end, line)
        folded = normalize(line)
        if folded in top and len(_WORD.findall(line)) >= 3:
            skipped.append(Skipped(span, number, "repeated"))  # the headline shown again (og:title, footer)
            continue
        if len(top) < _TOP_LINES:
            top.append(folded)
        kind, value = _labelled(line, rules)
        if kind:
            skipped.append(Skipped(span, number, _SKIP_REASON[kind]))
            if kind == "published" and published is None and (d := parse_date(value)):
                published = d.isoformat()
            elif kind == "publisher" and publisher is None and value:
                publisher = value
            continue
        reason = _non_claim_line(line, rules)
        if reason:
            skipped.append(Skipped(span, number, reason))
            continue
        m = WIRE_CREDIT.match(line) if len(paragraphs) < _CREDIT_LINES and credit is None else None
        if m and len(_WORD.findall(line[m.end() :])) >= 3:
            # the credit names where the report comes from; the report starts after it
            credit = m.group(1)
            skipped.append(Skipped(Span(start, start + m.end(), line[: m.end()]), number, "credit"))
            rest = start + m.end()
            while text[rest].isspace():
                rest += 1
            span = Span(rest, end, text[rest:end])
        paragraphs.append(Paragraph(span, number, lang.detect(line) or language))
    return Layout(language, tuple(paragraphs), tuple(skipped), published, publisher, credit)


def is_question(sentence: str) -> bool:
    return bool(_QUESTION_END.search(sentence))


def _labelled(line: str, rules: _Rules) -> tuple[str | None, str]:
    """('published' | 'publisher' | 'keywords' | 'read_also' | 'byline', value) for a labelled line."""
    norm = normalize(line)
    for kind, labels in rules.labels.items():
        for label in labels:
            if not norm.startswith(label):
                continue
            rest = norm[len(label) :]
            if rest.startswith(":") or (kind == "read_also" and not rest.strip(" .")):
                colon = line.find(":")
                if colon == -1:
                    colon = line.find("：")
                return kind, line[colon + 1 :].strip() if colon != -1 else ""
    return None, ""


def _non_claim_line(line: str, rules: _Rules) -> str | None:
    if line.startswith("#"):
        return "heading"
    for sep in rules.link_separators:
        if sep in line:
            head = line.split(sep, 1)[0]
            if len(_WORD.findall(head)) <= 4:
                return "link-list"
    if line.rstrip().endswith("..") and not line.rstrip().endswith("..."):
        if len(_WORD.findall(line)) <= rules.max_words:
            return "heading"
    words = len(_WORD.findall(line))
    if words <= 1 and line[-1] in rules.final:
        return "fragment"  # «د .», "-0-."
    if _starts_with(normalize(line), rules.share) and words <= rules.max_share_words:
        return "share"
    if words <= rules.max_words and line[-1] not in rules.final and not _is_colon_headline(line):
        return "heading"
    return None


def _starts_with(norm: str, labels: tuple[str, ...]) -> bool:
    """Whether ``norm`` opens with one of ``labels`` as whole words ("Share this", not "Shares")."""
    return any(
        norm.startswith(label) and norm[len(label) : len(label) + 1] in ("", " ", ":") for label in labels
    )


def _is_colon_headline(line: str) -> bool:
    """``روسيا: دخول المعاهدة حيز التنفيذ`` / ``Kremlin: treaty in force`` — a headline that attributes."""
    head, sep, rest = line.partition(":")
    return bool(sep) and 1 <= len(_WORD.findall(head)) <= 4 and len(_WORD.findall(rest)) >= 3
