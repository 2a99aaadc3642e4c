"""Dates in a statement (2024-12-05, 5 December 2024, «عام 2018», "the 1970s") and whether two
statements' dates differ."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from claims import lang
from claims.lang.tokens import Token, text_of
from claims.match.relation.lexicon import PhraseTable, load_relation_lexicon

YEARS = range(1900, 2101)


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


@lang.cached
def _months() -> PhraseTable:
    return PhraseTable.build(lang.month_names().items())


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


def _year_at(toks: Sequence[Token], k: int) -> int | None:
    if 0 <= k < len(toks) and toks[k].is_integer and len(toks[k].norm) == 4 and int(toks[k].norm) in YEARS:
        return int(toks[k].norm)
    return None


def _day_at(toks: Sequence[Token], k: int) -> int | None:
    if 0 <= k < len(toks) and toks[k].is_integer and len(toks[k].norm) <= 2 and 1 <= int(toks[k].norm) <= 31:
        return int(toks[k].norm)
    return None


def _numeric_date(toks: Sequence[Token], i: int) -> DateMention | None:
    """2024-12-05 or 05/12/2024 at token ``i``: the normalised text keeps them as three number tokens."""
    if not (i + 2 < len(toks) and all(toks[k].is_integer for k in (i, i + 1, i + 2))):
        return None
    a, b, c = (toks[k].norm for k in (i, i + 1, i + 2))
    if len(a) == 4 and len(b) <= 2 and len(c) <= 2 and int(a) in YEARS:
        return _mention(int(a), int(b), int(c), text_of(toks, i, i + 3), i, i + 3)
    if len(c) == 4 and len(a) <= 2 and len(b) <= 2 and int(c) in YEARS:
        return _mention(int(c), int(b), int(a), text_of(toks, i, i + 3), i, i + 3)
    return None


def find_dates(toks: Sequence[Token], language: str) -> list[DateMention]:
    """Dates and years: 2024-12-05, 05/12/2024, 5 December 2024, December 2024, «في 5 ديسمبر», «عام 2018».

    Extends :func:`claims.text.dates.parse_date` (one full date) to every mention, partial ones included.

    >>> from claims.lang.tokens import tokenize
    >>> [str(d) for d in find_dates(tokenize("قمة 5 ديسمبر 2024 بعد قمة عام 2018", "ar"), "ar")]
    ['2024-12-05', '2018']
    """
    out: list[DateMention] = []
    months = _months()
    ambiguous = lang.get(language).ambiguous_months
    n = len(toks)
    used: set[int] = set()
    i = 0
    while i < n:
        if mention := _numeric_date(toks, i):
            out.append(mention)
            used.update((i, i + 1, i + 2))
            i += 3
            continue
        found = months.match(toks, i, language)
        if found and not (toks[i].norm in ambiguous and not _near_number(toks, i)):
            width, month = found[0]
            end = i + width
            day = _day_at(toks, i - 1) if i - 1 not in used else None
            first = i - 1
            if day is None and (before := _day_before(toks, i, language)) is not None:
                first, day = before
            if day is None and _day_at(toks, end) is not None and _year_at(toks, end) is None:
                day = _day_at(toks, end)
                end += 1
            year = _year_at(toks, end)
            start = first if day is not None and first >= 0 and first not in used else i
            if year is not None:
                end += 1
            if day or year:
                mention = _mention(year, int(str(month)), day, text_of(toks, start, end), start, end)
                if mention:
                    out.append(mention)
                    used.update(range(start, end))
            i = max(end, i + 1)
            continue
        if i not in used and _year_at(toks, i) is not None and looks_like_year(toks, i, language):
            decade = i + 1 < n and toks[i + 1].norm == "s"
            text = toks[i].norm + ("s" if decade else "")
            out.append(DateMention(int(toks[i].norm), None, None, text, i, i + 1 + decade, decade))
        i += 1
    return out


def _day_before(toks: Sequence[Token], i: int, language: str) -> tuple[int, int] | None:
    """A day written before the month at token ``i`` with link words between («التاسع عشر من يونيو», "the
    19th of June", "the nineteenth of June"): (its first token, the day), or None."""
    lex = load_relation_lexicon(language)
    k = i
    while k > 0 and i - k < 2 and toks[k - 1].norm in lex.date_links:
        k -= 1
    if k == i and not lex.ordinals.by_first:
        return None
    if k < i and (day := _day_at(toks, k - 1)) is not None:
        return k - 1, day
    for start in range(max(0, k - 3), k):
        for n, payload in lex.ordinals.match(toks, start, language, mode="particle"):
            if start + n == k:
                return start, int(str(payload))
    return None


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
