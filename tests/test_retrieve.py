"""Candidate retrieval (search + re-ranking) and ``claims eval retrieval``.

Hand-made Arabic and English stores; the CheckThat! 2021 2A test reads ../shared and is skipped without it.
"""

from __future__ import annotations

import importlib.util
import json

import pytest

from claims.errors import InputError, UsageError
from claims.eval.predict import read_jsonl
from claims.eval.retrieval import (
    average_precision,
    evaluate_retrieval,
    format_retrieval_table,
    load_jsonl,
    load_qrels,
    score_run,
    write_run,
)
from claims.match import retrieve
from claims.match.retrieve import candidates
from claims.store.db import Store
from claims.store.index import analyze, fts_expression, index_text, match_text, query_words
from claims.text.normalize import normalize
from claims.types import ClaimRecord

from .conftest import ROOT, shared

STORED = [
    ClaimRecord("وقال كيم جونغ أون إن كوريا الشمالية ستعزز قدراتها النووية", "kcna", "2024-11-20"),
    ClaimRecord("قالت كوريا الجنوبية إن بيونغ يانغ أرسلت 10 آلاف جندي إلى روسيا", "yonhap", "2024-10-18"),
    ClaimRecord("قالت كوريا الجنوبية إن بيونغ يانغ أرسلت 3 آلاف جندي إلى روسيا", "yonhap", "2024-10-01"),
    ClaimRecord("نفت وزارة الخارجية الروسية إرسال جنود كوريين شماليين إلى أوكرانيا", "russia-mfa", "2024-10-20"),
    ClaimRecord("دخلت معاهدة الشراكة الاستراتيجية بين روسيا وكوريا الشمالية حيز التنفيذ", "tass", "2024-12-04"),
    ClaimRecord("KCNA said the DPRK would bolster its nuclear war deterrent.", "kcna", "2024-11-21"),
    ClaimRecord("South Korea's spy agency said 10,000 North Korean troops were sent to Russia.", "yonhap", "2024-10-18"),
    ClaimRecord("The Kremlin declined to comment on reports of North Korean troops.", "russia-gov", "2024-10-19"),
    ClaimRecord("A new bridge opened over the Nile in Cairo in December.", "afp", "2024-12-02"),
]  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory, registry):
    path = tmp_path_factory.mktemp("retrieve") / "claims.db"
    s = Store.open(f"sqlite:///{path}")
    s.add_claims(STORED, registry)
    yield s
    s.close()


# --- analysis ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("وقال", "قال"),
        ("فقالت", "قالت"),
        ("للوكالة", "الوكالة"),
        ("الشمالية", "شمالية"),
        ("كوريا الشمالية", "کوریا الشمالیة"),
        ("الاتفاقيّة", "الإتفاقية"),
        ("١٠٬٠٠٠ جندي", "10,000 جندي"),
    ],
)
def test_index_forms_share_a_term(a, b):
    def terms(text):
        return {f for forms in analyze(normalize(text)) for f in forms}

    assert all(terms(w) & terms(v) for w, v in zip(a.split(), b.split(), strict=True))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("وقال إن الوفد الروسي سيزور موسكو", "قال وفد روسي سيزور موسكو"),
        ("The troops were sent to Russia, officials said", "troop sent russia official said"),
        ("See https://t.co/abc123 and www.example.com/x — pic.twitter.com/XyZ", "see"),
        ("في من على the of", ""),
    ],
)
def test_index_match_text(text, expected):
    assert match_text(normalize(text)) == expected


def test_index_text_keeps_every_form():
    assert set(index_text(normalize("وللوكالة")).split()) == {
        "وللوكاله",
        "للوكاله",
        "الوكاله",
        "لوكاله",
        "وكاله",
    }


@pytest.mark.parametrize(
    "query",
    ['say "hello', "NEAR(troops Russia)", "troops OR Russia AND NOT Kim", "col:value", "prefix*", "^start",
     'spy" OR "agency', "قال* NEAR(وكالة)"],
)  # fmt: skip
def test_fts_expression_quotes_every_term(query):
    expression = fts_expression(query_words(normalize(query)))
    terms = expression.split(" OR ")
    assert terms and terms[0]
    for term in terms:
        assert term.startswith('"') and term.endswith('"') and '"' not in term[1:-1]


@pytest.mark.parametrize("query", ["(((", 'x" OR "y', "* ^ : -", "في من على the of and"])
def test_fts_expression_of_no_words_is_empty(query):
    assert fts_expression(query_words(normalize(query))) == ""


# --- candidates ----------------------------------------------------------------------------------------


def test_candidates_rank_and_score(store):
    [hits] = candidates(store, ["أكد كيم جونغ أون أن بلاده ستعزز قدراتها النووية"], "ar", limit=3)
    assert hits[0].source == "kcna" and hits[0].text.startswith("وقال كيم")
    assert len(hits) <= 3
    assert all(0 <= c.score <= 100 for c in hits)
    assert [c.score for c in hits] == sorted((c.score for c in hits), reverse=True)


