"""The values passed between the stages of a check.

read -> normalize -> segment -> layout -> attribution -> retrieve -> relate -> verdict -> report

Every value is a small frozen dataclass with no third-party types inside, so each stage can be
tested on its own and nothing downstream depends on spaCy or the database.
Every span is a pair of character offsets into the decoded input text: ``text[start:end] == span.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

UNATTRIBUTED = "unattributed"
ANONYMOUS = "anonymous"
UNREGISTERED = "unregistered"  # a named source that is not in the registry

VERDICTS = ("corroborated", "disputed", "single-source")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start, end, text[start:end])

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Source:
    """One entry of the source registry."""

    id: str
    name: str
    kind: str
    group: str
    name_ar: str = ""
    country: str = ""
    medium: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.name, self.name_ar, *self.aliases) if n)


@dataclass(frozen=True)
class InputText:
    """Decoded input: what every offset refers to."""

    text: str
    path: str
    encoding: str
    format: str  # txt | md | html


@dataclass(frozen=True)
class Skipped:
    """A line the checker does not read for claims, and why (``reason``)."""

    span: Span
    line: int
    reason: str


@dataclass(frozen=True)
class Attribution:
    """Who a claim is attributed to, through whom, and how surely."""

    source_id: str = UNATTRIBUTED
    mention: Span | None = None
    # Words naming a source that is not in the registry (source_id "unregistered").
    source_name: str = ""
    cue: Span | None = None
    via: tuple[str, ...] = ()
    hedged: bool = False
    hedge: Span | None = None
    rule: str = ""

    @property
    def attributed(self) -> bool:
        return self.source_id != UNATTRIBUTED


@dataclass(frozen=True)
class Claim:
    id: str
    span: Span
    line: int
    language: str
    attribution: Attribution = field(default_factory=Attribution)
    content: Span | None = None


@dataclass(frozen=True)
class Evidence:
    claim_id: int | str
    text: str
    source_id: str
    source_name: str
    published: str | None
    url: str | None
    score: float
    relation: str  # supports | contradicts | unrelated
    why: str
    # The evidence's language (ar, en, ...): the stored claim's, or the article line's for a claim of the
    # same article; None when unknown.
    language: str | None = None


def same_language(a: str | None, b: str | None) -> bool:
    """Whether two language codes name one language ("ar" and "ar-EG" do); an unknown one matches none."""
    return bool(a) and bool(b) and a.split("-")[0].lower() == b.split("-")[0].lower()  # type: ignore[union-attr]


@dataclass(frozen=True)
class Verdict:
    label: str  # one of VERDICTS
    reason: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class DocumentInfo:
    path: str
    language: str
    published: str | None = None
    publisher_id: str | None = None
    publisher_name: str | None = None
    publisher_text: str | None = None


@dataclass(frozen=True)
class CheckedClaim:
    claim: Claim
    verdict: Verdict


@dataclass(frozen=True)
class Report:
    document: DocumentInfo
    text: str
    claims: tuple[CheckedClaim, ...]
    skipped: tuple[Skipped, ...]

    @property
    def summary(self) -> dict[str, int]:
        counts = {"claims": len(self.claims)}
        for label in VERDICTS:
            counts[label] = sum(1 for c in self.claims if c.verdict.label == label)
        counts["unattributed"] = sum(1 for c in self.claims if not c.claim.attribution.attributed)
        return counts


@dataclass(frozen=True)
class ClaimRecord:
    """A claim to be stored: one line of a JSONL/CSV import, a ClaimReview item, or a claim of an ingested
    article. ``source`` is a registry id; ``publisher`` the outlet that carried it when that differs."""

    text: str
    source: str
    published: str | None = None  # YYYY-MM-DD
    url: str | None = None
    language: str | None = None
    publisher: str | None = None
    via: tuple[str, ...] = ()
    rating: str | None = None  # fact-checker's verdict for ClaimReview records: false, misleading, true, ...
    external_id: str | None = None
    hedged: bool = False
    demo: bool = False
    # Where the record was read ("claims.jsonl:17"), for error messages; not part of what it says.
    origin: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class StoredClaim:
    """A claim as read back from the store."""

    id: int
    text: str
    language: str
    source: str
    published: str | None = None
    url: str | None = None
    publisher: str | None = None
    via: tuple[str, ...] = ()
    rating: str | None = None
    hedged: bool = False
    score: float = 0.0  # retrieval score (higher is better), filled by searches
