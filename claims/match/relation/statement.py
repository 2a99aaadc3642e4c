"""A statement analysed for comparison: its tokens, content words and their forms, the names it holds,
and (when asked) its negations, antonym words, figures, dates and hedges."""

from __future__ import annotations

from functools import cached_property, lru_cache

from claims.lang.tokens import Token, lookup_forms, skeletons, tokenize
from claims.match.relation.dates import DateMention, find_dates
from claims.match.relation.facts import Entity, find_entities
from claims.match.relation.lexicon import load_relation_lexicon
from claims.match.relation.names import Name, find_names
from claims.match.relation.polarity import (
    PolarityCue,
    find_antonym_words,
    find_hedges,
    find_negations,
    is_yes_no_question,
)
from claims.match.relation.quantities import Quantity, find_quantities


class Statement:
    """Words, forms and names are read at once (similarity needs them); negations, antonyms, figures,
    dates and hedges only when asked for, since most candidates are about something else and stop at the
    similarity test. Treat as immutable."""

    def __init__(self, text: str, language: str) -> None:
        lex = load_relation_lexicon(language)
        self.text = text
        self.language = language
        self.toks: tuple[Token, ...] = tokenize(text, language)
        stop = lex.stopwords
        self.content: tuple[int, ...] = tuple(
            t.i for t in self.toks if t.norm not in stop and t.key not in stop
        )
        # the content words under each of their lookup forms, and (Arabic) under each of their rough roots
        # of 3 letters or more
        self.form_owners: dict[str, list[int]] = {}
        self.skeleton_owners: dict[str, list[int]] = {}
        for i in self.content:
            for f in lookup_forms(self.toks[i].norm, language):
                self.form_owners.setdefault(f, []).append(i)
            for sk in skeletons(self.toks[i], language):
                self.skeleton_owners.setdefault(sk, []).append(i)
        self.forms: frozenset[str] = frozenset(self.form_owners)
        self.skeletons: frozenset[str] = frozenset(self.skeleton_owners)
        self.names: tuple[Name, ...] = tuple(find_names(self.toks, language))
        # token index -> (exclusive set, member) of the name it is part of
        self.members: dict[int, tuple[int, int]] = {
            k: (n.set, n.member) for n in self.names for k in range(n.start, n.end)
        }
        self.named: frozenset[tuple[int, int]] = frozenset(self.members.values())

    @cached_property
    def entities(self) -> tuple[Entity, ...]:
        """People, places and organisations under ids shared by every language (for comparing across
        languages)."""
        return tuple(find_entities(self.toks, self.language))

    @cached_property
    def words(self) -> str:
        """The matching form as words joined by spaces (for character similarity)."""
        return " ".join(t.norm for t in self.toks)

    @cached_property
    def negations(self) -> tuple[PolarityCue, ...]:
        return tuple(find_negations(self.toks, self.language))

    @cached_property
    def antonyms(self) -> tuple[PolarityCue, ...]:
        return tuple(find_antonym_words(self.toks, self.language))

    @cached_property
    def dates(self) -> tuple[DateMention, ...]:
        return tuple(find_dates(self.toks, self.language))

    @cached_property
    def quantities(self) -> tuple[Quantity, ...]:
        in_dates = {k for d in self.dates for k in range(d.start, d.end)}
        return tuple(find_quantities(self.toks, self.language, exclude=in_dates))

    @cached_property
    def hedges(self) -> tuple[PolarityCue, ...]:
        in_dates = {k for d in self.dates for k in range(d.start, d.end)}  # "on May 27" is no hedge
        return tuple(h for h in find_hedges(self.toks, self.language) if h.start not in in_dates)

    @cached_property
    def question(self) -> bool:
        return is_yes_no_question(self.text, self.toks, self.language)


@lru_cache(maxsize=4096)
def analyse(text: str, language: str) -> Statement:
    """The statement ``text`` analysed in ``language`` (the last few thousand are kept)."""
    return Statement(text, language)
