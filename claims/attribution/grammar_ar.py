"""The Arabic grammar of attribution: verb first (``قال وزير الخارجية … إن``) or subject first (``روسيا أكدت
أن``), clitics on cues (``وأضاف``), verbs that agree with their speaker's gender, content after «أن»."""

from __future__ import annotations

from claims.attribution.lexicon import Tok
from claims.attribution.mentions import Cue
from claims.attribution.rules import Rules
from claims.attribution.sentence import COMMAS, QUOTES, Part, Sentence
from claims.text.normalize import normalize

# «حسابات مقربة من "تحرير الشام"»: inside a noun phrase «من» joins, it does not end it
_AR_NP_JOINERS = frozenset({"من"})


def _prepositional_article(norm: str) -> bool:
    """للصحفيين، بالوزارة: a preposition fused with the article opens an adjunct, not the subject."""
    return len(norm) > 4 and (norm.startswith("لل") or norm.startswith("بال") or norm.startswith("كال"))


class ArabicRules(Rules):
    COMPLEMENTIZER_WINDOW = 20
    PREPOSITIONAL_NP_MAX = 6
    CITES_AFTER_CONTENT = False
    PRONOUNS_REACH_MENTIONS = True
    CONTENT_OPENS_ANYWHERE = True
    DESCRIPTIONS_ANYWHERE = True

    def _clause_start(self, s: Sentence, cue: Cue) -> int | None:
        """Where the clause introduced by ``cue`` starts: after a comma, or at a reporting verb carrying
        «و» that its subject and a complementiser follow."""
        i = cue.start
        if i > 0 and s.toks[i - 1].norm in self.lexicon.subject_boundaries.get("skip", ()):
            return None  # «…، قد وصف»: «قد» binds the verb to the subject before it (وكان X، …، قد)
        j = self._before_connectors(s, i)
        if j >= 0 and s.toks[j].text in COMMAS:
            return j + 1
        if cue.has("verb") and self._has_conjunction(s.toks[i]):
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

    def _subject(self, s: Sentence, part: Part, verb: Cue, comp: int | None):  # type: ignore[no-untyped-def]
        """VSO first (``قال وزير الخارجية سيرغي لافروف إن``), then a subject before the verb
        (``روسيا أكدت أن``, ``وكانت الرئاسة التركية قد قالت إن``). Returns ((start, end), mention) or None."""
        aux = self._after_auxiliary(s, part, verb)
        if aux is not None:  # «كان وزير الخارجية الروسي أبلغ نظيره أن …»: كان + subject + verb
            return (aux, s.best_mention_in(*aux)), "subject-first"
        np = self._np_after(s, verb.end, part.end, comp)
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
                # subject next even without «أن»; take the head of the phrase (a quoted name whole)
                head = min(np[1], np[0] + 3)
                if s.toks[np[0]].text in QUOTES:
                    head = next(
                        (
                            k + 1
                            for k in range(np[0] + 1, np[1] + 1)
                            if k < len(s.toks) and s.toks[k].text in QUOTES
                        ),
                        head,
                    )
                return ((np[0], head), None), "cue-first"
        if verb.has("nominal") or (comp is None and not self._opens_content(s, verb, part.end)):
            return None, "cue-first"
        k = verb.start
        while k > part.start and s.toks[k - 1].norm in self.lexicon.subject_boundaries.get("skip", ()):
            k -= 1
        if k > part.start + 1 and s.toks[k - 1].text in COMMAS:  # «خسرو كوران، القيادي في …، قال»
            k -= 1
        m = s.mention_ending_at(k)
        if m is not None and m.start >= part.start:
            return m, "subject-first"
        j = k
        while j > part.start and k - j < 16:
            t = s.toks[j - 1]
            if t.text in (".", ":") or t.norm in self.lexicon.subject_boundaries.get("open", ()):
                break
            if t.text in COMMAS and k - j >= 2:
                break
            j -= 1
        while k - 1 > j and s.toks[k - 1].norm in self.lexicon.np_stop:
            k -= 1  # «… الكاظمي أمس أكد»: a time word after the name is not part of it
        if j < k and (j in s.mention_at or self._can_open_subject(s.toks[j])):
            m = s.best_mention_in(j, k)
            bounded = (
                j == part.start
                or s.toks[j - 1].text in COMMAS
                or s.toks[j - 1].text in (".", ":")
                or (s.toks[j - 1].norm in self.lexicon.subject_boundaries.get("open", ()))
            )
            if m is None and (k - j > 14 or (k - j > 8 and not bounded)):
                return None, "cue-first"
            return ((j, k), m), "subject-first"
        return None, "cue-first"

    def _past_quoted_name(self, s: Sentence, verb: Cue, comp: int | None, end: int) -> int | None:
        if comp != verb.end or s.toks[comp].text not in QUOTES or comp in s.mention_at:
            return comp
        close = next(
            (
                k
                for k in range(comp + 1, min(end, comp + 7))
                if s.toks[k].text in QUOTES and not s.toks[k].quoted
            ),
            None,
        )
        if close is None or not 1 <= close - comp - 1 <= 4:
            return comp
        k = close + 1
        while k < end and s.toks[k].text in COMMAS:
            k += 1
        if (
            k >= end
            or s.toks[k].text in (".", ":")
            or any(c.start == k and (c.has("verb") or c.has("participle")) for c in s.cues)
        ):
            return comp  # «وأضاف " الأمر خطير " , مشيرا …»: the quotation is what was said
        return s.next_complementizer(k, min(end, k + self.COMPLEMENTIZER_WINDOW))

    def _np_after_prep(self, s: Sentence, i: int, end: int) -> tuple[int, int] | None:
        return self._np_after(s, i, end, None, subject=False)

    def _np_after(
        self, s: Sentence, i: int, end: int, comp: int | None, subject: bool = True
    ) -> tuple[int, int] | None:
        """The noun phrase right after an Arabic verb (or prepositional cue), up to the complementiser or a
        preposition. A subject never opens with a preposition, a digit or a demonstrative."""
        j = i
        while j < end and s.toks[j].is_punct and s.toks[j].text not in QUOTES:
            j += 1
        while subject and j < end - 1 and s.toks[j].norm in self.lexicon.np_words.get("object_pronouns", ()):
            j += 1  # «وعلقت عليها الحكومة»: the verb's object comes before its subject
        if subject and j < end and j not in s.mention_at and not self._can_open_subject(s.toks[j]):
            return None
        limit = comp if comp is not None else end
        k = j
        while k < limit and k - j < 12:
            m = s.mention_at.get(k)
            if m is not None and m.kind == "source" and m.end <= limit:
                k = m.end  # a name is never cut: «وكالة رويترز للأنباء»
                continue
            t = s.toks[k]
            spaced_dash = t.text == "-" and k > 0 and s.toks[k - 1].end < t.start  # «- بحسب الشائعات -»
            if t.is_punct and (spaced_dash or (t.text not in QUOTES and t.text not in ("-", "(", ")"))):
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
        while k > j and s.toks[k - 1].text in QUOTES and not s.toks[k - 1].quoted:
            k -= 1
        return (j, k) if k > j else None

    def _after_auxiliary(self, s: Sentence, part: Part, verb: Cue) -> tuple[int, int] | None:
        auxiliaries = self.lexicon.subject_boundaries.get("auxiliary", ())
        k = verb.start
        while k > part.start and s.toks[k - 1].norm in self.lexicon.subject_boundaries.get("skip", ()):
            k -= 1
        commas = 0
        for j in range(k - 1, max(part.start - 1, k - 16), -1):
            t = s.toks[j]
            if t.norm in auxiliaries:
                if j + 1 < k and self._can_open_subject(s.toks[j + 1]):
                    end = k - 1 if s.toks[k - 1].text in COMMAS else k
                    return (j + 1, end)
                return None
            # «وكان الرئيس التركي، رجب طيب أردوغان، قد وصف»: an apposition between two commas
            commas += t.text in COMMAS
            if (t.is_punct and t.text not in QUOTES and t.text not in COMMAS) or commas > 2:
                return None
        return None

    def _can_open_subject(self, tok: Tok) -> bool:
        if tok.text[:1].isdigit() or any(f in self.lexicon.np_stop for f in tok.forms):
            return False
        # بالوزارة، للصحفيين: a preposition fused with the article opens an adjunct, not the subject
        # (a bare ب or ل may be part of the word: بيان، لجنة، بوتين)
        return not _prepositional_article(tok.norm)

    def _gender(self, source_id: str) -> str:
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
