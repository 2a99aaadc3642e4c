"""From the page layout to attributed claims: runs the spaCy pipeline on each paragraph in order.

The work is bounded whatever the shape of the text: a paragraph longer than :data:`MAX_DOC_CHARS` goes
to spaCy in pieces of at most that length, cut after a sentence end or else at a space, so no single
``Doc`` (and no list of its tokens) grows with the article; a run of more than :data:`MAX_WORD_CHARS`
characters without a space (an encoded image, minified code) is not text anyone wrote a claim in: it is
skipped, with the reason ``too-long``, instead of being tokenized.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

import claims.attribution.components  # noqa: F401  (registers the factories)
from claims.attribution.components import CONTEXT_KEY, CONTINUED_KEY
from claims.attribution.sentence import Context
from claims.registry import Registry
from claims.text.layout import WIRE_CREDIT, Layout, Paragraph, is_question
from claims.text.segment import build_pipeline
from claims.types import UNATTRIBUTED, UNREGISTERED, Attribution, Claim, Skipped, Span

MAX_DOC_CHARS = 100_000
MAX_WORD_CHARS = 1_000
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")
# Where a piece may end: after a sentence end and its closing quotes, before a space.
_PIECE_END = re.compile(r"[.!?؟…؛][\"'»”’)\]]*\s")


@lru_cache(maxsize=8)
def attribution_pipeline(language: str, registry: Registry) -> Language:
    """The sentence splitter followed by the source and attribution components, using ``registry``."""
    nlp = build_pipeline(language)
    nlp.add_pipe("claims_sources").use(registry)
    nlp.add_pipe("claims_attribution").use(registry)
    return nlp


@dataclass(frozen=True)
class Extraction:
    claims: tuple[Claim, ...]
    skipped: tuple[Skipped, ...]
    wire: str | None


def extract(text: str, layout: Layout, registry: Registry) -> Extraction:
    ctx = Context()
    claims: list[Claim] = []
    skipped: list[Skipped] = []
    if layout.credit:
        ctx.wire = _wire(layout.credit, registry)
    for k, para in enumerate(layout.paragraphs):
        if k < 2 and ctx.wire is None:
            ctx.wire = wire_credit(para.span.text, registry)
        nlp = attribution_pipeline(para.language, registry)
        for k_piece, (start, end) in enumerate(pieces(text, para.span.start, para.span.end, nlp.max_length)):
            if end < 0:  # a run with no space: not read
                skipped.append(Skipped(Span.of(text, start, -end), para.line, "too-long"))
                continue
            doc = nlp.make_doc(text[start:end])
            doc.user_data[CONTEXT_KEY] = ctx
            doc.user_data[CONTINUED_KEY] = k_piece > 0
            for _, proc in nlp.pipeline:
                doc = proc(doc)
            _collect(text, start, doc, para, claims, skipped)
    return Extraction(tuple(claims), tuple(skipped), ctx.wire)


def _collect(text: str, offset: int, doc: Doc, para: Paragraph, claims: list, skipped: list) -> None:
    """The claims of one processed piece of ``para`` (at ``offset``), its questions skipped."""
    questions = set()
    for n, sent in enumerate(doc.sents):
        end = sent.end_char
        while end > sent.start_char and text[offset + end - 1].isspace():
            end -= 1
        reason = None
        if sum(1 for t in sent if any(ch.isalpha() for ch in t.text)) <= 1:
            reason = "fragment"  # an end mark ("-0-", "-END-") or a word left between stray full stops
        elif is_question(sent.text.rstrip()):
            reason = "question"
        if reason:
            questions.add(n)
            skipped.append(Skipped(Span.of(text, offset + sent.start_char, offset + end), para.line, reason))
    for part in doc._.claims_parts:
        if part["sentence"] in questions or part["span"] is None:
            continue
        claims.append(_claim(text, offset, part, para.line, para.language, len(claims) + 1))


def pieces(text: str, start: int, end: int, max_length: int) -> Iterator[tuple[int, int]]:
    """``text[start:end]`` (a paragraph) as (start, end) pieces of at most ``MAX_DOC_CHARS`` (and
    ``max_length``) characters, cut after a sentence end or else at a space; a run of more than
    ``MAX_WORD_CHARS`` characters without a space is yielded as ``(start, -end)``."""
    limit = min(MAX_DOC_CHARS, max_length)
    if end - start <= limit and not _LONG_WORD.search(text, start, end):
        yield start, end  # every paragraph of a normal article
        return
    pos = start
    for word in _LONG_WORD.finditer(text, start, end):
        yield from _cut(text, pos, word.start(), limit)
        yield word.start(), -word.end()
        pos = word.end()
    yield from _cut(text, pos, end, limit)


def _cut(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end - start > limit:
        window = start + limit * 4 // 5  # look for a sentence end in the last fifth, else a space
        cut = -1
        for m in _PIECE_END.finditer(text, window, start + limit):
            cut = m.end() - 1
        if cut == -1:
            cut = text.rfind(" ", window, start + limit)
            cut = max(cut, text.rfind("\n", window, start + limit), text.rfind("\t", window, start + limit))
        if cut <= start:
            cut = start + limit  # no space in the last fifth (a run under MAX_WORD_CHARS): cut there
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


def wire_credit(paragraph: str, registry: Registry) -> str | None:
    m = WIRE_CREDIT.match(paragraph)
    return _wire(m.group(1), registry) if m else None


def _wire(name: str, registry: Registry) -> str | None:
    source = registry.lookup(name)
    return source.id if source and source.kind in ("wire", "state-media", "media") else None


def _claim(text: str, offset: int, part: dict, line: int, language: str, number: int) -> Claim:
    def span(rng: tuple[int, int] | None) -> Span | None:
        return Span.of(text, offset + rng[0], offset + rng[1]) if rng else None

    source = part["source"]
    attribution = Attribution(
        source_id=source,
        mention=span(part["mention"]),
        source_name=part["source_name"] if source == UNREGISTERED else "",
        cue=span(part["cue"]),
        via=tuple(part["via"]),
        hedged=part["hedge"] is not None,
        hedge=span(part["hedge"]),
        rule=part["rule"] if source != UNATTRIBUTED else "",
    )
    claim_span = span(part["span"])
    assert claim_span is not None
    return Claim(f"c{number}", claim_span, line, language, attribution, span(part["content"]))
