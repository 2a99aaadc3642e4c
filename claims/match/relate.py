"""How a stored claim (the evidence) relates to a claim: supports, contradicts or unrelated, and why.

Pure functions over two strings; the word lists are data (``claims/data/lexicons/relations.toml``).

1. Normalise both and compare their content words: stop-words ignored; in Arabic the clitics و ف ب ل ك
   and the article stripped and derived forms matched by a rough root (يهبط / هبوط); another name of the
   same country counts as the same word (واشنطن / الأميركية, Kremlin / Russia). The share of words the
   two have in common is the ``score`` (0-100). Below :data:`RELATED` they are about different things:
   ``unrelated`` ("different topic").
2. Look for what makes two statements about the same thing disagree (:func:`_conflict`), in this order:

   * figures for the same thing that cannot both be true (10,000 vs 3,000 troops; digits, Arabic-Indic
     digits, number words such as ألف / آلاف / million; "more than", «نحو» widen a figure);
   * dates that differ (5 December vs 6 December 2024, 2018 vs 2019);
   * polarity: a negation (not, never, لم، لن، ليس، دون), a denial or negating verb (denied, refused,
     failed; نفى، رفض، فشل) or a word calling the statement false (hoax, «شائعة») on one side only,
     bearing on something both sides mention; or an antonym pair (ارتفاع / انخفاض, rise / fall). A
     negation that bears on the antonym word cancels the pair ("did not win" vs "lost"); one about
     something else does not;
   * a different member of a closed set in the same statement: another country, currency, commodity,
     company (انفجار في سوريا / في اليمن).

3. A fact-checker's ``rating`` of the stored claim decides next: rated false, the same statement is
   contradicted (and its negation supported); rated true, it is supported.
4. Evidence that only reports the statement (reportedly, allegedly, "X says", «أنباء عن», a yes/no
   question) takes no stance: ``unrelated``.
5. Otherwise the two are consistent: ``supports``, worded by score: "same statement" (:data:`SAME_STATEMENT`),
   "paraphrase" (:data:`PARAPHRASE`), or "same topic, nothing contradicts it". Corroboration should ask for
   a paraphrase (score >= :data:`PARAPHRASE`).
6. Arabic only: where the rules found nothing (step 5), a small learned model (a logistic regression over
   features of the pair, weights in ``claims/data/models/relate_ar.json``, trained on ANS train by
   ``bench/train_relate.py``) decides between supports and contradicts: a swapped actor, place or
   outcome the word lists do not know still reads as a paraphrase to the rules. It is scored in plain
   Python; ``learned=False`` keeps to the rules. See ``docs/relations.md``.

When nothing is found the answer is ``unrelated`` or a plain ``supports``; the rules never guess a
contradiction from a weak similarity alone (the learned model may, and says so). ``why`` says what was
found in plain words: "numbers differ: 10000 vs 3000 (troops)", "negation: 'did not send' vs 'sent'",
"antonyms: ارتفاع / انخفاض", "rated false by the fact-checker", "same statement (similarity 91)",
"learned model: wording differs in a way that signals contradiction (p=0.83; strongest: word only in the
evidence: «هدوء»)".
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib.resources import files

from rapidfuzz import fuzz, process

from claims import lang
from claims.errors import DataError
from claims.match.facts import (
    Cue,
    DateMention,
    Name,
    Quantity,
    Token,
    conflicting_dates,
    conflicting_quantities,
    find_antonym_words,
    find_dates,
    find_hedges,
    find_names,
    find_negations,
    find_quantities,
    format_quantity,
    is_yes_no_question,
    load_exclusive_sets,
    load_relation_lexicon,
    lookup_forms,
    rating_polarity,
    relation_languages,
    skeleton,
    swapped_names,
    tokenize,
)
from claims.text.normalize import script_of

SUPPORTS = "supports"
CONTRADICTS = "contradicts"
UNRELATED = "unrelated"
LABELS = (SUPPORTS, CONTRADICTS, UNRELATED)

#: Below this similarity (0-100) two statements are about different things: ``unrelated``. From it on,
#: two statements with nothing between them are consistent: ``supports``.
RELATED = 20.0
#: From this similarity on, a supporting statement is a paraphrase; below it, it is on the same topic
#: and nothing in it contradicts the claim. Corroboration should ask for a paraphrase.
PARAPHRASE = 50.0
#: From this similarity on, the two say the same thing in (nearly) the same words.
SAME_STATEMENT = 90.0
#: Similarity at which a near-spelled word counts as the same word (rapidfuzz ratio).
_NEAR_SPELLING = 80
#: Evidence longer than this many words is cut into sentences and the closest one is compared.
_LONG_EVIDENCE = 60
#: A negation bears on the next few content words.
_NEGATION_SCOPE = 3
#: Antonym words are paired by the content words up to this far from them.
_ANCHOR_REACH = 3
#: A negation cancels an antonym pair when the antonym word is one of the next two content words.
_CANCEL_REACH = 2
_SENTENCE_END = re.compile(r"(?<=[.!?؟\n])\s+")


@dataclass(frozen=True)
class Relation:
    """How evidence relates to a claim: ``label`` (supports | contradicts | unrelated), ``score`` the
    similarity of the two statements (0-100), ``why`` in plain words, and ``cue`` the kind of finding
    behind the label, for callers that weigh them: ``numbers``, ``dates``, ``polarity`` (negation,
    denial, antonyms, called false), ``names`` (another country, currency, company ... in the same
    statement), ``rating``, ``hedge``, ``similarity`` (nothing found: the score decides), ``learned``
    (nothing found; the learned model judged the pair a contradiction), ``topic`` (too different to
    compare), ``language``."""

    label: str
    score: float
    why: str
    cue: str = ""


class _Statement:
    """A statement analysed for comparison. Words, forms and names are read at once (similarity needs
    them); negations, antonyms, figures, dates and hedges only when asked for, since most candidates are
    about something else and stop at the similarity test. Treat as immutable."""

    def __init__(self, text: str, language: str) -> None:
        lex = load_relation_lexicon(language)
        self.text = text
        self.language = language
        self.toks: tuple[Token, ...] = tokenize(text, language)
        stop = lex.stopwords
        self.content: tuple[int, ...] = tuple(
            t.i for t in self.toks if t.norm not in stop and t.key not in stop
        )
        # the content words under each of their lookup forms, and (Arabic) under each of their rough roots
        # of 3 letters or more
        self.form_owners: dict[str, list[int]] = {}
        self.skeleton_owners: dict[str, list[int]] = {}
        for i in self.content:
            for f in lookup_forms(self.toks[i].norm, language):
                self.form_owners.setdefault(f, []).append(i)
            for sk in _skeletons(self.toks[i], language):
                self.skeleton_owners.setdefault(sk, []).append(i)
        self.forms: frozenset[str] = frozenset(self.form_owners)
        self.skeletons: frozenset[str] = frozenset(self.skeleton_owners)
        self.names: tuple[Name, ...] = tuple(find_names(self.toks, language))
        # token index -> (exclusive set, member) of the name it is part of
        self.members: dict[int, tuple[int, int]] = {
            k: (n.set, n.member) for n in self.names for k in range(n.start, n.end)
        }
        self.named: frozenset[tuple[int, int]] = frozenset(self.members.values())

    @cached_property
    def words(self) -> str:
        """The matching form as words joined by spaces (for character similarity)."""
        return " ".join(t.norm for t in self.toks)

    @cached_property
    def negations(self) -> tuple[Cue, ...]:
        return tuple(find_negations(self.toks, self.language))

    @cached_property
    def antonyms(self) -> tuple[Cue, ...]:
        return tuple(find_antonym_words(self.toks, self.language))

    @cached_property
    def dates(self) -> tuple[DateMention, ...]:
        return tuple(find_dates(self.toks, self.language))

    @cached_property
    def quantities(self) -> tuple[Quantity, ...]:
        in_dates = {k for d in self.dates for k in range(d.start, d.end)}
        return tuple(find_quantities(self.toks, self.language, exclude=in_dates))

    @cached_property
    def hedges(self) -> tuple[Cue, ...]:
        return tuple(find_hedges(self.toks, self.language))

    @cached_property
    def question(self) -> bool:
        return is_yes_no_question(self.text, self.toks, self.language)


@lru_cache(maxsize=4096)
def _analyse(text: str, language: str) -> _Statement:
    return _Statement(text, language)


def _skeletons(tok: Token, language: str) -> tuple[str, ...]:
    if tok.is_number or not lang.get(language).has_roots:
        return ()
    return _skeletons_of(tok.norm, language)


@lru_cache(maxsize=65536)
def _skeletons_of(norm: str, language: str) -> tuple[str, ...]:
    return tuple({sk for f in lookup_forms(norm, language) if len(sk := skeleton(f, language)) >= 3})


@lru_cache(maxsize=8192)
def _script(text: str) -> str:
    return script_of(text)


def _language(claim: str, evidence: str, language: str | None) -> str:
    """The language whose word lists apply: the one given ("ar", "ar-EG", "en") unless the claim is
    plainly written in another script; else the script of the claim (or evidence); else the default."""
    given = (language or "")[:2].lower()
    script = _script(claim) or _script(evidence)
    if given in relation_languages() and script in ("", given):
        return given
    return script or lang.DEFAULT


# --- similarity ---------------------------------------------------------------------------------------


def _matched(a: _Statement, b: _Statement) -> list[int]:
    """Content words of ``a`` found in ``b``: same word under clitics and endings, same rough root, another
    name of the same country (currency, company, ...), or a near spelling."""
    found: set[int] = set()
    for f in a.forms & b.forms:
        found.update(a.form_owners[f])
    if a.members and b.named:  # «واشنطن» / «الأميركي», "Kremlin" / "Russia": the same country
        found.update(i for i, member in a.members.items() if member in b.named)
    for sk in a.skeletons & b.skeletons:
        found.update(a.skeleton_owners[sk])
    b_keys = [b.toks[i].key for i in b.content]
    out = []
    for i in a.content:
        if i in found:
            out.append(i)
            continue
        tok = a.toks[i]  # a near spelling
        if len(tok.key) >= 4 and not tok.is_number and b_keys:
            if process.extractOne(tok.key, b_keys, scorer=fuzz.ratio, score_cutoff=_NEAR_SPELLING):
                out.append(i)
    return out


def _similarity(a: _Statement, b: _Statement) -> tuple[float, list[int], list[int]]:
    """0-100: how many content words the two share (Dice over soft matches), and which."""
    if not a.content or not b.content:
        return 0.0, [], []
    ma, mb = _matched(a, b), _matched(b, a)
    dice = (len(ma) + len(mb)) / (len(a.content) + len(b.content))
    return 100.0 * dice, ma, mb


def _closest_sentence(claim: _Statement, evidence: str, language: str) -> tuple[_Statement, float]:
    best: tuple[_Statement, float] | None = None
    for sentence in _SENTENCE_END.split(evidence):
        if not sentence.strip():
            continue
        st = _analyse(sentence, language)
        score = _similarity(claim, st)[0]
        if best is None or score > best[1]:
            best = (st, score)
    return best if best else (_analyse(evidence, language), 0.0)


# --- polarity -----------------------------------------------------------------------------------------


def _anchors(st: _Statement, cue: Cue) -> frozenset[str]:
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


def _antonym_pairs(a: _Statement, b: _Statement) -> list[tuple[Cue, Cue]]:
    """Antonym words that face each other. When each statement holds one side of a family (prices rose /
    prices fell), the two sides face each other. When a statement holds both (gold rose as the dollar
    fell), a word faces an opposite word of the other statement next to the same thing (gold fell), unless
    the other statement also has a same-side word next to it. A word takes part in one pair at most."""
    lex = load_relation_lexicon(a.language)
    pairs: list[tuple[Cue, Cue]] = []
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


def _negations(st: _Statement, used: set[int]) -> list[Cue]:
    """Negations of ``st`` that are not part of an antonym pair. A particle right before a negating verb
    negates the negation ("did not deny", «لم ينف»): the two cancel."""
    cues = [c for c in st.negations if c.start not in used]
    out: list[Cue] = []
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


def _same_word(x: Token, y: Token, language: str) -> bool:
    return bool(
        set(lookup_forms(x.norm, language)) & set(lookup_forms(y.norm, language))
        or set(_skeletons(x, language)) & set(_skeletons(y, language))
    )


def _cancel_shared(neg_a: list[Cue], neg_b: list[Cue], a: _Statement, b: _Statement) -> None:
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


def _match_in(tok: Token, language: str, other: _Statement) -> str:
    """The word of ``other`` that ``tok`` matches (same forms, same rough root, near spelling), or ""."""
    forms = set(lookup_forms(tok.norm, language))
    roots = set(_skeletons(tok, language))
    for i in other.content:
        cand = other.toks[i]
        if forms & set(lookup_forms(cand.norm, language)) or roots & set(_skeletons(cand, language)):
            return cand.norm
    keys = [other.toks[i].key for i in other.content]
    if keys and len(tok.key) >= 3 and not tok.is_number:
        hit = process.extractOne(tok.key, keys, scorer=fuzz.ratio, score_cutoff=70)
        if hit is not None:
            return str(hit[0])
    return ""


def _negated(st: _Statement, cue: Cue, other: _Statement) -> tuple[str, str]:
    """The negation with what it negates, and the word of ``other`` that says it plainly:
    ('did not send', 'sent'), ('لم ترسل', 'ارسلت'); the counterpart is "" when there is none."""
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
            return " ".join(t.norm for t in st.toks[start : i + 1]), there
    end = min(len(st.toks), cue.end + 1)
    return " ".join(t.norm for t in st.toks[start:end]), ""


@dataclass(frozen=True)
class _Polarity:
    contradicts: bool
    cues: int  # antonym pairs and negations that differ between the two sides
    reasons: tuple[str, ...]
    antonym_pairs: int = 0  # facing antonym pairs (not cancelled by a negation)


def _on_shared(st: _Statement, cue: Cue, shared: set[int], other: _Statement) -> bool:
    """Whether a negation bears on something both statements talk about: one of the next content words
    (what is negated, refused, failed) is shared, or belongs to an antonym family the other statement
    also uses («دون وقوع ضحايا» vs «مقتل 20»). "without the man's knowledge" does not bear on a statement
    that says nothing of his knowledge. Words that call the whole statement false always do."""
    if cue.kind == "debunk":
        return True
    following = [i for i in st.content if i >= cue.end][:_NEGATION_SCOPE]
    if any(i in shared for i in following):
        return True
    families = {c.family for c in other.antonyms}
    return any(c.family in families for c in st.antonyms if c.start in following)


def _polarity(a: _Statement, b: _Statement, shared_a: set[int], shared_b: set[int]) -> _Polarity:
    """Do the two statements point opposite ways? An antonym pair flips; so does a negation on one side
    only. A negation that bears on the antonym word of its own side cancels the pair: "did not win" vs
    "lost"; so does one that bears on what the other side's antonym word acts on: "rather than make
    arrests" vs "stop arresting". A negation about something else does not: in «حبس ناشط بتهمة نشر
    أخبار كاذبة» / «إخلاء سبيل الناشط» the antonyms still face each other. ``shared_a`` / ``shared_b``:
    the content words of each that the other also has."""
    pairs = _antonym_pairs(a, b)
    neg_a = [c for c in _negations(a, {ca.start for ca, _ in pairs}) if _on_shared(a, c, shared_a, b)]
    neg_b = [c for c in _negations(b, {cb.start for _, cb in pairs}) if _on_shared(b, c, shared_b, a)]
    _cancel_shared(neg_a, neg_b, a, b)
    facing: list[tuple[Cue, Cue]] = []
    cancelled: list[tuple[Cue, Cue, _Statement, Cue]] = []
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
    return _Polarity(contradicts, len(pairs) + negated, tuple(reasons), len(facing))


def _bears_on(st: _Statement, cue: Cue, other: _Statement, word: Cue) -> bool:
    """Whether a negation bears on what the other statement's antonym word acts on: "rather than make
    arrests" / "stop arresting"."""
    language = st.language
    negated: set[str] = set()
    for i in _next_content(st, cue, _CANCEL_REACH):
        negated.update(lookup_forms(st.toks[i].norm, language))
        negated.update("~" + sk for sk in _skeletons(st.toks[i], language))
    for anchor in _anchors(other, word):
        forms = (anchor,) if anchor.startswith("~") else lookup_forms(anchor, language)
        if negated.intersection(forms):
            return True
    return False


