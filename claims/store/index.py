"""The full-text index of stored claims: what is indexed, and how a search becomes an index query.

Each claim's normalised text is split into words; every word that is not a stop-word is written to
``claim.index_text`` in all of its forms (:func:`claims.lang.index_forms`: Arabic clitics and ال, the
English s-stemmer, numbers as written), and a query word is looked up in all of its forms too. SQLite
indexes ``index_text`` with FTS5 (:class:`Fts5Index`); PostgreSQL with a GIN index over a 64-bit key of
each of its words (:class:`PostgresIndex`), so both index exactly these forms whatever the locale.

A query becomes an ``OR`` of quoted terms ranked by BM25, never a scan of the claim table: words found
nowhere are dropped, at most :data:`MAX_QUERY_WORDS` of the rarest are kept, and the most common are
dropped while the query would read more than :data:`POSTINGS_BUDGET` index entries (the re-ranking in
``claims.match.retrieve`` still compares every word).
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from itertools import chain
from typing import Any

from claims import lang

FTS_TABLE = "claim_fts"
# How many claims hold each index word (SQLite; migration 0003), for pruning queries without counting.
TERMS_TABLE = "claim_fts_terms"
# Terms looked up in one statement (SQLite allows 32,766 parameters).
_LOOKUP_CHUNK = 500

# Keep at most this many query words (the rarest ones).
MAX_QUERY_WORDS = 32
# Drop the most common query words while the query would read more index entries than this. Ranking
# costs about 2 µs per entry read, so this bounds a search to ~10 ms whatever the size of the store;
# on CheckThat! 2021 2A, budgets from 5,000 to 1,000,000 give the same MAP@5.
POSTINGS_BUDGET = 5_000

_WORD = re.compile(r"[^\W_]+")
_URL = re.compile(r"(?:https?://|www\.)\S+|\bpic\.twitter\.com/\S+", re.IGNORECASE)


def is_index_table(name: str) -> bool:
    """True for the FTS table, its vocabulary and its shadow tables (not described by the models)."""
    return name == FTS_TABLE or name.startswith(FTS_TABLE + "_")


def stopwords() -> frozenset[str]:
    """The stop words of every language (:func:`claims.lang.stopwords`)."""
    return lang.stopwords()


def word_forms(word: str) -> tuple[str, ...]:
    """The index forms of one normalised word; empty for stop-words and single letters."""
    forms = _FORMS.get(word)
    if forms is None:
        if len(_FORMS) >= _FORMS_MAX:
            _FORMS.clear()
        forms = _FORMS[word] = lang.index_forms(word)
    return forms


# word -> forms; a plain dict is the fastest cache here, and news vocabulary repeats a lot.
_FORMS: dict[str, tuple[str, ...]] = {}
_FORMS_MAX = 500_000


def _words(norm: str) -> list[str]:
    if "http" in norm or "www." in norm or "pic.twitter" in norm:
        norm = _URL.sub(" ", norm)
    return _WORD.findall(norm)


def analyze(norm: str) -> list[tuple[str, ...]]:
    """The forms of each content word of a normalised text, in order (URLs are not words)."""
    return [forms for forms in map(word_forms, _words(norm)) if forms]


def index_text(norm: str) -> str:
    """What the index stores for a claim whose normalised text is ``norm``."""
    words = _words(norm)
    try:  # the common case, every word seen before: no Python code runs per word
        return " ".join(chain.from_iterable(map(_FORMS.__getitem__, words)))
    except KeyError:  # some words are new: look up the others inline, analyse only those
        get = _FORMS.get
        return " ".join(
            chain.from_iterable([f if (f := get(w)) is not None else word_forms(w) for w in words])
        )


def count_terms(index_texts: Iterable[str]) -> Counter[str]:
    """How many of the texts (``index_text`` values) hold each index word."""
    counts: Counter[str] = Counter()
    for text in index_texts:
        counts.update(set(text.split()))
    return counts


def match_text(norm: str) -> str:
    """One form per content word (the shortest): the text re-ranking compares."""
    return " ".join(min(forms, key=len) for forms in analyze(norm))


def query_words(norm: str) -> list[tuple[str, ...]]:
    """The distinct content words of a query, each with its forms."""
    return list(dict.fromkeys(analyze(norm)))


def quote(term: str) -> str:
    """An FTS5 string literal: whatever ``term`` holds, it is a phrase to look for, never syntax. (FTS5 reads
    its query as a C string: a NUL would end it inside the literal, so NULs are dropped.)"""
    return '"' + term.replace("\x00", "").replace('"', '""') + '"'


def fts_expression(words: Iterable[Sequence[str]]) -> str:
    """``"a" OR "b" OR ...`` over every form of every word; empty when there is nothing to look for."""
    terms = dict.fromkeys(form for forms in words for form in forms if form)
    return " OR ".join(quote(t) for t in terms)


def prune(words: Sequence[Sequence[str]], df: dict[str, int]) -> list[tuple[str, ...]]:
    """The forms of the query words worth looking up, given each form's document frequency: words found
    nowhere are dropped, the :data:`MAX_QUERY_WORDS` rarest kept, then the most common dropped while the
    query would read more than :data:`POSTINGS_BUDGET` index entries (at least one word stays)."""
    weighted = []
    for forms in words:
        present = tuple(f for f in forms if df[f])
        if present:
            weighted.append((sum(df[f] for f in present), present))
    weighted.sort(key=lambda w: w[0])
    weighted = weighted[:MAX_QUERY_WORDS]
    total = sum(w for w, _ in weighted)
    while len(weighted) > 1 and total > POSTINGS_BUDGET:
        total -= weighted.pop()[0]
    return [forms for _, forms in weighted]


class _Index:
    """What both indexes share: a cache of document frequencies, cleared when claims are added."""

    def __init__(self) -> None:
        self._df: dict[str, int] = {}
        self._generation: Any = None

    def invalidate(self) -> None:
        self._df.clear()
        self._generation = None

    def refresh(self, conn: Any) -> None:
        """Clear the cache if claims were added since it was filled (by this process or another)."""
        generation = conn.exec_driver_sql("SELECT max(id) FROM claim").scalar()
        if generation != self._generation:
            self.invalidate()
            self._generation = generation


class Fts5Index(_Index):
    """Searches the SQLite FTS5 index. Holds a cache of document frequencies, cleared on any change.

    The FTS5 table (migration 0001) has external content, ``claim.index_text``, indexed batch by batch as
    claims are added and kept in step by triggers on update and delete. Its tokenizer is ``unicode61`` with
    ``remove_diacritics 0``: the text is already folded, and its own folding does not know Arabic."""

    def document_frequencies(self, conn: Any, terms: Iterable[str]) -> dict[str, int]:
        """How many claims hold each term: read from the term counts that each import keeps
        (:data:`TERMS_TABLE`, migration 0003), a B-tree lookup a term, all of a query's terms at once."""
        terms = list(terms)
        missing = [t for t in dict.fromkeys(terms) if t not in self._df]
        for start in range(0, len(missing), _LOOKUP_CHUNK):
            chunk = missing[start : start + _LOOKUP_CHUNK]
            found = dict(
                conn.exec_driver_sql(
                    f"SELECT term, claims FROM {TERMS_TABLE} WHERE term IN ({', '.join('?' * len(chunk))})",
                    tuple(chunk),
                ).all()
            )
            self._df.update({t: int(found.get(t, 0)) for t in chunk})
        return {t: self._df[t] for t in terms}

    def plan(self, conn: Any, words: Sequence[Sequence[str]]) -> str:
        """The FTS5 expression for a query's words, pruned as described in the module docstring."""
        df = self.document_frequencies(conn, [f for forms in words for f in forms])
        return fts_expression(prune(words, df))

    def index_new(self, conn: Any, after_id: int) -> None:
        """Index the claims whose id is above ``after_id`` (the rows a batch has just inserted). Their words'
        claim counts are the caller's to add (:meth:`add_term_counts`), once per transaction."""
        conn.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, index_text) SELECT id, index_text FROM claim WHERE id > ?",
            (after_id,),
        )
        self.invalidate()

    def add_term_counts(self, conn: Any, counts: Counter[str]) -> None:
        """Add ``counts`` (index word -> claims added) to :data:`TERMS_TABLE`, in word order (B-tree
        inserts in key order touch each page once)."""
        conn.exec_driver_sql(
            f"INSERT INTO {TERMS_TABLE} (term, claims) VALUES (?, ?) "
            "ON CONFLICT (term) DO UPDATE SET claims = claims + excluded.claims",
            sorted(counts.items()),
        )
        self.invalidate()

    def search(self, conn: Any, words: Sequence[Sequence[str]], limit: int) -> list[tuple[int, float]]:
        """``(claim id, BM25 score)`` of the best ``limit`` matches, best first (higher is better)."""
        expression = self.plan(conn, words)
        if not expression:
            return []
        rows = conn.exec_driver_sql(
            f"SELECT rowid, rank FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? ORDER BY rank LIMIT ?",
            (expression, limit),
        ).all()
        return [(int(rowid), -float(rank)) for rowid, rank in rows]


