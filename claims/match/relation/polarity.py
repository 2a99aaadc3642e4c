"""Polarity: negations, denials, words calling a statement false, antonyms and hedges, found in a
statement's tokens, and whether two statements point opposite ways."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from claims import lang
from claims.lang.tokens import Token, lookup_forms, skeleton, skeletons, text_of, words
from claims.match.relation.lexicon import RelationLexicon, load_relation_lexicon
from claims.text.normalize import normalize

if TYPE_CHECKING:
    from claims.match.relation.statement import Statement

#: A negation bears on the next few content words.
_NEGATION_SCOPE = 3
#: Antonym words are paired by the content words up to this far from them.
_ANCHOR_REACH = 3
#: A negation cancels an antonym pair when the antonym word is one of the next two content words.
_CANCEL_REACH = 2
# Conjunctions that may stand between a word and its negated copy when written apart («أو غير»).
_COORDINATORS = frozenset({"و", "او", "أو", "and", "or"})


@dataclass(frozen=True)
class PolarityCue:
    """A lexicon word or phrase found at tokens ``start:end``."""

    kind: str  # negation | denial | negating | debunk | hedge | antonym
    start: int
    end: int
    text: str
    family: int = -1  # antonym family index
    side: str = ""  # antonym side: a | b


# --- finding cues in one statement --------------------------------------------------------------------


def find_negations(toks: Sequence[Token], language: str) -> list[PolarityCue]:
    """Negation particles, denial verbs, negating verbs (refuse, fail, ban, ...) and words that call the
    statement false (hoax, «شائعة»), left to right. Kinds: negation, denial, negating, debunk.

    >>> from claims.lang.tokens import tokenize
    >>> [c.text for c in find_negations(tokenize("The ministry did not confirm it", "en"), "en")]
    ['not']
    """
    lex = load_relation_lexicon(language)
    cues = []
    i = 0
    while i < len(toks):
        exception = lex.exceptions.match(toks, i, language, mode="particle")
        if exception:
            i += exception[0][0]
            continue
        bound = lex.numbers.bounds.match(toks, i, language)
        if bound and i + bound[0][0] < len(toks) and _is_figure(toks[i + bound[0][0]], lex):
            i += bound[0][0]  # «لا يقل عن 300», "no fewer than 300": a bound, read with the number
            continue
        found = lex.negation.match(toks, i, language, mode="particle")
        if not found:
            found = lex.negating.match(toks, i, language, mode="particle")
        if not found and not _has_article(toks[i], language):
            found = lex.negating.match(toks, i, language)
        if found:
            n, kind = found[0]
            if kind == "negation" and i + n < len(toks) and _is_figure(toks[i + n], lex):
                i += n  # «دون 74 دولارا», «دون الألف», "under 500": a bound, read with the number
                continue
            if kind == "negation" and _both_ways(toks, i, n):
                i += n  # «عسكرية وغير عسكرية», "official or not official": every kind, not a negation
                continue
            if _continues(toks, i, n, cues, lex.continues):
                i += n  # «لم تؤكد موسكو ولا بيونغ يانغ»: the same negation, going on
                continue
            cues.append(PolarityCue(str(kind), i, i + n, text_of(toks, i, i + n)))
            i += n
        else:
            i += 1
    return cues


def _is_figure(tok: Token, lex: RelationLexicon) -> bool:
    nums = lex.numbers
    return tok.is_number or any(
        f in nums.words or f in nums.multipliers or f in nums.duals for f in tok.forms
    )


#: A continuing negation («ولا», "nor") belongs to a negation at most this many tokens before it.
_CONTINUE_REACH = 8


def _continues(
    toks: Sequence[Token], i: int, n: int, cues: list[PolarityCue], continuing: frozenset[str]
) -> bool:
    """Whether the negation at ``toks[i:i + n]`` («ولا», "nor") goes on with a negation just before it."""
    return (
        n == 1
        and toks[i].norm in continuing
        and bool(cues)
        and cues[-1].kind == "negation"
        and i - cues[-1].end < _CONTINUE_REACH
    )


def _both_ways(toks: Sequence[Token], i: int, n: int) -> bool:
    """Whether the negation at ``toks[i:i + n]`` sits between a word and the same word («مباشرة وغير
    مباشرة», "official or not official"): the pair means both kinds, and negates neither."""
    if i + n >= len(toks):
        return False
    before = i - 1
    if before >= 1 and toks[before].norm in _COORDINATORS:
        before -= 1
    return before >= 0 and toks[before].norm == toks[i + n].norm and not toks[before].is_number


def _has_article(tok: Token, language: str) -> bool:
    """A noun with the article («التوقف», «الإلغاء») names an event; it does not negate a predicate."""
    article = lang.get(language).clitics.article
    return bool(article) and any(f.startswith(article) for f in tok.forms[:3] if len(f) > 3)


def find_hedges(toks: Sequence[Token], language: str) -> list[PolarityCue]:
    """Words that make a statement a report or a possibility: reportedly, may, claims, «ربما», «أنباء عن».

    >>> from claims.lang.tokens import tokenize
    >>> [c.text for c in find_hedges(tokenize("Russia may have sent troops", "en"), "en")]
    ['may']
    """
    hedges = load_relation_lexicon(language).hedges
    return [
        PolarityCue("hedge", i, i + n, text_of(toks, i, i + n))
        for i, n, _ in hedges.scan(toks, language, "particle")
    ]


def is_yes_no_question(text: str, toks: Sequence[Token], language: str) -> bool:
    """Whether ``text`` asks if something is so ("Is X dead?", «هل ...؟»), anywhere after a headline
    colon: «الليرة: هل ...؟»."""
    if not text.rstrip().endswith(("?", "؟")) and not (toks and toks[0].norm in ("هل",)):
        return False
    openers = load_relation_lexicon(language).question_openers
    clause = normalize(text).rsplit(":", 1)[-1]
    first = words(clause)
    return bool(first) and first[0] in openers


def find_antonym_words(toks: Sequence[Token], language: str) -> list[PolarityCue]:
    """Every word of an antonym family, with the family index and side (a or b)."""
    lex = load_relation_lexicon(language)
    cues = []
    for i in range(len(toks)):
        found = lex.antonyms.match(toks, i, language)
        seen = set()
        for n, payload in found:
            if n != found[0][0]:
                break  # only the longest phrases at this position
            for family, side in payload:  # type: ignore[attr-defined]
                if (family, side) not in seen:
                    seen.add((family, side))
                    cues.append(PolarityCue("antonym", i, i + n, text_of(toks, i, i + n), family, side))
    return cues


# --- antonyms facing each other -----------------------------------------------------------------------


def _anchors(st: Statement, cue: PolarityCue) -> frozenset[str]:
    """The content words near an antonym word, in its own clause (up to three words either side): what
    rises or falls. A word of the clause-break list («مع», "as", "and") or a «و»-joined word ends the
    clause."""
    breaks = load_relation_lexicon(st.language).clause_breaks
    cue_words = {c.start for c in st.antonyms if c.family == cue.family}
    content = set(st.content)
    window: list[int] = []
    for step, stop in (
        (-1, max(-1, cue.start - 1 - _ANCHOR_REACH)),
        (1, min(len(st.toks), cue.end + _ANCHOR_REACH)),
    ):
        i = cue.start - 1 if step < 0 else cue.end
        while i != stop:
            tok = st.toks[i]
            if tok.norm in breaks:
                break
            window.append(i)
            if step > 0 and tok.norm.startswith("و") and "و" in breaks and tok.forms[1:2] and i > cue.end:
                break  # «وهبوط»: the next clause starts here
            i += step
    out: set[str] = set()
    for i in window:
        if i in content and i not in cue_words:
            tok = st.toks[i]
            out.add(tok.key)
            if len(sk := skeleton(tok.key, st.language)) >= 3:
                out.add("~" + sk)
    return frozenset(out)


def _antonym_pairs(a: Statement, b: Statement) -> list[tuple[PolarityCue, PolarityCue]]:
    """Antonym words that face each other. When each statement holds one side of a family (prices rose /
    prices fell), the two sides face each other. When a statement holds both (gold rose as the dollar
    fell), a word faces an opposite word of the other statement next to the same thing (gold fell), unless
    the other statement also has a same-side word next to it. A word takes part in one pair at most."""
    lex = load_relation_lexicon(a.language)
    pairs: list[tuple[PolarityCue, PolarityCue]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    families = {c.family for c in a.antonyms} & {c.family for c in b.antonyms}
    for family in sorted(families):
        in_a = [c for c in a.antonyms if c.family == family]
        in_b = [c for c in b.antonyms if c.family == family]
        sides_a, sides_b = {c.side for c in in_a}, {c.side for c in in_b}
        if len(sides_a) == 1 and len(sides_b) == 1:
            if sides_a == sides_b:
                continue
            ca = next((c for c in in_a if c.start not in used_a), None)
            cb = next((c for c in in_b if c.start not in used_b), None)
            if ca is not None and cb is not None:
                used_a.add(ca.start)
                used_b.add(cb.start)
                pairs.append((ca, cb))
            continue
        if family not in lex.anchored:
            continue
        anchors_b = [(c, _anchors(b, c)) for c in in_b]
        for ca in in_a:
            if ca.start in used_a:
                continue
            mine = _anchors(a, ca)
            if any(c.side == ca.side and mine & anc for c, anc in anchors_b):
                continue  # the other statement says the same of the same thing
            cb = next(
                (c for c, anc in anchors_b if c.side != ca.side and c.start not in used_b and mine & anc),
                None,
            )
            if cb is not None:
                used_a.add(ca.start)
                used_b.add(cb.start)
                pairs.append((ca, cb))
    return pairs


# --- negations on one side only -----------------------------------------------------------------------


def _negations(st: Statement, used: set[int]) -> list[PolarityCue]:
    """Negations of ``st`` that are not part of an antonym pair. A particle right before a negating verb
    negates the negation ("did not deny", «لم ينف»): the two cancel."""
    cues = [c for c in st.negations if c.start not in used]
    out: list[PolarityCue] = []
    k = 0
    while k < len(cues):
        cue = cues[k]
        nxt = cues[k + 1] if k + 1 < len(cues) else None
        if nxt and cue.kind == "negation" and nxt.kind != "negation" and nxt.start - cue.end <= 1:
            k += 2
            continue
        out.append(cue)
        k += 1
    return out


def effective_negations(st: Statement) -> list[PolarityCue]:
    """The negations of ``st`` once a particle before a negating verb has cancelled it ("did not deny")."""
    return _negations(st, set())


def _same_word(x: Token, y: Token, language: str) -> bool:
    return bool(
        set(lookup_forms(x.norm, language)) & set(lookup_forms(y.norm, language))
        or set(skeletons(x, language)) & set(skeletons(y, language))
    )


def _cancel_shared(neg_a: list[PolarityCue], neg_b: list[PolarityCue], a: Statement, b: Statement) -> None:
    """The same negation on both sides («لم» / «لم», refused / refuses) says the same thing: drop both.
    A negating verb is also cancelled when the other statement uses the same verb in any form, negating
    or not: «تعلق» / «تعليق», «يتراجع عن» / «تراجع», «تمنع» / «ممنوعون». When both sides deny the same
    thing, words calling it false on one side only take the same stance: «نفى الكرملين إرسال جنود» /
    «نفى الكرملين إرسال جنود ووصف التقارير بأنها مزيفة»."""
    both_deny = False
    for cue in list(neg_a):
        word = a.toks[cue.start]
        twin = next((c for c in neg_b if _same_word(word, b.toks[c.start], a.language)), None)
        if twin is not None:
            neg_a.remove(cue)
            neg_b.remove(twin)
            both_deny = both_deny or cue.kind in ("denial", "debunk")
    if both_deny:
        neg_a[:] = [c for c in neg_a if c.kind != "debunk"]
        neg_b[:] = [c for c in neg_b if c.kind != "debunk"]
    for negs, st, other in ((neg_a, a, b), (neg_b, b, a)):
        for cue in list(negs):
            if cue.kind == "negation":
                continue
            word = st.toks[cue.start]
            if any(_same_word(word, other.toks[i], st.language) for i in other.content):
                negs.remove(cue)


def _match_in(tok: Token, language: str, other: Statement) -> str:
    """The word of ``other`` that ``tok`` matches (same forms, same rough root, near spelling), or ""."""
    forms = set(lookup_forms(tok.norm, language))
    roots = set(skeletons(tok, language))
    for i in other.content:
        cand = other.toks[i]
        if forms & set(lookup_forms(cand.norm, language)) or roots & set(skeletons(cand, language)):
            return cand.norm
    keys = [other.toks[i].key for i in other.content]
    if keys and len(tok.key) >= 3 and not tok.is_number:
        hit = process.extractOne(tok.key, keys, scorer=fuzz.ratio, score_cutoff=70)
        if hit is not None:
            return str(hit[0])
    return ""


@dataclass(frozen=True)
class Negated:
    """A negation with what it negates (``here``: 'did not send', 'لم ترسل') and the word of the other
    statement that says it plainly (``there``: 'sent', 'ارسلت'; "" when there is none)."""

    here: str
    there: str


def _negated(st: Statement, cue: PolarityCue, other: Statement) -> Negated:
    start = cue.start
    # English auxiliaries before 'not' read better with the cue: "did not send"
    if (
        cue.kind == "negation"
        and start > 0
        and st.toks[start - 1].norm in load_relation_lexicon(st.language).auxiliaries
    ):
        start -= 1
    scope = [i for i in st.content if i >= cue.end][:_NEGATION_SCOPE]
    for i in scope:
        there = _match_in(st.toks[i], st.language, other)
        if there:
            return Negated(text_of(st.toks, start, i + 1), there)
    end = min(len(st.toks), cue.end + 1)
    return Negated(text_of(st.toks, start, end), "")


def _on_shared(
    st: Statement, cue: PolarityCue, shared: set[int], other: Statement, strict: bool = False
) -> bool:
    """Whether a negation bears on something both statements talk about: one of the next content words
    (what is negated, refused, failed) is shared, or belongs to an antonym family the other statement
    also uses («دون وقوع ضحايا» vs «مقتل 20»). "without the man's knowledge" does not bear on a statement
    that says nothing of his knowledge. Words that call the whole statement false always do."""
    if cue.kind == "debunk":
        return True
    following = [i for i in st.content if i >= cue.end][:_NEGATION_SCOPE]
    # strict: only words both have in the same form or root, and no names: a shared name after the
    # negation is who acts, not what is negated («لم تؤكد موسكو» says nothing against a statement about
    # Moscow that says nothing of confirming), and a near spelling may be another word (رسميا / روسيا)
    if strict:
        shared = _firmly_shared(st, other) - set(st.members)
    if any(i in shared for i in following):
        return True
    families = {c.family for c in other.antonyms}
    return any(c.family in families for c in st.antonyms if c.start in following)


def _firmly_shared(st: Statement, other: Statement) -> set[int]:
    """Content words of ``st`` that ``other`` has in the same form or with the same rough root."""
    out: set[int] = set()
    for f in st.forms & other.forms:
        out.update(st.form_owners[f])
    for sk in st.skeletons & other.skeletons:
        out.update(st.skeleton_owners[sk])
    return out


def _bears_on(st: Statement, cue: PolarityCue, other: Statement, word: PolarityCue) -> bool:
    """Whether a negation bears on what the other statement's antonym word acts on: "rather than make
    arrests" / "stop arresting"."""
    language = st.language
    negated: set[str] = set()
    for i in _next_content(st, cue, _CANCEL_REACH):
        negated.update(lookup_forms(st.toks[i].norm, language))
        negated.update("~" + sk for sk in skeletons(st.toks[i], language))
    for anchor in _anchors(other, word):
        forms = (anchor,) if anchor.startswith("~") else lookup_forms(anchor, language)
        if negated.intersection(forms):
            return True
    return False


