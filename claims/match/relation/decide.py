"""The decision: how evidence relates to a claim (supports, contradicts, unrelated) and why, from the
similarity, the conflicts found (figures, dates, polarity, names), a fact-checker's rating, hedges and,
in Arabic, the learned model. The steps are in docs/relations.md."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from claims import lang
from claims.lang.tokens import words
from claims.match.relation.dates import conflicting_dates
from claims.match.relation.facts import compare_across
from claims.match.relation.lexicon import relation_languages
from claims.match.relation.model import LearnedModel, describe, feature_words, features, learned_model
from claims.match.relation.names import Name, load_exclusive_sets, swapped_names
from claims.match.relation.polarity import Polarity, hedged, not_confirmed, polarity
from claims.match.relation.quantities import conflicting_quantities, format_quantity
from claims.match.relation.similarity import PARAPHRASE, RELATED, SAME_STATEMENT, Pair, compare
from claims.match.relation.statement import Statement, analyse
from claims.resources import load_toml
from claims.text.normalize import normalize, script_of

SUPPORTS = "supports"
CONTRADICTS = "contradicts"
UNRELATED = "unrelated"
LABELS = (SUPPORTS, CONTRADICTS, UNRELATED)


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


#: Encoder cosine (``claims.encoder``) from which two statements are about the same event or state:
#: across languages, the same statement; in one language, a found conflict may be a dispute.
SAME_EVENT = 0.55
#: Below this cosine two statements are about different things, whatever names they share.
OTHER_TOPIC = 0.3
#: Each name, figure or date two statements in different languages share adds this to their cosine when
#: judging whether they tell the same event (two of them are needed).
SHARED_FACT = 0.1
#: In one language, a conflict the rules found is a dispute only from this cosine on: below it the two
#: statements are about different things and a negation in one of them is not about the other.
SAME_EVENT_ONE_LANGUAGE = 0.3
#: The learned model was trained on ANS: a headline against the same headline with one detail changed. It
#: is asked only about pairs of that shape: word similarity (``Pair.score``) and, when given, cosine at
#: least the 5th percentile, and a length ratio (longer / shorter, in words) at most the 95th percentile,
#: of the ANS train contradictions it gets right. A line of an article against a claim seldom is.
#: An antonym pair alone (no negation) between two statements that share few words and are apart in
#: meaning is about different things («فصائل المعارضة» / «بمساندة التحالف»): no dispute below both bars.
#: The cosine is the 5th percentile of the ANS train contradictions relate() gets right; the word
#: similarity is under their 5th percentile (33), which takes ANS dev below 0.77.
ANTONYMS_MIN_SIMILARITY = 0.45
ANTONYMS_MIN_SCORE = 30.0
LEARNED_MIN_SCORE = 33.0
LEARNED_MIN_SIMILARITY = 0.45
LEARNED_MAX_LENGTH_RATIO = 2.0
#: ... and at most this many content words on one side only (claim and evidence together): the 95th
#: percentile of ANS train contradictions (a headline with a detail changed differs in a few words; a
#: reworded paraphrase, or another line of the same article, in many).
LEARNED_MAX_DIFFERING = 9
#: Evidence longer than the claim (in words, this ratio; 2.0 removed 8 false realistic contradictions, 1.0
#: and 0.0 21 each) is cut into sentences and clauses, and a conflict counts only when found in the part
#: closest to the claim in words ...
LOCAL_LENGTH_RATIO = 1.0
#: ... when it has at least this many words: longer than every ANS train evidence (at most 21 words), the
#: 95th percentile of Emergent headlines (20) and our paraphrase and cross-language pairs (at most 24):
#: headlines, whose clauses all state the claim ("X dead? Another hoax"), are compared whole.
LOCAL_MIN_WORDS = 25
#: A closest part with fewer words in common with the claim than this is about something else: same topic,
#: never a dispute (the 5th percentile of word similarity of the ANS train contradictions, as for the model).
LOCAL_MIN_SCORE = LEARNED_MIN_SCORE
#: Where a long evidence is cut: sentence ends, and commas, semicolons and colons between clauses (not
#: inside a figure, 3,000, or a time, 00 : 37).
_PART_BREAK = re.compile(r"(?<=[.!?؟])\s+|\s*[\n؛;]\s*|\s*[،,:]\s+(?!\d)")
#: A part shorter than this many words is joined to the one before it.
_MIN_PART_WORDS = 3


@dataclass(frozen=True)
class Conflict:
    """What makes two statements disagree: ``cue`` (numbers, dates, polarity, names) and ``why``."""

    cue: str
    why: str


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


@cache
def rating_words() -> dict[str, str]:
    """Normalised fact-check rating → "false" | "true" | "mixed"."""
    data = load_toml("lexicons/relations.toml")["ratings"]
    return {normalize(w): side for side in ("false", "true", "mixed") for w in data.get(side, [])}


def rating_polarity(rating: str | None) -> str | None:
    """ "false" or "true" for a fact-checker's verdict, None when it is mixed, unknown or absent.

    >>> rating_polarity("Mostly False"), rating_polarity("مضلل"), rating_polarity("Half True")
    ('false', 'false', None)
    """
    if not rating:
        return None
    norm = normalize(rating).strip(" .!\"'")
    table = rating_words()
    side = table.get(norm)
    if side is None:
        # "False, and misleading" / "زائف: الصورة قديمة": the verdict comes first.
        first = words(norm)
        for n in range(min(4, len(first)), 0, -1):
            side = table.get(" ".join(first[:n]))
            if side:
                break
    return side if side in ("false", "true") else None


def _side(text: str, given: str | None) -> str:
    """A text's language: the one given unless the text is plainly written in another script."""
    code, script = (given or "")[:2].lower(), _script(text)
    return code if code and script in ("", code) else script or code