def _next_content(st: _Statement, cue: Cue, reach: int) -> list[int]:
    return [i for i in st.content if i >= cue.end][:reach]


def _negation_reason(st: _Statement, cue: Cue, other: _Statement, first: bool) -> str:
    word = {"denial": "denial", "debunk": "called false"}.get(cue.kind, "negation")
    here, there = _negated(st, cue, other)
    if there:
        left, right = (here, there) if first else (there, here)
        return f"{word}: '{left}' vs '{right}'"
    return f"{word}: '{here}' only in the {'claim' if first else 'evidence'}"


def _hedged(claim: _Statement, evidence: _Statement) -> str:
    """The hedge that makes the evidence a report or a possibility where the claim asserts, or ""."""
    if evidence.question and not claim.question:
        return "asked as a yes/no question"
    if evidence.hedges and not claim.hedges:
        return f"'{evidence.hedges[0].text}'"
    return ""


# --- the decision -------------------------------------------------------------------------------------


def relate(
    claim: str,
    evidence: str,
    language: str | None = None,
    rating: str | None = None,
    *,
    learned: bool = True,
) -> Relation:
    """How ``evidence`` (a stored claim, a sentence or a whole article) relates to ``claim``.

    ``language`` ("ar", "en") is guessed from the script when absent. ``rating`` is the fact-checker's
    verdict on the evidence when it is a fact-check record (false, misleading, true, زائف, ...).
    ``learned=False`` keeps to the rules (no learned model for Arabic, see :func:`learned_model`).

    >>> relate("Russia sent 10,000 troops to the border", "Russia sent 3,000 troops to the border").why
    'numbers differ: 10000 vs 3000 (troops)'
    >>> relate("ارتفاع أسعار النفط", "انخفاض أسعار النفط").why
    'antonyms: ارتفاع / انخفاض'
    """
    language = _language(claim, evidence, language)
    pair = _pair(claim, evidence, language)
    if isinstance(pair, Relation):
        return pair
    a, b, score, shared_a, shared_b = pair
    polarity = _polarity(a, b, set(shared_a), set(shared_b))
    cue, conflict = _conflict(a, b, language, polarity)
    verdict = rating_polarity(rating)
    if verdict == "false":
        if conflict and cue != "polarity":
            why = f"{conflict}; the stored claim is rated false: no conclusion"
            return Relation(UNRELATED, score, why, cue)
        if conflict:  # the claim says the opposite of a claim rated false
            return Relation(SUPPORTS, score, f"{conflict}; the stored claim is rated false", "rating")
        return Relation(CONTRADICTS, score, "rated false by the fact-checker", "rating")
    if verdict == "true":
        if conflict:
            return Relation(CONTRADICTS, score, f"{conflict}; the stored claim is rated true", cue)
        return Relation(SUPPORTS, score, "rated true by the fact-checker", "rating")
    if conflict:
        rule = Relation(CONTRADICTS, score, conflict, cue)
    elif hedge := _hedged(a, b):
        why = f"only reported, no stance: {hedge} (similarity {score:.0f})"
        rule = Relation(UNRELATED, score, why, "hedge")
    else:
        if score >= SAME_STATEMENT:
            kind = "same statement"
        elif score >= PARAPHRASE:
            kind = "paraphrase"
        else:
            kind = "same topic, nothing contradicts it"
        if polarity.cues:  # a negation and an antonym that cancel: "did not win" / "lost"
            kind += f" ({'; '.join(polarity.reasons)})"
        rule = Relation(SUPPORTS, score, f"{kind} (similarity {score:.0f})", "similarity")
    model = learned_model(language) if learned else None
    if model is None or not model.enabled or rule.cue not in model.decides:
        return rule
    if rule.cue == "similarity" and polarity.cues:
        return rule  # a negation and an antonym that cancel: a finding of the rules, kept
    features = _features(a, b, score, shared_a, shared_b, polarity, cue)
    return model.decide(rule, features, lambda name: _feature_words(a, b, shared_a, shared_b, name))


