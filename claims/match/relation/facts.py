"""Facts that read the same in every language, for comparing a statement with one in another language:
names (the gazetteer of each language folder's ``names.toml`` and the source registry's names, each to
one id), figures, dates and negation; and what two statements in different languages share and where
they differ."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from claims import lang
from claims.lang.tokens import Token, text_of
from claims.match.relation.dates import DateMention, conflicting_dates
from claims.match.relation.lexicon import PhraseTable, load_relation_lexicon
from claims.match.relation.polarity import effective_negations
from claims.match.relation.quantities import Quantity, format_quantity
from claims.registry import Registry
from claims.text.normalize import normalize

if TYPE_CHECKING:
    from claims.match.relation.statement import Statement

#: The kinds of the gazetteer (``names.toml`` tables); a registry source is a "person" or a "source".
KINDS = ("person", "city", "country", "organisation", "day")
#: Kinds of which a statement names one in place of the other's one: Moscow / Pyongyang, Shoigu /
#: Belousov, Tuesday / Friday.
_EXCLUSIVE = {"city": "place", "person": "person", "day": "day"}
#: Negation kinds compared across languages: particles, denials, "called false" and negating verbs
#: (refuse, fail: «لا تقبل» and "refuse" are both negative).
_POLAR = ("negation", "denial", "debunk", "negating")


@dataclass(frozen=True)
class Entity:
    """A person, place or organisation named at tokens ``start:end``: its id (the same in every
    language) and kind."""

    id: str
    kind: str
    start: int
    end: int
    text: str


@lang.cached
def gazetteer(language: str) -> PhraseTable:
    """The names of ``language``: the folder's ``names.toml`` first, then the source registry's names
    written in this language (under the registry id) that the gazetteer does not already hold."""
    entries: list[tuple[str, object]] = []
    data = lang.get(language).data.get("names", {})
    for kind in KINDS:
        for entity, forms in data.get(kind, {}).items():
            entries += [(form, (entity, kind)) for form in forms]
    known = {normalize(form) for form, _ in entries}
    for name, source in Registry.load().aliases(language):
        if normalize(name) not in known:
            entries.append((name, (source.id, "person" if source.kind == "person" else "source")))
    return PhraseTable.build(entries)


def find_entities(toks: Sequence[Token], language: str) -> list[Entity]:
    """People, places and organisations named in ``toks``, longest match first.

    >>> from claims.lang.tokens import tokenize
    >>> [e.id for e in find_entities(tokenize("التقى لافروف كيم جونغ أون في بيونغ يانغ", "ar"), "ar")]
    ['sergei-lavrov', 'kim-jong-un', 'pyongyang']
    """
    out = []
    for i, n, payload in gazetteer(language).scan(toks, language, "name"):
        entity, kind = cast(tuple[str, str], payload)
        out.append(Entity(entity, kind, i, i + n, text_of(toks, i, i + n)))
    return out


def polar_cues(st: Statement) -> tuple[str, ...]:
    """The negations, denials and "called false" words of ``st`` (a negation right before a negating verb
    cancels it: "did not deny")."""
    lex = load_relation_lexicon(st.language)
    article = lang.get(st.language).clitics.article
    out = []
    for c in effective_negations(st):
        if c.kind not in _POLAR:
            continue
        after = st.toks[c.end].norm if c.end < len(st.toks) else ""
        if c.text in lex.modifiers and article and after.startswith(article):
            continue  # «غير العسكريين»: the civilians
        out.append(c.text)
    return tuple(out)


def _compatible(q: Quantity, p: Quantity) -> bool:
    return (q.unit == "%") == (p.unit == "%") and not q.conflicts(p)


def conflicting_figures(
    claim: Sequence[Quantity], evidence: Sequence[Quantity]
) -> tuple[Quantity, Quantity] | None:
    """Figures of two statements in different languages that cannot both be true: what they count is
    written in two languages, so a figure of the claim that no figure of the evidence allows, against a
    figure of the evidence that no figure of the claim allows (percentages only with percentages)."""
    lone_a = [q for q in claim if not any(_compatible(q, p) for p in evidence)]
    lone_b = [p for p in evidence if not any(_compatible(q, p) for q in claim)]
    for q in lone_a:
        for p in lone_b:
            if (q.unit == "%") == (p.unit == "%"):
                return q, p
    return None


@dataclass(frozen=True)
class Across:
    """Two statements in different languages compared by their facts: the names both give (display
    forms), and a difference that cannot both be true (``cue``: numbers, dates, polarity, places,
    persons, days; ``why``), or none."""

    shared: tuple[str, ...]
    cue: str = ""
    why: str = ""


@lang.cached
def _display() -> dict[str, str]:
    """Entity id -> the name shown in a why: its first spelling in the default language's names.toml,
    else the registry's name."""
    out = {s.id: s.name for s in Registry.load()}
    data = lang.get(lang.DEFAULT).data.get("names", {})
    out.update({entity: forms[0] for kind in KINDS for entity, forms in data.get(kind, {}).items() if forms})
    return out


def display(entity: str) -> str:
    """How an entity is named in a why ("Kim Jong Un", "Pyongyang")."""
    return _display().get(entity, entity)


def _named(st: Statement, kind: str) -> dict[str, str]:
    return {e.id: display(e.id) for e in st.entities if e.kind == kind}


def compare_across(a: Statement, b: Statement) -> Across:
    """What two statements in different languages share (names, figures, dates) and the first fact on
    which they differ: a figure, a date, polarity (a negation or denial on one side only), the city, the
    person, the day of the week."""
    ids_b = {e.id for e in b.entities}
    shared = [display(e.id) for e in a.entities if e.id in ids_b]
    shared += [format_quantity(q) for q in a.quantities if any(_compatible(q, p) for p in b.quantities)]
    shared += [str(d) for d in a.dates if any(d.compare(e) for e in b.dates)]
    shared = list(dict.fromkeys(shared))
    if figures := conflicting_figures(a.quantities, b.quantities):
        q, p = figures
        return Across(tuple(shared), "numbers", f"number differs: {_figure(q)} vs {_figure(p)}")
    if dates := conflicting_dates(a.dates, b.dates):
        return Across(tuple(shared), "dates", f"date differs: {_date(dates[0])} vs {_date(dates[1])}")
    neg_a, neg_b = polar_cues(a), polar_cues(b)
    if bool(neg_a) != bool(neg_b):
        side, cues = ("the claim", neg_a) if neg_a else ("the evidence", neg_b)
        return Across(tuple(shared), "polarity", f"negation only in {side}: '{cues[0]}'")
    for kind, word in _EXCLUSIVE.items():
        named_a, named_b = _named(a, kind), _named(b, kind)
        only_a = [name for key, name in named_a.items() if key not in named_b]
        only_b = [name for key, name in named_b.items() if key not in named_a]
        if len(only_a) == 1 and len(only_b) == 1:  # one city (person, day) in place of another
            return Across(tuple(shared), f"{word}s", f"{word} differs: {only_a[0]} vs {only_b[0]}")
    return Across(tuple(shared))


def _figure(q: Quantity) -> str:
    value = int(q.value) if q.value == int(q.value) else round(q.value, 3)
    return f"{value:,}%" if q.unit == "%" else f"{value:,}"


def _date(d: DateMention) -> str:
    return str(d)
