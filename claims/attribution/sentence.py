"""What the attribution rules work on and produce: a sentence's tokens, mentions and cues
(:class:`Sentence`), an attributed part of it (:class:`Part`) and what is remembered across a document
(:class:`Context`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from claims.attribution.lexicon import Tok
from claims.attribution.mentions import Cue, Mention
from claims.types import UNATTRIBUTED

COMMAS = frozenset({",", "،", ";", "؛"})
QUOTES = frozenset({'"', "«", "»", "“", "”", "'", "‘", "’", "''", "``"})
DOUBLE_QUOTES = frozenset({'"', "«", "»", "“", "”", "''", "``"})


@dataclass
class Part:
    """One attributed part of a sentence (token indices, end exclusive)."""

    start: int
    end: int
    source: str = UNATTRIBUTED
    mention: tuple[int, int] | None = None
    cue: tuple[int, int] | None = None
    via: list[str] = field(default_factory=list)
    hedge: tuple[int, int] | None = None
    content: tuple[int, int] | None = None
    rule: str = ""
    source_name: str = ""  # for sources not in the registry: the words that name them


@dataclass
class Speaker:
    source: str
    gender: str  # m | f | "" (unknown)
    kind: str
    name: str = ""  # for unregistered speakers
    via: tuple[str, ...] = ()  # the relay their last statement came through (في تصريح نقلته الوكالة)


@dataclass
class Context:
    """What the rules remember across sentences of one document."""

    last_speaker: Speaker | None = None
    previous_mentions: list[Speaker] = field(default_factory=list)
    last_by_medium: dict[str, str] = field(default_factory=dict)
    last_state_group: str | None = None
    wire: str | None = None
    paragraph_speaker: Part | None = None  # the last attributed part of the current paragraph


@dataclass
class Sentence:
    """One sentence as the rules see it: its tokens, mentions and cues, and the parts found so far."""

    toks: Sequence[Tok]
    mentions: Sequence[Mention]
    mention_at: dict[int, Mention]
    cues: Sequence[Cue]
    persons: frozenset[str] = frozenset()
    content_opens_anywhere: bool = True
    descriptions_anywhere: bool = True
    relatives: frozenset[str] = frozenset()  # التي، who: a clause inside a noun phrase starts here
    titles: frozenset[str] = frozenset()  # وزير، spokesman: a title before a person's name
    capitalised: bool = False  # names are capitalised in the language
    parts: list[Part] = field(default_factory=list)

    @property
    def title_case(self) -> bool:
        """A headline in Title Case ("Obama Says Museum Will Tell …"): capitals say nothing about nouns."""
        words = [t for t in self.toks if t.text[:1].isalpha()]
        return len(words) >= 4 and sum(t.text[:1].isupper() for t in words) >= 0.7 * len(words)

    def text_of(self, i: int, j: int) -> str:
        """The words of tokens [i, j) as written (spacing restored from the offsets)."""
        out = []
        for k in range(i, j):
            if k > i and self.toks[k - 1].end < self.toks[k].start:
                out.append(" ")
            out.append(self.toks[k].text)
        return "".join(out)

    def is_connector(self, i: int) -> bool:
        return any(c.start == i and c.has("connector") for c in self.cues)

    def only_punct(self, i: int, j: int) -> bool:
        return all(t.is_punct for t in self.toks[i:j])

    def next_complementizer(self, i: int, end: int) -> int | None:
        for c in self.cues:
            if i <= c.start < end and c.has("comp"):
                return c.start
        for k in range(i, end):
            t = self.toks[k]
            if not self.content_opens_anywhere and k > i and t.text not in (":",):
                continue  # e.g. English content opens with "that" or right at a quote or colon
            if t.text in ("«", "“", ":") or (
                t.text == '"'
                and k + 1 < len(self.toks)
                and self.toks[k + 1].quoted
                and k + 2 < len(self.toks)
                and self.toks[k + 2].quoted
            ):
                return k
        return None

    def mention_ending_at(self, i: int, skip: frozenset[str] = frozenset()) -> Mention | None:
        k = i
        while k > 0 and self.toks[k - 1].norm in skip:
            k -= 1
        for m in self.mentions:
            if m.end == k:
                return m
        return None

    def mention_after(self, i: int, limit: int) -> Mention | None:
        """The first mention starting in [i, limit) with no complementiser, verb or preposition cue before it."""
        for k in range(i, min(limit, len(self.toks))):
            m = self.mention_at.get(k)
            if m is not None:
                return m
            if any(c.start == k and c.has("comp") for c in self.cues):
                return None
            if any(c.start == k and (c.has("verb") or c.has("prep")) for c in self.cues):
                return None
        return None

    def best_mention_in(self, i: int, j: int) -> Mention | None:
        """The mention inside [i, j) that names the speaker: a person before an organisation."""
        j = self.head_end(i, j)  # «المنظمة التي رحبت بقرار غوتيريش»: not a name inside the relative clause
        # an unnamed-source noun names the speaker only at the head of the phrase: "a spokesman said", not
        # "Phil Smith, a spokesman for the union, said"
        inside = [
            m
            for m in self.mentions
            if i <= m.start
            and m.end <= j
            and (m.kind == "source" or m.start - i <= 1 or self.descriptions_anywhere)
        ]
        persons = [m for m in inside if m.kind == "source" and m.value in self.persons]
        head = next((m for m in inside if m.kind == "anonymous" and m.start - i <= 1), None)
        if head is not None:
            # «مصدر عسكري في فصيل متحالف مع الجيش», "a Pentagon spokesman": the description names someone
            # else; only a name in apposition ("a spokeswoman, Maria Zakharova,") is the speaker
            return next(
                (m for m in persons if m.start > head.end and self.toks[m.start - 1].text in COMMAS), head
            )
        if not persons and inside and self._titled_name_after(i, j, inside):
            return None  # "Pentagon spokesman John Kirby": a person the registry lacks, not the Pentagon
        return (persons[0] if persons else None) or (inside[0] if inside else None)

    def _titled_name_after(self, i: int, j: int, inside: list[Mention]) -> bool:
        """Whether [i, j) is a title (وزيرة، spokesman) with an organisation, then a name of no mention:
        «وزيرة الخارجية الألمانية، أنالينا بيربوك»."""
        covered = {k for m in inside for k in range(m.start, m.end)}
        title = next((k for k in range(i, j) if self.toks[k].norm in self.titles), None)
        if title is None:
            return False
        after = max([title + 1] + [m.end for m in inside if m.kind == "source"])
        rest = [t for t in self.toks[after:j] if not t.is_punct and t.i not in covered]
        if not rest:
            return False
        return not self.capitalised or all(t.text[:1].isupper() for t in rest)

    def head_end(self, i: int, j: int) -> int:
        """Where the head of the noun phrase [i, j) ends: before a relative pronoun, else ``j``."""
        for k in range(i + 1, j):
            if self.toks[k].norm in self.relatives:
                return k
        return j

    def trim(self, i: int, j: int) -> tuple[int, int] | None:
        """A content range without surrounding punctuation (quotes kept) — None when empty."""
        while i < j and self.toks[i].is_punct and self.toks[i].text not in QUOTES:
            i += 1
        while j > i and self.toks[j - 1].is_punct and self.toks[j - 1].text not in QUOTES:
            j -= 1
        return (i, j) if j > i else None