def _pair(
    claim: str, evidence: str, language: str
) -> Relation | tuple[_Statement, _Statement, float, list[int], list[int]]:
    """The two statements to compare (the closest sentence of a long evidence), their similarity and the
    content words each shares with the other; or the relation when they are not comparable (another
    script, another topic)."""
    if _script(evidence) and _script(claim) and _script(evidence) != _script(claim):
        return Relation(UNRELATED, 0.0, "different language: not compared", "language")
    a = _analyse(claim, language)
    if len(evidence) > 8 * _LONG_EVIDENCE or len(tokenize(evidence, language)) > _LONG_EVIDENCE:
        b, _ = _closest_sentence(a, evidence, language)
    else:
        b = _analyse(evidence, language)
    score, shared_a, shared_b = _similarity(a, b)
    score = round(score, 1)
    if score < RELATED:
        return Relation(UNRELATED, score, f"different topic (similarity {score:.0f})", "topic")
    return a, b, score, shared_a, shared_b


def _conflict(a: _Statement, b: _Statement, language: str, polarity: _Polarity) -> tuple[str, str]:
    """What makes the two statements disagree — (cue, why in plain words), or ("", ""): figures, dates,
    polarity (negations, denials, antonyms), or another member of a closed set in the same statement."""
    numbers = conflicting_quantities(a.quantities, b.quantities)
    if numbers:
        qa, qb = numbers
        unit = f" ({qa.unit or qb.unit})" if (qa.unit or qb.unit) and qa.unit != "%" else ""
        return "numbers", f"numbers differ: {format_quantity(qa)} vs {format_quantity(qb)}{unit}"
    dates = conflicting_dates(a.dates, b.dates)
    if dates:
        return "dates", f"dates differ: {dates[0]} vs {dates[1]}"
    if polarity.contradicts:
        return "polarity", "; ".join(polarity.reasons)
    swap = swapped_names(a.names, b.names)
    if swap:
        sets = load_exclusive_sets(language)
        x, y = (sets.display[n.set][n.member] for n in swap)
        return "names", f"different {sets.names[swap[0].set]}: {x} / {y}"
    return "", ""


