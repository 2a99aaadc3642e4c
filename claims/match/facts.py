"""What a statement asserts, as far as comparing two statements needs: its words, negations, hedges,
antonym words, names from closed sets (countries, currencies, ...), figures and dates.

Pure helpers for :mod:`claims.match.relate`. Words come from each language's ``relations.toml`` (and the
fact-checkers' ratings from ``claims/data/lexicons/relations.toml``); word forms, endings, roots and month
names from the language layer (:mod:`claims.lang`). Every helper works on the matching
form of the text (:func:`claims.text.normalize.normalize`), so Arabic-Indic digits, thousands separators,
hamza and ta marbuta spellings are already folded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import cast

from claims import lang
from claims.resources import load_toml
from claims.text.normalize import normalize

_TOKEN = re.compile(r"\d+(?:\.\d+)?|%|[^\W\d_]+(?:'[^\W\d_]+)*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_MIN_STEM = 3
_CACHE_LIMIT = 200_000
YEARS = range(1900, 2101)


@dataclass(frozen=True)
class Token:
    """A word of the matching form: ``norm`` as written (folded), ``forms`` with clitics stripped, ``key``
    the form used to compare content words (clitics and the article removed)."""

    i: int
    norm: str
    forms: tuple[str, ...]
    key: str

    @cached_property  # asked often while comparing: read once (the instance is otherwise frozen)
    def is_number(self) -> bool:
        return bool(_NUMBER.fullmatch(self.norm))

    @property
    def is_integer(self) -> bool:
        return self.norm.isdigit()


@dataclass(frozen=True)
class Cue:
    """A lexicon word or phrase found at tokens ``start:end``."""

    kind: str  # negation | denial | negating | debunk | hedge | antonym
    start: int
    end: int
    text: str
    family: int = -1  # antonym family index
    side: str = ""  # antonym side: a | b


@dataclass(frozen=True)
class Quantity:
    """A number with what it counts: «10,000 troops» is value 10000, unit "troops"."""

    value: float
    low: float
    high: float
    unit: str  # key of the counted noun, "%" for percentages, "" when none follows
    text: str
    start: int
    # Words around the figure (the noun before it, the counted noun), as keys and rough roots: «مقتل 10»
    # and «3 قتلى» are about the same thing.
    context: frozenset[str] = frozenset()

    def conflicts(self, other: Quantity) -> bool:
        return self.high < other.low or other.high < self.low

    def comparable(self, other: Quantity) -> bool:
        """Whether the two figures count the same thing."""
        return same_unit(self.unit, other.unit) or bool(self.context & other.context)


@dataclass(frozen=True)
class DateMention:
    year: int | None
    month: int | None
    day: int | None
    text: str
    start: int = 0  # token offsets
    end: int = 0
    decade: bool = False  # "the 1970s": any year from 1970 to 1979

    def fields(self) -> dict[str, int]:
        return {k: v for k, v in (("year", self.year), ("month", self.month), ("day", self.day)) if v}

    def compare(self, other: DateMention) -> bool | None:
        """True when the two agree on every field both give, False when they differ on one, None when they
        share no field (5 December vs 2024)."""
        mine, theirs = self.fields(), other.fields()
        shared = mine.keys() & theirs.keys()
        if not shared:
            return None
        if self.decade or other.decade:
            decade = self if self.decade else other
            year = other.year if self.decade else self.year
            if not (decade.year and year and decade.year <= year < decade.year + 10):
                return False
            shared -= {"year"}
        return all(mine[k] == theirs[k] for k in shared)

    def __str__(self) -> str:
        parts = [f"{self.year:04d}" if self.year else "", f"{self.month:02d}" if self.month else ""]
        parts.append(f"{self.day:02d}" if self.day else "")
        if self.year and self.month and self.day:
            return "-".join(parts)
        return self.text


# --- tokens -------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def token_forms(norm: str, language: str) -> tuple[str, ...]:
    """The token and the words under its clitics, the article and the future prefix
    (:meth:`claims.lang.Language.content_forms`): وبالحرب → بالحرب, الحرب, حرب; سيرتفع → يرتفع."""
    return lang.get(language).content_forms(norm)


@lru_cache(maxsize=65536)
def lookup_forms(norm: str, language: str) -> tuple[str, ...]:
    """Forms to look a token up in a word list: its clitic forms and those without a short ending."""
    return _without_endings(norm, language, lang.get(language).word_endings)


@lru_cache(maxsize=65536)
def _first_word_forms(norm: str, language: str, mode: str) -> tuple[str, ...]:
    if mode == "name":
        return name_forms(norm, language)
    if mode == "particle":
        forms = token_forms(norm, language)
        return tuple(f for f in forms if f == norm or f == norm[1:])
    return lookup_forms(norm, language)


@lru_cache(maxsize=65536)
def name_forms(norm: str, language: str) -> tuple[str, ...]:
    """Like :func:`lookup_forms` for names, with only the endings of gender and number: «الأمريكية» is
    «أمريكي», but «الذهبي» (golden) is not «الذهب» (gold)."""
    return _without_endings(norm, language, lang.get(language).name_endings)


def _without_endings(norm: str, language: str, suffixes: Sequence[str]) -> tuple[str, ...]:
    forms = token_forms(norm, language)
    out = list(forms)
    for form in forms:
        for suffix in suffixes:
            if form.endswith(suffix) and len(form) - len(suffix) >= _MIN_STEM:
                stem = form[: -len(suffix)]
                out.append(stem)
                if suffix == "ies":
                    out.append(stem + "y")
                if suffix in ("ed", "ing", "es"):
                    out.append(stem + "e")
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=65536)
def skeleton(key: str, language: str) -> str:
    """A rough root for comparing derived words (:meth:`claims.lang.Language.root`): يهبط / هبوط → هبط.
    Words of a language without roots are returned as they are. Only skeletons of three letters or more
    are worth comparing."""
    return lang.get(language).root(key)


def _key(forms: tuple[str, ...]) -> str:
    # The shortest clitic-free form that is still a word: الحرب / والحرب / بالحرب all compare as حرب.
    return min(forms, key=len)


@lru_cache(maxsize=8192)
def tokenize(text: str, language: str) -> tuple[Token, ...]:
    """Words and numbers of ``text`` (any form; normalised here), with their clitic forms."""
    toks = []
    for i, word in enumerate(_TOKEN.findall(normalize(text))):
        forms = token_forms(word, language)
        toks.append(Token(i, word, forms, _key(forms)))
    return tuple(toks)


# --- lexicon ------------------------------------------------------------------------------------------


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
            words = tuple(_TOKEN.findall(normalize(phrase)))
            if words:
                table.setdefault(words[0], []).append((words, payload))
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
            for words, payload in entries:
                n = len(words)
                if n == 1 or (i + n <= len(toks) and all(words[k] in toks[i + k].forms for k in range(1, n))):
                    found.append((n, payload))
            if found:
                break
        found.sort(key=lambda f: -f[0])
        return found


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


@dataclass(frozen=True)
class RelationLexicon:
    language: str
    negation: PhraseTable  # particles; payload: "negation"
    negating: PhraseTable  # verbs and nouns; payload: "denial" | "negating"
    exceptions: PhraseTable  # phrases that look negative and are not: لا يزال, not only
    hedges: PhraseTable  # payload: "hedge"
    question_openers: frozenset[str]
    clause_breaks: frozenset[str]
    antonyms: PhraseTable  # payload: tuple of (family index, side)
    family_names: tuple[str, ...]
    anchored: frozenset[int]  # families whose words are paired by what they are next to
    stopwords: frozenset[str]
    auxiliaries: frozenset[str]  # a negation right after one of these bears on the verb: did not
    numbers: NumberWords


def _expand(words: list[str], families: list[dict], names: list[str]) -> list[str]:
    """«@name» in a family stands for every word of the family of that name (both sides): "stable" is the
    opposite of any change, up or down."""
    out = []
    for word in words:
        if word.startswith("@"):
            family = families[names.index(word[1:])]
            out += family["a"] + family["b"]
        else:
            out.append(word)
    return out


def _norm_map(table: dict[str, float]) -> dict[str, float]:
    return {normalize(k): float(v) for k, v in table.items()}


@lang.cached
def relation_languages() -> frozenset[str]:
    """The languages that have relation word lists (``claims/lang/<code>/relations.toml``)."""
    return frozenset(code for code in lang.codes() if lang.get(code).data["relations"])


@cache
def load_relation_lexicon(language: str) -> RelationLexicon:
    """The words of a language's ``relations.toml``, normalised and indexed; none for a language without
    one."""
    words = lang.get(language).data["relations"]
    denial = {normalize(w) for w in words.get("denial", [])}
    negation = [(w, "negation") for w in words.get("negation", [])]
    negating = [(w, "denial" if normalize(w) in denial else "negating") for w in words.get("negating", [])]
    negating += [(w, "debunk") for w in words.get("debunk", [])]
    antonym_entries: dict[str, list[tuple[int, str]]] = {}
    families = words.get("antonyms", [])
    names = [f.get("name", f"{f['a'][0]} / {f['b'][0]}") for f in families]
    for index, family in enumerate(families):
        for side in ("a", "b"):
            for word in _expand(family[side], families, names):
                antonym_entries.setdefault(word, []).append((index, side))
    nums = words.get("numbers", {})
    bounds = [(p, kind) for kind in ("approx", "lower", "upper") for p in nums.get(kind, [])]
    numbers = NumberWords(
        words=_norm_map(nums.get("words", {})),
        articles=_norm_map(nums.get("articles", {})),
        multipliers=_norm_map(nums.get("multipliers", {})),
        duals=_norm_map(nums.get("duals", {})),
        vague=frozenset(normalize(w) for w in nums.get("vague", {})),
        bounds=PhraseTable.build(bounds),
        percent=PhraseTable.build((p, "%") for p in nums.get("percent", [])),
        skip=frozenset(normalize(w) for w in nums.get("skip", [])),
        year_markers=frozenset(normalize(w) for w in nums.get("year_markers", [])),
        compound_tens=bool(nums.get("compound_tens")),
        compound_joiner=nums.get("compound_joiner", ""),
    )
    return RelationLexicon(
        language=language,
        negation=PhraseTable.build(negation),
        negating=PhraseTable.build(negating),
        exceptions=PhraseTable.build((w, "exception") for w in words.get("not_negation", [])),
        hedges=PhraseTable.build((w, "hedge") for w in words.get("hedges", [])),
        question_openers=frozenset(normalize(w) for w in words.get("question_openers", [])),
        clause_breaks=frozenset(normalize(w) for w in words.get("clause_breaks", [])),
        antonyms=PhraseTable.build((w, tuple(v)) for w, v in antonym_entries.items()),
        family_names=tuple(names),
        anchored=frozenset(i for i, f in enumerate(families) if f.get("anchored")),
        stopwords=frozenset(normalize(w) for w in words.get("stopwords", [])),
        auxiliaries=frozenset(normalize(w) for w in words.get("auxiliaries", [])),
        numbers=numbers,
    )


@cache
def rating_words() -> dict[str, str]:
    """Normalised fact-check rating → "false" | "true" | "mixed"."""
    data = load_toml("lexicons/relations.toml")["ratings"]
    return {normalize(w): side for side in ("false", "true", "mixed") for w in data.get(side, [])}


def rating_polarity(rating: str | None) -> str | None:
    """ "false" or "true" for a fact-checker's verdict, None when it is mixed, unknown or absent.

    >>> rating_polarity("Mostly False"), rating_polarity("مضلل"), rating_polarity("Half True")
    ('false', 'false', None)
    """
    if not rating:
        return None
    norm = normalize(rating).strip(" .!\"'")
    table = rating_words()
    side = table.get(norm)
    if side is None:
        # "False, and misleading" / "زائف: الصورة قديمة": the verdict comes first.
        words = _TOKEN.findall(norm)
        for n in range(min(4, len(words)), 0, -1):
            side = table.get(" ".join(words[:n]))
            if side:
                break
    return side if side in ("false", "true") else None


# --- cues ---------------------------------------------------------------------------------------------


def _text(toks: Sequence[Token], start: int, end: int) -> str:
    return " ".join(t.norm for t in toks[start:end])


def find_negations(toks: Sequence[Token], language: str) -> list[Cue]:
    """Negation particles, denial verbs, negating verbs (refuse, fail, ban, ...) and words that call the
    statement false (hoax, «شائعة»), left to right. Kinds: negation, denial, negating, debunk.

    >>> [c.text for c in find_negations(tokenize("The ministry did not confirm it", "en"), "en")]
    ['not']
    """
    lex = load_relation_lexicon(language)
    cues = []
    i = 0
    while i < len(toks):
        exception = lex.exceptions.match(toks, i, language, mode="particle")
        if exception:
            i += exception[0][0]
            continue
        found = lex.negation.match(toks, i, language, mode="particle")
        if not found:
            found = lex.negating.match(toks, i, language, mode="particle")
        if not found and not _has_article(toks[i], language):
            found = lex.negating.match(toks, i, language)
        if found:
            n, kind = found[0]
            if kind == "negation" and i + n < len(toks) and toks[i + n].is_number:
                i += n  # «دون 74 دولارا», "under 500": a bound, read with the number
                continue
            if kind == "negation" and _both_ways(toks, i, n):
                i += n  # «عسكرية وغير عسكرية», "official or not official": every kind, not a negation
                continue
            cues.append(Cue(str(kind), i, i + n, _text(toks, i, i + n)))
            i += n
        else:
            i += 1
    return cues


# Conjunctions that may stand between a word and its negated copy when written apart («أو غير»).
_COORDINATORS = frozenset({"و", "او", "أو", "and", "or"})


def _both_ways(toks: Sequence[Token], i: int, n: int) -> bool:
    """Whether the negation at ``toks[i:i + n]`` sits between a word and the same word («مباشرة وغير
    مباشرة», "official or not official"): the pair means both kinds, and negates neither."""
    if i + n >= len(toks):
        return False
    before = i - 1
    if before >= 1 and toks[before].norm in _COORDINATORS:
        before -= 1
    return before >= 0 and toks[before].norm == toks[i + n].norm and not toks[before].is_number


def find_hedges(toks: Sequence[Token], language: str) -> list[Cue]:
    """Words that make a statement a report or a possibility: reportedly, may, claims, «ربما», «أنباء عن».

    >>> [c.text for c in find_hedges(tokenize("Russia may have sent troops", "en"), "en")]
    ['may']
    """
    lex = load_relation_lexicon(language)
    cues = []
    i = 0
    while i < len(toks):
        found = lex.hedges.match(toks, i, language, mode="particle")
        if found:
            n = found[0][0]
            cues.append(Cue("hedge", i, i + n, _text(toks, i, i + n)))
            i += n
        else:
            i += 1
    return cues


def is_yes_no_question(text: str, toks: Sequence[Token], language: str) -> bool:
    """Whether ``text`` asks if something is so ("Is X dead?", «هل ...؟»), anywhere after a headline
    colon: «الليرة: هل ...؟»."""
    if not text.rstrip().endswith(("?", "؟")) and not (toks and toks[0].norm in ("هل",)):
        return False
    openers = load_relation_lexicon(language).question_openers
    clause = normalize(text).rsplit(":", 1)[-1]
    words = _TOKEN.findall(clause)
    return bool(words) and words[0] in openers


def _has_article(tok: Token, language: str) -> bool:
    """A noun with the article («التوقف», «الإلغاء») names an event; it does not negate a predicate."""
    article = lang.get(language).clitics.article
    return bool(article) and any(f.startswith(article) for f in tok.forms[:3] if len(f) > 3)


def find_antonym_words(toks: Sequence[Token], language: str) -> list[Cue]:
    """Every word of an antonym family, with the family index and side (a or b)."""
    lex = load_relation_lexicon(language)
    cues = []
    for i in range(len(toks)):
        found = lex.antonyms.match(toks, i, language)
        seen = set()
        for n, payload in found:
            if n != found[0][0]:
                break  # only the longest phrases at this position
            for family, side in payload:  # type: ignore[attr-defined]
                if (family, side) not in seen:
                    seen.add((family, side))
                    cues.append(Cue("antonym", i, i + n, _text(toks, i, i + n), family, side))
    return cues


# --- numbers ------------------------------------------------------------------------------------------


def _lookup(table: dict[str, float], tok: Token) -> float | None:
    for form in tok.forms:
        if form in table:
            return table[form]
    return None


def _bound_before(toks: Sequence[Token], i: int, nums: NumberWords, language: str) -> str:
    """approx | lower | upper when a marker ends right before token ``i``."""
    for back in range(1, 5):
        j = i - back
        if j < 0:
            break
        for n, kind in nums.bounds.match(toks, j, language):
            if j + n == i:
                return str(kind)
    return ""


def _unit_after(toks: Sequence[Token], j: int, lex: RelationLexicon) -> tuple[str, int]:
    """The counted noun after a figure ending at token ``j``, and where the figure's phrase ends ("%" and
    «في المئة» are part of it)."""
    nums = lex.numbers
    for k in range(j, min(j + 3, len(toks))):
        if found := nums.percent.match(toks, k, lex.language):
            return "%", k + found[0][0]
        tok = toks[k]
        if tok.is_number:
            return "", j
        if tok.norm in nums.skip or tok.norm in lex.stopwords or tok.key in nums.skip:
            continue
        return tok.key, j
    return "", j


def _context(toks: Sequence[Token], i: int, j: int, unit: str, lex: RelationLexicon) -> frozenset[str]:
    words = [unit] if unit and unit != "%" else []
    for k in range(i - 1, max(i - 3, -1), -1):
        tok = toks[k]
        if tok.is_number or lex.numbers.bounds.match(toks, k, lex.language):
            break
        if tok.norm in lex.stopwords or tok.key in lex.stopwords:
            continue
        words.append(tok.key)
        break
    out = set(words)
    if lang.get(lex.language).has_roots:
        out |= {sk for w in words if len(sk := skeleton(w, lex.language)) >= 3}
    return frozenset(out)


def find_quantities(toks: Sequence[Token], language: str, exclude: Iterable[int] = ()) -> list[Quantity]:
    """Numbers written in digits or words, with their multipliers and the noun they count.

    Years (a four-digit 1900–2100 with no multiplier) and vague plurals (hundreds, آلاف) are not
    quantities. ``low``/``high`` widen the value for «نحو», "more than", "up to"; an exact figure gets
    1% either side for rounding. Tokens in ``exclude`` (those of dates) are not read.

    >>> [(q.value, q.unit) for q in find_quantities(tokenize("أرسلت ١٠ آلاف جندي", "ar"), "ar")]
    [(10000.0, 'جندي')]
    """
    lex = load_relation_lexicon(language)
    nums = lex.numbers
    skip = set(exclude)
    out: list[Quantity] = []
    n = len(toks)
    i = 0
    while i < n:
        tok = toks[i]
        if i in skip:
            i += 1
            continue
        value: float | None = None
        j = i + 1
        if tok.is_number:
            value = float(tok.norm)
        elif (v := _lookup(nums.words, tok)) is not None:
            value = v
            # compound numbers: twenty five, خمسة وعشرون
            if j < n and (w := _lookup(nums.words, toks[j])) is not None and w != value:
                if (nums.compound_tens and value >= 20 and w < 10) or (
                    nums.compound_joiner and toks[j].norm.startswith(nums.compound_joiner)
                ):
                    value += w
                    j += 1
        elif (v := _lookup(nums.articles, tok)) is not None:
            k = j + 1 if j < n and toks[j].norm in ("a", "an") else j
            if k < n and _lookup(nums.multipliers, toks[k]) is not None:
                value, j = v, k
        elif any(f in nums.vague for f in tok.forms):
            i += 1
            continue
        elif (v := _lookup(nums.duals, tok)) is not None:
            value = 2 * v
        elif (v := _lookup(nums.multipliers, tok)) is not None:
            value = v
        if value is None:
            i += 1
            continue
        multiplied = False
        while j < n and not nums.percent.match(toks, j, language):  # «100 بالمئة» is not 100 × 100
            m = _lookup(nums.multipliers, toks[j])
            if m is None:
                m = _lookup(nums.duals, toks[j])
            if m is None:
                break
            value *= m
            multiplied = True
            j += 1
        bound = _bound_before(toks, i, nums, language)
        if not multiplied and bound not in ("lower", "upper") and looks_like_year(toks, i, language):
            i = j
            continue
        if bound == "approx":
            low, high = value * 0.8, value * 1.25
        elif bound == "lower":
            low, high = value * 1.0001, float("inf")
        elif bound == "upper":
            low, high = 0.0, value * 0.9999
        elif value >= 100 and value % 100 == 0:
            low, high = value * 0.9, value * 1.1  # a round figure is often rounded: 2,084 is "2,000"
        else:
            low, high = value * 0.99, value * 1.01
        unit, end = _unit_after(toks, j, lex)
        context = _context(toks, i, j, unit, lex)
        out.append(Quantity(value, low, high, unit, _text(toks, i, j), i, context))
        i = end
    return out


def looks_like_year(toks: Sequence[Token], i: int, language: str) -> bool:
    """A four-digit 1900-2100 that is a year: after a year word or a month («عام 2018», "in 2015", "May
    2014"), before a decade "s", or not followed by a counted noun ("Eurovision 2018"). "2,000 troops" (read
    as 2000 once folded) is a count."""
    tok = toks[i]
    if not (tok.is_integer and len(tok.norm) == 4 and int(tok.norm) in YEARS):
        return False
    lex = load_relation_lexicon(language)
    if i > 0 and (toks[i - 1].norm in lex.numbers.year_markers or _months().match(toks, i - 1, language)):
        return True
    if i + 1 >= len(toks):
        return True
    nxt = toks[i + 1]
    return (
        nxt.norm == "s"
        or nxt.is_number
        or nxt.norm in lex.stopwords
        or bool(_months().match(toks, i + 1, language))
    )


def same_unit(a: str, b: str) -> bool:
    """Whether two counted nouns name the same thing: equal keys, or one a short inflection of the other
    (troop/troops, جندي/جنديا)."""
    if a == b:
        return True
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long.startswith(short) and len(long) - len(short) <= 2


def conflicting_quantities(
    claim: Sequence[Quantity], evidence: Sequence[Quantity]
) -> tuple[Quantity, Quantity] | None:
    """The first pair of figures for the same thing that cannot both be true, or None.

    A figure conflicts when every figure the other side gives for the same thing (the same counted noun,
    or the same noun before it) is out of its range. When one side does not name what it counts, one bare
    figure against one figure is compared on its own.
    """
    for q in claim:
        same = [p for p in evidence if q.comparable(p)]
        if not same or not all(q.conflicts(p) for p in same):
            continue
        # another figure of the claim for the same thing agrees: "4GB or 8GB" vs "4GB"
        if any(not r.conflicts(p) for r in claim if r is not q for p in same if r.comparable(p)):
            continue
        return q, same[0]
    if len(claim) == 1 and len(evidence) == 1:
        q, p = claim[0], evidence[0]
        unmatched = not q.unit or not p.unit
        if unmatched and q.conflicts(p):
            return q, p
    return None


def format_quantity(q: Quantity) -> str:
    value = int(q.value) if q.value == int(q.value) else round(q.value, 3)
    return f"{value}%" if q.unit == "%" else str(value)


# --- dates --------------------------------------------------------------------------------------------


@lang.cached
def _months() -> PhraseTable:
    return PhraseTable.build(lang.month_names().items())


def find_dates(toks: Sequence[Token], language: str) -> list[DateMention]:
    """Dates and years: 2024-12-05, 05/12/2024, 5 December 2024, December 2024, «في 5 ديسمبر», «عام 2018».

    Extends :func:`claims.text.dates.parse_date` (one full date) to every mention, partial ones included.

    >>> [str(d) for d in find_dates(tokenize("قمة 5 ديسمبر 2024 بعد قمة عام 2018", "ar"), "ar")]
    ['2024-12-05', '2018']
    """
    out: list[DateMention] = []
    months = _months()
    n = len(toks)
    used: set[int] = set()

    def year_at(k: int) -> int | None:
        if 0 <= k < n and toks[k].is_integer and len(toks[k].norm) == 4 and int(toks[k].norm) in YEARS:
            return int(toks[k].norm)
        return None

    def day_at(k: int) -> int | None:
        if 0 <= k < n and toks[k].is_integer and len(toks[k].norm) <= 2 and 1 <= int(toks[k].norm) <= 31:
            return int(toks[k].norm)
        return None

    i = 0
    while i < n:
        # numeric dates: the normalised text keeps 2024-12-05 and 05/12/2024 as three number tokens
        if i + 2 < n and all(toks[k].is_integer for k in (i, i + 1, i + 2)):
            a, b, c = (toks[k].norm for k in (i, i + 1, i + 2))
            if len(a) == 4 and len(b) <= 2 and len(c) <= 2 and int(a) in YEARS:
                mention = _mention(int(a), int(b), int(c), _text(toks, i, i + 3), i, i + 3)
            elif len(c) == 4 and len(a) <= 2 and len(b) <= 2 and int(c) in YEARS:
                mention = _mention(int(c), int(b), int(a), _text(toks, i, i + 3), i, i + 3)
            else:
                mention = None
            if mention:
                out.append(mention)
                used.update((i, i + 1, i + 2))
                i += 3
                continue
        found = months.match(toks, i, language)
        if found and not (toks[i].norm in lang.get(language).ambiguous_months and not _near_number(toks, i)):
            width, month = found[0]
            end = i + width
            day = day_at(i - 1) if i - 1 not in used else None
            if day is None and day_at(end) is not None and year_at(end) is None:
                day = day_at(end)
                end += 1
            year = year_at(end)
            start = i - 1 if day is not None and i - 1 >= 0 and day_at(i - 1) == day else i
            if year is not None:
                end += 1
            if day or year:
                mention = _mention(year, int(str(month)), day, _text(toks, start, end), start, end)
                if mention:
                    out.append(mention)
                    used.update(range(start, end))
            i = max(end, i + 1)
            continue
        if i not in used and year_at(i) is not None and looks_like_year(toks, i, language):
            decade = i + 1 < n and toks[i + 1].norm == "s"
            text = toks[i].norm + ("s" if decade else "")
            out.append(DateMention(int(toks[i].norm), None, None, text, i, i + 1 + decade, decade))
        i += 1
    return out


def _near_number(toks: Sequence[Token], i: int) -> bool:
    return any(0 <= k < len(toks) and toks[k].is_number for k in (i - 1, i + 1))


def _mention(
    year: int | None, month: int, day: int | None, text: str, start: int, end: int
) -> DateMention | None:
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    return DateMention(year, month, day, text, start, end)


def conflicting_dates(
    claim: Sequence[DateMention], evidence: Sequence[DateMention]
) -> tuple[DateMention, DateMention] | None:
    """A pair of dates that differ, when no date of the claim agrees with a date of the evidence."""
    conflict = None
    for d in claim:
        for e in evidence:
            same = d.compare(e)
            if same:
                return None
            if same is False and conflict is None:
                conflict = (d, e)
    return conflict


# --- names that exclude each other --------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    """A member of an exclusive set (a country, a currency, a company) named at tokens ``start:end``."""

    set: int
    member: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ExclusiveSets:
    names: tuple[str, ...]  # set names: country, currency, ...
    display: tuple[tuple[str, ...], ...]  # per set, per member: the form shown
    table: PhraseTable  # payload: (set, member)


@cache
def load_exclusive_sets(language: str) -> ExclusiveSets:
    sets = lang.get(language).data["relations"].get("exclusive", [])
    entries = []
    for s, group in enumerate(sets):
        for m, forms in enumerate(group["members"]):
            entries += [(form, (s, m)) for form in forms]
    return ExclusiveSets(
        tuple(g["name"] for g in sets),
        tuple(tuple(forms[0] for forms in g["members"]) for g in sets),
        PhraseTable.build(entries),
    )


def find_names(toks: Sequence[Token], language: str) -> list[Name]:
    """Members of the exclusive sets (countries and their cities, people and leaders; currencies;
    commodities; companies; ...), longest match first.

    >>> sets = load_exclusive_sets("en")
    >>> [(n.text, sets.display[n.set][n.member]) for n in find_names(tokenize("the Kremlin said", "en"), "en")]
    [('kremlin', 'Russia')]
    """
    sets = load_exclusive_sets(language)
    out = []
    i = 0
    while i < len(toks):
        found = sets.table.match(toks, i, language, mode="name")
        if found:
            n, payload = found[0]
            member = cast(tuple[int, int], payload)
            out.append(Name(member[0], member[1], i, i + n, _text(toks, i, i + n)))
            i += n
        else:
            i += 1
    return out


def swapped_names(claim: Sequence[Name], evidence: Sequence[Name]) -> tuple[Name, Name] | None:
    """A member named only by the claim and another member of the same set named only by the evidence."""
    for s in sorted({n.set for n in claim} & {n.set for n in evidence}):
        mine = {n.member for n in claim if n.set == s}
        theirs = {n.member for n in evidence if n.set == s}
        only_mine, only_theirs = mine - theirs, theirs - mine
        if only_mine and only_theirs:
            a = next(n for n in claim if n.set == s and n.member in only_mine)
            b = next(n for n in evidence if n.set == s and n.member in only_theirs)
            return a, b
    return None
