"""Cue lexicons (data files per language) and the phrase index used to find cues and names in tokens."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from claims import lang
from claims.text.normalize import normalize


@dataclass(frozen=True)
class Tok:
    """A token as the attribution rules see it: original offsets, folded text, clitic-stripped forms."""

    i: int
    text: str
    norm: str
    forms: tuple[str, ...]
    start: int
    end: int
    quoted: bool = False
    is_punct: bool = False


@dataclass
class PhraseIndex:
    """Multi-word phrases keyed by their first token; the longest match at a position wins."""

    by_first: dict[str, list[tuple[tuple[str, ...], object]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, tokens: Sequence[str], payload: object) -> None:
        if tokens:
            self.by_first[tokens[0]].append((tuple(tokens), payload))

    def finish(self) -> PhraseIndex:
        for entries in self.by_first.values():
            entries.sort(key=lambda e: len(e[0]), reverse=True)
        self.by_first = dict(self.by_first)
        return self

    def match_at(
        self, toks: Sequence[Tok], i: int, *, strip_clitics: bool = True
    ) -> list[tuple[int, object]]:
        """All (length, payload) of phrases starting at token ``i``, longest first.

        Clitics are stripped from the first token only: they attach to the front of a phrase.
        """
        found: list[tuple[int, object]] = []
        forms = toks[i].forms if strip_clitics else (toks[i].norm,)
        for form in forms:
            for tokens, payload in self.by_first.get(form, ()):
                n = len(tokens)
                if i + n <= len(toks) and all(toks[i + k].norm == tokens[k] for k in range(1, n)):
                    found.append((n, payload))
        found.sort(key=lambda f: f[0], reverse=True)
        return found


@dataclass(frozen=True)
class Lexicon:
    language: str
    cues: PhraseIndex  # payload: frozenset of categories, e.g. {"verb", "verb:f", "impersonal"}
    anonymous: PhraseIndex  # payload: "anonymous"
    descriptions: PhraseIndex  # payload: target kind (agency, state-media, speaker, ...)
    feminine_heads: frozenset[str]
    pronoun_genders: dict[str, str]  # pronoun -> "m" | "f"
    np_stop: frozenset[str]
    subject_boundaries: dict[str, frozenset[str]]
    # word classes of noun phrases ([noun_phrases]): relatives (التي، who) open a clause inside a phrase;
    # determiners + heads make an unnamed source ("a senior U.S. official")
    np_words: dict[str, frozenset[str]] = field(default_factory=dict)


CATEGORY_SECTIONS = {
    ("verbs", "masc"): "verb:m",
    ("verbs", "fem"): "verb:f",
    ("verbs", "plural"): "verb:p",
    ("verbs", "denial"): "denial",
    ("verbs", "relay"): "relay-verb",
    ("verbs", "ambiguous"): "ambiguous",
    ("negation", "forms"): "negation",
    ("nominal", "forms"): "nominal",
    ("participles", "masc"): "participle:m",
    ("participles", "fem"): "participle:f",
    ("prepositional", "cues"): "prep",
    ("prepositional", "citing"): "citing",
    ("impersonal", "cues"): "impersonal",
    ("relay", "cues"): "relay",
    ("complementizers", "forms"): "comp",
    ("hedges", "forms"): "hedge",
    ("connectors", "forms"): "connector",
}


def tokenize_phrase(phrase: str, language: str) -> tuple[str, ...]:
    from claims.text.segment import pipeline

    return tuple(normalize(t.text) for t in pipeline(language).tokenizer(phrase) if not t.is_space)


def load_lexicon(language: str) -> Lexicon:
    """The cue lexicon of ``language`` (``claims/lang/<code>/cues.toml``)."""
    return _load_lexicon(lang.get(language))


@lang.cached
def _load_lexicon(language_data: lang.Language) -> Lexicon:
    language = language_data.code
    data = language_data.data["cues"]
    categories: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for (section, key), category in CATEGORY_SECTIONS.items():
        for phrase in data.get(section, {}).get(key, []):
            categories[tokenize_phrase(phrase, language)].add(category)
    cues = PhraseIndex()
    for tokens, cats in categories.items():
        cues.add(tokens, frozenset(cats))
    anonymous = PhraseIndex()
    for phrase in data.get("anonymous", {}).get("forms", []):
        anonymous.add(tokenize_phrase(phrase, language), "anonymous")
    descriptions = PhraseIndex()
    for phrase, target in data.get("descriptions", {}).items():
        descriptions.add(tokenize_phrase(phrase, language), target)
    gender = data.get("gender", {})
    feminine = frozenset(normalize(w) for w in gender.get("feminine", []))
    pronouns = {normalize(w): "m" for w in gender.get("masculine_pronouns", [])}
    pronouns |= {normalize(w): "f" for w in gender.get("feminine_pronouns", [])}
    np_stop = frozenset(normalize(w) for w in data.get("np_stop", {}).get("forms", []))
    boundaries = {
        key: frozenset(normalize(w) for w in words)
        for key, words in data.get("subject_boundaries", {}).items()
    }
    np_words = {
        key: frozenset(normalize(w) for w in words) for key, words in data.get("noun_phrases", {}).items()
    }
    return Lexicon(
        language,
        cues.finish(),
        anonymous.finish(),
        descriptions.finish(),
        feminine,
        pronouns,
        np_stop,
        boundaries,
        np_words,
    )
