"""Names that exclude each other (countries and their cities and leaders, currencies, commodities,
companies, ...): which a statement names, and another member of the same set named in its place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import cast

from claims import lang
from claims.lang.tokens import Token, text_of
from claims.match.relation.lexicon import PhraseTable


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

    >>> from claims.lang.tokens import tokenize
    >>> sets = load_exclusive_sets("en")
    >>> [(n.text, sets.display[n.set][n.member]) for n in find_names(tokenize("the Kremlin said", "en"), "en")]
    [('kremlin', 'Russia')]
    """
    out = []
    for i, n, payload in load_exclusive_sets(language).table.scan(toks, language, "name"):
        member = cast(tuple[int, int], payload)
        out.append(Name(member[0], member[1], i, i + n, text_of(toks, i, i + n)))
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