# The PostgreSQL index (migration 0004): a GIN index over a 64-bit key of each word of ``claim.index_text``,
# computed on the server by ``claim_word_keys`` (hashtextextended of each space-separated word). The words
# are split with ``string_to_array``, not by PostgreSQL's text parser, so the keys are those of exactly the
# forms written here, whatever the database's locale. Integer keys make an import's index writes cheaper
# than the words themselves did (migration 0002); a query's keys come from the same function, applied to its
# terms joined by spaces (index words hold none), so the query and the index cannot hash a word two ways.
PG_KEYS = "claim_word_keys(index_text)"
PG_INDEX = "ix_claim_word_keys"
# BM25 as FTS5's bm25() computes it: k1 = 1.2, b = 0.75, idf = ln((N - n + 0.5) / (n + 0.5)), at least 1e-6.
_K1 = 1.2
_B = 0.75
# The average claim length (in index words) is read from the latest claims, this many of them.
_LENGTH_SAMPLE = 1000

_PG_DF = (
    "SELECT t.term, (SELECT count(*) FROM "
    f"(SELECT 1 FROM claim WHERE {PG_KEYS} && claim_word_keys(t.term) LIMIT :cap) AS s) "
    "FROM unnest(CAST(:terms AS text[])) AS t(term)"
)
_PG_LENGTH = (
    "SELECT avg(cardinality(string_to_array(index_text, ' '))) FROM "
    "(SELECT index_text FROM claim ORDER BY id DESC LIMIT :n) AS latest"
)
# The claims holding a key of any of the kept forms: one bitmap scan of the GIN index, at most _MAX_HITS
# rows. ``:terms`` is the forms joined by spaces.
_PG_HITS = (
    f"SELECT id, index_text FROM claim WHERE {PG_KEYS} && claim_word_keys(CAST(:terms AS text)) LIMIT :cap"
)
# A query whose rarest word is in more claims than this (the plan keeps one word however common) ranks
# the first this many the index gives.
_MAX_HITS = 4 * POSTINGS_BUDGET


