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

Nothing here touches the database directly: the store is any object with ``search_many``.
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
    from claims.registry import Registry

# Candidates read from the index for each claim, before re-ranking.
POOL = 50
# Weights of the three signals in the 0-100 score (they sum to 1).
W_BM25 = 0.6
W_FUZZ = 0.25
W_ANCHORS = 0.15
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


def candidates(
    store: Searcher,
    claim_texts: Sequence[str],
    language: str | None = None,
    limit: int = 10,
    as_of: str | None = None,
    *,
    registry: Registry | None = None,
    pool: int = POOL,
) -> list[list[StoredClaim]]:
    """For each claim text, the ``limit`` best stored claims, best first, ``score`` 0-100.

    ``language`` and ``as_of`` (YYYY-MM-DD) restrict the stored claims searched, as in
    ``Store.search``. ``registry`` names the sources recognised as anchors (default: the bundled one).
    """
    texts = list(claim_texts)
    if not texts:
        return []
    found = store.search_many(texts, language=language, limit=max(pool, limit), as_of=as_of)
    if not any(found):  # an empty store, or nothing in common: no re-ranking to prepare
        return [[] for _ in texts]
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
                similarity[i][j] / 100.0, c.score / best_bm25, _overlap(query_anchors[i], cand_anchors[j])
            )
            scored.append(replace(c, score=round(score, 1)))
        scored.sort(key=lambda c: -c.score)
        out.append(scored[:limit])
    return out


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
