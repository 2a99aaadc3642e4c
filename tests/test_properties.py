"""Property tests (Hypothesis): whatever Unicode comes in, every span the pipeline emits reproduces the input,
and matching never raises and stays consistent: relate gives a label and a reason, search and re-ranking give
stored claims best first, FTS5 queries built from any text are only words, verdicts follow from evidence."""

import sqlite3

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from claims.match.relation import LABELS, relate
from claims.match.retrieve import candidates
from claims.match.verdict import NO_SOURCE, Policy, independent, verdict_for
from claims.store import index as fts
from claims.store.db import Store
from claims.text.normalize import normalize
from claims.types import VERDICTS, Attribution, Claim, ClaimRecord, Evidence, Span

ARABIC_WORDS = [
    "قال",
    "وقال",
    "بوتين",
    "إن",
    "أن",
    "وفقا",
    "لوكالة",
    "الأنباء",
    "الكورية",
    "الشمالية",
    "محللون",
    "ويرى",
    "«",
    "»",
    "،",
    "؟",
    "..",
    "بـ«دعم",
    "كيم",
    "جونغ",
    "أون",
    "وأضاف:",
    "١٠٬٠٠٠",
    "ـــ",
    "ی",
    "ک",
]
ENGLISH_WORDS = [
    "said",
    "Putin",
    "that",
    "according",
    "to",
    "KCNA",
    ",",
    ".",
    "?",
    '"',
    "officials",
    "he",
    "added",
    "Reuters",
    "citing",
    "(",
    ")",
    "-",
    ":",
    "Tags:",
    "\n",
]

text_strategy = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(ARABIC_WORDS + ENGLISH_WORDS + [" ", "\n", "\u200f", "\ufeff"]), max_size=80
    ).map(lambda ws: " ".join(ws)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_strategy)
def test_every_span_reproduces_the_input(
    text,
):
    from claims.checker import check_text
    from claims.types import InputText

    report = check_text(InputText(text, "-", "utf-8", "txt"), _registry())
    for item in report.claims:
        c = item.claim
        spans = [c.span, c.content, c.attribution.mention, c.attribution.cue, c.attribution.hedge]
        for span in spans:
            if span is not None:
                assert text[span.start : span.end] == span.text
                assert 0 <= span.start <= span.end <= len(text)
    for s in report.skipped:
        assert text[s.span.start : s.span.end] == s.span.text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_normalize_is_idempotent_for_any_text(text):
    assert normalize(normalize(text)) == normalize(text)


_REG = []


def _registry():
    from claims.registry import Registry

    if not _REG:
        _REG.append(Registry.load())
    return _REG[0]


# --- matching: relate, the store's index and search, re-ranking, verdicts -----------------------------

FTS_SYNTAX = ['"', "'", "*", "^", ":", "(", ")", "+", "-", "NEAR", "NEAR(", "OR", "AND", "NOT", "{", "}", ","]
# Words of claims, figures, dates and FTS5 syntax, mixed in any order: the texts matching sees most.
CLAIM_WORDS = (
    ARABIC_WORDS
    + ENGLISH_WORDS
    + FTS_SYNTAX
    + [
        "not",
        "لم",
        "نفى",
        "denied",
        "rose",
        "fell",
        "ارتفاع",
        "انخفاض",
        "Russia",
        "Ukraine",
        "روسيا",
        "اليمن",
    ]
    + ["10,000", "3000", "٣٠٠٠", "ألف", "5 December 2024", "6 December", "2019", "false", "reportedly"]
)
claim_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(CLAIM_WORDS), max_size=40).map(" ".join),
)


