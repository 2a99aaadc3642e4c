"""Verdicts: corroborated, disputed or single-source, with the reason in one sentence.

Pure functions over frozen values: the evidence (stored claims already related to the claim) comes in,
a Verdict goes out. Independence is decided by the registry's groups: KCNA and Rodong Sinmun are one
voice, and a stored claim counts by the source it is attributed to, not by the outlet that carried it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from claims.registry import Registry
from claims.resources import load_toml
from claims.types import (
    ANONYMOUS,
    UNATTRIBUTED,
    UNREGISTERED,
    Claim,
    DocumentInfo,
    Evidence,
    Verdict,
    same_language,
)

NO_SOURCE = (UNATTRIBUTED, ANONYMOUS, UNREGISTERED)


class Matcher(Protocol):
    def judge(self, claims: Sequence[Claim], document: DocumentInfo) -> list[Verdict]: ...


class NoStore:
    """The matcher used when no database is given."""

    def judge(self, claims: Sequence[Claim], document: DocumentInfo) -> list[Verdict]:
        return [Verdict("single-source", "no database yet: no other source has been checked") for _ in claims]


@dataclass(frozen=True)
class Policy:
    """How much evidence a verdict needs."""

    min_sources: int = 1  # independent supporting sources needed to corroborate
    min_support: float = 60.0  # similarity score a supporting claim needs (relate: 50 = paraphrase)
    min_contradiction: float = 50.0  # similarity score a contradicting claim needs
    # A supporting claim in another language than the claim's: its score is the sentence encoder's cosine
    # x 100, and relate calls a pair the same statement from 55 on (SAME_EVENT in match/relation).
    min_support_across: float = 55.0


@lru_cache(maxsize=1)
def _group_labels() -> dict[str, str]:
    return dict(load_toml("groups.toml").get("groups", {}))


def origin_of(claim: Claim, document: DocumentInfo) -> str:
    """Whose claim it is: its attributed source, or for the author's own voice the outlet that published it."""
    source = claim.attribution.source_id
    if source == UNATTRIBUTED and document.publisher_id:
        return document.publisher_id
    return source


def independent(origin: str, other: str, registry: Registry, relays: Sequence[str] = ()) -> bool:
    """Whether a claim by ``other`` is independent of one by ``origin`` (relayed through ``relays``)."""
    if other in NO_SOURCE or other == origin:
        return False
    group = registry.group_of(other)
    if origin not in NO_SOURCE and group == registry.group_of(origin):
        return False
    return all(group != registry.group_of(r) for r in relays)


def verdict_for(
    claim: Claim,
    origin: str,
    evidence: Sequence[Evidence],
    registry: Registry,
    policy: Policy = Policy(),
    as_of: str | None = None,
    *,
    languages_compared: Iterable[str] = (),
) -> Verdict:
    """The verdict on ``claim`` (by ``origin``) given related stored claims. ``languages_compared`` are
    the languages of the stored claims compared with it: the reason says when evidence in another language
    is shown, or, with nothing found, which languages were searched."""
    usable = [e for e in evidence if as_of is None or e.published is None or e.published <= as_of]
    relays = claim.attribution.via
    contradicting = [
        e
        for e in usable
        if e.relation == "contradicts" and e.score >= policy.min_contradiction and e.source_id != origin
    ]
    supporting = [
        e
        for e in usable
        if e.relation == "supports"
        and e.score >= (policy.min_support_across if _across(e, claim) else policy.min_support)
    ]
    shown = tuple(sorted(contradicting, key=lambda e: -e.score) + sorted(supporting, key=lambda e: -e.score))
    notes = [
        _languages_note(claim.language, languages_compared, shown),
        f"evidence up to {as_of}" if as_of else "",
    ]
    suffix = f" ({'; '.join(n for n in notes if n)})" if any(notes) else ""
    if contradicting:
        top = max(contradicting, key=lambda e: e.score)
        more = f"; {len(contradicting) - 1} more" if len(contradicting) > 1 else ""
        when = f", {top.published}" if top.published else ""
        return Verdict("disputed", f"contradicted by {top.source_name}{when}: {top.why}{more}{suffix}", shown)
    groups: dict[str, list[str]] = {}
    for e in supporting:
        if independent(origin, e.source_id, registry, relays):
            names = groups.setdefault(registry.group_of(e.source_id), [])
            if e.source_name not in names:
                names.append(e.source_name)
    if len(groups) >= policy.min_sources:
        names = [ns[0] for ns in groups.values()]
        plural = "source" if len(names) == 1 else "sources"
        return Verdict(
            "corroborated",
            f"confirmed by {len(names)} independent {plural}: {', '.join(names)}{suffix}",
            shown,
        )
    return Verdict("single-source", _single_reason(origin, supporting, registry) + suffix, shown)


def _single_reason(origin: str, supporting: Sequence[Evidence], registry: Registry) -> str:
    if origin in NO_SOURCE:
        who = {
            UNATTRIBUTED: "the author",
            ANONYMOUS: "unnamed sources",
            UNREGISTERED: "a source not in the registry",
        }
        if not supporting:
            return f"only {who[origin]}: no other source found in the database"
        others = _unique(e.source_name for e in supporting)
        return f"only {who[origin]} and {_and(others)}, not independent of it: no independent source"
    if not supporting:
        return f"only {registry.name_of(origin)} reports this: no other source found in the database"
    names = _unique([registry.name_of(origin), *(e.source_name for e in supporting)])
    label = _group_labels().get(registry.group_of(origin))
    if label is None:  # a group of one registry entry: its name is the group's name
        subject, plural = _and(names), len(names) > 1
    else:
        listed = [n for n in names if n != label]
        subject = f"{label} ({', '.join(listed)})" if listed else label
        plural = _plural_label(label)
    return f"only {subject} {'report' if plural else 'reports'} this: no independent source"


def _across(evidence: Evidence, claim: Claim) -> bool:
    """Whether the evidence is in another language than the claim (unknown: not)."""
    return evidence.language is not None and not same_language(evidence.language, claim.language)


def _languages_note(language: str, compared: Iterable[str], shown: Sequence[Evidence]) -> str:
    """``with evidence in English`` when evidence in another language than the claim's is shown; with
    nothing found, every language searched: ``stored claims in Arabic and English compared``. Empty when
    the evidence is all in the claim's language, or only that language was searched."""
    own = _primary(language)
    if shown:
        others = _unique(_primary(e.language) for e in shown if e.language and _primary(e.language) != own)
        return f"with evidence in {_and([language_name(c) for c in others])}" if others else ""
    others = _unique(_primary(c) for c in compared if c and _primary(c) != own)
    if not others:
        return ""
    return f"stored claims in {_and([language_name(c) for c in [own, *others]])} compared"


def _primary(code: str) -> str:
    return code.split("-")[0].lower()


def language_name(code: str) -> str:
    """A language's English name ("Arabic") from the language layer; the code itself for a language it
    does not read."""
    from claims import lang

    try:
        return lang.get(code).name
    except lang.UnsupportedLanguage:
        return code


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(n for n in names if n))


def _and(names: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _plural_label(label: str) -> bool:
    """Whether a group's display name takes a plural verb: it names several bodies ("North Korean state
    media and officials", "the SDF and YPG") outside any parenthesis ("Al-Wafd (party and newspaper)" is
    one)."""
    import re

    bare = re.sub(r"\([^)]*\)", "", label)
    return " and " in bare or bare.rstrip().endswith((" media", " officials"))