def _other_language(
    claim: str, evidence: str, language: str | None, evidence_language: str | None
) -> tuple[str, str] | None:
    """(the claim's language, the evidence's) when the two are in different languages, else None."""
    mine, theirs = _side(claim, language), _side(evidence, evidence_language)
    return (mine, theirs) if mine and theirs and mine != theirs else None


def _not_comparable(claim: str, evidence: str) -> Relation | None:
    if _script(evidence) and _script(claim) and _script(evidence) != _script(claim):
        return Relation(UNRELATED, 0.0, "different language: not compared", "language")
    return None


def _language_name(code: str) -> str:
    try:
        return lang.get(code).name
    except lang.UnsupportedLanguage:
        return code


def _across(
    claim: str, evidence: str, language: str, evidence_language: str, similarity: float, rating: str | None
) -> Relation:
    """The relation of evidence in another language, from the encoder's cosine and the facts that read the
    same in both (names, figures, dates, negation): the same event or state, told the same way or not."""
    a, b = analyse(claim, language), analyse(evidence, evidence_language)
    score = round(100 * max(0.0, similarity), 1)
    where = f"in {_language_name(evidence_language)}"
    facts = compare_across(a, b)
    shared = facts.shared
    if similarity >= SAME_EVENT:
        kind = f"same statement {where} (similarity {similarity:.2f})"
    elif (
        similarity >= OTHER_TOPIC
        and len(shared) >= 2
        and similarity + SHARED_FACT * len(shared) >= SAME_EVENT
    ):
        kind = f"same event {where} (similarity {similarity:.2f}; both name {', '.join(shared[:3])})"
    elif similarity < OTHER_TOPIC:
        return Relation(UNRELATED, score, f"different topic {where} (similarity {similarity:.2f})", "topic")
    else:
        why = f"related but not the same statement {where} (similarity {similarity:.2f})"
        return Relation(UNRELATED, score, why, "topic")
    conflict = Conflict(facts.cue, facts.why) if facts.cue else None
    if unasserted := not_confirmed(a, b):
        if conflict and conflict.cue == "polarity":
            conflict = None
        if not conflict:
            return Relation(UNRELATED, score, f"{kind}; only reported, no stance: {unasserted}", "hedge")
    if rated := _rated(rating, score, conflict):
        return replace(rated, why=f"{kind}; {rated.why}")
    if conflict:
        return Relation(CONTRADICTS, score, f"{kind}; {conflict.why}", conflict.cue)
    if hedge := hedged(a, b):
        return Relation(UNRELATED, score, f"{kind}; only reported, no stance: {hedge}", "hedge")
    return Relation(SUPPORTS, score, kind, "similarity")