def _next_content(st: Statement, cue: PolarityCue, reach: int) -> list[int]:
    return [i for i in st.content if i >= cue.end][:reach]


def _negation_reason(st: Statement, cue: PolarityCue, other: Statement, first: bool) -> str:
    word = {"denial": "denial", "debunk": "called false"}.get(cue.kind, "negation")
    negated = _negated(st, cue, other)
    if negated.there:
        left, right = (negated.here, negated.there) if first else (negated.there, negated.here)
        return f"{word}: '{left}' vs '{right}'"
    return f"{word}: '{negated.here}' only in the {'claim' if first else 'evidence'}"


# --- the two statements' polarity ---------------------------------------------------------------------


@dataclass(frozen=True)
class Polarity:
    contradicts: bool
    cues: int  # antonym pairs and negations that differ between the two sides
    reasons: tuple[str, ...]
    antonym_pairs: int = 0  # facing antonym pairs (not cancelled by a negation)


def polarity(
    a: Statement, b: Statement, shared_a: set[int], shared_b: set[int], strict: bool = False
) -> Polarity:
    """Do the two statements point opposite ways? An antonym pair flips; so does a negation on one side
    only. A negation that bears on the antonym word of its own side cancels the pair: "did not win" vs
    "lost"; so does one that bears on what the other side's antonym word acts on: "rather than make
    arrests" vs "stop arresting". A negation about something else does not: in «حبس ناشط بتهمة نشر
    أخبار كاذبة» / «إخلاء سبيل الناشط» the antonyms still face each other. ``shared_a`` / ``shared_b``:
    the content words of each that the other also has. ``strict``: a negation bears on a shared word
    that is not a name (for statements that may be about different events)."""
    if not_confirmed(a, b):
        return Polarity(False, 0, ())
    pairs = _antonym_pairs(a, b)
    neg_a = [c for c in _negations(a, {ca.start for ca, _ in pairs}) if _on_shared(a, c, shared_a, b, strict)]
    neg_b = [c for c in _negations(b, {cb.start for _, cb in pairs}) if _on_shared(b, c, shared_b, a, strict)]
    _cancel_shared(neg_a, neg_b, a, b)
    facing: list[tuple[PolarityCue, PolarityCue]] = []
    cancelled: list[tuple[PolarityCue, PolarityCue, Statement, PolarityCue]] = []
    for ca, cb in pairs:
        hit = next(
            (
                (st, negs, n)
                for st, negs, word, ost, oword in ((a, neg_a, ca, b, cb), (b, neg_b, cb, a, ca))
                for n in negs
                if word.start in _next_content(st, n, _CANCEL_REACH) or _bears_on(st, n, ost, oword)
            ),
            None,
        )
        if hit is None:
            facing.append((ca, cb))
        else:
            st, negs, n = hit
            negs.remove(n)
            cancelled.append((ca, cb, st, n))
    reasons = [f"antonyms: {ca.text} / {cb.text}" for ca, cb in facing]
    negated = bool(neg_a) != bool(neg_b)
    if negated:
        st, other, negs, first = (a, b, neg_a, True) if neg_a else (b, a, neg_b, False)
        reasons += [_negation_reason(st, cue, other, first) for cue in negs]
    contradicts = bool(facing) or negated
    if not contradicts:  # what cancelled, for the why of a paraphrase
        for ca, cb, st, n in cancelled:
            reasons.append(f"antonyms: {ca.text} / {cb.text}")
            reasons.append(_negation_reason(st, n, b if st is a else a, st is a))
    return Polarity(contradicts, len(pairs) + negated, tuple(reasons), len(facing))