def relate_many(
    claim: str, candidates: Sequence[str], language: str | None = None, ratings: Sequence[str | None] = ()
) -> list[Relation]:
    """:func:`relate` for each candidate (the claim is analysed once)."""
    ratings = list(ratings) + [None] * (len(candidates) - len(ratings))
    return [relate(claim, text, language, rating) for text, rating in zip(candidates, ratings, strict=False)]


# --- the learned model (Arabic) -----------------------------------------------------------------------
#
# Where the rules find nothing, a "changed detail" (another actor, place or outcome, an antonym the
# lexicon lacks) still reads as a paraphrase. A logistic regression trained on ANS train
# (bench/train_relate.py) weighs the features below to tell supports from contradicts among related
# Arabic pairs. The weights are data (claims/data/models/relate_ar.json); the score is computed here in
# plain Python.

#: The words only one statement has are hashed into this many buckets, per side.
HASH_BUCKETS = 256
_MODEL_FILES = {"ar": "models/relate_ar.json"}

#: Dense features, with what each means in plain words (for ``why``).
DENSE_FEATURES: dict[str, str] = {
    "similarity": "share of content words in common",
    "similarity_under_50": "similarity under 50",
    "similarity_under_70": "similarity under 70",
    "similarity_from_90": "similarity 90 or more",
    "char_ratio": "character similarity of the two texts",
    "token_set_ratio": "word-set similarity of the two texts",
    "claim_only_share": "share of claim words missing from the evidence",
    "evidence_only_share": "share of evidence words not in the claim",
    "claim_only_count": "claim words missing from the evidence",
    "evidence_only_count": "evidence words not in the claim",
    "substitution": "a word replaced by another",
    "length_ratio": "length ratio of the two",
    "evidence_longer": "evidence longer than the claim",
    "diff_char_overlap": "the differing words share letters",
    "diff_near_spelling": "a differing word is spelled like one on the other side",
    "rule_numbers": "numbers differ",
    "rule_dates": "dates differ",
    "rule_polarity": "opposite polarity",
    "rule_names": "another name of the same kind",
    "antonym_pairs": "antonyms facing each other",
    "polarity_cancel": "a negation and an antonym that cancel",
    "negation_claim": "negation in the claim",
    "negation_evidence": "negation in the evidence",
    "negating_claim": "negating verb in the claim",
    "negating_evidence": "negating verb in the evidence",
    "debunk_claim": "claim called false",
    "debunk_evidence": "evidence calls something false",
    "negation_asymmetry": "negation on one side only",
    "antonym_claim_only": "antonym family only in the claim",
    "antonym_evidence_only": "antonym family only in the evidence",
    "antonym_same_side": "the same direction on both sides",
    "names_claim_only": "a name or title only in the claim",
    "names_evidence_only": "a name or title only in the evidence",
    "numbers_claim": "figures in the claim",
    "numbers_evidence": "figures in the evidence",
    "numbers_one_side": "figures on one side only",
    "dates_one_side": "dates on one side only",
    "hedge_claim": "hedge in the claim",
    "hedge_evidence": "hedge in the evidence",
    "question_claim": "the claim is a question",
    "question_evidence": "the evidence is a question",
    "claim_length": "length of the claim",
}
_SIDES = ("claim_only", "evidence_only")