def _off_topic(pair: Pair) -> Relation | None:
    if pair.score < RELATED:
        return Relation(UNRELATED, pair.score, f"different topic (similarity {pair.score:.0f})", "topic")
    return None


def _outside_dates(st: Statement) -> list[Name]:
    """The names of a statement that are not part of a date: «الأول» of «كانون الأول» or of «الأول من
    نوفمبر» is a month or a day, compared as a date, not an ordinal."""
    in_dates = {k for d in st.dates for k in range(d.start, d.end)}
    return [n for n in st.names if not in_dates.intersection(range(n.start, n.end))]


def _conflict(pair: Pair, language: str, found: Polarity) -> Conflict | None:
    """What makes the two statements disagree, in this order: figures, dates, polarity (negations,
    denials, antonyms), another member of a closed set in the same statement; None when nothing does."""
    a, b = pair.claim, pair.evidence
    numbers = conflicting_quantities(a.quantities, b.quantities)
    if numbers:
        qa, qb = numbers
        unit = f" ({qa.unit or qb.unit})" if (qa.unit or qb.unit) and qa.unit != "%" else ""
        return Conflict("numbers", f"numbers differ: {format_quantity(qa)} vs {format_quantity(qb)}{unit}")
    dates = conflicting_dates(a.dates, b.dates)
    if dates:
        return Conflict("dates", f"dates differ: {dates[0]} vs {dates[1]}")
    if found.contradicts:
        return Conflict("polarity", "; ".join(found.reasons))
    swap = swapped_names(_outside_dates(a), _outside_dates(b))
    if swap:
        sets = load_exclusive_sets(language)
        x, y = (sets.display[n.set][n.member] for n in swap)
        return Conflict("names", f"different {sets.names[swap[0].set]}: {x} / {y}")
    return None


def _parts(evidence: str) -> list[str]:
    """The sentences and clauses of an evidence, each of at least ``_MIN_PART_WORDS`` words."""
    parts: list[str] = []
    for piece in _PART_BREAK.split(evidence):
        if not piece.strip():
            continue
        if parts and len(words(piece)) < _MIN_PART_WORDS:
            parts[-1] += " " + piece
        elif parts and len(words(parts[-1])) < _MIN_PART_WORDS:
            parts[-1] += " " + piece
        else:
            parts.append(piece)
    return parts


def _whole_line(found: Polarity) -> bool:
    """Whether the rules found a word that calls the whole evidence false or denies it (hoax, «نفى»):
    it bears on every clause, not on its own."""
    return any(r.startswith(("denial", "called false")) for r in found.reasons)


def _local(claim: str, evidence: str, language: str, pair: Pair) -> Pair | None:
    """The pair of the claim and the part of a long evidence closest to it in words, when the evidence is
    long (``LOCAL_MIN_WORDS``), longer than the claim and has several parts; None otherwise."""
    n = len(words(evidence))
    if n < LOCAL_MIN_WORDS or n <= LOCAL_LENGTH_RATIO * max(1, len(words(claim))):
        return None
    parts = _parts(evidence)
    if len(parts) < 2:
        return None
    return max((compare(claim, part, language) for part in parts), key=lambda p: p.score)


def _rated(rating: str | None, score: float, conflict: Conflict | None) -> Relation | None:
    """The relation a fact-checker's rating of the stored claim decides: rated false, the same statement
    is contradicted (and its negation supported); rated true, it is supported."""
    verdict = rating_polarity(rating)
    if verdict == "false":
        if conflict and conflict.cue != "polarity":
            why = f"{conflict.why}; the stored claim is rated false: no conclusion"
            return Relation(UNRELATED, score, why, conflict.cue)
        if conflict:  # the claim says the opposite of a claim rated false
            return Relation(SUPPORTS, score, f"{conflict.why}; the stored claim is rated false", "rating")
        return Relation(CONTRADICTS, score, "rated false by the fact-checker", "rating")
    if verdict == "true":
        if conflict:
            return Relation(
                CONTRADICTS, score, f"{conflict.why}; the stored claim is rated true", conflict.cue
            )
        return Relation(SUPPORTS, score, "rated true by the fact-checker", "rating")
    return None