#: A negation bears on a verb of confirming among its next this many content words that are not names
#: («لم تؤكد موسكو», "Neither Moscow nor Pyongyang has officially confirmed").
_CONFIRM_REACH = 2


def confirmation(st: Statement) -> tuple[str, str]:
    """Whether a statement speaks of confirming something: ("unconfirmed", words) when a negation bears on
    a verb of confirming («لم تؤكد موسكو», "has not confirmed", "could not be verified"); ("confirmed",
    word) when such a verb stands without one; ("", "") otherwise.

    >>> from claims.match.relation.statement import analyse
    >>> confirmation(analyse("لم تؤكد موسكو وجود الجنود", "ar")), confirmation(analyse("أكدت موسكو وجود الجنود", "ar"))
    (('unconfirmed', 'لم توكد'), ('confirmed', 'اكدت'))
    """
    lex = load_relation_lexicon(st.language)
    in_names = {k for n in st.names for k in range(n.start, n.end)}
    verbs = [k for k in st.content if lex.unconfirmed.match(st.toks, k, st.language, mode="word")]
    for i in range(len(st.toks) - 1):
        if not lex.negation.match(st.toks, i, st.language, mode="particle"):
            continue
        reach = [k for k in st.content if k > i and k not in in_names][:_CONFIRM_REACH]
        hit = next((k for k in reach if k in verbs), None)
        if hit is not None:
            return "unconfirmed", text_of(st.toks, i, hit + 1)
    if verbs:
        return "confirmed", st.toks[verbs[0]].norm
    return "", ""


