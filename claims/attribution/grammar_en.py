"""The English grammar of attribution: subject first (``X said that``, ``X (R-Ga.) said``, ``X, a spokesman,
said``), inverted after a quote (``"…," said X``) and at the end of a part (``…, X said.``)."""

from __future__ import annotations

from claims.attribution.lexicon import Lexicon
from claims.attribution.mentions import Cue, Mention
from claims.attribution.rules import _EN_BE, _EN_DETERMINERS, Rules
from claims.attribution.sentence import COMMAS, DOUBLE_QUOTES, QUOTES, Part, Sentence
from claims.registry import Registry

_CHUNK_BREAKS = frozenset({",", "--", "—", "–", "―"})


class EnglishRules(Rules):
    def __init__(self, registry: Registry, lexicon: Lexicon) -> None:
        super().__init__(registry, lexicon)
        boundaries = lexicon.subject_boundaries
        self.skip_before_verb = boundaries.get("skip", frozenset())
        self.passive_cues = boundaries.get("passive", frozenset())
        self.np_end = boundaries.get("np_end", frozenset())

    def _clause_start(self, s: Sentence, cue: Cue) -> int | None:
        """Where the clause introduced by ``cue`` starts: a reporting verb's clause starts at its subject,
        after a comma or a connector."""
        i = cue.start
        if cue.has("verb"):
            m = s.mention_ending_at(i, skip=self.skip_before_verb)
            subject = (m.start, m.end) if m else self._np_before(s, i)
            if subject is None:
                return None
            i = subject[0]
        j = self._before_connectors(s, i)
        if j >= 0 and s.toks[j].text in COMMAS:
            return i if j + 1 < i and s.is_connector(j + 1) else j + 1
        if (
            j + 1 < i
            and s.mention_at.get(i) is not None
            and any(c.start < j and (c.has("verb") or c.has("prep")) for c in s.cues)
        ):
            # "Putin said X and analysts believe Y": a connector and a named subject suffice after a clause
            # that has its own cue; "the ministers of the DPRK and Russia agreed" is one coordinated subject
            return i
        return None

    def _subject(
        self, s: Sentence, part: Part, verb: Cue, comp: int | None
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
        if prev is not None and prev.norm in _EN_BE and tok.norm not in self.passive_cues:
            return None, ""
        after_quote = prev is not None and (
            prev.text in QUOTES or (prev.text in COMMAS and i - 2 >= lo and s.toks[i - 2].text in QUOTES)
        )
        if after_quote:
            m = s.mention_after(verb.end, min(part.end, verb.end + 3))
            if m is not None:
                return m, "inverted"
            np = self._np_after(s, verb.end, part.end)
            if np:
                return np, "inverted"
        k = i
        while k > lo and s.toks[k - 1].norm in self.skip_before_verb:
            k -= 1
        if k > lo and s.toks[k - 1].text == ")":  # Sen. David Perdue (R-Ga.) said
            j = k - 1
            while j > lo and s.toks[j].text != "(":
                j -= 1
            if s.toks[j].text == "(":
                k = j
        m = s.mention_ending_at(k)
        if m is not None and m.start >= lo:
            if m.start - 1 > lo and s.toks[m.start - 1].norm in ("and", "or"):
                # "The foreign ministers of the DPRK and Russia agreed": the coordinated phrase is the subject
                first = self._np_before(s, m.start - 1, lo)
                if first is not None:
                    head = s.mention_at.get(first[0])
                    named = head if head is not None and head.end == first[1] else None
                    return ((first[0], m.end), named), "subject-first"
            return m, "subject-first"
        if prev is not None and prev.norm in ("and", "but") and k == i:
            first = s.mention_at.get(lo)
            if first is not None and first.kind == "source":
                return first, "coordinated"  # "Cruz exhorted Republicans … and said he was …"
        np = self._np_before(s, k, lo)
        if np:
            m = s.best_mention_in(*np)
            if m is not None and (m.start, m.end) == np:
                return m, "subject-first"
            return (np, m), "subject-first"
        if prev is not None and prev.text in COMMAS:  # "…, said Mr. Barrett, the lawyer for the agency."
            m = s.mention_after(verb.end, min(part.end, verb.end + 3))
            if m is not None:
                return m, "inverted"
            np = self._np_after(s, verb.end, part.end)
            if np and (np[1] >= part.end or s.toks[np[1]].is_punct) and self._looks_like_name(s, *np):
                return np, "inverted"
        return None, "subject-first"

    def _governing_order(self, s: Sentence, verbs: list[Cue], end: int) -> list[Cue]:
        if verbs and self._ends_part(s, verbs[-1], end):
            return [verbs[-1], *verbs[:-1]]  # "…, sources said." governs everything before it
        return verbs

    def _content_before_source(self, s: Sentence, part: Part, verb: Cue) -> bool:
        return self._cue_last(s, part, verb) or self._after_quote(s, part)

    def _np_after_prep(self, s: Sentence, i: int, end: int) -> tuple[int, int] | None:
        return self._np_after(s, i, end)

    def _ends_part(self, s: Sentence, verb: Cue, end: int) -> bool:
        """An English verb that closes its part after a comma: "…, sources said." """
        rest = [t for t in s.toks[verb.end : end] if not t.is_punct]
        before = s.toks[max(0, verb.start - 6) : verb.start]
        return len(rest) <= 2 and any(t.text in COMMAS for t in before)

    def _after_quote(self, s: Sentence, part: Part) -> bool:
        """``"…," Melanie said`` — the source follows a closing quote: the quote is the content."""
        if not part.mention or part.mention[0] <= part.start:
            return False
        prev = s.toks[part.mention[0] - 1]
        if prev.text in COMMAS and part.mention[0] - 2 >= part.start:
            prev = s.toks[part.mention[0] - 2]
        return prev.text in QUOTES and any(t.quoted for t in s.toks[part.start : prev.i])

    def _cue_last(self, s: Sentence, part: Part, verb: Cue) -> bool:
        """English "…, X said." — nothing but punctuation or time words after the cue."""
        rest = [t for t in s.toks[verb.end : part.end] if not t.is_punct]
        left = part.mention[0] if part.mention else verb.start
        return len(rest) <= 3 and left > part.start + 2 and not s.next_complementizer(verb.end, part.end)

    def _np_before(self, s: Sentence, k: int, lo: int = 0) -> tuple[int, int] | None:
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
            if before in COMMAS or before in DOUBLE_QUOTES:
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

    def _chunk_start(self, s: Sentence, end: int, lo: int, appositive: bool = False) -> int | None:
        j = end
        while j > lo and end - j < (20 if appositive else 8):
            t = s.toks[j - 1]
            if (
                t.text in _CHUNK_BREAKS
                or t.text in DOUBLE_QUOTES
                or t.text in (";", ":", "(", ")")
                or t.quoted
            ):
                break
            if not appositive and t.norm in self.np_end:
                break
            j -= 1
        return j

    def _np_after(self, s: Sentence, i: int, end: int) -> tuple[int, int] | None:
        j = i
        while j < end and j < i + 13:
            t = s.toks[j]
            if (t.is_punct and t.text not in ("'s", "’s", "-", ".", "&")) or t.norm in self.np_end:
                break
            j += 1
        return (i, j) if j > i else None