def _by_rules(pair: Pair, found: Polarity, conflict: Conflict | None) -> Relation:
    """The rules' relation when no rating decides: a conflict contradicts; a hedged report takes no
    stance; otherwise the two are consistent, worded by their similarity."""
    score = pair.score
    if conflict:
        return Relation(CONTRADICTS, score, conflict.why, conflict.cue)
    if hedge := hedged(pair.claim, pair.evidence) or not_confirmed(pair.claim, pair.evidence):
        return Relation(
            UNRELATED, score, f"only reported, no stance: {hedge} (similarity {score:.0f})", "hedge"
        )
    if score >= SAME_STATEMENT:
        kind = "same statement"
    elif score >= PARAPHRASE:
        kind = "paraphrase"
    else:
        kind = "same topic, nothing contradicts it"
    if found.cues:  # a negation and an antonym that cancel: "did not win" / "lost"
        kind += f" ({'; '.join(found.reasons)})"
    return Relation(SUPPORTS, score, f"{kind} (similarity {score:.0f})", "similarity")


def _model_shaped(claim: str, evidence: str, pair: Pair, similarity: float | None) -> bool:
    """Whether the pair has the shape the learned model was trained on (see ``LEARNED_MIN_SCORE``)."""
    if pair.score < LEARNED_MIN_SCORE:
        return False
    if similarity is not None and similarity < LEARNED_MIN_SIMILARITY:
        return False
    a, b = len(words(claim)), len(words(evidence))
    return max(a, b) <= LEARNED_MAX_LENGTH_RATIO * max(1, min(a, b))


def _differing(values: dict[str, float]) -> float:
    """How many content words one side has and the other lacks (the features hold their log1p)."""
    return math.expm1(values.get("claim_only_count", 0.0)) + math.expm1(
        values.get("evidence_only_count", 0.0)
    )


def _weigh(
    model: LearnedModel, rule: Relation, values: dict[str, float], words_of: Callable[[str], str]
) -> Relation:
    """The relation once the learned model has weighed in on the rules' ``rule``; ``words_of`` gives the
    words behind a feature, for the why."""
    p = model.probability(values)
    contradicts = p >= model.threshold
    if contradicts and rule.label == CONTRADICTS:
        return Relation(CONTRADICTS, rule.score, f"{rule.why}; learned model agrees (p={p:.2f})", rule.cue)
    if not contradicts and rule.label == SUPPORTS:
        why = f"{rule.why}; learned model: no sign of contradiction (p={p:.2f})"
        return Relation(SUPPORTS, rule.score, why, rule.cue)
    name = model.strongest(values, 1.0 if contradicts else -1.0)
    if contradicts:
        why = f"learned model: wording differs in a way that signals contradiction (p={p:.2f}"
    else:
        why = f"learned model: consistent despite {rule.why} (p={p:.2f}"
    if name:
        why += f"; strongest: {describe(name, words_of(name))}"
    return Relation(CONTRADICTS if contradicts else SUPPORTS, rule.score, why + ")", "learned")


