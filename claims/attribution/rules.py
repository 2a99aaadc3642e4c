"""Attribution rules: from the cues and mentions of one sentence to its attributed parts.

Each rule family of Arabic and English news is one function:

- cue-first    ``أعلنت وزارة الخارجية الروسية أن …`` / ``said X that …``        (verb, then source)
- subject-first ``روسيا أكدت أن …`` / ``X said that …`` / ``…, X said.``          (source, then verb)
- prepositional ``…، وفقا لوكالة …`` / ``وبحسب الوكالة فإن …`` / ``according to X``
- impersonal   ``يُتوقع أن …`` / ``reportedly``                                    (source: anonymous)
- colon        ``روسيا: …`` headlines, ``وأضاف: «…»``
- continuation ``وأضاف`` / ``he added``: the last speaker that agrees with the verb
- chains       ``X citing Y`` / ``نقلت X عن Y`` → Y via X; ``في تصريح نقلته الوكالة`` → via the agency

A sentence with two attributed parts ("Russia confirmed that X, and analysts believe that Y") is split
at the clause boundary before the second cue. The rules work on token indices only; character offsets
are made by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from claims.attribution.lexicon import Lexicon, Tok
from claims.attribution.mentions import Cue, Mention
from claims.attribution.registry import MEDIA_KINDS, Registry
from claims.text.normalize import normalize
from claims.types import ANONYMOUS, UNATTRIBUTED, UNREGISTERED

_COMMAS = {",", "،", ";", "؛"}
_QUOTES = {'"', "«", "»", "“", "”", "'", "‘", "’"}
_DASHES = {"-", "–", "—", "―"}
_MIN_PART_WORDS = 4
_EN_SKIP_BEFORE_VERB = frozenset(
    "has have had also previously later then will would did does repeatedly again recently publicly "
    "initially once earlier is was were are has't never often always already just".split()
)
_EN_NP_STOP = frozenset("that and but while because when if which who whom whose where as so or".split())
_EN_PRONOUNS = frozenset("he she they it we i you".split())
_EN_DETERMINERS = frozenset("the a an his her their its our my your this that these those".split())
_CHUNK_BREAKS = frozenset({",", "--", "—", "–", "―"})


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


@dataclass
class Context:
    """What the rules remember across sentences of one document."""

    last_speaker: Speaker | None = None
    previous_mentions: list[Speaker] = field(default_factory=list)
    last_by_medium: dict[str, str] = field(default_factory=dict)
    last_state_group: str | None = None
    wire: str | None = None


class Rules:
    def __init__(self, registry: Registry, lexicon: Lexicon) -> None:
        self.registry = registry
        self.lexicon = lexicon
        self.ar = lexicon.language == "ar"

    # -- entry point -------------------------------------------------------------------------------
    def resolve(
        self, toks: Sequence[Tok], mentions: Sequence[Mention], cues: Sequence[Cue], ctx: Context
    ) -> list[Part]:
        mention_at = {m.start: m for m in mentions}
        in_mention = {k for m in mentions for k in range(m.start, m.end)}
        cues = [c for c in cues if c.start not in in_mention or c.has("verb") and c.start not in mention_at]
        sentence = _Sentence(toks, mentions, mention_at, cues)
        parts = [self._attribute(sentence, s, e, ctx) for s, e in self._split(sentence)]
        self._remember(sentence, parts, ctx)
        return parts

    # -- splitting ---------------------------------------------------------------------------------
    def _split(self, s: _Sentence) -> list[tuple[int, int]]:
        starts = [0]
        for cue in s.cues:
            if not (cue.has("verb") or cue.has("participle") or cue.has("impersonal")):
                continue
            start = self._clause_start(s, cue)
            if start is None or start <= starts[-1]:
                continue
            words_before = sum(1 for t in s.toks[starts[-1] : start] if not t.is_punct)
            words_after = sum(1 for t in s.toks[cue.end :] if not t.is_punct)
            if words_before >= _MIN_PART_WORDS and words_after >= 3 and self._has_content_after(s, cue):
                starts.append(start)
        bounds = starts + [len(s.toks)]
        return [(bounds[k], bounds[k + 1]) for k in range(len(starts))]

    def _clause_start(self, s: _Sentence, cue: Cue) -> int | None:
        """Where the clause introduced by ``cue`` starts, when it follows a clause boundary."""
        i = cue.start
        if not self.ar and cue.has("verb"):
            m = s.mention_ending_at(i, skip=_EN_SKIP_BEFORE_VERB)
            subject = (m.start, m.end) if m else self._en_np_before(s, i)
            if subject is None:
                return None
            i = subject[0]
        j = i - 1
        while j >= 0 and s.is_connector(j):
            j -= 1
        if j >= 0 and s.toks[j].text in _COMMAS:
            return j + 1 if self.ar else i if j + 1 < i and s.is_connector(j + 1) else j + 1
        return None

    def _has_content_after(self, s: _Sentence, cue: Cue) -> bool:
        rest = [t for t in s.toks[cue.end :] if not t.is_punct]
        return len(rest) >= 3

    # -- one part ----------------------------------------------------------------------------------
    def _attribute(self, s: _Sentence, start: int, end: int, ctx: Context) -> Part:
        part = Part(start, end)
        cues = [c for c in s.cues if start <= c.start < end]
        verb = next((c for c in cues if c.has("verb") or c.has("participle")), None)
        impersonal = next((c for c in cues if c.has("impersonal")), None)
        preps = [c for c in cues if c.has("prep")]
        if impersonal and (verb is None or impersonal.start <= verb.start) and impersonal.start - start <= 3:
            part.source, part.cue, part.rule = ANONYMOUS, (impersonal.start, impersonal.end), "impersonal"
            part.content = self._content_after(s, impersonal.end, end)
        elif verb is not None:
            self._verb(s, part, verb, ctx)
        if not part.cue:
            self._colon(s, part, ctx)
        if preps:
            self._prepositional(s, part, preps, ctx)
        self._chain(s, part, cues, ctx)
        hedge = next((c for c in cues if c.has("hedge")), None)
        if hedge:
            part.hedge = (hedge.start, hedge.end)
        if part.source == UNATTRIBUTED and ctx.wire:
            part.source, part.rule = ctx.wire, "wire-credit"
        elif ctx.wire and part.source != ctx.wire and ctx.wire not in part.via:
            part.via.append(ctx.wire)
        return part

    def _verb(self, s: _Sentence, part: Part, verb: Cue, ctx: Context) -> None:
        part.cue = (verb.start, verb.end)
        comp = s.next_complementizer(verb.end, min(part.end, verb.end + (12 if self.ar else 5)))
        if verb.has("participle"):
            found, rule = None, "participle"
        elif self.ar:
            found, rule = self._ar_subject(s, part, verb, comp)
        else:
            found, rule = self._en_subject(s, part, verb)
        if isinstance(found, Mention):
            part.mention = (found.start, found.end)
            part.source = self._resolve(found, s, ctx, verb.gender)
        elif found is not None:
            part.mention, part.source, part.source_name = found, UNREGISTERED, s.text_of(*found)
        elif not self._opens_content(s, verb, part.end):
            part.cue = None  # a reporting verb with neither a subject nor a content: not an attribution
            return
        else:
            part.source = self._continuation(s, part, verb, ctx)
            rule = "continuation" if part.source != UNATTRIBUTED else rule
        part.rule = rule
        # Content: after the complementiser, or — for "…, X said." — before the source.
        if rule == "inverted":
            part.content = s.trim(part.start, verb.start)
        elif not self.ar and (self._cue_last(s, part, verb) or self._after_quote(s, part)):
            part.content = s.trim(part.start, part.mention[0] if part.mention else verb.start)
        elif comp is not None:
            part.content = s.trim(comp, part.end)
        else:
            after = verb.end
            if part.mention and part.mention[0] >= verb.end:
                after = part.mention[1]
            part.content = self._content_after(s, after, part.end)

    def _ar_subject(
        self, s: _Sentence, part: Part, verb: Cue, comp: int | None
    ) -> tuple[Mention | tuple[int, int] | None, str]:
        """VSO first (``قال الوزير إن``), then a name right before the verb (``روسيا أكدت أن``)."""
        m = s.mention_after(verb.end, comp if comp is not None else min(part.end, verb.end + 7))
        if m is not None:
            return m, "cue-first"
        m = s.mention_ending_at(verb.start)
        if m is not None:
            return m, "subject-first"
        if comp is not None and comp > verb.end and not s.only_punct(verb.end, comp):
            np = self._ar_np(s, verb.end, comp)
            if np:
                return np, "cue-first"
        return None, "cue-first"

    def _en_subject(
        self, s: _Sentence, part: Part, verb: Cue
    ) -> tuple[Mention | tuple[int, int] | None, str]:
        """``X said`` · ``X (R-Ga.) said`` · ``X, a spokesman, said`` · ``"…," said X`` · ``…, X said.``"""
        lo = part.start
        i = verb.start
        tok = s.toks[i]
        prev = s.toks[i - 1] if i > lo else None
        # "the claims", "United States", "his reports": a noun, not a reporting verb
        if prev is not None and (tok.text[:1].isupper() or prev.norm in _EN_DETERMINERS):
            return None, ""
        after_quote = prev is not None and (
            prev.text in _QUOTES or (prev.text in _COMMAS and i - 2 >= lo and s.toks[i - 2].text in _QUOTES)
        )
        if after_quote:
            m = s.mention_after(verb.end, min(part.end, verb.end + 3))
            if m is not None:
                return m, "inverted"
            np = self._en_np_after(s, verb.end, part.end)
            if np:
                return np, "inverted"
        k = i
        while k > lo and s.toks[k - 1].norm in _EN_SKIP_BEFORE_VERB:
            k -= 1
        if k > lo and s.toks[k - 1].text == ")":  # Sen. David Perdue (R-Ga.) said
            j = k - 1
            while j > lo and s.toks[j].text != "(":
                j -= 1
            if s.toks[j].text == "(":
                k = j
        m = s.mention_ending_at(k)
        if m is not None and m.start >= lo:
            return m, "subject-first"
        np = self._en_np_before(s, k, lo)
        if np:
            m = s.mention_at.get(np[0])
            return (m if m is not None and m.end <= np[1] else np), "subject-first"
        if prev is not None and prev.text in _COMMAS:
            m = s.mention_after(verb.end, min(part.end, verb.end + 3))
            if m is not None:
                return m, "inverted"
        return None, "subject-first"

    def _opens_content(self, s: _Sentence, verb: Cue, end: int) -> bool:
        """A verb with no subject still attributes when content follows at once: «وأضاف: «…»», «وأوضح أن»."""
        k = verb.end
        while k < end and s.toks[k].text in _COMMAS:
            k += 1
        return s.next_complementizer(k, min(end, k + 1)) is not None or (
            k < end and s.toks[k].text in _QUOTES
        )

    def _after_quote(self, s: _Sentence, part: Part) -> bool:
        """``"…," Melanie said`` — the source follows a closing quote: the quote is the content."""
        if not part.mention or part.mention[0] <= part.start:
            return False
        prev = s.toks[part.mention[0] - 1]
        if prev.text in _COMMAS and part.mention[0] - 2 >= part.start:
            prev = s.toks[part.mention[0] - 2]
        return prev.text in _QUOTES and any(t.quoted for t in s.toks[part.start : prev.i])

    def _cue_last(self, s: _Sentence, part: Part, verb: Cue) -> bool:
        """English "…, X said." — nothing but punctuation or time words after the cue."""
        rest = [t for t in s.toks[verb.end : part.end] if not t.is_punct]
        left = part.mention[0] if part.mention else verb.start
        return len(rest) <= 3 and left > part.start + 2 and not s.next_complementizer(verb.end, part.end)

    def _colon(self, s: _Sentence, part: Part, ctx: Context) -> None:
        """``روسيا: …`` — a name then a colon at the start of the part."""
        m = s.mention_at.get(part.start)
        if m is None:
            for k in range(part.start, min(part.end, part.start + 5)):
                if s.toks[k].text in (":", "―"):
                    if k > part.start and self.ar is False and k - part.start <= 4:
                        part.mention, part.source = (part.start, k), UNREGISTERED
                        part.source_name = s.text_of(part.start, k)
                        part.cue, part.rule = (k, k + 1), "colon"
                        part.content = s.trim(k + 1, part.end)
                    return
            return
        k = m.end
        if k < part.end and s.toks[k].text in (":", "―"):
            part.mention, part.cue, part.rule = (m.start, m.end), (k, k + 1), "colon"
            part.source = self._resolve(m, s, ctx, "")
            part.content = s.trim(k + 1, part.end)

    def _prepositional(self, s: _Sentence, part: Part, preps: list[Cue], ctx: Context) -> None:
        fronted = next((c for c in preps if c.start - part.start <= 1), None)
        chosen = fronted or preps[-1]
        m = s.mention_after(chosen.end, min(part.end, chosen.end + 4), allow_heads=True)
        np = self._en_np_after(s, chosen.end, part.end) if m is None and not self.ar else None
        if m is None and np is None:
            return
        if m is not None:
            source = self._resolve(m, s, ctx, "")
            span = (m.start, m.end)
        else:
            source, span = UNREGISTERED, np
        if part.cue and part.source not in (UNATTRIBUTED, UNREGISTERED) and part.rule != "impersonal":
            # "وأعلن أن …، بحسب الوكالة": the speaker spoke through the medium named by the cue.
            kind = self.registry.get(source)
            if kind and kind.kind in MEDIA_KINDS and source != part.source and source not in part.via:
                part.via.append(source)
            return
        if part.cue and part.rule == "impersonal":
            return
        part.source, part.mention, part.cue = source, span, (chosen.start, chosen.end)
        if source == UNREGISTERED:
            part.source_name = s.text_of(*span)
        if fronted is chosen:
            part.rule = "prepositional-fronted"
            part.content = self._content_after(s, span[1], part.end)
        else:
            part.rule = "prepositional"
            part.content = s.trim(part.start, chosen.start)

    def _chain(self, s: _Sentence, part: Part, cues: list[Cue], ctx: Context) -> None:
        """``X, citing Y`` / ``نقلت X عن Y`` → Y via X; ``في تصريح نقلته الوكالة`` → via the agency."""
        if not part.cue or part.source == UNATTRIBUTED:
            return
        content_start = part.content[0] if part.content else part.end
        for cue in cues:
            if cue.start < part.cue[0] and not (cue.has("citing") and part.rule.startswith("subject")):
                continue
            if cue.has("relay"):
                m = s.mention_after(cue.end, min(part.end, cue.end + 4), allow_heads=True)
                if m is not None:
                    via = self._resolve(m, s, ctx, "")
                    if via not in (part.source, ANONYMOUS, UNATTRIBUTED) and via not in part.via:
                        part.via.append(via)
            elif cue.has("citing") and (cue.start <= content_start or not self.ar):
                m = s.mention_after(cue.end, min(part.end, cue.end + 3), allow_heads=True)
                if m is None or (part.mention and m.start < part.mention[1]):
                    continue
                if (
                    cue.start == content_start
                ):  # «نقلت رويترز عن مصدر قوله إن …»: the content follows the name
                    comp = s.next_complementizer(m.end, min(part.end, m.end + 4))
                    part.content = s.trim(comp if comp is not None else m.end, part.end)
                cited = self._resolve(m, s, ctx, "")
                if cited not in (part.source, UNATTRIBUTED):
                    relay = part.source
                    part.source, part.mention = cited, (m.start, m.end)
                    part.via = [v for v in part.via if v != cited]
                    if relay != UNREGISTERED:
                        part.via.insert(0, relay)
                    part.rule += "+chain"

    # -- helpers -------------------------------------------------------------------------------------
    def _content_after(self, s: _Sentence, i: int, end: int) -> tuple[int, int] | None:
        while i < end and (s.toks[i].text in _COMMAS or s.toks[i].text in (":",)):
            i += 1
        comp = s.next_complementizer(i, min(end, i + 2))
        return s.trim(comp if comp is not None else i, end)

    def _resolve(self, m: Mention, s: _Sentence, ctx: Context, gender: str) -> str:
        if m.kind == "source":
            return m.value
        if m.kind == "anonymous":
            return ANONYMOUS
        target = m.value
        if target in ("agency", "newspaper"):
            return ctx.last_by_medium.get(target, ANONYMOUS)
        if target == "state-media":
            state = self.registry.state_media_of(ctx.last_state_group) if ctx.last_state_group else None
            return state.id if state else ANONYMOUS
        if target == "ministry":
            return ctx.last_by_medium.get("ministry", ANONYMOUS)
        # speaker / pronoun
        pronoun_gender = {"he": "m", "she": "f"}.get(s.toks[m.start].norm, gender)
        return self._last_speaker(ctx, pronoun_gender) or ANONYMOUS

    def _continuation(self, s: _Sentence, part: Part, verb: Cue, ctx: Context) -> str:
        """A verb with no subject of its own: a person named earlier in the sentence, else the last speaker."""
        for m in reversed([m for m in s.mentions if m.end <= verb.start and m.kind == "source"]):
            src = self.registry.get(m.value)
            if src and src.kind == "person" and _agrees(self._gender(src.id), verb.gender):
                return src.id
        found = self._last_speaker(ctx, verb.gender)
        return found or UNATTRIBUTED

    def _last_speaker(self, ctx: Context, gender: str) -> str | None:
        if ctx.last_speaker and _agrees(ctx.last_speaker.gender, gender):
            return ctx.last_speaker.source
        for sp in reversed(ctx.previous_mentions):
            if sp.kind in (
                "person",
                "government",
                "military",
                "state-media",
                "wire",
                "media",
                "international-org",
            ) and _agrees(sp.gender, gender):
                return sp.source
        return None

    def _gender(self, source_id: str) -> str:
        if not self.ar:
            return ""
        src = self.registry.get(source_id)
        if src is None:
            return ""
        if src.kind == "person":
            return "m"
        first = (src.name_ar or "").split(" ")[0]
        head = normalize(first)
        if (
            first.endswith("ة")
            or head in self.lexicon.feminine_heads
            or normalize(first.removeprefix("ال")) in self.lexicon.feminine_heads
        ):
            return "f"
        return "m"

    def _ar_np(self, s: _Sentence, i: int, comp: int) -> tuple[int, int] | None:
        j = i
        while j < comp and s.toks[j].is_punct:
            j += 1
        if j < comp and any(f in self.lexicon.np_stop for f in s.toks[j].forms[:1]):
            return None
        k = comp
        while k > j and s.toks[k - 1].is_punct:
            k -= 1
        return (j, k) if 0 < k - j <= 6 else None

    def _en_np_before(self, s: _Sentence, k: int, lo: int = 0) -> tuple[int, int] | None:
        """The noun phrase ending at ``k``: 'The New York Post', 'he', 'Derek Mitchell, who served …,'."""
        end = k
        if end > lo and s.toks[end - 1].text in _CHUNK_BREAKS:  # an apposition closes right before the verb
            start = self._chunk_start(s, end - 1, lo, appositive=True)
            if start is None or start >= end - 1 or s.toks[start - 1].text not in _CHUNK_BREAKS:
                return None
            name = self._chunk_start(s, start - 1, lo)
            if name is None or not self._looks_like_name(s, name, start - 1):
                return None
            return (name, end - 1)
        start = self._chunk_start(s, end, lo)
        if start is None or start == end or end - start > 8 or not self._looks_like_name(s, start, end):
            return None
        return (start, end)

    def _chunk_start(self, s: _Sentence, end: int, lo: int, appositive: bool = False) -> int | None:
        j = end
        while j > lo and end - j < (20 if appositive else 8):
            t = s.toks[j - 1]
            if t.text in _CHUNK_BREAKS or t.text in _QUOTES or t.text in (";", ":", "(", ")") or t.quoted:
                break
            if not appositive and t.norm in _EN_NP_STOP:
                break
            j -= 1
        return j

    def _looks_like_name(self, s: _Sentence, i: int, j: int) -> bool:
        words = s.toks[i:j]
        if not words or any(t.norm in self.lexicon.np_stop and k == 0 for k, t in enumerate(words)):
            return False
        first = words[0]
        return first.text[:1].isupper() or first.norm in _EN_PRONOUNS or first.norm in _EN_DETERMINERS

    def _en_np_after(self, s: _Sentence, i: int, end: int) -> tuple[int, int] | None:
        j = i
        while j < end and j < i + 10:
            t = s.toks[j]
            if (t.is_punct and t.text not in ("'s", "’s", "-", ".", "&")) or t.norm in _EN_NP_STOP:
                break
            j += 1
        return (i, j) if j > i else None

    def _remember(self, s: _Sentence, parts: list[Part], ctx: Context) -> None:
        mentioned: list[Speaker] = []
        for m in s.mentions:
            if m.kind != "source":
                continue
            src = self.registry.get(m.value)
            if src is None:
                continue
            mentioned.append(Speaker(src.id, self._gender(src.id), src.kind))
            if src.medium in ("agency", "newspaper"):
                ctx.last_by_medium[src.medium] = src.id
            if src.kind == "government" and "ministry" in src.name.lower():
                ctx.last_by_medium["ministry"] = src.id
            if self.registry.state_media_of(src.group):
                ctx.last_state_group = src.group
        for part in parts:
            if part.source not in (UNATTRIBUTED, ANONYMOUS, UNREGISTERED) and part.rule != "wire-credit":
                src = self.registry.get(part.source)
                ctx.last_speaker = Speaker(part.source, self._gender(part.source), src.kind if src else "")
                if src and src.medium in ("agency", "newspaper"):
                    ctx.last_by_medium[src.medium] = src.id
                if src and self.registry.state_media_of(src.group):
                    ctx.last_state_group = src.group
        if mentioned:
            ctx.previous_mentions = mentioned


def _agrees(source_gender: str, verb_gender: str) -> bool:
    return not source_gender or verb_gender not in ("m", "f") or source_gender == verb_gender


@dataclass
class _Sentence:
    toks: Sequence[Tok]
    mentions: Sequence[Mention]
    mention_at: dict[int, Mention]
    cues: Sequence[Cue]

    def text_of(self, i: int, j: int) -> str:
        return " ".join(t.text for t in self.toks[i:j])

    def is_connector(self, i: int) -> bool:
        return any(c.start == i and c.has("connector") for c in self.cues)

    def only_punct(self, i: int, j: int) -> bool:
        return all(t.is_punct for t in self.toks[i:j])

    def next_complementizer(self, i: int, end: int) -> int | None:
        for c in self.cues:
            if i <= c.start < end and c.has("comp"):
                return c.start
        for k in range(i, end):
            if self.toks[k].text in ("«", "“") or (self.toks[k].text == ":" and k == i):
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

    def mention_after(self, i: int, limit: int, allow_heads: bool = False) -> Mention | None:
        """The first mention starting in [i, limit) with only punctuation, adverbs or head nouns before it."""
        for k in range(i, min(limit, len(self.toks))):
            m = self.mention_at.get(k)
            if m is not None:
                return m
            if any(c.start == k and c.has("comp") for c in self.cues):
                return None
            if any(c.start == k and (c.has("verb") or c.has("prep")) for c in self.cues):
                return None
        return None

    def trim(self, i: int, j: int) -> tuple[int, int] | None:
        """A content range without surrounding punctuation (quotes kept) — None when empty."""
        while i < j and self.toks[i].is_punct and self.toks[i].text not in _QUOTES:
            i += 1
        while j > i and self.toks[j - 1].is_punct and self.toks[j - 1].text not in _QUOTES:
            j -= 1
        return (i, j) if j > i else None