@cache
def feature_names() -> tuple[str, ...]:
    """Every feature the learned model reads, in the order of its weights."""
    hashed = tuple(f"{side}:{k}" for side in _SIDES for k in range(HASH_BUCKETS))
    return tuple(DENSE_FEATURES) + hashed


@lru_cache(maxsize=65536)
def _bucket(word: str) -> int:
    return zlib.crc32(word.encode("utf-8")) % HASH_BUCKETS


def _trigrams(words: Sequence[str]) -> set[str]:
    return {w[k : k + 3] for w in words for k in range(max(1, len(w) - 2))}


def _features(
    a: _Statement,
    b: _Statement,
    score: float,
    shared_a: Sequence[int],
    shared_b: Sequence[int],
    polarity: _Polarity,
    cue: str,
) -> dict[str, float]:
    """The features of a related pair (name -> value; zeros left out), from what :func:`relate` already
    found: the similarity, the words each side shares with the other, the polarity, the conflict."""
    out: dict[str, float] = {}
    n_a, n_b = len(a.content), len(b.content)
    only_a, only_b = _only(a, shared_a), _only(b, shared_b)
    antonyms_a = {(c.family, c.side) for c in a.antonyms}
    antonyms_b = {(c.family, c.side) for c in b.antonyms}
    families_a, families_b = {f for f, _ in antonyms_a}, {f for f, _ in antonyms_b}
    kinds_a, kinds_b = [c.kind for c in a.negations], [c.kind for c in b.negations]
    values = (
        ("similarity", score / 100),
        ("similarity_under_50", score < PARAPHRASE),
        ("similarity_under_70", score < 70),
        ("similarity_from_90", score >= SAME_STATEMENT),
        ("char_ratio", fuzz.ratio(a.words, b.words) / 100),
        ("token_set_ratio", fuzz.token_set_ratio(a.words, b.words) / 100),
        ("claim_only_share", 1 - len(shared_a) / n_a),
        ("evidence_only_share", 1 - len(shared_b) / n_b),
        ("claim_only_count", math.log1p(len(only_a))),
        ("evidence_only_count", math.log1p(len(only_b))),
        ("substitution", bool(only_a and only_b)),
        ("length_ratio", min(n_a, n_b) / max(n_a, n_b)),
        ("evidence_longer", n_b > n_a),
        (f"rule_{cue}", cue in ("numbers", "dates", "polarity", "names")),
        ("antonym_pairs", min(2, polarity.antonym_pairs)),
        ("polarity_cancel", bool(polarity.cues) and not polarity.contradicts),
        ("negation_claim", min(2, kinds_a.count("negation"))),
        ("negation_evidence", min(2, kinds_b.count("negation"))),
        ("negating_claim", min(2, kinds_a.count("denial") + kinds_a.count("negating"))),
        ("negating_evidence", min(2, kinds_b.count("denial") + kinds_b.count("negating"))),
        ("debunk_claim", "debunk" in kinds_a),
        ("debunk_evidence", "debunk" in kinds_b),
        ("negation_asymmetry", bool(kinds_a) != bool(kinds_b)),
        ("antonym_claim_only", min(2, len(families_a - families_b))),
        ("antonym_evidence_only", min(2, len(families_b - families_a))),
        ("antonym_same_side", min(2, len(antonyms_a & antonyms_b))),
        ("names_claim_only", min(2, len(a.named - b.named))),
        ("names_evidence_only", min(2, len(b.named - a.named))),
        ("numbers_claim", min(2, len(a.quantities))),
        ("numbers_evidence", min(2, len(b.quantities))),
        ("numbers_one_side", bool(a.quantities) != bool(b.quantities)),
        ("dates_one_side", bool(a.dates) != bool(b.dates)),
        ("hedge_claim", bool(a.hedges)),
        ("hedge_evidence", bool(b.hedges)),
        ("question_claim", a.question),
        ("question_evidence", b.question),
        ("claim_length", math.log1p(n_a) / 3),
    )
    for name, value in values:
        if value:
            out[name] = float(value)
    if only_a and only_b:
        keys_a, keys_b = [t.key for t in only_a], [t.key for t in only_b]
        grams_a, grams_b = _trigrams(keys_a), _trigrams(keys_b)
        if overlap := len(grams_a & grams_b):
            out["diff_char_overlap"] = overlap / len(grams_a | grams_b)
        best = max(process.extractOne(x, keys_b, scorer=fuzz.ratio)[1] for x in keys_a)
        if best:
            out["diff_near_spelling"] = best / 100
    for side, toks in zip(_SIDES, (only_a, only_b), strict=True):
        for tok in toks:
            out[f"{side}:{_bucket(tok.key)}"] = 1.0
    return out


