"""From the page layout to attributed claims: runs the spaCy pipeline on each paragraph in order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language

import claims.attribution.components  # noqa: F401  (registers the factories)
from claims.attribution.components import CONTEXT_KEY
from claims.attribution.registry import Registry
from claims.attribution.rules import Context
from claims.errors import InputError
from claims.text.layout import Layout, is_question
from claims.text.segment import build_pipeline
from claims.types import UNATTRIBUTED, UNREGISTERED, Attribution, Claim, Skipped, Span

# "MOSCOW, Dec 5 (Reuters) -" · "بيروت ( رويترز ) -" · "(أ ف ب) –": the whole report is the wire's.
_WIRE_CREDIT = re.compile(r"^[^()\n]{0,60}?\(\s*([^()\n]{1,40}?)\s*\)\s*[-–—:]")


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
    for k, para in enumerate(layout.paragraphs):
        if k < 2 and ctx.wire is None:
            ctx.wire = wire_credit(para.span.text, registry)
        nlp = attribution_pipeline(para.language, registry)
        if len(para.span.text) > nlp.max_length:
            raise InputError(
                f"line {para.line}: a paragraph of {len(para.span.text):,} characters; at most "
                f"{nlp.max_length:,} can be checked (break it into paragraphs)"
            )
        doc = nlp.make_doc(para.span.text)
        doc.user_data[CONTEXT_KEY] = ctx
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        offset = para.span.start
        sentences = list(doc.sents)
        questions = set()
        for n, sent in enumerate(sentences):
            end = sent.end_char
            while end > sent.start_char and text[offset + end - 1].isspace():
                end -= 1
            if is_question(sent.text.rstrip()):
                questions.add(n)
                skipped.append(
                    Skipped(Span.of(text, offset + sent.start_char, offset + end), para.line, "question")
                )
        for part in doc._.claims_parts:
            if part["sentence"] in questions or part["span"] is None:
                continue
            claims.append(_claim(text, offset, part, para.line, para.language, len(claims) + 1))
    return Extraction(tuple(claims), tuple(skipped), ctx.wire)


def wire_credit(paragraph: str, registry: Registry) -> str | None:
    m = _WIRE_CREDIT.match(paragraph)
    if not m:
        return None
    source = registry.lookup(m.group(1))
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
