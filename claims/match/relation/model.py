"""The learned model (Arabic): a logistic regression over features of a related pair, for where the
rules find nothing but a changed detail (another actor, place or outcome, an antonym the word lists lack)
still reads as a paraphrase. Trained on ANS train by ``bench/train_relate.py``; the weights are data
(``claims/data/models/relate_ar.json``), scored here in plain Python."""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

from rapidfuzz import fuzz, process

from claims.errors import DataError
from claims.lang.tokens import Token
from claims.match.relation.polarity import Polarity
from claims.match.relation.similarity import PARAPHRASE, SAME_STATEMENT, Pair
from claims.match.relation.statement import Statement

#: The words only one statement has are hashed into this many buckets, per side.
HASH_BUCKETS = 256

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


def _only(st: Statement, shared: Sequence[int]) -> list[Token]:
    """The content words (not figures) of ``st`` that the other statement does not have."""
    found = set(shared)
    return [st.toks[i] for i in st.content if i not in found and not st.toks[i].is_number]


def _similarity_values(pair: Pair, only_a: list[Token], only_b: list[Token]) -> tuple:
    a, b, score = pair.claim, pair.evidence, pair.score
    n_a, n_b = len(a.content), len(b.content)
    return (
        ("similarity", score / 100),
        ("similarity_under_50", score < PARAPHRASE),
        ("similarity_under_70", score < 70),
        ("similarity_from_90", score >= SAME_STATEMENT),
        ("char_ratio", fuzz.ratio(a.words, b.words) / 100),
        ("token_set_ratio", fuzz.token_set_ratio(a.words, b.words) / 100),
        ("claim_only_share", 1 - len(pair.shared_claim) / n_a),
        ("evidence_only_share", 1 - len(pair.shared_evidence) / n_b),
        ("claim_only_count", math.log1p(len(only_a))),
        ("evidence_only_count", math.log1p(len(only_b))),
        ("substitution", bool(only_a and only_b)),
        ("length_ratio", min(n_a, n_b) / max(n_a, n_b)),
        ("evidence_longer", n_b > n_a),
    )


def _finding_values(a: Statement, b: Statement, polarity: Polarity, cue: str) -> tuple:
    antonyms_a = {(c.family, c.side) for c in a.antonyms}
    antonyms_b = {(c.family, c.side) for c in b.antonyms}
    families_a, families_b = {f for f, _ in antonyms_a}, {f for f, _ in antonyms_b}
    kinds_a, kinds_b = [c.kind for c in a.negations], [c.kind for c in b.negations]
    return (
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
        ("claim_length", math.log1p(len(a.content)) / 3),
    )


def features(pair: Pair, polarity: Polarity, cue: str) -> dict[str, float]:
    """The features of a related pair (name -> value; zeros left out), from what the rules already found:
    the similarity, the words each side shares with the other, the polarity, the conflict (``cue``)."""
    out: dict[str, float] = {}
    only_a, only_b = _only(pair.claim, pair.shared_claim), _only(pair.evidence, pair.shared_evidence)
    values = _similarity_values(pair, only_a, only_b) + _finding_values(
        pair.claim, pair.evidence, polarity, cue
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


def feature_words(pair: Pair, name: str) -> str:
    """The words behind a feature, for ``why``: the hashed words of a bucket, the names, negations or
    antonym words a count is made of; "" when the feature is not about words."""
    a, b = pair.claim, pair.evidence
    side, _, bucket = name.partition(":")
    if side in _SIDES:
        st, shared = (a, pair.shared_claim) if side == "claim_only" else (b, pair.shared_evidence)
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


def describe(name: str, words: str) -> str:
    """A feature in plain words, with the words behind it."""
    side, _, _ = name.partition(":")
    if side in _SIDES:
        return f"word only in the {'claim' if side == 'claim_only' else 'evidence'}: «{words}»"
    return DENSE_FEATURES.get(name, name) + (f": «{words}»" if words else "")


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


@cache
def learned_model(language: str) -> LearnedModel | None:
    """The learned model for ``language`` (``claims/data/models/relate_<code>.json``; only Arabic has one),
    or None when there is no such file."""
    name = f"models/relate_{language}.json"
    resource = files("claims") / "data" / name
    if not resource.is_file():
        return None
    data = json.loads(resource.read_text(encoding="utf-8"))
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