@st.composite
def related_pair(draw) -> tuple[str, str]:
    """A claim and the same words with a few changed: the pairs that reach the figure, date, negation,
    antonym and learned-model comparisons (two random texts are mostly "different topic")."""
    words = draw(st.lists(st.sampled_from(CLAIM_WORDS), min_size=1, max_size=30))
    changed = [draw(st.sampled_from(CLAIM_WORDS)) if draw(st.integers(0, 4)) == 0 else w for w in words]
    return " ".join(words), " ".join(changed)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.tuples(claim_text, claim_text), related_pair()),
    st.sampled_from([None, "ar", "en"]),
    st.sampled_from([None, "false", "true", "زائف", "?"]),
)
def test_relate_gives_a_label_and_a_reason_for_any_pair(pair, language, rating):
    claim, evidence = pair
    for learned in (True, False):
        relation = relate(claim, evidence, language, rating, learned=learned)
        assert relation.label in LABELS
        assert relation.why.strip()
        assert 0.0 <= relation.score <= 100.0


# The store's index analysis, and the FTS5 queries built from it: any text is only ever words to look for.


@pytest.fixture(scope="module")
def fts5():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(index_text, tokenize='unicode61 remove_diacritics 0')")
    conn.executemany(
        "INSERT INTO t(index_text) VALUES (?)",
        [(fts.index_text(normalize(w)),) for w in ARABIC_WORDS + ENGLISH_WORDS + ["missile near korea"]],
    )
    yield conn
    conn.close()


@settings(max_examples=300, deadline=None)
@given(claim_text)
def test_index_analysis_of_any_text(fts5, text):
    for norm in (normalize(text), text):  # callers pass normalised text; raw text must not break it either
        analysed = fts.analyze(norm)
        assert all(forms and all(f and not any(c.isspace() for c in f) for f in forms) for forms in analysed)
        assert fts.index_text(norm).split() == [f for forms in analysed for f in forms]
        words = fts.query_words(norm)
        assert len(words) == len(set(words)) and set(words) <= set(analysed)
        expression = fts.fts_expression(words)
        if expression:
            fts5.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank", (expression,)).fetchall()


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=50), st.sampled_from(FTS_SYNTAX)))
@example("a\x00b")  # FTS5 reads its query as a C string: a NUL ended the literal ("unterminated string")
def test_any_term_quoted_is_a_valid_fts5_query(fts5, term):
    fts5.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts.quote(term),)).fetchall()


# Search and re-ranking on a small store of Arabic, English and random claims.

STORED = [
    ("أعلنت كوريا الشمالية إطلاق صاروخ باليستي عابر للقارات", "yonhap"),
    ("قال بوتين إن المعاهدة مع كوريا الشمالية دخلت حيز التنفيذ", "tass"),
    ("وأضاف المتحدث أن ١٠٬٠٠٠ جندي أرسلوا إلى الحدود", "anonymous"),
    ("North Korea fired a ballistic missile into the sea, officials said.", "reuters"),
    ("Putin said the treaty with North Korea had entered into force.", "afp"),
    ('KCNA said "NEAR" OR * was not a missile test', "kcna"),
]


@pytest.fixture(scope="module")
def small_store(tmp_path_factory, registry):
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('props') / 'claims.db'}")
    ids = {store.add_claim(ClaimRecord(text, source, "2024-12-05"), registry)[0] for text, source in STORED}
    yield store, ids
    store.close()


def _valid_hits(hits, ids, low=0.0, high=float("inf")):
    assert all(h.id in ids and low <= h.score <= high for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.id for h in hits}) == len(hits)


@settings(max_examples=100, deadline=None)
@given(st.lists(claim_text, min_size=1, max_size=3), st.sampled_from([None, "ar", "en"]))
def test_search_and_reranking_of_any_text_return_stored_claims_best_first(small_store, texts, language):
    store, ids = small_store
    for text in texts:
        _valid_hits(store.search(text, language=language, limit=5), ids)
    ranked = candidates(store, texts, language=language, limit=3)
    assert len(ranked) == len(texts)
    for hits in ranked:
        assert len(hits) <= 3
        _valid_hits(hits, ids, 0.0, 100.0)


@settings(max_examples=60, deadline=None)
@given(claim_text.filter(lambda t: fts.query_words(normalize(t))))
def test_any_stored_text_is_found_by_its_own_words(small_store, registry, text):
    store, ids = small_store
    claim_id, _ = store.add_claim(ClaimRecord(text, "reuters", "2024-12-06"), registry)
    hits = store.search(text, limit=1000)
    _valid_hits(hits, ids | {claim_id})
    assert claim_id in {h.id for h in hits}
    ids.add(claim_id)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_strategy)
