"""How a stored claim (the evidence) relates to a claim: supports, contradicts or unrelated, and why.

Pure functions over two strings (and, across languages, the encoder's similarity of the two); the word
lists are data (each language's ``relations.toml`` and ``names.toml``). One idea per module:
``statement`` (a statement analysed), ``similarity``, ``polarity`` (negations, hedges, antonyms),
``quantities``, ``dates``, ``names``, ``facts`` (what reads the same in every language: names under one
id, figures, dates, negation), ``model`` (the learned model), ``decide`` (the decision, one
:class:`Relation`). See docs/relations.md.
"""

from claims.match.relation.decide import (
    CONTRADICTS,
    LABELS,
    SUPPORTS,
    UNRELATED,
    Relation,
    pair_features,
    rating_polarity,
    relate,
)
from claims.match.relation.model import DENSE_FEATURES, HASH_BUCKETS, feature_names, learned_model
from claims.match.relation.similarity import PARAPHRASE, RELATED, SAME_STATEMENT

__all__ = [
    "CONTRADICTS",
    "DENSE_FEATURES",
    "HASH_BUCKETS",
    "LABELS",
    "PARAPHRASE",
    "RELATED",
    "SAME_STATEMENT",
    "SUPPORTS",
    "UNRELATED",
    "Relation",
    "feature_names",
    "learned_model",
    "pair_features",
    "rating_polarity",
    "relate",
]
