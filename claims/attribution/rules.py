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

from claims import lang
from claims.attribution.lexicon import Lexicon, Tok
from claims.attribution.mentions import Cue, Mention
from claims.attribution.registry import MEDIA_KINDS, Registry
from claims.text.normalize import normalize
from claims.types import ANONYMOUS, UNATTRIBUTED, UNREGISTERED

_COMMAS = {",", "،", ";", "؛"}
_QUOTES = {'"', "«", "»", "“", "”", "'", "‘", "’", "''", "``"}
_DOUBLE_QUOTES = {'"', "«", "»", "“", "”", "''", "``"}
_DASHES = {"-", "–", "—", "―"}
_MIN_PART_WORDS = 4
_EN_SKIP_BEFORE_VERB = frozenset(
    "has have had also previously later then will would did does repeatedly again recently publicly "
    "initially once earlier never often always already just could should may might must can "
    "reportedly apparently privately openly firmly flatly".split()
)
_EN_BE = frozenset("is are was were be been being".split())
_EN_PASSIVE_CUES = frozenset("told asked quoted cited reported expected".split())
_EN_NP_STOP = frozenset("that and but while because when if which who whom whose where as so or".split())
_EN_PRONOUNS = frozenset("he she they it we i you".split())
_EN_DETERMINERS = frozenset("the a an his her their its our my your this that these those".split())
_SPEAKER_KINDS = frozenset(
    {
        "person",
        "government",
        "military",
        "state-media",
        "wire",
        "media",
        "international-org",
        "ngo",
        "party",
        "armed-group",
    }
)
# «حسابات مقربة من "تحرير الشام"»: inside a noun phrase «من» joins, it does not end it
_AR_NP_JOINERS = frozenset({"من"})
# Descriptions that name an institution (الوكالة، الوزارة), not a speaker going on (he, المتحدث).
_INSTITUTIONS = frozenset({"agency", "newspaper", "state-media", "ministry"})
_CHUNK_BREAKS = frozenset({",", "--", "—", "–", "―"})


def _prepositional_article(norm: str) -> bool:
    """للصحفيين، بالوزارة: a preposition fused with the article opens an adjunct, not the subject."""
    return len(norm) > 4 and (norm.startswith("لل") or norm.startswith("بال") or norm.startswith("كال"))


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