def _only(st: _Statement, shared: Sequence[int]) -> list[Token]:
    """The content words (not figures) of ``st`` that the other statement does not have."""
    found = set(shared)
    return [st.toks[i] for i in st.content if i not in found and not st.toks[i].is_number]


def _feature_words(
    a: _Statement, b: _Statement, shared_a: Sequence[int], shared_b: Sequence[int], name: str
) -> str:
    """The words behind a feature, for ``why``: the hashed words of a bucket, the names, negations or
    antonym words a count is made of; "" when the feature is not about words."""
    side, _, bucket = name.partition(":")
    if side in _SIDES:
        st, shared = (a, shared_a) if side == "claim_only" else (b, shared_b)
        words = [t.norm for t in _only(st, shared) if str(_bucket(t.key)) == bucket]
    elif name.startswith("names_"):
        st, other = (a, b) if name == "names_claim_only" else (b, a)
        words = [n.text for n in st.names if (n.set, n.member) not in other.named]
    elif name.startswith("antonym_") and name.endswith("_only"):
        st, other = (a, b) if name == "antonym_claim_only" else (b, a)
        families = {c.family for c in other.antonyms}
        words = [c.text for c in st.antonyms if c.family not in families]
    elif name.startswith(("negation_", "negating_")):
        kinds = ("negation",) if name.startswith("negation_") else ("denial", "negating")
        st = a if name.endswith("_claim") else b if name.endswith("_evidence") else (a if a.negations else b)
        words = [c.text for c in st.negations if c.kind in kinds or name == "negation_asymmetry"]
    else:
        words = []
    return "، ".join(dict.fromkeys(words))


