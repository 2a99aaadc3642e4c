"""Attribution rules: from the cues and mentions of one sentence to its attributed parts.

Each rule family of Arabic and English news is one step, shared by both grammars where it can be; what
differs (where a subject is, where a content opens) is a method of each language's grammar:
``claims/attribution/grammar_ar.py`` and ``grammar_en.py``, chosen by the ``grammar`` a language's data
names (:func:`rules_for`).

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

from claims import lang
from claims.attribution.lexicon import Lexicon, Tok
from claims.attribution.mentions import Cue, Mention
from claims.attribution.sentence import COMMAS, DOUBLE_QUOTES, QUOTES, Context, Part, Sentence, Speaker
from claims.registry import MEDIA_KINDS, Registry
from claims.types import ANONYMOUS, UNATTRIBUTED, UNREGISTERED

_MIN_PART_WORDS = 4
_EN_BE = frozenset("is are was were be been being".split())
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
# Descriptions that name an institution (الوكالة، الوزارة), not a speaker going on (he, المتحدث).
_INSTITUTIONS = frozenset({"agency", "newspaper", "state-media", "ministry"})


class Rules:
    """The steps both grammars share. A grammar (:class:`claims.attribution.grammar_ar.ArabicRules`,
    :class:`claims.attribution.grammar_en.EnglishRules`) says where a subject and a content are."""

    #: how far after a reporting verb its complementiser may be, in tokens
    COMPLEMENTIZER_WINDOW = 5
    #: the longest unregistered noun phrase a prepositional cue may name as a source, in tokens
    PREPOSITIONAL_NP_MAX = 12
    #: whether a citing cue after the content still relays ("…, citing KCNA")
    CITES_AFTER_CONTENT = True
    #: whether a pronoun may reach back to a name mentioned in the previous sentence
    PRONOUNS_REACH_MENTIONS = False
    #: whether a content may open at a quote or colon anywhere in the complementiser's window
    CONTENT_OPENS_ANYWHERE = False
    #: whether an unnamed-source noun names the speaker anywhere in a noun phrase, not only at its head
    DESCRIPTIONS_ANYWHERE = False

    def __init__(self, registry: Registry, lexicon: Lexicon) -> None:
        self.registry = registry
        self.lexicon = lexicon
        self.conjunctions = lang.get(lexicon.language).clitics.conjunctions

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
        sentence = Sentence(
            toks,
            mentions,
            mention_at,
            cues,
            persons,
            self.CONTENT_OPENS_ANYWHERE,
            self.DESCRIPTIONS_ANYWHERE,
            self.lexicon.np_words.get("relatives", frozenset()),
            self.lexicon.np_words.get("titles", frozenset()),
            lang.get(self.lexicon.language).capitalised_names,
        )
        for start, end in self._split(sentence):
            sentence.parts.append(self._attribute(sentence, start, end, ctx))
        parts = sentence.parts
        self._remember(sentence, parts, ctx)
        return parts

    # -- what each grammar says ---------------------------------------------------------------------
    def _clause_start(self, s: Sentence, cue: Cue) -> int | None:
        """Where the clause introduced by ``cue`` starts, when it follows a clause boundary."""
        raise NotImplementedError

    def _subject(self, s: Sentence, part: Part, verb: Cue, comp: int | None):  # type: ignore[no-untyped-def]
        """The subject of a reporting verb: (mention or (start, end) or ((start, end), mention), rule)."""
        raise NotImplementedError

    def _np_after_prep(self, s: Sentence, i: int, end: int) -> tuple[int, int] | None:
        """The noun phrase a prepositional cue names when no registered source follows it."""
        raise NotImplementedError

    def _governing_order(self, s: Sentence, verbs: list[Cue], end: int) -> list[Cue]:
        """The reporting verbs of a part in the order they are tried."""
        return verbs

    def _content_before_source(self, s: Sentence, part: Part, verb: Cue) -> bool:
        """Whether the content is what comes before the source ("…, X said.")."""
        return False

    def _gender(self, source_id: str) -> str:
        """The grammatical gender of a source: "" where verbs do not agree with one."""
        return ""

    def _before_connectors(self, s: Sentence, i: int) -> int:
        j = i - 1
        while j >= 0 and s.is_connector(j):
            j -= 1
        return j

    # -- splitting ---------------------------------------------------------------------------------
    def _split(self, s: Sentence) -> list[tuple[int, int]]:
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
            while end > start + 1 and (s.toks[end - 1].text in COMMAS or s.is_connector(end - 1)):
                end -= 1
            parts.append((start, end))
        return parts

    def _attribute(self, s: Sentence, start: int, end: int, ctx: Context) -> Part:
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
            for verb in self._governing_order(
                s, verbs, end
            ):  # the first reporting verb that really attributes
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

    def _verb(self, s: Sentence, part: Part, verb: Cue, ctx: Context) -> None:
        part.cue = (verb.start, verb.end)
        comp = s.next_complementizer(verb.end, min(part.end, verb.end + self.COMPLEMENTIZER_WINDOW))
        comp = self._past_quoted_name(s, verb, comp, part.end)
        if verb.has("participle"):
            found, rule = None, "participle"
        else:
            found, rule = self._subject(s, part, verb, comp)
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
                # the name is the head, not a relative clause inside the phrase ("Derek Mitchell, who served …")
                part.source, part.source_name = (
                    UNREGISTERED,
                    s.text_of(span[0], s.head_end(*span)).rstrip(" ,،"),
                )
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
        elif self._content_before_source(s, part, verb):
            part.content = s.trim(part.start, part.mention[0] if part.mention else verb.start)
        elif comp is not None:
            part.content = s.trim(comp, part.end)
        else:
            after = verb.end
            if part.mention and part.mention[0] >= verb.end:
                after = part.mention[1]
            part.content = self._content_after(s, after, part.end)

    def _past_quoted_name(self, s: Sentence, verb: Cue, comp: int | None, end: int) -> int | None:
        """Where the content opens when a short quotation right after the verb is the speaker's name
        («وأعلنت " قوات سوريا الديمقراطية " , …»); ``comp`` where quotes do not mark names."""
        return comp

    def _opens_content(self, s: Sentence, verb: Cue, end: int) -> bool:
        """A verb with no subject still attributes when content follows at once: «وأضاف: «…»», «وأوضح أن»."""
        k = verb.end
        while k < end and s.toks[k].text in COMMAS:
            k += 1
        return s.next_complementizer(k, min(end, k + 1)) is not None or (k < end and s.toks[k].text in QUOTES)

    def _all_quoted(self, s: Sentence, start: int, end: int) -> bool:
        words = [t for t in s.toks[start:end] if not t.is_punct]
        return bool(words) and s.toks[start].text in DOUBLE_QUOTES and all(t.quoted for t in words)

    def _negated(self, s: Sentence, cue: Cue) -> bool:
        """«لم يذكر ماتيس …», "did not say": a negated reporting verb attributes nothing."""
        return any(c.has("negation") and cue.start - 2 <= c.start < cue.start for c in s.cues)

    def _clitic_or_initial(self, s: Sentence, part: Part, cue: Cue) -> bool:
        return self._has_conjunction(s.toks[cue.start]) or self._clause_initial(s, part, cue)

    def _has_conjunction(self, tok: Tok) -> bool:
        """Whether the token opens with a conjunction clitic of the language (وأضاف، فأعلنت)."""
        return tok.norm[:1] in self.conjunctions and tok.norm not in tok.forms[1:]

    def _clause_initial(self, s: Sentence, part: Part, verb: Cue) -> bool:
        k = verb.start - 1
        while k >= part.start and (
            s.is_connector(k) or s.toks[k].norm in self.lexicon.subject_boundaries.get("open", ())
        ):
            k -= 1
        return k < part.start or s.toks[k].text in COMMAS or s.toks[k].text in (":", "-")

    def _colon(self, s: Sentence, part: Part, ctx: Context) -> None:
        """``روسيا: …`` — a name then a colon at the start of the part; ``“…” ― Name`` at its end."""
        for k in range(max(part.start + 1, part.end - 7), part.end - 1):
            if s.toks[k].text in ("―", "—") and s.toks[k - 1].text in DOUBLE_QUOTES:
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

    def _prepositional(self, s: Sentence, part: Part, preps: list[Cue], ctx: Context) -> None:
        fronted = next((c for c in preps if c.start - part.start <= 1), None)
        chosen = fronted or preps[-1]
        m = s.mention_after(chosen.end, min(part.end, chosen.end + 4))
        np = None
        if m is None:
            np = self._np_after_prep(s, chosen.end, part.end)
            if np is not None and np[1] - np[0] > self.PREPOSITIONAL_NP_MAX:
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

    def _chain(self, s: Sentence, part: Part, cues: list[Cue], ctx: Context) -> None:
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
                m = s.mention_after(cue.end, min(part.end, cue.end + 4))
                if m is not None:
                    via = self._resolve(m, s, ctx, "")
                    if via not in (part.source, ANONYMOUS, UNATTRIBUTED) and via not in part.via:
                        part.via.append(via)
            elif (cue.has("citing") or (cue.has("comp") and relays)) and (
                cue.start <= content_start or self.CITES_AFTER_CONTENT
            ):
                m = s.mention_after(cue.end, min(part.end, cue.end + 3))
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
    def _content_after(self, s: Sentence, i: int, end: int) -> tuple[int, int] | None:
        while i < end and (s.toks[i].text in COMMAS or s.toks[i].text in (":",)):
            i += 1
        comp = s.next_complementizer(i, min(end, i + 2))
        return s.trim(comp if comp is not None else i, end)

    def _resolve(self, m: Mention, s: Sentence, ctx: Context, gender: str) -> str:
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
        pronoun_gender = self.lexicon.pronoun_genders.get(s.toks[m.start].norm, gender)
        speaker = self._last_speaker(ctx, pronoun_gender, mentions=self.PRONOUNS_REACH_MENTIONS)
        return speaker.source if speaker and speaker.source != UNREGISTERED else ANONYMOUS

    def _continuation(self, s: Sentence, part: Part, verb: Cue, ctx: Context) -> tuple[str, str]:
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

    def _inherit_via(self, part: Part, ctx: Context, s: Sentence | None = None) -> None:
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

    def _looks_like_name(self, s: Sentence, i: int, j: int) -> bool:
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

    def _remember(self, s: Sentence, parts: list[Part], ctx: Context) -> None:
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


def rules_for(registry: Registry, lexicon: Lexicon) -> Rules:
    """The rules of the grammar that reads ``lexicon``'s language (``grammar`` in its language.toml)."""
    from claims.attribution.grammar_ar import ArabicRules
    from claims.attribution.grammar_en import EnglishRules

    grammars: dict[str, type[Rules]] = {"arabic": ArabicRules, "english": EnglishRules}
    return grammars[lang.get(lexicon.language).grammar](registry, lexicon)
