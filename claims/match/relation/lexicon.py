"""The word lists relations read (each language's ``relations.toml``), normalised and indexed by first
word so that phrases are found in a statement's tokens."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from claims import lang
from claims.lang.tokens import Token, content_forms, lookup_forms, name_forms, words
from claims.text.normalize import normalize

#: Tokens whose phrase lookups a table remembers before it starts over.
_CACHE_LIMIT = 200_000


@lru_cache(maxsize=65536)
def _first_word_forms(norm: str, language: str, mode: str) -> tuple[str, ...]:
    if mode == "name":
        return name_forms(norm, language)
    if mode == "particle":
        forms = content_forms(norm, language)
        return tuple(f for f in forms if f == norm or f == norm[1:])
    return lookup_forms(norm, language)


@dataclass(frozen=True)
class PhraseTable:
    """Phrases (tuples of normalised words) keyed by their first word."""

    by_first: dict[str, tuple[tuple[tuple[str, ...], object], ...]]
    # token -> the entry lists its forms reach, in the order the forms are tried (filled as tokens come)
    _seen: dict[tuple[str, str, str], tuple] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, entries: Iterable[tuple[str, object]]) -> PhraseTable:
        table: dict[str, list[tuple[tuple[str, ...], object]]] = {}
        for phrase, payload in entries:
            phrase_words = tuple(words(normalize(phrase)))
            if phrase_words:
                table.setdefault(phrase_words[0], []).append((phrase_words, payload))
        return cls({k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in table.items()})

    def match(
        self, toks: Sequence[Token], i: int, language: str, mode: str = "word"
    ) -> list[tuple[int, object]]:
        """(length, payload) of the phrases starting at token ``i``, longest first. Later words are compared
        by their clitic forms. The first word is looked up as written first, then under its clitics, then
        without a short ending; the first of these that matches anything wins, so «شابة» is «شابة» and not
        «شاب». ``mode``: "word" (clitics and endings), "name" (only gender and number endings),
        "particle" (as written, or after a conjunction و/ف)."""
        key = (toks[i].norm, language, mode)
        reach = self._seen.get(key)
        if reach is None:
            forms = _first_word_forms(toks[i].norm, language, mode)
            reach = tuple(entries for form in forms if (entries := self.by_first.get(form)))
            if len(self._seen) > _CACHE_LIMIT:
                self._seen.clear()
            self._seen[key] = reach
        found: list[tuple[int, object]] = []
        for entries in reach:
            for phrase, payload in entries:
                n = len(phrase)
                if n == 1 or (
                    i + n <= len(toks) and all(phrase[k] in toks[i + k].forms for k in range(1, n))
                ):
                    found.append((n, payload))
            if found:
                break
        found.sort(key=lambda f: -f[0])
        return found

    def scan(
        self, toks: Sequence[Token], language: str, mode: str = "word"
    ) -> Iterator[tuple[int, int, object]]:
        """(start, length, payload) of the longest phrase at each place, left to right, without overlaps."""
        i = 0
        while i < len(toks):
            found = self.match(toks, i, language, mode)
            if found:
                n, payload = found[0]
                yield i, n, payload
                i += n
            else:
                i += 1


@dataclass(frozen=True)
class NumberWords:
    words: dict[str, float]
    articles: dict[str, float]
    multipliers: dict[str, float]
    duals: dict[str, float]
    vague: frozenset[str]
    bounds: PhraseTable  # payload: approx | lower | upper
    percent: PhraseTable
    skip: frozenset[str]
    year_markers: frozenset[str]
    compound_tens: bool  # tens then units make one number: twenty five
    compound_joiner: str  # units, this conjunction, tens make one number: خمسة وعشرون
    teens: frozenset[str]  # units then one of these make 13-19: تسعة عشر


@dataclass(frozen=True)
class RelationLexicon:
    language: str
    negation: PhraseTable  # particles; payload: "negation"
    negating: PhraseTable  # verbs and nouns; payload: "denial" | "negating"
    exceptions: PhraseTable  # phrases that look negative and are not: لا يزال, not only
    continues: frozenset[str]  # a negation that continues an earlier one: ولا, nor
    modifiers: frozenset[str]  # a negation that makes a noun before a word with the article: غير
    hedges: PhraseTable  # payload: "hedge"
    question_openers: frozenset[str]
    clause_breaks: frozenset[str]
    antonyms: PhraseTable  # payload: tuple of (family index, side)
    anchored: frozenset[int]  # families whose words are paired by what they are next to
    stopwords: frozenset[str]
    auxiliaries: frozenset[str]  # a negation right after one of these bears on the verb: did not
    numbers: NumberWords
    ordinals: PhraseTable  # day ordinals before a month; payload: the day
    date_links: frozenset[str]  # words between a day and its month: «من», "of"
    unconfirmed: PhraseTable  # verbs that, negated, leave a statement unconfirmed: «لم تؤكد», "not confirmed"


def _expand(entries: list[str], families: list[dict], names: list[str]) -> list[str]:
    """«@name» in a family stands for every word of the family of that name (both sides): "stable" is the
    opposite of any change, up or down."""
    out = []
    for word in entries:
        if word.startswith("@"):
            family = families[names.index(word[1:])]
            out += family["a"] + family["b"]
        else:
            out.append(word)
    return out


def _norm_map(table: dict[str, float]) -> dict[str, float]:
    return {normalize(k): float(v) for k, v in table.items()}


def _norm_set(entries: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize(w) for w in entries)


@lang.cached
def relation_languages() -> frozenset[str]:
    """The languages that have relation word lists (``claims/lang/<code>/relations.toml``)."""
    return frozenset(code for code in lang.codes() if lang.get(code).data["relations"])


def _number_words(nums: dict) -> NumberWords:
    bounds = [(p, kind) for kind in ("approx", "lower", "upper") for p in nums.get(kind, [])]
    return NumberWords(
        words=_norm_map(nums.get("words", {})),
        articles=_norm_map(nums.get("articles", {})),
        multipliers=_norm_map(nums.get("multipliers", {})),
        duals=_norm_map(nums.get("duals", {})),
        vague=_norm_set(nums.get("vague", {})),
        bounds=PhraseTable.build(bounds),
        percent=PhraseTable.build((p, "%") for p in nums.get("percent", [])),
        skip=_norm_set(nums.get("skip", [])),
        year_markers=_norm_set(nums.get("year_markers", [])),
        compound_tens=bool(nums.get("compound_tens")),
        compound_joiner=nums.get("compound_joiner", ""),
        teens=_norm_set(nums.get("teens", [])),
    )


@cache
def load_relation_lexicon(language: str) -> RelationLexicon:
    """The words of a language's ``relations.toml``, normalised and indexed; none for a language without
    one."""
    data = lang.get(language).data["relations"]
    denial = _norm_set(data.get("denial", []))
    negation = [(w, "negation") for w in data.get("negation", [])]
    negating = [(w, "denial" if normalize(w) in denial else "negating") for w in data.get("negating", [])]
    negating += [(w, "debunk") for w in data.get("debunk", [])]
    antonym_entries: dict[str, list[tuple[int, str]]] = {}
    families = data.get("antonyms", [])
    names = [f.get("name", f"{f['a'][0]} / {f['b'][0]}") for f in families]
    for index, family in enumerate(families):
        for side in ("a", "b"):
            for word in _expand(family[side], families, names):
                antonym_entries.setdefault(word, []).append((index, side))
    return RelationLexicon(
        language=language,
        negation=PhraseTable.build(negation),
        negating=PhraseTable.build(negating),
        exceptions=PhraseTable.build((w, "exception") for w in data.get("not_negation", [])),
        continues=_norm_set(data.get("continues", [])),
        modifiers=_norm_set(data.get("modifiers", [])),
        hedges=PhraseTable.build((w, "hedge") for w in data.get("hedges", [])),
        question_openers=_norm_set(data.get("question_openers", [])),
        clause_breaks=_norm_set(data.get("clause_breaks", [])),
        antonyms=PhraseTable.build((w, tuple(v)) for w, v in antonym_entries.items()),
        anchored=frozenset(i for i, f in enumerate(families) if f.get("anchored")),
        stopwords=_norm_set(data.get("stopwords", [])),
        auxiliaries=_norm_set(data.get("auxiliaries", [])),
        numbers=_number_words(data.get("numbers", {})),
        ordinals=PhraseTable.build(data.get("dates", {}).get("ordinals", {}).items()),
        date_links=_norm_set(data.get("dates", {}).get("links", [])),
        unconfirmed=PhraseTable.build((w, "unconfirmed") for w in data.get("unconfirmed", [])),
    )