def test_candidates_shared_numbers_rank_first(store):
    [hits] = candidates(store, ["أرسلت بيونغ يانغ 10 آلاف جندي إلى روسيا، بحسب سيول"], "ar", limit=5)
    texts = [c.text for c in hits]
    ten, three = texts.index(STORED[1].text), texts.index(STORED[2].text)
    assert ten < three  # both kept: a different number may be a contradiction worth showing
    assert hits[ten].score > hits[three].score


def test_candidates_for_a_batch_keep_the_order(store):
    claims = [
        "North Korean troops were sent to Russia, Seoul's spy agency said",
        "دخلت المعاهدة بين روسيا وكوريا الشمالية حيز التنفيذ",
        "في من على",
    ]
    results = candidates(store, claims, limit=2)
    assert results[0][0].source == "yonhap" and results[0][0].language == "en"
    assert results[1][0].source == "tass"
    assert results[2] == []
    assert candidates(store, []) == []


def test_candidates_one_matrix_or_one_row_per_claim_agree(store, monkeypatch):
    claims = [
        "North Korean troops in Russia",
        "قالت كوريا الجنوبية إن جنودا أرسلوا إلى روسيا",
        "nuclear deterrent",
    ]
    together = candidates(store, claims, limit=5)
    monkeypatch.setattr(retrieve, "_MAX_CELLS", 1)
    apart = candidates(store, claims, limit=5)
    assert [[(c.id, c.score) for c in hits] for hits in together] == [
        [(c.id, c.score) for c in hits] for hits in apart
    ]


def test_candidates_as_of_and_language(store):
    [hits] = candidates(store, ["North Korean troops sent to Russia"], "en", as_of="2024-10-18")
    assert hits and all(c.published <= "2024-10-18" and c.language == "en" for c in hits)


def test_candidates_registry_names_are_anchors_across_languages(registry):
    aliases = retrieve._alias_index(registry)
    english = retrieve._anchors("KCNA said on 5 December", normalize("KCNA said on 5 December"), aliases)
    arabic_text = "وقالت وكالة الأنباء المركزية الكورية في 5 ديسمبر"
    arabic = retrieve._anchors(arabic_text, normalize(arabic_text), aliases)
    assert {"source:kcna", "#5", "month:12"} <= english & arabic


# --- candidates across languages: words and vectors fused ------------------------------------------------

TREATY_AR = "أصبحت معاهدة الشراكة الاستراتيجية الشاملة بين موسكو وبيونغ يانغ سارية المفعول"
TROOPS_EN = "Seoul says Pyongyang has sent ten thousand soldiers to fight for Russia."


def test_candidates_find_a_claim_in_another_language_by_its_vector(tmp_path, registry):
    english_treaty = ClaimRecord(
        "The strategic partnership treaty between Russia and North Korea took effect on 4 December.",
        "tass",
        "2024-12-04",
        language="en",
    )
    with Store.open(f"sqlite:///{tmp_path / 'claims.db'}") as s:
        s.add_claims([*STORED, english_treaty], registry)
        treaty, troops = candidates(s, [TREATY_AR, TROOPS_EN], limit=5)
    assert english_treaty.text in [c.text for c in treaty[:2]]
    assert STORED[4].text in [c.text for c in treaty[:2]]  # the Arabic statement of the same fact
    assert {STORED[1].text, STORED[6].text} <= {c.text for c in troops[:3]}  # Arabic and English, 10,000
    assert all(0 <= c.score <= 100 for c in treaty + troops)


def test_in_another_language_the_names_figures_and_dates_both_hold_stand_for_the_words():
    troops_ar = "أرسلت كوريا الشمالية أكثر من عشرة آلاف جندي إلى روسيا"
    same = retrieve._facts_in_common(
        troops_ar, "ar", "North Korea has sent more than 10,000 troops to Russia.", "en"
    )
    other = retrieve._facts_in_common(troops_ar, "ar", "North Korea fired a missile on 5 November.", "en")
    assert same == 100.0  # North Korea, Russia, 10,000
    assert other is not None and other < 50  # North Korea only, of four facts
    assert retrieve._facts_in_common("the weather is mild", "en", "الطقس معتدل", "ar") is None  # no facts
    # the facts take the words' share: the same statement ranks above one that only reads alike
    assert retrieve.fused_score(0, 0.6, same_language=False, facts=same) > retrieve.fused_score(
        0, 0.65, same_language=False, facts=other
    )
    assert retrieve.fused_score(0, 0.6, same_language=False) == retrieve.fused_score(
        0, 0.6, same_language=False, facts=None
    )


