"""Sentence segmentation on blank spaCy pipelines (no trained model is needed or downloaded).

Paragraphs are split on line breaks by the caller; here each paragraph becomes sentences. The
tokenizer gets a few Arabic rules (a clitic written with tatweel before a quote, ``بـ«دعم``; closing
quotes before a full stop, ``لعدوان».``) and a rule-based sentence splitter that never splits inside a
«…» or "…" quotation.

A sentence is at most :data:`MAX_SENTENCE_CHARS` long: a longer run (a page with no full stops, a list
flattened into one line) is cut at the last space before that length, so that no claim is longer and the
work per sentence stays bounded. News sentences are far shorter (the longest in the bundled and gold
articles: 310 characters).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from claims import lang

MAX_SENTENCE_CHARS = 2_000
SENTENCE_ENDS = frozenset({".", "؟", "?", "!", "؛", "..", "...", "…", "……", "!?", "?!", "۔"})
_OPEN_QUOTES = {"«": "»", "“": "”", "„": "“", "‹": "›", "``": "''"}
_STRAIGHT_QUOTES = {'"', "''"}
_CLOSERS = frozenset({"»", "”", '"', "’", ")", "]", "›", "''"})

# Arabic quotes that open a token; and a one- or two-letter clitic of the language written with tatweel
# right before a quote or bracket: بـ«دعم → بـ « دعم
_ARABIC_PREFIXES = ["«", "»", '"', "“", "”"]
_CLITIC_BEFORE_QUOTE = r"[{letters}]{{1,2}}ـ+(?=[«\"“‘'(\[])"
_INFIXES = [r"(?<=[\u0600-\u06ff])[؟؛،](?=\S)", r"(?<=\S)\.\.+(?=\S)"]
_SUFFIXES = [r"\.\.+", r"(?<=[\u0600-\u06ff»\"”'\)\]])\.", "؟", "؛", "»", "«", '"', "”", "…"]


@Language.factory("claims_sentences")
def make_sentence_splitter(nlp: Language, name: str) -> SentenceSplitter:
    words = lang.for_pipeline(nlp.lang).data["words"]
    return SentenceSplitter(frozenset(words.get("abbreviations", {}).get("before_numbers", ())))


class SentenceSplitter:
    """Marks sentence starts after . ؟ ? ! ؛ .. … — but not inside a quotation that closes later, nor after
    an abbreviation (``No. 00122``, «د . محمد»)."""

    def __init__(self, before_numbers: frozenset[str] = frozenset()) -> None:
        self.before_numbers = before_numbers

    def _abbreviation(self, doc: Doc, i: int) -> bool:
        """A full stop that closes an abbreviation: a word of the language's list touching it and a number
        next ("No. 00122"), or one letter of a non-Latin script and a word next («د . محمد»، «أ. د.»)."""
        if doc[i].text != "." or i == 0 or i + 1 >= len(doc):
            return False
        prev, nxt = doc[i - 1], doc[i + 1]
        if prev.text in self.before_numbers and not prev.whitespace_ and nxt.text[:1].isdigit():
            return True
        return len(prev.text) == 1 and prev.text.isalpha() and not prev.text.isascii() and not nxt.is_punct

    def __call__(self, doc: Doc) -> Doc:
        inside = quoted_tokens(doc)
        starts = []
        after_end = False  # the previous token closed a sentence
        for i, token in enumerate(doc):
            # Runs of terminators and closing quotes stay with their sentence: `؟..`, `."`, `».`
            # (a closer only when it touches what precedes: `said. "We` opens the next sentence's quote)
            trailing = _ends_sentence(token.text) or (
                token.text in _CLOSERS and i > 0 and not doc[i - 1].whitespace_
            )
            starts.append(i == 0 or (after_end and not (trailing and not inside[i])))
            if inside[i]:
                # «… الأمر.» وقال — "… change." She said: a full stop just inside a closing quote ends the
                # sentence when what follows the quote starts a new one.
                after_end = (
                    _ends_sentence(token.text)
                    and i + 2 < len(doc)
                    and doc[i + 1].text in _CLOSERS
                    and not inside[i + 1]
                    and not doc[i + 2].text[:1].islower()
                    and not doc[i + 2].is_punct
                )
            elif _ends_sentence(token.text):
                after_end = not self._abbreviation(doc, i)
            elif not (trailing and after_end):
                after_end = False
        _bound_sentences(doc, starts)
        # One write for the whole doc: setting is_sent_start token by token is quadratic in spaCy.
        if len(doc):
            values = numpy.array([[1 if s else -1] for s in starts], dtype="int64").view("uint64")
            doc.from_array([SENT_START], values)
        return doc


def _bound_sentences(doc: Doc, starts: list[bool], limit: int = MAX_SENTENCE_CHARS) -> None:
    """Start a new sentence where one would grow past ``limit`` characters: before the first token that
    crosses it and follows a space (at twice the limit, before any token: text with no spaces)."""
    sent_start = 0
    for i, token in enumerate(doc):
        if starts[i]:
            sent_start = token.idx
            continue
        length = token.idx + len(token.text) - sent_start
        if length > limit and (doc[i - 1].whitespace_ or length > 2 * limit):
            starts[i] = True
            sent_start = token.idx


def _ends_sentence(text: str) -> bool:
    return text in SENTENCE_ENDS


def quoted_tokens(doc: Doc) -> list[bool]:
    """For each token, whether it lies inside a quotation that is closed in the same paragraph."""
    # Each closed quotation adds 1 at its first inner token and -1 after its last; the running sum is
    # the number of quotations a token is in (linear however deeply quotations nest).
    depth = [0] * (len(doc) + 1)
    stack: list[tuple[str, int]] = []
    straight_open: int | None = None
    for i, token in enumerate(doc):
        t = token.text
        if t in _OPEN_QUOTES:
            stack.append((_OPEN_QUOTES[t], i))
        elif stack and t == stack[-1][0]:
            _, opened = stack.pop()
            depth[opened + 1] += 1
            depth[i] -= 1
        elif t in _STRAIGHT_QUOTES:
            # A straight quote opens when it follows a space and touches the next word, closes when it
            # touches the word before; the direction keeps one stray quote from inverting a paragraph.
            spaced_before = i == 0 or bool(doc[i - 1].whitespace_) or doc[i - 1].text in "([{"
            if straight_open is None and (spaced_before or i == 0):
                straight_open = i
            elif straight_open is not None and not (spaced_before and not token.whitespace_):
                depth[straight_open + 1] += 1
                depth[i] -= 1
                straight_open = None
            elif straight_open is not None:
                straight_open = i  # an opening quote while one is open: the first one was stray
    inside = []
    running = 0
    for d in depth[:-1]:
        running += d
        inside.append(running > 0)
    return inside


@lru_cache(maxsize=4)
def pipeline(language: str) -> Language:
    """The shared blank pipeline for ``language`` (a code of :mod:`claims.lang`): our tokenizer rules and sentence splitter."""
    return build_pipeline(language)


@spacy.registry.tokenizers("claims.Tokenizer.v1")
def make_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's tokenizer for the pipeline's language with our rules added (see the module docstring).

    Registered so that a pipeline is built with it (``[nlp.tokenizer] @tokenizers = "claims.Tokenizer.v1"``):
    setting rules on a built tokenizer re-tokenizes all its special cases once per setter."""

    def create(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        prefixes = list(defaults.prefixes)
        language = lang.for_pipeline(nlp.lang)
        if language.script == "arabic":
            clitics = language.clitics.conjunctions | language.clitics.prepositions
            before_quote = _CLITIC_BEFORE_QUOTE.format(letters="".join(sorted(clitics)))
            prefixes = [before_quote, *_ARABIC_PREFIXES, *prefixes]
        return Tokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=compile_prefix_regex(prefixes).search,
            suffix_search=compile_suffix_regex(_SUFFIXES + list(defaults.suffixes)).search,
            infix_finditer=compile_infix_regex(_INFIXES + list(defaults.infixes)).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return create


_TOKENIZER_CONFIG = {"nlp": {"tokenizer": {"@tokenizers": "claims.Tokenizer.v1"}}}


def build_pipeline(language: str) -> Language:
    """A new blank spaCy pipeline for ``language`` with our tokenizer rules and sentence splitter."""
    nlp = spacy.blank(lang.get(language).spacy, config=_TOKENIZER_CONFIG)
    nlp.add_pipe("claims_sentences")
    # Blank pipelines keep little per token: a 20 MB article (the read limit) fits.
    nlp.max_length = 25_000_000
    return nlp
