"""Figures in a statement (digits, Arabic-Indic digits, number words, multipliers, bounds such as «نحو»
or "more than") with what they count, and whether two statements' figures cannot both be true."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from claims import lang
from claims.lang.tokens import Token, skeleton, text_of
from claims.match.relation.dates import looks_like_year
from claims.match.relation.lexicon import NumberWords, RelationLexicon, load_relation_lexicon


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
    bound: str = ""  # approx | lower | upper; "" for an exact figure

    def conflicts(self, other: Quantity) -> bool:
        """Whether the two cannot both be true. Two exact figures conflict when neither allows the other:
        10,000 and 12,000 troops do (a round figure allows 10% for rounding, not another round figure
        inside that margin); 2,084 and 2,000 do not. A bound or an estimate ("more than 10,000", «نحو»)
        conflicts when the values they allow do not meet."""
        if not self.bound and not other.bound:
            return not (self.low <= other.value <= self.high or other.low <= self.value <= other.high)
        return self.high < other.low or other.high < self.low

    def comparable(self, other: Quantity) -> bool:
        """Whether the two figures count the same thing."""
        return same_unit(self.unit, other.unit) or bool(self.context & other.context)


def _lookup(table: dict[str, float], tok: Token) -> float | None:
    for form in tok.forms:
        if form in table:
            return table[form]
    return None


def _bound_before(toks: Sequence[Token], i: int, nums: NumberWords, language: str) -> str:
    """approx | lower | upper when a marker ends right before token ``i``."""
    for back in range(4, 0, -1):  # the longest marker: «ما لا يقل عن» before «يقل عن»
        j = i - back
        if j < 0:
            continue
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


def _context(toks: Sequence[Token], i: int, unit: str, lex: RelationLexicon) -> frozenset[str]:
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


def _value_at(toks: Sequence[Token], i: int, nums: NumberWords) -> tuple[float | None, int]:
    """The number that starts at token ``i`` (digits, a number word, a compound such as twenty five or
    خمسة وعشرون, "a million", a dual, a bare multiplier) and the token after it; None for a vague plural
    (hundreds, آلاف) or no number."""
    n = len(toks)
    tok = toks[i]
    j = i + 1
    if tok.is_number:
        return float(tok.norm), j
    if (v := _lookup(nums.words, tok)) is not None:
        if 2 <= v < 10 and j < n and any(f in nums.teens for f in toks[j].forms):
            return v + 10, j + 1  # «اثنتي عشرة», «تسعة عشر»
        if j < n and (w := _lookup(nums.words, toks[j])) is not None and nums.compound_tens and 20 <= v < 100:
            return (v + w, j + 1) if w < 10 else (v, j)
        # «ثلاثمئة وثمانية وعشرين» = 328: each joined part smaller than the last, or tens after units
        total, last = v, v
        while j < n and nums.compound_joiner and toks[j].norm.startswith(nums.compound_joiner):
            w = _lookup(nums.words, toks[j])
            if w is None or not (w < last or (last < 10 and 20 <= w < 100)):
                break
            total, last, j = total + w, w, j + 1
        return total, j
    if (v := _lookup(nums.articles, tok)) is not None:
        k = j + 1 if j < n and toks[j].norm in ("a", "an") else j
        if k < n and _lookup(nums.multipliers, toks[k]) is not None:
            return v, k
        return None, j
    if any(f in nums.vague for f in tok.forms):
        return None, j
    if (v := _lookup(nums.duals, tok)) is not None:
        return 2 * v, j
    return _lookup(nums.multipliers, tok), j


def _range(value: float, bound: str) -> tuple[float, float]:
    """The values a figure allows: «نحو» and "about" widen it, "more than" and "up to" open it; an exact
    figure allows 1% either side for rounding, a round one 10%."""
    if bound == "approx":
        return value * 0.8, value * 1.25
    if bound == "lower":
        return value * 1.0001, float("inf")
    if bound == "upper":
        return 0.0, value * 0.9999
    if value >= 100 and value % 100 == 0:
        return value * 0.9, value * 1.1  # a round figure is often rounded: 2,084 is "2,000"
    return value * 0.99, value * 1.01


def find_quantities(toks: Sequence[Token], language: str, exclude: Iterable[int] = ()) -> list[Quantity]:
    """Numbers written in digits or words, with their multipliers and the noun they count.

    Years (a four-digit 1900–2100 with no multiplier) and vague plurals (hundreds, آلاف) are not
    quantities. ``low``/``high`` widen the value for «نحو», "more than", "up to"; an exact figure gets
    1% either side for rounding. Tokens in ``exclude`` (those of dates) are not read.

    >>> from claims.lang.tokens import tokenize
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
        value, j = (None, i + 1) if i in skip else _value_at(toks, i, nums)
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
        low, high = _range(value, bound)
        unit, end = _unit_after(toks, j, lex)
        context = _context(toks, i, unit, lex)
        out.append(Quantity(value, low, high, unit, text_of(toks, i, j), i, context, bound))
        i = end
    return out


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