def test_candidates_same_language_keeps_the_words_only_behaviour(store, monkeypatch):
    words_only = candidates(store, [TROOPS_EN, TREATY_AR], limit=5, same_language=True)
    assert all(c.language == "en" for c in words_only[0])
    assert all(c.language == "ar" for c in words_only[1])
    monkeypatch.setattr(store, "has_vectors", lambda: False)
    assert words_only == [
        candidates(store, [TROOPS_EN], "en", limit=5)[0],
        candidates(store, [TREATY_AR], "ar", limit=5)[0],
    ]


def test_candidates_use_the_vectors_given_and_check_their_number(store):
    from claims import encoder

    given = encoder.encode([TROOPS_EN])
    assert candidates(store, [TROOPS_EN], vectors=given, limit=3) == candidates(store, [TROOPS_EN], limit=3)
    with pytest.raises(ValueError, match="1 claims but 2 vectors"):
        candidates(store, [TROOPS_EN], vectors=encoder.encode([TROOPS_EN, TREATY_AR]))


def test_candidates_without_a_stored_vector_are_still_found_by_their_words(tmp_path, registry):
    with Store.open(f"sqlite:///{tmp_path / 'claims.db'}") as s:
        s.add_claims(STORED[:4], registry)
        s.add_claims(STORED[4:], registry, vectors=False)  # the treaty claim has words but no vector
        [hits] = candidates(s, ["دخلت معاهدة الشراكة الاستراتيجية حيز التنفيذ"], limit=3)
        assert hits[0].text == STORED[4].text


# --- claims eval retrieval -------------------------------------------------------------------------------

CORPUS = [
    {"id": "v1", "text": "North Korea sent 10,000 troops to Russia.", "title": "Troops to Russia?"},
    {"id": "v2", "text": "Kim Jong Un said the satellite launch succeeded.", "title": "Satellite launch"},
    {"id": "v3", "text": "دخلت معاهدة الشراكة بين روسيا وكوريا الشمالية حيز التنفيذ", "language": "ar"},
    {"id": "v4", "text": "A bridge opened over the Nile.", "title": ""},
]
QUERIES = [
    {"id": "q1", "text": "Did Pyongyang really send 10,000 soldiers to Russia? Troops to Russia"},
    {"id": "q2", "text": "وقالت موسكو إن المعاهدة مع كوريا الشمالية دخلت حيز التنفيذ", "language": "ar"},
    {"id": "q3", "text": "Kim: satellite launch succeeded"},
    {"id": "q4", "text": "a query nobody judged"},
]
QRELS = {"q1": {"v1": 1}, "q2": {"v3": 1}, "q3": {"v2": 1, "v9": 0}}


def test_eval_retrieval_on_a_tiny_set(tmp_path):
    result = evaluate_retrieval(CORPUS, QUERIES, QRELS)
    assert result["scored_queries"] == 3 and result["queries"] == 4
    assert result["metrics"] == {"MAP@1": 1.0, "MAP@3": 1.0, "MAP@5": 1.0, "MRR": 1.0, "Recall@10": 1.0}
    assert result["latency_ms"]["p50"] > 0
    assert result["run"][0][:3] == ("q1", "v1", 1)
    table = format_retrieval_table(result)
    assert "MAP@5" in table and "p95" in table
    write_run(result["run"], tmp_path / "run.tsv")
    first = (tmp_path / "run.tsv").read_text().splitlines()[0].split()
    assert first[:4] == ["q1", "Q0", "v1", "1"] and first[5] == "claims"


def test_eval_retrieval_into_a_given_database_which_must_be_empty(store_url):
    result = evaluate_retrieval(CORPUS, QUERIES, QRELS, store_url=store_url)
    assert result["metrics"] == {"MAP@1": 1.0, "MAP@3": 1.0, "MAP@5": 1.0, "MRR": 1.0, "Recall@10": 1.0}
    with pytest.raises(UsageError, match="already holds claims; evaluate retrieval in an empty database"):
        evaluate_retrieval(CORPUS, QUERIES, QRELS, store_url=store_url)


def test_eval_retrieval_duplicate_texts_are_all_retrievable():
    corpus = [*CORPUS, {"id": "v1-copy", "text": CORPUS[0]["text"], "title": CORPUS[0]["title"]}]
    result = evaluate_retrieval(corpus, QUERIES[:1], {"q1": {"v1-copy": 1}})
    assert result["corpus_duplicates"] == 1
    assert [r[1:3] for r in result["run"][:2]] == [("v1", 1), ("v1-copy", 2)]
    assert result["metrics"]["MRR"] == 0.5