def relate(
    claim: str,
    evidence: str,
    language: str | None = None,
    rating: str | None = None,
    *,
    evidence_language: str | None = None,
    similarity: float | None = None,
    learned: bool = True,
) -> Relation:
    """How ``evidence`` (a stored claim, a sentence or a whole article) relates to ``claim``.

    ``language`` ("ar", "en") is guessed from the script when absent. ``rating`` is the fact-checker's
    verdict on the evidence when it is a fact-check record (false, misleading, true, زائف, ...).
    ``learned=False`` keeps to the rules (no learned model for Arabic, see :func:`learned_model`).
    ``evidence_language`` is the evidence's language when it differs from the claim's (guessed from the
    script when absent). ``similarity`` is the sentence encoder's cosine of the two texts
    (:func:`claims.encoder.cosine`), or None when the caller has no vectors: evidence in another language
    is then not compared. In one language it is the bar a conflict must pass to be a dispute: the two
    must be about the same event.

    >>> relate("Russia sent 10,000 troops to the border", "Russia sent 3,000 troops to the border").why
    'numbers differ: 10000 vs 3000 (troops)'
    >>> relate("ارتفاع أسعار النفط", "انخفاض أسعار النفط").why
    'antonyms: ارتفاع / انخفاض'
    """
    if other := _other_language(claim, evidence, language, evidence_language):
        if similarity is None or not set(other) <= relation_languages():
            return Relation(UNRELATED, 0.0, "different language: not compared", "language")
        return _across(claim, evidence, other[0], other[1], similarity, rating)
    language = _language(claim, evidence, language)
    pair = compare(claim, evidence, language)
    if unrelated := _off_topic(pair):
        return unrelated
    found = polarity(pair.claim, pair.evidence, set(pair.shared_claim), set(pair.shared_evidence))
    conflict = _conflict(pair, language, found)
    if conflict and not _whole_line(found) and (part := _local(claim, evidence, language, pair)) is not None:
        # a long evidence: only the part that states the claim may dispute it
        if part.score < LOCAL_MIN_SCORE:
            why = f"{conflict.why}, but not in the part that states the claim (similarity {part.score:.0f})"
            return Relation(SUPPORTS, pair.score, f"same topic, not compared: {why}", "topic")
        found = polarity(part.claim, part.evidence, set(part.shared_claim), set(part.shared_evidence))
        conflict = _conflict(part, language, found)
    if conflict and similarity is not None and similarity < SAME_EVENT_ONE_LANGUAGE:
        # far apart in meaning: a negation is a dispute only when it bears on what both say happened
        strict = polarity(pair.claim, pair.evidence, set(pair.shared_claim), set(pair.shared_evidence), True)
        if conflict.cue != "polarity" or not strict.contradicts:
            why = f"{conflict.why}, but not the same event (similarity {similarity:.2f})"
            return Relation(UNRELATED, pair.score, why, "topic")
    if (
        conflict
        and conflict.cue == "polarity"
        and similarity is not None
        and found.antonym_pairs == len(found.reasons)
        and similarity < ANTONYMS_MIN_SIMILARITY
        and pair.score < ANTONYMS_MIN_SCORE
    ):
        why = f"{conflict.why}, but not the same event (similarity {similarity:.2f}, words in common {pair.score:.0f})"
        return Relation(UNRELATED, pair.score, why, "topic")
    if rated := _rated(rating, pair.score, conflict):
        return rated
    rule = _by_rules(pair, found, conflict)
    model = learned_model(language) if learned else None
    if model is None or not model.enabled or rule.cue not in model.decides:
        return rule
    if rule.cue == "similarity" and found.cues:
        return rule  # a negation and an antonym that cancel: a finding of the rules, kept
    if not _model_shaped(claim, evidence, pair, similarity):
        return rule
    values = features(pair, found, conflict.cue if conflict else "")
    if _differing(values) > LEARNED_MAX_DIFFERING:
        return rule  # reworded, not a detail changed: not the shape the model learned
    return _weigh(model, rule, values, lambda name: feature_words(pair, name))


def model_shaped(
    claim: str, evidence: str, language: str | None = None, similarity: float | None = None
) -> bool:
    """Whether :func:`relate` would let the learned model judge this pair by its shape (word similarity,
    cosine when given, length ratio; see ``LEARNED_MIN_SCORE``). For training and tests."""
    pair = compare(claim, evidence, _language(claim, evidence, language))
    return _model_shaped(claim, evidence, pair, similarity)


def pair_features(claim: str, evidence: str, language: str | None = None) -> dict[str, float]:
    """The learned model's features of a pair (name -> value, zeros left out), as :func:`relate` computes
    them; empty when the two are not comparable (another script, another topic). For training and tests."""
    language = _language(claim, evidence, language)
    if _not_comparable(claim, evidence):
        return {}
    pair = compare(claim, evidence, language)
    if _off_topic(pair):
        return {}
    found = polarity(pair.claim, pair.evidence, set(pair.shared_claim), set(pair.shared_evidence))
    conflict = _conflict(pair, language, found)
    return features(pair, found, conflict.cue if conflict else "")