def pair_features(claim: str, evidence: str, language: str | None = None) -> dict[str, float]:
    """The learned model's features of a pair (name -> value, zeros left out), as :func:`relate` computes
    them; empty when the two are not comparable (another script, another topic). For training and tests."""
    language = _language(claim, evidence, language)
    pair = _pair(claim, evidence, language)
    if isinstance(pair, Relation):
        return {}
    a, b, score, shared_a, shared_b = pair
    polarity = _polarity(a, b, set(shared_a), set(shared_b))
    cue, _ = _conflict(a, b, language, polarity)
    return _features(a, b, score, shared_a, shared_b, polarity, cue)


@dataclass(frozen=True)
class LearnedModel:
    """A logistic regression over :func:`feature_names`: the probability that the evidence contradicts
    the claim. ``decides``: the rule findings (``Relation.cue``) it may overturn; ``threshold``: the
    probability from which it says contradicts; ``enabled``: whether :func:`relate` uses it at all."""

    weights: dict[str, float]
    intercept: float
    means: dict[str, float]
    threshold: float
    decides: frozenset[str]
    enabled: bool

    def probability(self, features: dict[str, float]) -> float:
        weights = self.weights
        z = self.intercept
        for name, value in features.items():
            if name in weights:
                z += weights[name] * value
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def strongest(self, features: dict[str, float], toward: float) -> str:
        """The present feature that pushes most toward contradicts (``toward`` 1) or supports (-1), measured
        from its mean on the training data: its name, or "" when none pushes that way."""
        best, label = 0.0, ""
        for name, value in features.items():
            push = toward * self.weights.get(name, 0.0) * (value - self.means.get(name, 0.0))
            if push > best:
                best, label = push, name
        return label

    def decide(self, rule: Relation, features: dict[str, float], words: Callable[[str], str]) -> Relation:
        """The relation once the model has weighed in on the rules' ``rule``; ``words`` gives the words
        behind a feature, for the why."""
        p = self.probability(features)
        contradicts = p >= self.threshold
        if contradicts and rule.label == CONTRADICTS:
            return Relation(
                CONTRADICTS, rule.score, f"{rule.why}; learned model agrees (p={p:.2f})", rule.cue
            )
        if not contradicts and rule.label == SUPPORTS:
            why = f"{rule.why}; learned model: no sign of contradiction (p={p:.2f})"
            return Relation(SUPPORTS, rule.score, why, rule.cue)
        name = self.strongest(features, 1.0 if contradicts else -1.0)
        if contradicts:
            why = f"learned model: wording differs in a way that signals contradiction (p={p:.2f}"
        else:
            why = f"learned model: consistent despite {rule.why} (p={p:.2f}"
        if name:
            why += f"; strongest: {_describe(name, words(name))}"
        return Relation(CONTRADICTS if contradicts else SUPPORTS, rule.score, why + ")", "learned")


def _describe(name: str, words: str) -> str:
    side, _, _ = name.partition(":")
    if side in _SIDES:
        return f"word only in the {'claim' if side == 'claim_only' else 'evidence'}: «{words}»"
    return DENSE_FEATURES.get(name, name) + (f": «{words}»" if words else "")


@cache
def learned_model(language: str) -> LearnedModel | None:
    """The learned model for ``language`` (only Arabic has one), or None when its file is absent."""
    name = _MODEL_FILES.get(language)
    if name is None:
        return None
    try:
        data = json.loads((files("claims") / "data" / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    names = data["features"]
    if tuple(names) != feature_names():
        raise DataError(f"package data file {name} was trained on other features; retrain it")
    return LearnedModel(
        weights={k: w for k, w in zip(names, data["coef"], strict=True) if w},
        intercept=float(data["intercept"]),
        means={k: m for k, m in zip(names, data["means"], strict=True) if m},
        threshold=float(data["threshold"]),
        decides=frozenset(data["decides"]),
        enabled=bool(data["enabled"]),
    )