@pytest.mark.parametrize("reader", [load_jsonl, read_jsonl], ids=["retrieval", "attribution"])
@pytest.mark.parametrize(
    ("content", "error"),
    [
        (None, r"gold: is a directory, not a file"),
        (b"\x00\x01 not text", r"gold: a binary file, not text"),
        (b'{"id": "1", "text": "\xd9\x82\xd8\xa7\xd9\x84"}\n{"text": "\xd9"}\n', r"gold: not UTF-8 text"),
        ('{"id": "1", "text": "قال الوزير"\n'.encode(), r"gold:1: not valid JSON \(.*, column \d+\)"),
    ],
    ids=["directory", "binary", "not-utf8", "not-json"],
)
def test_eval_readers_refuse_bad_files_as_claims_import_does(tmp_path, reader, content, error):
    gold = tmp_path / "gold"
    if content is None:
        gold.mkdir()
    else:
        gold.write_bytes(content)
    with pytest.raises(InputError, match=error):
        reader(gold)


def test_eval_readers_skip_a_byte_order_mark_and_blank_lines(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\ufeff" + json.dumps(QUERIES[0], ensure_ascii=False) + "\n\n", encoding="utf-8")
    assert load_jsonl(gold) == read_jsonl(gold) == [QUERIES[0]]


def test_eval_average_precision_divides_by_the_relevant_count():
    assert average_precision(["a", "x", "b"], {"a", "b"}) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision(["x"], {"a"}) == 0.0
    metrics, scored = score_run([("q", "x", 1, 9.0), ("q", "a", 2, 8.0)], {"q": {"a": 1}}, ["q"])
    assert scored == 1 and metrics["MAP@1"] == 0.0 and metrics["MAP@3"] == 0.5 and metrics["MRR"] == 0.5


def test_eval_loaders(tmp_path):
    (tmp_path / "q.jsonl").write_text(json.dumps(QUERIES[0]) + "\n\n", encoding="utf-8")
    assert load_jsonl(tmp_path / "q.jsonl") == [QUERIES[0]]
    (tmp_path / "bad.jsonl").write_text('{"id": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:1: expected an object with an id and a text"):
        load_jsonl(tmp_path / "bad.jsonl")
    (tmp_path / "qrels.tsv").write_text("q1 0 v1 1\nq1\t0\tv2\t0\n", encoding="utf-8")
    assert load_qrels(tmp_path / "qrels.tsv") == {"q1": {"v1": 1, "v2": 0}}
    (tmp_path / "bad.tsv").write_text("q1 0 v1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.tsv:1: expected 'qid 0 docid relevance'"):
        load_qrels(tmp_path / "bad.tsv")


def _converter():
    spec = importlib.util.spec_from_file_location(
        "clef2021_to_retrieval", ROOT / "bench" / "clef2021_to_retrieval.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_clef_converter_on_a_tiny_tree(tmp_path, capsys):
    source = tmp_path / "shared" / "data" / "clef2021-2a" / "en"
    source.mkdir(parents=True)
    (source / "verified_claims.tsv").write_text(
        "vclaim_id\tvclaim\ttitle\nvclaim-1\tA claim.\tA title\nvclaim-2\tOther claim.\tOther\n",
        encoding="utf-8",
    )
    (source / "dev_queries.tsv").write_text(
        "tweet_id\ttweet_text\ntweet-9\tIs it true? A claim\n", encoding="utf-8"
    )
    (source / "train_dev_qrels.tsv").write_text(
        "tweet-1\t0\tvclaim-2\t1\ntweet-9\t0\tvclaim-1\t1\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    assert _converter().main(["--shared", str(tmp_path / "shared"), "--out", str(out)]) == 0
    assert load_jsonl(out / "corpus.jsonl")[0] == {
        "id": "vclaim-1",
        "text": "A claim.",
        "title": "A title",
        "language": "en",
    }
    assert load_qrels(out / "qrels-dev.tsv") == {"tweet-9": {"vclaim-1": 1}}
    assert "2 verified claims, 1 dev queries, 1 qrels" in capsys.readouterr().out


def test_clef_converter_without_shared_data(tmp_path, capsys):
    assert _converter().main(["--shared", str(tmp_path / "absent"), "--out", str(tmp_path / "out")]) == 0
    assert "is not present" in capsys.readouterr().out


def test_eval_retrieval_clef2021_2a_english_dev_meets_the_target(tmp_path):
    shared("clef2021-2a", "en")
    out = tmp_path / "clef"
    _converter().main(["--shared", str(ROOT.parent / "shared"), "--out", str(out), "--split", "dev"])
    result = evaluate_retrieval(
        load_jsonl(out / "corpus.jsonl"),
        load_jsonl(out / "queries-dev.jsonl"),
        load_qrels(out / "qrels-dev.tsv"),
        vectors=False,  # the words' figure; with vectors (minutes of encoding): bench/tune_fusion.py
    )
    assert result["scored_queries"] == 199
    assert result["metrics"]["MAP@5"] >= 0.80, format_retrieval_table(result)