def test_any_article_checked_against_a_store_gets_valid_verdicts(small_store, registry, text):
    from claims.checker import check_text
    from claims.match.matcher import StoreMatcher
    from claims.types import InputText

    store, ids = small_store
    report = check_text(InputText(text, "-", "utf-8", "txt"), registry, StoreMatcher(store, registry))
    for item in report.claims:
        assert item.verdict.label in VERDICTS and item.verdict.reason.strip()
        for e in item.verdict.evidence:
            assert e.relation in LABELS and (e.claim_id in ids or isinstance(e.claim_id, str))


# The verdict: consistent with its evidence, whatever the evidence.

SOURCES = [
    "kcna",
    "rodong-sinmun",
    "dprk-state-media",
    "kim-jong-un",
    "yonhap",
    "reuters",
    "afp",
    "ap",
    "tass",
]
ORIGINS = SOURCES + ["russia-mfa", "vladimir-putin", *NO_SOURCE]
DATES = st.one_of(st.none(), st.sampled_from(["2024-11-05", "2024-12-04", "2024-12-05", "2024-12-06"]))


ANY_RELATION = st.sampled_from(LABELS)
ANY_SCORE = st.floats(0, 100)


@st.composite
def evidence(draw, relation=ANY_RELATION, score=ANY_SCORE):
    source = draw(st.sampled_from(SOURCES))
    return Evidence(
        claim_id=draw(st.integers(1, 10_000)),
        text="stored claim",
        source_id=source,
        source_name=source.upper(),
        published=draw(DATES),
        url=None,
        score=draw(score),
        relation=draw(relation),
        why="found",
    )


def _claim(origin: str, via: tuple[str, ...]) -> Claim:
    return Claim("c1", Span(0, 5, "claim"), 1, "en", Attribution(source_id=origin, via=via))


verdict_case = st.tuples(
    st.sampled_from(ORIGINS),
    st.lists(st.sampled_from(SOURCES), max_size=2).map(tuple),
    st.lists(evidence(), max_size=6),
    DATES,
)


@settings(max_examples=300, deadline=None)
@given(verdict_case)
def test_verdict_follows_from_its_evidence(registry, case):
    origin, via, found, as_of = case
    verdict = verdict_for(_claim(origin, via), origin, found, registry, as_of=as_of)
    assert verdict.label in VERDICTS and verdict.reason.strip()
    assert set(verdict.evidence) <= set(found)
    usable = [e for e in found if as_of is None or e.published is None or e.published <= as_of]
    if verdict.label == "disputed":  # never without a contradicting claim from someone else
        assert any(e.relation == "contradicts" and e.source_id != origin for e in usable)
    if verdict.label == "corroborated":  # never without a supporting claim from an independent source
        assert any(
            e.relation == "supports" and independent(origin, e.source_id, registry, via) for e in usable
        )
    if not usable:
        assert verdict.label == "single-source"
    # evidence after --as-of counts as if absent; the order of the evidence does not matter
    assert verdict_for(_claim(origin, via), origin, usable, registry).label == verdict.label
    assert verdict_for(_claim(origin, via), origin, found[::-1], registry, as_of=as_of).label == verdict.label


@settings(max_examples=300, deadline=None)
@given(verdict_case, evidence(relation=st.just("supports"), score=st.floats(Policy().min_support, 100)))
def test_more_support_never_weakens_a_verdict(registry, case, more):
    origin, via, found, _ = case
    claim = _claim(origin, via)
    before = verdict_for(claim, origin, found, registry).label
    after = verdict_for(claim, origin, [*found, more], registry).label
    if before == "corroborated":
        assert after == "corroborated"
    if before == "disputed":
        assert after == "disputed"
    if independent(origin, more.source_id, registry, via):  # a new independent voice corroborates
        assert after in ("corroborated", "disputed")