class PostgresIndex(_Index):
    """Searches claims on PostgreSQL: the GIN index finds the claims holding a key of any of the (pruned)
    query forms, and they are ranked here by BM25 over their words as FTS5 ranks them (``N`` is the highest
    claim id, the average length that of the latest claims). The pruning bounds how many claims come back,
    and ranking them here costs less than in SQL. Every value is a bound parameter; the SQL text
    is fixed.

    Two words could share a key (64-bit keys: for a million distinct words, a chance of about 3 in 100
    million that any two do). A shared key would only add claims: the index gives them, the ranking finds
    none of the query's words in their text and drops them (the word's count would include them)."""

    def __init__(self) -> None:
        super().__init__()
        self._avgdl: float | None = None

    def invalidate(self) -> None:
        super().invalidate()
        self._avgdl = None

    def refresh(self, conn: Any) -> None:
        # The planner cannot know which terms a prepared (generic) plan will be given, and on a large
        # table it may then guess that reading the whole table is cheaper than the index; a search only
        # ever wants the word index. The setting ends with the search's transaction.
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        super().refresh(conn)

    def document_frequencies(self, conn: Any, terms: Iterable[str]) -> dict[str, int]:
        """How many claims hold each term, counted up to ``POSTINGS_BUDGET + 1`` (one round trip)."""
        terms = list(dict.fromkeys(terms))
        missing = [t for t in terms if t not in self._df]
        if missing:
            rows = conn.execute(_sql(_PG_DF), {"terms": missing, "cap": POSTINGS_BUDGET + 1})
            self._df.update((term, int(n)) for term, n in rows)
        return {t: self._df[t] for t in terms}

    def plan(self, conn: Any, words: Sequence[Sequence[str]]) -> list[str]:
        """The forms to look up, pruned as described in the module docstring."""
        df = self.document_frequencies(conn, [f for forms in words for f in forms])
        return list(dict.fromkeys(f for forms in prune(words, df) for f in forms))

    def index_new(self, conn: Any, after_id: int) -> None:
        """PostgreSQL updates its GIN index as rows are inserted: only the cache is out of date."""
        self.invalidate()

    def search(self, conn: Any, words: Sequence[Sequence[str]], limit: int) -> list[tuple[int, float]]:
        """``(claim id, BM25 score)`` of the best ``limit`` matches, best first (higher is better)."""
        terms = self.plan(conn, words)
        if not terms:
            return []
        n = max(int(self._generation or 0), 1)
        idf = {t: max(math.log((n - self._df[t] + 0.5) / (self._df[t] + 0.5)), 1e-6) for t in terms}
        if self._avgdl is None:
            self._avgdl = max(float(conn.execute(_sql(_PG_LENGTH), {"n": _LENGTH_SAMPLE}).scalar() or 1), 1)
        # BM25's length normalisation k1 * (1 - b + b * length / avgdl) is fixed + per_word * length.
        fixed, per_word = _K1 * (1 - _B), _K1 * _B / self._avgdl
        contains = idf.__contains__
        scored = []
        # All rows at once: the driver builds them in C; iterating the result costs Python calls per row.
        hits = conn.execute(_sql(_PG_HITS), {"terms": " ".join(terms), "cap": _MAX_HITS}).all()
        for claim_id, text in hits:
            claim_words = text.split(" ")
            found = list(filter(contains, claim_words))
            if not found:  # found through another word's key
                continue
            norm = fixed + per_word * len(claim_words)
            score = 0.0
            for term in set(found):
                tf = found.count(term)
                score += idf[term] * tf * (_K1 + 1) / (tf + norm)
            scored.append((score, -int(claim_id)))
        return [(-negative_id, score) for score, negative_id in heapq.nlargest(limit, scored)]


SearchIndex = Fts5Index | PostgresIndex


@cache
def _sql(statement: str) -> Any:
    # SQLAlchemy is imported here, not at the top: claims.match.retrieve imports this module at start-up.
    from sqlalchemy import text

    return text(statement)
