"""Finding names of sources and cue words in a sentence's tokens.

Aliases from the registry, unnamed-source nouns (محللون, officials) and descriptions that point back
(الوكالة الرسمية, the agency) are matched on folded, clitic-stripped tokens; the longest match wins.
Near-miss spellings of multi-word names (كيم جونج أون / كيم جونغ أون) are caught with rapidfuzz under a
conservative cut-off.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from claims import lang
from claims.attribution.lexicon import Lexicon, PhraseIndex, Tok, tokenize_phrase
from claims.registry import Registry

FUZZY_CUTOFF_MULTI = 88.0
FUZZY_CUTOFF_SINGLE = 92.0
FUZZY_MIN_CHARS = 6
WORD_CUTOFF = 70.0


@dataclass(frozen=True)
class Mention:
    start: int  # token index
    end: int  # exclusive
    kind: str  # source | anonymous | description
    value: str  # source id | "anonymous" | description target
    fuzzy: bool = False


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    categories: frozenset[str]

    def has(self, prefix: str) -> bool:
        return any(c == prefix or c.startswith(prefix + ":") for c in self.categories)

    @property
    def gender(self) -> str:
        for c in self.categories:
            if c.startswith(("verb:", "participle:")):
                return c.split(":")[1]
        return ""


class MentionFinder:
    """Finds source mentions in token lists of one language."""

    def __init__(self, registry: Registry, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        # where names are capitalised, a lower-case word is never a near-miss spelling of one
        self.capitalised = lang.get(lexicon.language).capitalised_names
        self.index = PhraseIndex()
        fuzzy: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
        for name, source in registry.aliases(lexicon.language):
            tokens = tokenize_phrase(name, lexicon.language)
            if not tokens:
                continue
            # Short acronyms match only in capitals: "AP", not "ap"; "US" never as "us".
            acronym = name if name.isupper() and len(name) <= 5 else None
            self.index.add(tokens, (source.id, acronym))
            joined = " ".join(tokens)
            if len(tokens) > 1 or len(joined) >= FUZZY_MIN_CHARS:
                fuzzy[(len(tokens), joined[0])][joined] = source.id
        self.index.finish()
        self._fuzzy = {key: (list(d), list(d.values())) for key, d in fuzzy.items()}
        self._lengths = sorted({n for n, _ in self._fuzzy}, reverse=True)

    def find(self, toks: Sequence[Tok]) -> list[Mention]:
        mentions: list[Mention] = []
        i = 0
        while i < len(toks):
            mention = self._at(toks, i)
            if mention:
                mentions.append(mention)
                i = mention.end
            else:
                i += 1
        return mentions

    def _at(self, toks: Sequence[Tok], i: int) -> Mention | None:
        best: Mention | None = None
        for n, payload in self.index.match_at(toks, i):
            source_id, acronym = payload  # type: ignore[misc]
            if acronym and toks[i].text.strip("'’") != acronym:
                continue
            best = Mention(i, i + n, "source", source_id)
            break
        for index, kind in (
            (self.lexicon.descriptions, "description"),
            (self.lexicon.anonymous, "anonymous"),
        ):
            for n, payload in index.match_at(toks, i):
                if best is None or n > best.end - best.start:
                    best = Mention(i, i + n, kind, str(payload))
                break
        if best is None and not toks[i].is_punct:
            best = self._fuzzy_at(toks, i)
        unnamed = self._unnamed_at(toks, i)
        if unnamed is not None and (best is None or unnamed.end > best.end):
            best = unnamed
        return best

    def _unnamed_at(self, toks: Sequence[Tok], i: int) -> Mention | None:
        """A determiner, a few words, then a head noun of an unnamed source ("a senior U.S. official", "One
        Western diplomat"): anonymous, whatever the words in between name."""
        words = self.lexicon.np_words
        if toks[i].norm not in words.get("determiners", ()):
            return None
        heads = words.get("heads", ())
        for k in range(i + 1, min(len(toks), i + 6)):
            if toks[k].is_punct and toks[k].text != "-":
                return None
            if toks[k].norm in heads:
                return Mention(i, k + 1, "anonymous", "anonymous")
        return None

    def _fuzzy_at(self, toks: Sequence[Tok], i: int) -> Mention | None:
        tok = toks[i]
        if (self.capitalised and not tok.text[:1].isupper()) or len(tok.norm) < 3:
            return None
        # the longest window of word tokens starting here bounds the alias lengths worth trying
        span = 1
        while (
            i + span < len(toks)
            and span < self._lengths[0]
            and (not toks[i + span].is_punct or toks[i + span].text == "-")
        ):
            span += 1
        for n in self._lengths:
            if n > span:
                continue
            for form in tok.forms:
                choices = self._fuzzy.get((n, form[:1]))
                if not choices:
                    continue
                window = " ".join([form, *(t.norm for t in toks[i + 1 : i + n])])
                if n == 1 and len(window) < FUZZY_MIN_CHARS:
                    continue
                cutoff = FUZZY_CUTOFF_MULTI if n > 1 else FUZZY_CUTOFF_SINGLE
                hit = process.extractOne(window, choices[0], scorer=fuzz.ratio, score_cutoff=cutoff)
                if hit and _same_words(window, hit[0]):
                    return Mention(i, i + n, "source", choices[1][hit[2]], fuzzy=True)
        return None


def _same_words(window: str, alias: str) -> bool:
    """A near miss is a spelling variant (جونج / جونغ), not another word form: "South Korean" is not
    "South Korea", "Russian" is not "Russia"."""
    for w, a in zip(window.split(" "), alias.split(" "), strict=False):
        if w != a and (w.startswith(a) or a.startswith(w) or w[:1] != a[:1]):
            return False
        # each word on its own is a near miss too: «واتهمت الخارجية الروسية» is a verb before a name, not
        # «وزارة الخارجية الروسية»
        if w != a and fuzz.ratio(w, a) < WORD_CUTOFF:
            return False
    return True


def find_cues(toks: Sequence[Tok], lexicon: Lexicon) -> list[Cue]:
    """Cue words and phrases outside quotations, longest first at each position."""
    cues: list[Cue] = []
    i = 0
    while i < len(toks):
        if toks[i].quoted:
            i += 1
            continue
        found = lexicon.cues.match_at(toks, i)
        if found:
            n, cats = found[0]
            cues.append(Cue(i, i + n, cats))  # type: ignore[arg-type]
            i += n
        else:
            i += 1
    return cues