def not_confirmed(a: Statement, b: Statement) -> str:
    """What says, on one side, that the thing is not confirmed when the other side neither says so nor
    speaks of confirming it at all («لم تؤكد موسكو …» against a denial or a report), or "": the two take
    no stance on each other. Against "confirmed" the two are compared as usual."""
    (ka, wa), (kb, wb) = confirmation(a), confirmation(b)
    if "unconfirmed" in (ka, kb) and not {ka, kb} & {"confirmed"} and ka != kb:
        return f"'{wa or wb}' (not confirmed)"
    return ""


def negates_a_shared_word(a: Statement, b: Statement) -> bool:
    """Whether a negation on one side bears directly on a word both statements hold in the same form or
    root, not a name («لم يستهدف» / «استهدف», "did not target" / "targeted"), and the two point opposite
    ways read strictly: the same act said and unsaid, not a negation elsewhere in two different
    statements («لن تقبل بتهديد» / «تعتبره تهديدا»)."""
    shared_a, shared_b = _firmly_shared(a, b), _firmly_shared(b, a)
    for st, shared in ((a, shared_a), (b, shared_b)):
        firm = shared - set(st.members)
        for cue in _negations(st, set()):
            if cue.kind == "debunk":
                continue
            following = _next_content(st, cue, 1)
            if following and following[0] in firm:
                return polarity(a, b, shared_a, shared_b, strict=True).contradicts
    return False


def hedged(claim: Statement, evidence: Statement) -> str:
    """The hedge that makes the evidence a report or a possibility where the claim asserts, or ""."""
    if evidence.question and not claim.question:
        return "asked as a yes/no question"
    if evidence.hedges and not claim.hedges:
        return f"'{evidence.hedges[0].text}'"
    return ""