class Rules:
    def __init__(self, registry: Registry, lexicon: Lexicon) -> None:
        self.registry = registry
        self.lexicon = lexicon
        # which grammar reads the sentences: the Arabic one (verb first, clitics) or the English one
        self.ar = lang.get(lexicon.language).grammar == "arabic"

    # -- entry point -------------------------------------------------------------------------------
    def resolve(
        self, toks: Sequence[Tok], mentions: Sequence[Mention], cues: Sequence[Cue], ctx: Context
    ) -> list[Part]:
        mention_at = {m.start: m for m in mentions}
        in_mention = {k for m in mentions for k in range(m.start, m.end)}
        cues = [c for c in cues if c.start not in in_mention or c.has("verb") and c.start not in mention_at]
        persons = frozenset(
            m.value for m in mentions if m.kind == "source" and self._kind(m.value) == "person"
        )
        sentence = _Sentence(toks, mentions, mention_at, cues, persons, self.ar)
        for start, end in self._split(sentence):
            sentence.parts.append(self._attribute(sentence, start, end, ctx))
        parts = sentence.parts
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
            if words_before >= _MIN_PART_WORDS and words_after >= 3:
                starts.append(start)
        bounds = starts + [len(s.toks)]
        parts = []
        for k in range(len(starts)):
            start, end = bounds[k], bounds[k + 1]
            # "…, and" / «…، و»: the boundary's comma and connector belong to neither claim
            while end > start + 1 and (s.toks[end - 1].text in _COMMAS or s.is_connector(end - 1)):
                end -= 1
            parts.append((start, end))
        return parts

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
        if not self.ar and j + 1 < i and s.mention_at.get(i) is not None:
            return i  # "Putin said X and analysts believe Y": a connector and a named subject suffice
        if (
            self.ar
            and cue.has("verb")
            and s.toks[i].norm[:1] in "وف"
            and s.toks[i].norm not in s.toks[i].forms[1:]
        ):
            # «… الوضع الطارئ وقال التقرير إن …»: a reporting verb carrying «و» opens a clause of its own
            # when its subject and a complementiser follow
            comp = s.next_complementizer(cue.end, min(len(s.toks), cue.end + 12))
            if (
                comp is not None
                and comp > cue.end
                and (s.mention_at.get(cue.end) or not s.only_punct(cue.end, comp))
            ):
                return i
        return None

    def _attribute(self, s: _Sentence, start: int, end: int, ctx: Context) -> Part:
        part = Part(start, end)
        cues = [c for c in s.cues if start <= c.start < end]
        verbs = [
            c
            for c in cues
            if (c.has("verb") or c.has("participle") or c.has("nominal"))
            and not self._negated(s, c)
            and not (c.has("ambiguous") and not self._clitic_or_initial(s, part, c))
        ]
        impersonal = next((c for c in cues if c.has("impersonal")), None)
        preps = [c for c in cues if c.has("prep")]
        if impersonal and (not verbs or impersonal.start <= verbs[0].start) and impersonal.start - start <= 3:
            part.source, part.cue, part.rule = ANONYMOUS, (impersonal.start, impersonal.end), "impersonal"
            part.content = self._content_after(s, impersonal.end, end)
        else:
            if not self.ar and verbs and self._ends_part(s, verbs[-1], end):
                verbs = [verbs[-1], *verbs[:-1]]  # "…, sources said." governs everything before it
            for verb in verbs:  # the first reporting verb that really attributes
                self._verb(s, part, verb, ctx)
                if part.cue:
                    break
        if not part.cue:
            self._colon(s, part, ctx)
        if preps:
            self._prepositional(s, part, preps, ctx)
        self._chain(s, part, cues, ctx)
        hedge = next((c for c in cues if c.has("hedge")), None)
        if hedge:
            part.hedge = (hedge.start, hedge.end)
        if part.source == UNATTRIBUTED and ctx.paragraph_speaker and self._all_quoted(s, start, end):
            # '"…," he said. "More of the same quote."' — the quotation goes on, so does its speaker
            speaker = ctx.paragraph_speaker
            part.source, part.source_name, part.via = speaker.source, speaker.source_name, list(speaker.via)
            part.rule, part.content = "quote-continuation", s.trim(start, end)
        if part.source == UNATTRIBUTED and ctx.wire:
            part.source, part.rule = ctx.wire, "wire-credit"
        elif ctx.wire and part.source != ctx.wire and ctx.wire not in part.via:
            part.via.append(ctx.wire)
        return part

    def _verb(self, s: _Sentence, part: Part, verb: Cue, ctx: Context) -> None:
        part.cue = (verb.start, verb.end)
        comp = s.next_complementizer(verb.end, min(part.end, verb.end + (20 if self.ar else 5)))
        if verb.has("participle"):
            found, rule = None, "participle"
        elif self.ar:
            found, rule = self._ar_subject(s, part, verb, comp)
        else:
            found, rule = self._en_subject(s, part, verb)
        if isinstance(found, Mention):
            found = ((found.start, found.end), found)
        elif isinstance(found, tuple) and found and isinstance(found[0], int):
            found = (found, None)
        if found is not None:
            span, mention = found
            part.mention = span
            if mention is not None:
                part.source = self._resolve(mention, s, ctx, verb.gender)
                if mention.kind == "description" and mention.value not in _INSTITUTIONS:
                    self._inherit_via(part, ctx)  # "He added" goes on through the same relay
            else:
                part.source, part.source_name = UNREGISTERED, s.text_of(*span)
        elif not self._opens_content(s, verb, part.end):
            part.cue = None  # a reporting verb with neither a subject nor a content: not an attribution
            return
        else:
            part.source, part.source_name = self._continuation(s, part, verb, ctx)
            rule = "continuation" if part.source != UNATTRIBUTED else rule
            if rule == "continuation":
                self._inherit_via(part, ctx, s)
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

    def _ar_subject(self, s: _Sentence, part: Part, verb: Cue, comp: int | None):  # type: ignore[no-untyped-def]
        """VSO first (``قال وزير الخارجية سيرغي لافروف إن``), then a subject before the verb
        (``روسيا أكدت أن``, ``وكانت الرئاسة التركية قد قالت إن``). Returns ((start, end), mention) or None."""
        aux = self._after_auxiliary(s, part, verb)
        if aux is not None:  # «كان وزير الخارجية الروسي أبلغ نظيره أن …»: كان + subject + verb
            return (aux, s.best_mention_in(*aux)), "subject-first"
        np = self._ar_np_after(s, verb.end, part.end, comp)
        if np is not None:
            m = s.best_mention_in(*np)
            # an unknown noun phrase is a subject only when the content opens right after it
            gap = [t for t in s.toks[np[1] : comp] if not t.is_punct] if comp is not None else []
            opens = verb.start - part.start <= 1  # «وأشار X … إلى أن»: a sentence that opens with the cue
            near = (
                comp is not None
                and (len(gap) <= 8 or opens)
                and not any(np[1] <= c.start < comp and c.has("verb") for c in s.cues)
            )
            if m is not None or near:
                return (np, m), "cue-first"
            if comp is None and not verb.has("ambiguous") and self._clause_initial(s, part, verb):
                # «وفي وقت سابق، أعلنت سلطات كازاخستان عقد جولة …»: a clause that opens with the cue names its
                # subject next even without «أن»; take the head of the phrase
                return ((np[0], min(np[1], np[0] + 3)), None), "cue-first"
        if verb.has("nominal") or (comp is None and not self._opens_content(s, verb, part.end)):
            return None, "cue-first"
        k = verb.start
        while k > part.start and s.toks[k - 1].norm in self.lexicon.subject_boundaries.get("skip", ()):
            k -= 1
        if k > part.start + 1 and s.toks[k - 1].text in _COMMAS:  # «خسرو كوران، القيادي في …، قال»
            k -= 1
        m = s.mention_ending_at(k)
        if m is not None and m.start >= part.start:
            return m, "subject-first"
        j = k
        while j > part.start and k - j < 16:
            t = s.toks[j - 1]
            if t.text in (".", ":") or t.norm in self.lexicon.subject_boundaries.get("open", ()):
                break
            if t.text in _COMMAS and k - j >= 2:
                break
            j -= 1
        if j < k and (j in s.mention_at or self._can_open_subject(s.toks[j])):
            m = s.best_mention_in(j, k)
            bounded = (
                j == part.start
                or s.toks[j - 1].text in _COMMAS
                or s.toks[j - 1].text in (".", ":")
                or (s.toks[j - 1].norm in self.lexicon.subject_boundaries.get("open", ()))
            )
            if m is None and (k - j > 14 or (k - j > 8 and not bounded)):
                return None, "cue-first"
            return ((j, k), m), "subject-first"
        return None, "cue-first"

    def _ar_np_after(
        self, s: _Sentence, i: int, end: int, comp: int | None, subject: bool = True
    ) -> tuple[int, int] | None:
        """The noun phrase right after an Arabic verb (or prepositional cue), up to the complementiser or a
        preposition. A subject never opens with a preposition, a digit or a demonstrative."""
        j = i
        while j < end and s.toks[j].is_punct and s.toks[j].text not in _QUOTES:
            j += 1
        if subject and j < end and j not in s.mention_at and not self._can_open_subject(s.toks[j]):
            return None
        limit = comp if comp is not None else end
        k = j
        while k < limit and k - j < 12:
            t = s.toks[k]
            spaced_dash = t.text == "-" and k > 0 and s.toks[k - 1].end < t.start  # «- بحسب الشائعات -»
            if t.is_punct and (spaced_dash or (t.text not in _QUOTES and t.text not in ("-", "(", ")"))):
                break
            if (k == j or t.norm not in _AR_NP_JOINERS) and (
                t.forms[0] in self.lexicon.np_stop or _prepositional_article(t.norm)
            ):
                break
            if (
                any(c.start == k and (c.has("verb") or c.has("prep") or c.has("comp")) for c in s.cues)
                and k > j
            ):
                break
            k += 1
        while k > j and s.toks[k - 1].text in _QUOTES and not s.toks[k - 1].quoted:
            k -= 1
        return (j, k) if k > j else None

    def _en_subject(
        self, s: _Sentence, part: Part, verb: Cue
    ) -> tuple[Mention | tuple[int, int] | None, str]:
        """``X said`` · ``X (R-Ga.) said`` · ``X, a spokesman, said`` · ``"…," said X`` · ``…, X said.``"""
        lo = part.start
        i = verb.start
        tok = s.toks[i]
        prev = s.toks[i - 1] if i > lo else None
        # "the claims", "United States", "his reports": a noun, not a reporting verb; "is observed", "to think":
        # a passive or an infinitive, not a finite reporting clause
        capitalised = tok.text[:1].isupper() and not s.title_case
        if prev is not None and (capitalised or prev.norm in _EN_DETERMINERS or prev.norm == "to"):
            return None, ""
        if prev is not None and prev.norm in _EN_BE and tok.norm not in _EN_PASSIVE_CUES:
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
        if prev is not None and prev.norm in ("and", "but") and k == i:
            first = s.mention_at.get(lo)
            if first is not None and first.kind == "source":
                return first, "coordinated"  # "Cruz exhorted Republicans … and said he was …"
        np = self._en_np_before(s, k, lo)
        if np:
            m = s.best_mention_in(*np)
            if m is not None and (m.start, m.end) == np:
                return m, "subject-first"
            return (np, m), "subject-first"
        if prev is not None and prev.text in _COMMAS:  # "…, said Mr. Barrett, the lawyer for the agency."
            m = s.mention_after(verb.end, min(part.end, verb.end + 3))
            if m is not None:
                return m, "inverted"
            np = self._en_np_after(s, verb.end, part.end)
            if np and (np[1] >= part.end or s.toks[np[1]].is_punct) and self._looks_like_name(s, *np):
                return np, "inverted"
        return None, "subject-first"

    def _opens_content(self, s: _Sentence, verb: Cue, end: int) -> bool:
        """A verb with no subject still attributes when content follows at once: «وأضاف: «…»», «وأوضح أن»."""
        k = verb.end
        while k < end and s.toks[k].text in _COMMAS:
            k += 1
        return s.next_complementizer(k, min(end, k + 1)) is not None or (
            k < end and s.toks[k].text in _QUOTES
        )

    def _all_quoted(self, s: _Sentence, start: int, end: int) -> bool:
        words = [t for t in s.toks[start:end] if not t.is_punct]
        return bool(words) and s.toks[start].text in _DOUBLE_QUOTES and all(t.quoted for t in words)

    def _after_auxiliary(self, s: _Sentence, part: Part, verb: Cue) -> tuple[int, int] | None:
        auxiliaries = self.lexicon.subject_boundaries.get("auxiliary", ())
        k = verb.start
        while k > part.start and s.toks[k - 1].norm in self.lexicon.subject_boundaries.get("skip", ()):
            k -= 1
        for j in range(k - 1, max(part.start - 1, k - 9), -1):
            t = s.toks[j]
            if t.norm in auxiliaries:
                return (j + 1, k) if j + 1 < k and self._can_open_subject(s.toks[j + 1]) else None
            if t.is_punct and t.text not in _QUOTES:
                return None
        return None

    def _negated(self, s: _Sentence, cue: Cue) -> bool:
        """«لم يذكر ماتيس …», "did not say": a negated reporting verb attributes nothing."""
        return any(c.has("negation") and cue.start - 2 <= c.start < cue.start for c in s.cues)

    def _clitic_or_initial(self, s: _Sentence, part: Part, cue: Cue) -> bool:
        tok = s.toks[cue.start]
        with_clitic = tok.norm[:1] in "وف" and tok.norm not in tok.forms[1:]
        return with_clitic or self._clause_initial(s, part, cue)

    def _clause_initial(self, s: _Sentence, part: Part, verb: Cue) -> bool:
        k = verb.start - 1
        while k >= part.start and (
            s.is_connector(k) or s.toks[k].norm in self.lexicon.subject_boundaries.get("open", ())
        ):
            k -= 1
        return k < part.start or s.toks[k].text in _COMMAS or s.toks[k].text in (":", "-")

    def _can_open_subject(self, tok: Tok) -> bool:
        if tok.text[:1].isdigit() or any(f in self.lexicon.np_stop for f in tok.forms):
            return False
        # بالوزارة، للصحفيين: a preposition fused with the article opens an adjunct, not the subject
        # (a bare ب or ل may be part of the word: بيان، لجنة، بوتين)
        return not _prepositional_article(tok.norm)

    def _ends_part(self, s: _Sentence, verb: Cue, end: int) -> bool:
        """An English verb that closes its part after a comma: "…, sources said." """
        rest = [t for t in s.toks[verb.end : end] if not t.is_punct]
        before = s.toks[max(0, verb.start - 6) : verb.start]
        return len(rest) <= 2 and any(t.text in _COMMAS for t in before)

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
        """``روسيا: …`` — a name then a colon at the start of the part; ``“…” ― Name`` at its end."""
        for k in range(max(part.start + 1, part.end - 7), part.end - 1):
            if s.toks[k].text in ("―", "—") and s.toks[k - 1].text in _DOUBLE_QUOTES:
                name = s.trim(k + 1, part.end)
                if name and self._looks_like_name(s, *name):
                    m = s.best_mention_in(*name)
                    part.mention, part.cue, part.rule = name, (k, k + 1), "colon"
                    part.source = self._resolve(m, s, ctx, "") if m else UNREGISTERED
                    part.source_name = "" if m else s.text_of(*name)
                    part.content = s.trim(part.start, k)
                    return
        m = s.mention_at.get(part.start)
        if m is None:
            for k in range(part.start, min(part.end, part.start + 5)):
                if s.toks[k].text in (":", "―"):
                    if k > part.start and k - part.start <= 4 and not s.only_punct(part.start, k):
                        part.mention, part.source = (part.start, k), UNREGISTERED
                        part.source_name = s.text_of(part.start, k)
                        part.cue, part.rule = (k, k + 1), "colon"
                        part.content = s.trim(k + 1, part.end)
                    return
            return
        k = m.end
        while k < min(part.end, m.end + 3) and s.toks[k].text not in (":", "―") and not s.toks[k].is_punct:
            k += 1  # «خبير أمني: …» — a short description may follow the name before the colon
        if k < part.end and s.toks[k].text in (":", "―"):
            part.mention, part.cue, part.rule = (m.start, k), (k, k + 1), "colon"
            part.source = self._resolve(m, s, ctx, "")
            part.content = s.trim(k + 1, part.end)

    def _prepositional(self, s: _Sentence, part: Part, preps: list[Cue], ctx: Context) -> None:
        fronted = next((c for c in preps if c.start - part.start <= 1), None)
        chosen = fronted or preps[-1]
        m = s.mention_after(chosen.end, min(part.end, chosen.end + 4), allow_heads=True)
        np = None
        if m is None:
            np = (
                self._ar_np_after(s, chosen.end, part.end, None, subject=False)
                if self.ar
                else self._en_np_after(s, chosen.end, part.end)
            )
            if np is not None and np[1] - np[0] > (6 if self.ar else 12):
                np = None
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
        # «نقلت وكالة رويترز عن مصدر …»: after a verb of relaying, «عن» introduces the real source
        relays = any(c.start == part.cue[0] and c.has("relay-verb") for c in cues)
        for cue in cues:
            if cue.start < part.cue[0] and not (cue.has("citing") and part.rule.startswith("subject")):
                continue
            if cue.has("relay"):
                m = s.mention_after(cue.end, min(part.end, cue.end + 4), allow_heads=True)
                if m is not None:
                    via = self._resolve(m, s, ctx, "")
                    if via not in (part.source, ANONYMOUS, UNATTRIBUTED) and via not in part.via:
                        part.via.append(via)
            elif (cue.has("citing") or (cue.has("comp") and relays)) and (
                cue.start <= content_start or not self.ar
            ):
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
        # speaker / pronoun: the last speaker; in Arabic a verb with no subject may also reach back to a
        # name in the previous sentence (see _continuation), an English pronoun may not.
        pronoun_gender = {"he": "m", "she": "f"}.get(s.toks[m.start].norm, gender)
        speaker = self._last_speaker(ctx, pronoun_gender, mentions=self.ar)
        return speaker.source if speaker and speaker.source != UNREGISTERED else ANONYMOUS

    def _continuation(self, s: _Sentence, part: Part, verb: Cue, ctx: Context) -> tuple[str, str]:
        """A verb with no subject of its own: the speaker of an earlier part of the same sentence, a person
        named earlier in it, or the last speaker that agrees with the verb. Returns (source, name)."""
        for earlier in reversed(s.parts):
            if earlier.source not in (UNATTRIBUTED,) and earlier.rule != "wire-credit":
                part.mention = earlier.mention  # the same words name the speaker of both parts
                return earlier.source, earlier.source_name
        for m in reversed([m for m in s.mentions if m.end <= verb.start and m.kind == "source"]):
            src = self.registry.get(m.value)
            if src and src.kind == "person" and _agrees(self._gender(src.id), verb.gender):
                return src.id, ""
        found = self._last_speaker(ctx, verb.gender)
        if found is None:
            return UNATTRIBUTED, ""
        return found.source, found.name

    def _inherit_via(self, part: Part, ctx: Context, s: _Sentence | None = None) -> None:
        """A speaker who goes on (وأضاف، "he added") speaks through the relay that carried them before:
        «وقال كيم … وفق ما نقلت الوكالة. وأضاف أن …» is Kim via KCNA in both sentences."""
        if part.via:
            return
        earlier = next((p for p in reversed(s.parts) if p.source == part.source), None) if s else None
        if earlier is not None:
            part.via = list(earlier.via)
        elif ctx.last_speaker and ctx.last_speaker.source == part.source:
            part.via = list(ctx.last_speaker.via)

    def _last_speaker(self, ctx: Context, gender: str, mentions: bool = True) -> Speaker | None:
        if ctx.last_speaker and _agrees(ctx.last_speaker.gender, gender):
            return ctx.last_speaker
        for sp in reversed(ctx.previous_mentions if mentions else []):
            if sp.kind in _SPEAKER_KINDS and _agrees(sp.gender, gender):
                return sp
        return None

    def _kind(self, source_id: str) -> str:
        src = self.registry.get(source_id)
        return src.kind if src else ""

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
            if any(c.start == start and c.has("citing") for c in s.cues):  # "NK News, citing KCNA, said"
                return (name, start - 1)
            return (name, end - 1)
        start = self._chunk_start(s, end, lo)
        if (
            start is not None
            and start < end
            and not self._looks_like_name(s, start, end)
            and end - start <= 6
        ):
            # "…, attorneys for the family said." — after a clause or a quote, any short noun phrase will do
            before = s.toks[start - 1].text if start > lo else ""
            if before in _COMMAS or before in _DOUBLE_QUOTES:
                return (start, end)
        if start is not None and start < end and not self._looks_like_name(s, start, end) and start - 1 > lo:
            if s.toks[start - 1].norm in (
                "and",
                "or",
            ):  # "Experts on North Korea and nuclear proliferation said"
                start = self._chunk_start(s, start - 1, lo)
        if start is None or start == end or end - start > 10 or not self._looks_like_name(s, start, end):
            return None
        return (start, end)

    def _chunk_start(self, s: _Sentence, end: int, lo: int, appositive: bool = False) -> int | None:
        j = end
        while j > lo and end - j < (20 if appositive else 8):
            t = s.toks[j - 1]
            if (
                t.text in _CHUNK_BREAKS
                or t.text in _DOUBLE_QUOTES
                or t.text in (";", ":", "(", ")")
                or t.quoted
            ):
                break
            if not appositive and t.norm in _EN_NP_STOP:
                break
            j -= 1
        return j

    def _looks_like_name(self, s: _Sentence, i: int, j: int) -> bool:
        words = s.toks[i:j]
        if not words or any(t.norm in self.lexicon.np_stop and k == 0 for k, t in enumerate(words)):
            return False
        if any(t.norm in _EN_BE for t in words):  # "Republicans were angry": a clause, not a name
            return False
        first = words[0]
        return (
            any(t.text[:1].isupper() for t in words)
            or first.text[:1].isdigit()
            or first.norm in _EN_PRONOUNS
            or first.norm in _EN_DETERMINERS
        )

    def _en_np_after(self, s: _Sentence, i: int, end: int) -> tuple[int, int] | None:
        j = i
        while j < end and j < i + 13:
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
            if part.source != UNATTRIBUTED and part.rule != "wire-credit":
                ctx.paragraph_speaker = part
            if part.source in (UNATTRIBUTED, ANONYMOUS) or part.rule == "wire-credit":
                continue
            src = self.registry.get(part.source)
            gender = self._gender(part.source) if src else ""
            ctx.last_speaker = Speaker(
                part.source, gender, src.kind if src else "", part.source_name, tuple(part.via)
            )
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
    persons: frozenset[str] = frozenset()
    arabic: bool = True
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
            if not self.arabic and k > i and t.text not in (":",):
                continue  # English content opens with "that" or right at a quote or colon
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

    def best_mention_in(self, i: int, j: int) -> Mention | None:
        """The mention inside [i, j) that names the speaker: a person before an organisation."""
        # an unnamed-source noun names the speaker only at the head of the phrase: "a spokesman said", not
        # "Phil Smith, a spokesman for the union, said"
        inside = [
            m
            for m in self.mentions
            if i <= m.start and m.end <= j and (m.kind == "source" or m.start - i <= 1 or self.arabic)
        ]
        return next((m for m in inside if m.kind == "source" and m.value in self.persons), None) or (
            inside[0] if inside else None
        )

    def trim(self, i: int, j: int) -> tuple[int, int] | None:
        """A content range without surrounding punctuation (quotes kept) — None when empty."""
        while i < j and self.toks[i].is_punct and self.toks[i].text not in _QUOTES:
            i += 1
        while j > i and self.toks[j - 1].is_punct and self.toks[j - 1].text not in _QUOTES:
            j -= 1
        return (i, j) if j > i else None
