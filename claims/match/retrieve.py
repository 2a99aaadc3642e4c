"""Candidate evidence for claims: stored claims that may be about the same thing.

Two steps, for a whole batch of claims at once:

1. **Search** — the store's full-text index returns, for each claim, the :data:`POOL` stored claims with
   the best BM25 score over normalised, clitic-stripped words (``Store.search_many``).
2. **Re-rank** — each candidate gets a score from 0 to 100, the weighted sum of

   * (:data:`W_BM25`) the BM25 score relative to the best candidate of the same claim;
   * (:data:`W_FUZZ`) word overlap, order-insensitive: rapidfuzz ``token_set_ratio`` between the two texts
     reduced to their content words (one form each), computed with ``process.cdist``;
   * (:data:`W_ANCHORS`) shared *anchors*: numbers, months, registry sources (KCNA and «وكالة الأنباء
     المركزية الكورية» are the same anchor) and, in Latin script, capitalised names — the share of the
     candidate's anchors that the claim has too (0 when the candidate has none).

The score ranks the candidates of one claim; it is not a probability, and the best BM25 match starts
with 60 points. Candidates about the same event with *different* numbers are kept (they may contradict
the claim): shared anchors only ever raise a score.

The weights were chosen on the CheckThat! 2021 2A English *train* queries and are reported on its dev
queries (``claims eval retrieval``, docs/evaluation.md). They are small so that the ranking stays BM25's
while numbers and names break ties.

3. **Vectors** — when the store holds sentence vectors (``claims.encoder``), the :data:`VECTOR_POOL` stored
   claims nearest to each claim's vector (``Store.search_vectors``, any language) join the candidates, and
   every candidate's score becomes, with vector = 100 * max(0, cosine - COSINE_FLOOR) / (1 - COSINE_FLOOR),

       (1 - W_VECTOR) * word score + W_VECTOR * vector    for a candidate in the claim's language,
       vector                                             for one in another language,

   where the word score is the re-ranking score above (for a candidate the words did not find: BM25 0,
   word overlap and anchors as computed). Words are best for names, numbers and rare terms, so they keep
   their say in one language; across languages there are no words to compare, and the vector stands for
   them (the word score is relative to the best word match, which would otherwise let any Arabic sentence
   sharing a name outrank the English statement of the same fact). A candidate without a stored vector
   (filled words-first, ``claims db embed`` not run yet) keeps its word score.

The weights were chosen on the CheckThat! 2021 2A English *train* queries and are reported on its dev
queries (docs/evaluation.md).

Nothing here touches the database directly: the store is any object with ``search_many`` (and, for
vectors, ``has_vectors``, ``vectors_for`` and ``search_vectors``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Protocol

from rapidfuzz import fuzz, process

from claims import lang
from claims.store.index import match_text, stopwords
from claims.text.normalize import normalize
from claims.types import StoredClaim

if TYPE_CHECKING:
    import numpy as np

    from claims.match.relation.statement import Statement
    from claims.registry import Registry

# Candidates read from the index for each claim, before re-ranking.
POOL = 50
# Weights of the three signals in the 0-100 score (they sum to 1).
W_BM25 = 0.6
W_FUZZ = 0.25
W_ANCHORS = 0.15
# Stored claims read by vector for each claim.
VECTOR_POOL = 20
#: Candidates in another language whose facts are compared with the claim's: the closest by vector.
FACTS_POOL = 10
# The vectors' share of a candidate's score, and the cosine below which a vector adds nothing (unrelated
# sentences of news in one field are rarely below 0.1 with this encoder).
W_VECTOR = 0.6
COSINE_FLOOR = 0.2
# Above this many claim x candidate pairs, cdist runs per claim (memory stays small).
_MAX_CELLS = 4_000_000
# Below this many pairs, starting threads costs more than it saves.
_PARALLEL_CELLS = 20_000

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_WORD = re.compile(r"[^\W\d_]+")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")


class Searcher(Protocol):
    def search_many(
        self, texts: Sequence[str], language: str | None = None, limit: int = 50, as_of: str | None = None
    ) -> list[list[StoredClaim]]: ...


class VectorSearcher(Searcher, Protocol):
    def has_vectors(self) -> bool: ...

    def vectors_for(self, ids: Sequence[int]) -> dict[int, np.ndarray]: ...

    def search_vectors(
        self, vectors: np.ndarray, limit: int = 10, language: str | None = None, as_of: str | None = None
    ) -> list[list[StoredClaim]]: ...


def candidates(
    store: Searcher,
    claim_texts: Sequence[str],
    language: str | None = None,
    limit: int = 10,
    as_of: str | None = None,
    *,
    registry: Registry | None = None,
    pool: int = POOL,
    vectors: np.ndarray | None = None,
    same_language: bool = False,
) -> list[list[StoredClaim]]:
    """For each claim text, the ``limit`` best stored claims, best first, ``score`` 0-100.

    ``language`` and ``as_of`` (YYYY-MM-DD) restrict the stored claims searched, as in
    ``Store.search``. ``registry`` names the sources recognised as anchors (default: the bundled one).

    With a store that holds vectors, stored claims near each claim's vector, in any language, are fused
    with those sharing its words; ``vectors`` are the claims' vectors (``claims.encoder.encode``; computed
    here when not given). ``same_language``: only stored claims in each claim's own language (``language``,
    else the language of its text), by their words alone, as before vectors.
    """
    texts = list(claim_texts)
    if not texts:
        return []
    if same_language:
        return _word_candidates(store, texts, language, limit, as_of, registry, pool, per_text_language=True)
    use_vectors = _has_vectors(store)
    words = _word_candidates(
        store, texts, language, max(limit, pool) if use_vectors else limit, as_of, registry, pool
    )
    if not use_vectors:
        return words
    from claims import encoder

    queries = encoder.encode(texts) if vectors is None else vectors
    if len(queries) != len(texts):
        raise ValueError(f"{len(texts)} claims but {len(queries)} vectors")
    near = store.search_vectors(queries, limit=max(VECTOR_POOL, limit), language=language, as_of=as_of)  # type: ignore[attr-defined]
    return _fuse(store, texts, queries, words, near, limit, registry)


def _has_vectors(store: Searcher) -> bool:
    probe = getattr(store, "has_vectors", None)
    return bool(probe and probe())


def _word_candidates(
    store: Searcher,
    texts: list[str],
    language: str | None,
    limit: int,
    as_of: str | None,
    registry: Registry | None,
    pool: int,
    *,
    per_text_language: bool = False,
) -> list[list[StoredClaim]]:
    """The word search and its re-ranking; ``per_text_language``: each text searched in its own language
    (``language``, else detected), in one search per language."""
    if per_text_language and language is None:
        by_language: dict[str, list[int]] = {}
        for i, t in enumerate(texts):
            by_language.setdefault(lang.detect(t), []).append(i)
        out: list[list[StoredClaim]] = [[] for _ in texts]
        for code, where in by_language.items():
            found = _word_candidates(store, [texts[i] for i in where], code, limit, as_of, registry, pool)
            for i, hits in zip(where, found, strict=True):
                out[i] = hits
        return out
    found = store.search_many(texts, language=language, limit=max(pool, limit), as_of=as_of)
    if not any(found):  # an empty store, or nothing in common: no re-ranking to prepare
        return [[] for _ in texts]
    return _rerank(texts, found, limit, registry)


def _rerank(
    texts: list[str],
    found: list[list[StoredClaim]],
    limit: int,
    registry: Registry | None,
    *,
    bm25: bool = True,
) -> list[list[StoredClaim]]:
    """Today's word score of each text's candidates, best first, at most ``limit`` each. Without ``bm25``
    (candidates the words did not find) that part of the score is 0."""
    if registry is None:
        registry = _bundled_registry()
    aliases = _alias_index(registry)

    unique: dict[int, StoredClaim] = {}
    for hits in found:
        for c in hits:
            unique.setdefault(c.id, c)
    column = {cid: j for j, cid in enumerate(unique)}
    cand_norm = [normalize(c.text) for c in unique.values()]
    cand_match = [match_text(n) for n in cand_norm]
    cand_anchors = [_anchors(c.text, n, aliases) for c, n in zip(unique.values(), cand_norm, strict=True)]
    query_norm = [normalize(t) for t in texts]
    query_match = [match_text(n) for n in query_norm]
    query_anchors = [_anchors(t, n, aliases) for t, n in zip(texts, query_norm, strict=True)]

    similarity = _similarities(query_match, cand_match, [[column[c.id] for c in hits] for hits in found])

    out = []
    for i, hits in enumerate(found):
        best_bm25 = max((c.score for c in hits), default=0.0) or 1.0
        scored = []
        for c in hits:
            j = column[c.id]
            score = _combine(
                similarity[i][j] / 100.0,
                c.score / best_bm25 if bm25 else 0.0,
                _overlap(query_anchors[i], cand_anchors[j]),
            )
            scored.append(replace(c, score=round(score, 1)))
        scored.sort(key=lambda c: -c.score)
        out.append(scored[:limit])
    return out


def _fuse(
    store: Searcher,
    texts: list[str],
    queries: np.ndarray,
    words: list[list[StoredClaim]],
    near: list[list[StoredClaim]],
    limit: int,
    registry: Registry | None,
) -> list[list[StoredClaim]]:
    """One list per claim: the word candidates and the vector candidates, each scored by both."""
    import numpy as np

    # the word score of candidates found by vector only (their BM25 part is 0: the words missed them)
    only_near = [
        [c for c in hits if c.id not in {w.id for w in found}]
        for hits, found in zip(near, words, strict=True)
    ]
    near_words = (
        _rerank(texts, only_near, VECTOR_POOL + limit, registry, bm25=False)
        if any(only_near)
        else [[] for _ in texts]
    )
    cosine = {(i, c.id): c.score for i, hits in enumerate(near) for c in hits}
    missing = sorted({c.id for i, hits in enumerate(words) for c in hits if (i, c.id) not in cosine})
    stored = store.vectors_for(missing) if missing else {}  # type: ignore[attr-defined]
    out = []
    for i, (found, extra) in enumerate(zip(words, near_words, strict=True)):
        own = _primary(lang.detect(texts[i]))
        scored = []
        for c in (*found, *extra):
            cos = cosine.get((i, c.id))
            if cos is None and c.id in stored:
                cos = float(np.dot(queries[i], stored[c.id]))
            scored.append((c, cos, _primary(c.language) == own))
        # in another language the names, figures and dates both hold stand for the words in common; read
        # for the closest few only (reading a statement's facts costs about as much as the rest together)
        across = sorted(
            (
                k
                for k, (_, cos, same) in enumerate(scored)
                if not same and cos is not None and cos >= COSINE_FLOOR
            ),
            key=lambda k: -(scored[k][1] or 0.0),
        )[:FACTS_POOL]
        fused = []
        for k, (c, cos, same) in enumerate(scored):
            facts = _facts_in_common(texts[i], own, c.text, c.language) if k in across else None
            score = round(fused_score(c.score, cos, same_language=same, facts=facts), 1)
            if score > 0:  # 0: no word in common and a vector no closer than unrelated sentences
                fused.append(replace(c, score=score))
        fused.sort(key=lambda c: -c.score)
        out.append(fused[:limit])
    return out


def _facts_in_common(text: str, language: str, other: str, other_language: str) -> float | None:
    """0-100: the share of the names (one id per spelling in every language), figures and dates of the
    two statements that both hold; None when neither holds any or a language has no word lists."""
    from claims.match.relation.facts import compare_across
    from claims.match.relation.lexicon import relation_languages
    from claims.match.relation.statement import analyse

    if not {_primary(language), _primary(other_language)} <= relation_languages():
        return None
    a, b = analyse(text, _primary(language)), analyse(other, _primary(other_language))
    count = max(_fact_count(a), _fact_count(b))
    if not count:
        return None
    return 100.0 * min(1.0, len(compare_across(a, b).shared) / count)


def _fact_count(st: Statement) -> int:
    return len({e.id for e in st.entities}) + len(st.quantities) + len(st.dates)


def _primary(language: str) -> str:
    return language.split("-")[0].lower()


def fused_score(
    word_score: float, cosine: float | None, *, same_language: bool = True, facts: float | None = None
) -> float:
    """A candidate's 0-100 score from its word score and the cosine of the two vectors (None: it has no
    vector). In another language words cannot be compared: the facts both name (``facts``, 0-100, from
    :func:`_facts_in_common`) stand for them when given, else the vector stands alone."""
    if cosine is None:
        return word_score
    vector = 100.0 * min(max(0.0, cosine - COSINE_FLOOR) / (1.0 - COSINE_FLOOR), 1.0)
    if not same_language:
        if facts is None:
            return vector
        return (1.0 - W_VECTOR) * facts + W_VECTOR * vector

    return (1.0 - W_VECTOR) * word_score + W_VECTOR * vector


def _similarities(
    queries: list[str], candidates: list[str], columns: list[list[int]]
) -> list[dict[int, float]]:
    """token_set_ratio of each query with each of its candidates (``columns``: candidate indexes per query).

    The claims of one article share most of their candidates, so the whole claims x candidates matrix is
    computed in one ``cdist`` on all cores; when the candidate lists barely overlap (a batch of unrelated
    claims), that matrix would be mostly waste, and each claim gets its own row instead.
    """
    needed = sum(len(c) for c in columns)
    if not needed:
        return [{} for _ in queries]
    cells = len(queries) * len(candidates)
    if cells <= 4 * needed and cells <= _MAX_CELLS:
        matrix = process.cdist(
            queries, candidates, scorer=fuzz.token_set_ratio, workers=-1 if cells >= _PARALLEL_CELLS else 1
        )
        return [{j: float(matrix[i, j]) for j in cols} for i, cols in enumerate(columns)]
    out = []
    for query, cols in zip(queries, columns, strict=True):
        row = process.cdist([query], [candidates[j] for j in cols], scorer=fuzz.token_set_ratio, workers=1)
        out.append({j: float(v) for j, v in zip(cols, row[0], strict=True)})
    return out


def _combine(fuzz_score: float, bm25_score: float, anchors: float) -> float:
    return 100.0 * (W_BM25 * bm25_score + W_FUZZ * fuzz_score + W_ANCHORS * anchors)


def _overlap(claim: frozenset[str], candidate: frozenset[str]) -> float:
    """The share of the candidate's anchors that the claim has too."""
    if not candidate:
        return 0.0
    return len(claim & candidate) / len(candidate)


