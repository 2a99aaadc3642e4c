"""Attribution as spaCy pipeline components.

``claims_sources`` marks source mentions (``doc.spans["claims_sources"]``, labelled with registry ids,
``anonymous`` or ``description:<target>``); ``claims_attribution`` applies the rules to each sentence and
stores the attributed parts in ``doc._.claims_parts`` (character offsets into the doc). Both work in a
plain spaCy pipeline after a sentence splitter:

    nlp = spacy.blank("ar"); nlp.add_pipe("claims_sentences")
    nlp.add_pipe("claims_sources"); nlp.add_pipe("claims_attribution")

Documents processed one after another can share a ``Context`` (``doc.user_data["claims_context"]``), so
that «وأضاف» in one paragraph finds the speaker named in the last.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from claims import lang
from claims.attribution.lexicon import Lexicon, Tok, load_lexicon
from claims.attribution.mentions import Mention, MentionFinder, find_cues
from claims.attribution.rules import rules_for
from claims.attribution.sentence import COMMAS, Context, Part
from claims.registry import Registry
from claims.text.normalize import normalize
from claims.text.segment import quoted_tokens

CONTEXT_KEY = "claims_context"
CONTINUED_KEY = "claims_continued"  # the doc goes on the paragraph of the previous doc (a long one, cut)

if not Doc.has_extension("claims_parts"):
    Doc.set_extension("claims_parts", default=None)


@lru_cache(maxsize=4)
def default_registry(path: str | None = None) -> Registry:
    return Registry.load(path)


def _language(nlp: Language) -> str:
    """The language the pipeline reads; an unsupported one is an error, never read as another."""
    return lang.for_pipeline(nlp.lang).code


@Language.factory("claims_sources", default_config={"sources": None})
def make_sources(nlp: Language, name: str, sources: str | None) -> SourceMentions:
    return SourceMentions(default_registry(sources), load_lexicon(_language(nlp)))


@Language.factory("claims_attribution", default_config={"sources": None})
def make_attribution(nlp: Language, name: str, sources: str | None) -> AttributionComponent:
    return AttributionComponent(default_registry(sources), load_lexicon(_language(nlp)))


def doc_tokens(doc: Doc, lexicon: Lexicon) -> list[Tok]:
    """The rules' view of the doc's tokens, made once per doc and shared by the components."""
    cached = doc.user_data.get(_TOKENS_KEY)
    if cached is None:
        quoted = quoted_tokens(doc)
        cached = doc.user_data[_TOKENS_KEY] = [
            _tok(t.i, t.text, t.idx, quoted[t.i], lexicon.language) for t in doc
        ]
    return cached


_TOKENS_KEY = "claims_tokens"


@lru_cache(maxsize=200_000)
def _forms(text: str, language: str) -> tuple[str, tuple[str, ...], bool]:
    norm = normalize(text)
    return norm, lang.get(language).clitic_forms(norm), not any(ch.isalnum() for ch in text)


def _tok(i: int, text: str, idx: int, quoted: bool, language: str) -> Tok:
    norm, forms, punct = _forms(text, language)
    return Tok(i, text, norm, forms, idx, idx + len(text), quoted, punct)


class SourceMentions:
    def __init__(self, registry: Registry, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.use(registry)

    def use(self, registry: Registry) -> SourceMentions:
        """Match the names of ``registry`` (e.g. the package registry plus a newsroom's own file)."""
        self.registry = registry
        self._finder: MentionFinder | None = None
        return self

    @property
    def finder(self) -> MentionFinder:
        # Built on first use: indexing the registry's names is costly, and a pipeline built with
        # the default registry is usually given another (``use``) before it sees a document.
        if self._finder is None:
            self._finder = MentionFinder(self.registry, self.lexicon)
        return self._finder

    def __call__(self, doc: Doc) -> Doc:
        toks = doc_tokens(doc, self.lexicon)
        spans = []
        for sent in doc.sents:
            for m in self.finder.find(toks[sent.start : sent.end]):
                label = m.value if m.kind != "description" else f"description:{m.value}"
                spans.append(Span(doc, sent.start + m.start, sent.start + m.end, label=label))
        doc.spans["claims_sources"] = spans
        return doc


class AttributionComponent:
    def __init__(self, registry: Registry, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.use(registry)

    def use(self, registry: Registry) -> AttributionComponent:
        self.rules = rules_for(registry, self.lexicon)
        return self

    def __call__(self, doc: Doc) -> Doc:
        ctx = doc.user_data.get(CONTEXT_KEY)
        if ctx is None:
            ctx = doc.user_data[CONTEXT_KEY] = Context()
        if not doc.user_data.get(CONTINUED_KEY):
            ctx.paragraph_speaker = None  # a quotation does not run on into the next paragraph
        toks = doc_tokens(doc, self.lexicon)
        spans = doc.spans.get("claims_sources", [])
        results: list[dict] = []
        by_sentence: dict[int, list[Span]] = {}
        sent_of = {}
        for n, sent in enumerate(doc.sents):
            sent_of.update(dict.fromkeys(range(sent.start, sent.end), n))
        for span in spans:
            by_sentence.setdefault(sent_of[span.start], []).append(span)
        for n, sent in enumerate(doc.sents):
            local = toks[sent.start : sent.end]
            local = [
                Tok(t.i - sent.start, t.text, t.norm, t.forms, t.start, t.end, t.quoted, t.is_punct)
                for t in local
            ]
            mentions = [_mention(s, sent.start) for s in by_sentence.get(n, ())]
            cues = find_cues(local, self.lexicon)
            for part in self.rules.resolve(local, mentions, cues, ctx):
                results.append({"sentence": n, **_part_dict(part, local)})
        doc._.claims_parts = results
        return doc


def _mention(span: Span, offset: int) -> Mention:
    label = span.label_
    if label.startswith("description:"):
        kind, value = "description", label.split(":", 1)[1]
    elif label == "anonymous":
        kind, value = "anonymous", label
    else:
        kind, value = "source", label
    return Mention(span.start - offset, span.end - offset, kind, value)


def _chars(toks: list[Tok], rng: tuple[int, int] | None) -> tuple[int, int] | None:
    if rng is None or rng[1] <= rng[0]:
        return None
    return toks[rng[0]].start, toks[rng[1] - 1].end


def _part_dict(part: Part, toks: list[Tok]) -> dict:
    end = part.end
    while end > part.start + 1 and toks[end - 1].text in COMMAS:
        end -= 1
    return {
        "span": _chars(toks, (part.start, end)),
        "source": part.source,
        "source_name": part.source_name,
        "mention": _chars(toks, part.mention),
        "cue": _chars(toks, part.cue),
        "content": _chars(toks, part.content),
        "via": list(part.via),
        "hedge": _chars(toks, part.hedge),
        "rule": part.rule,
    }