def _anchors(text: str, norm: str, aliases: _Aliases) -> frozenset[str]:
    """Numbers, months, registry sources and capitalised names of a text, as comparable keys."""
    found: set[str] = {f"#{n}" for n in _NUMBER.findall(norm)}
    words = _WORD.findall(norm)
    months = _months()
    for i, word in enumerate(words):
        month = months.get(f"{word} {words[i + 1]}" if i + 1 < len(words) else "") or months.get(word)
        if month:
            found.add(f"month:{month}")
    found.update(f"source:{sid}" for sid in aliases.find(words))
    stop = stopwords()
    for name in _CAPITALISED.findall(text):
        key = normalize(name)
        if key not in stop and len(key) > 2:
            found.add(f"name:{key}")
    return frozenset(found)


class _Aliases:
    """Registry names in normalised words: «وكالة الأنباء المركزية الكورية», "KCNA" → kcna."""

    def __init__(self, registry: Registry) -> None:
        by_first: dict[str, dict[tuple[str, ...], str]] = {}
        for language in lang.codes():
            for name, source in registry.aliases(language):
                words = tuple(_WORD.findall(normalize(name)))
                if words and not (len(words) == 1 and (len(words[0]) < 3 or words[0] in stopwords())):
                    by_first.setdefault(words[0], {}).setdefault(words[1:], source.id)
        # first word -> [(n, {the n words after it: source id})], longest first
        self.by_first: dict[str, list[tuple[int, dict[tuple[str, ...], str]]]] = {}
        for first, rests in by_first.items():
            by_length: dict[int, dict[tuple[str, ...], str]] = {}
            for rest, sid in rests.items():
                by_length.setdefault(len(rest), {})[rest] = sid
            self.by_first[first] = sorted(by_length.items(), reverse=True)

    def find(self, words: Sequence[str]) -> set[str]:
        found: set[str] = set()
        get = self.by_first.get
        for i, word in enumerate(words):
            for first in lang.clitic_forms(word):
                for n, rests in get(first, ()):
                    sid = rests.get(tuple(words[i + 1 : i + 1 + n]))
                    if sid:
                        found.add(sid)
                        break
        return found


@cache
def _bundled_registry() -> Registry:
    from claims.registry import Registry

    return Registry.load()


_ALIASES: dict[int, tuple[Registry, _Aliases]] = {}


def _alias_index(registry: Registry) -> _Aliases:
    cached = _ALIASES.get(id(registry))
    if cached is None or cached[0] is not registry:
        cached = _ALIASES[id(registry)] = (registry, _Aliases(registry))
    return cached[1]


@lang.cached
def _months() -> dict[str, int]:
    """Month names that are not also common words: no abbreviations ("may", "mar"), no «اب» (father)."""
    stop = stopwords()
    months = {normalize(k): v for k, v in lang.month_names().items()}
    return {k: v for k, v in months.items() if (len(k) >= 4 or " " in k) and k not in stop}
