"""Sentence vectors in the store: stored with the claims, added later by ``claims db embed``, searched.

The claims are real-world statements in Arabic and English written for these tests; an Arabic sentence
and its English counterpart must find each other by vector, which words alone never do. Every test runs on
SQLite and, when $CLAIMS_TEST_POSTGRES_URL is set, on PostgreSQL (conftest's ``store_url``).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from claims import encoder
from claims.cli import app
from claims.errors import InputError
from claims.store import embed, vectors
from claims.store.db import Store
from claims.types import ClaimRecord

TREATY_EN = ClaimRecord(
    "The Russia-North Korea comprehensive strategic partnership treaty entered into force on 4 December "
    "2024 after the exchange of instruments of ratification in Moscow.",
    "tass",
    "2024-12-04",
    language="en",
)
TROOPS_EN = ClaimRecord(
    "North Korea has sent more than 10,000 troops to Russia.", "reuters", "2024-11-01", language="en"
)
MISSILE_AR = ClaimRecord(
    "أطلقت كوريا الشمالية صاروخا باليستيا باتجاه بحر اليابان صباح الثلاثاء", "yonhap", "2024-11-05"
)
FLOODS_EN = ClaimRecord(
    "Heavy rain flooded hundreds of homes in North Pyongan province in late July.",
    "kcna",
    "2024-07-30",
    language="en",
)
CLAIMS = [TREATY_EN, TROOPS_EN, MISSILE_AR, FLOODS_EN]
TROOPS_AR = "أرسلت كوريا الشمالية أكثر من عشرة آلاف جندي إلى روسيا"
TREATY_AR = "دخلت معاهدة الشراكة الاستراتيجية الشاملة بين روسيا وكوريا الشمالية حيز التنفيذ"


@pytest.fixture
def store(store_url):
    s = Store.open(store_url)
    yield s
    s.close()


def vector_rows(store: Store) -> dict[int, str]:
    with store.engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT claim_id, model FROM claim_vector")).all())


def test_vectors_are_stored_with_the_claims_an_import_adds(store, registry):
    store.add_claims(CLAIMS, registry)
    assert store.has_vectors()
    stored = vector_rows(store)
    assert len(stored) == len(CLAIMS) and set(stored.values()) == {encoder.MODEL}
    found = store.vectors_for(list(stored) + [999])
    assert set(found) == set(stored)
    for v in found.values():
        assert v.dtype == np.float32 and v.shape == (encoder.DIM,)
        assert abs(float(np.linalg.norm(v)) - 1.0) < 0.01
    stats = store.stats()
    assert (stats["vectors"], stats["vector_model"]) == (len(CLAIMS), encoder.MODEL)


def test_an_import_that_fails_stores_no_vectors(store, registry):
    bad = ClaimRecord("Kim Jong Un visited a munitions factory.", "no-such-source", "2024-09-13")
    with pytest.raises(InputError):
        store.add_claims([TROOPS_EN, bad], registry)
    assert store.stats()["claims"] == 0 and vector_rows(store) == {}


def test_reimporting_adds_no_second_vector(store, registry):
    store.add_claims(CLAIMS, registry)
    store.add_claims(CLAIMS + [MISSILE_AR], registry)
    assert len(vector_rows(store)) == len(CLAIMS)


def test_claims_stored_without_vectors_are_found_by_their_words_only(store, registry):
    store.add_claims(CLAIMS, registry, vectors=False)
    assert not store.has_vectors()
    assert store.search("troops Russia")[0].text == TROOPS_EN.text
    assert store.search_vectors(encoder.encode([TROOPS_AR]), 3) == [[]]


def test_search_finds_the_english_claim_for_an_arabic_query(store, registry):
    store.add_claims(CLAIMS, registry)
    troops, treaty = store.search_vectors(encoder.encode([TROOPS_AR, TREATY_AR]), 2)
    assert troops[0].text == TROOPS_EN.text and troops[0].language == "en"
    assert treaty[0].text == TREATY_EN.text
    assert 0 < troops[1].score < troops[0].score <= 1


def test_search_filters_by_language_and_date(store, registry):
    store.add_claims(CLAIMS, registry)
    (arabic,) = store.search_vectors(encoder.encode([TROOPS_AR]), 5, language="ar")
    assert [c.text for c in arabic] == [MISSILE_AR.text]
    (before,) = store.search_vectors(encoder.encode([TROOPS_AR]), 5, as_of="2024-10-01")
    assert [c.text for c in before] == [FLOODS_EN.text]


def test_new_vectors_are_searched_by_a_store_that_searched_before(store, registry):
    store.add_claims([FLOODS_EN], registry)
    assert store.search_vectors(encoder.encode([TROOPS_AR]), 1)[0][0].text == FLOODS_EN.text
    with Store.open(store.url if not store.url.startswith("sqlite") else str(store.engine.url)) as other:
        other.add_claims([TROOPS_EN], registry)
    assert store.search_vectors(encoder.encode([TROOPS_AR]), 1)[0][0].text == TROOPS_EN.text


def test_db_embed_fills_the_claims_without_vectors_and_resumes_after_a_kill(store, registry, monkeypatch):
    store.add_claims(CLAIMS, registry, vectors=False)
    monkeypatch.setattr(embed, "BATCH", 2)
    real = encoder.encode
    calls = 0

    def killed_on_second_batch(texts, *args):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        return real(texts, *args)

    monkeypatch.setattr(encoder, "encode", killed_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        store.embed()
    first_two = sorted(vector_rows(store))
    assert len(first_two) == 2  # the first batch was committed
    monkeypatch.setattr(encoder, "encode", real)
    result = store.embed()
    assert result.encoded == len(CLAIMS) - 2
    assert len(vector_rows(store)) == len(CLAIMS)
    assert store.embed().encoded == 0


def test_a_vector_of_another_model_is_replaced_by_db_embed(store, registry):
    store.add_claims([TROOPS_EN], registry)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE claim_vector SET model = 'an-older-encoder'"))
    assert not store.has_vectors()
    assert store.stats()["vectors_of_other_models"] == {"an-older-encoder": 1}
    assert store.embed().encoded == 1
    assert set(vector_rows(store).values()) == {encoder.MODEL}


def test_migration_0005_goes_down_and_up_keeping_the_claims(store, registry):
    store.add_claims(CLAIMS, registry)
    store.downgrade("0004", backup=False)
    with store.engine.connect() as conn:
        assert not sa.inspect(conn).has_table("claim_vector")
    store.upgrade(backup=False)
    assert store.stats()["claims"] == len(CLAIMS) and not store.has_vectors()
    assert store.embed().encoded == len(CLAIMS)


# --- the HNSW graph of a large store, and its cache file beside an SQLite database -------------------


@pytest.fixture
def graph_store(tmp_path, registry, monkeypatch):
    """A store large enough for the graph (the threshold lowered to 2 vectors)."""
    monkeypatch.setattr(vectors, "EXACT_UP_TO", 2)
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    with Store.open(url) as s:
        s.add_claims(CLAIMS, registry)
    return tmp_path / "claims.db"


def test_a_read_only_store_builds_the_graph_in_memory_and_writes_nothing(graph_store):
    for cache in graph_store.parent.glob("claims.db.vectors*"):
        cache.unlink()
    with Store.open(f"sqlite:///{graph_store}", read_only=True) as ro:
        assert ro.search_vectors(encoder.encode([TROOPS_AR]), 1)[0][0].text == TROOPS_EN.text
        assert ro._vectors.graph is not None
    assert sorted(p.name for p in graph_store.parent.iterdir() if "vectors" in p.name) == []


def test_the_graph_is_kept_beside_the_database_and_brought_up_to_date(graph_store, registry):
    cache = graph_store.with_name("claims.db.vectors")
    assert cache.exists() and cache.with_name("claims.db.vectors.json").exists()  # written by the import
    with Store.open(f"sqlite:///{graph_store}") as s:
        s.add_claims(
            [ClaimRecord("تعهد بوتين بتعزيز التعاون العسكري مع بيونغ يانغ", "tass", "2024-12-06")], registry
        )
        hits = s.search_vectors(
            encoder.encode(["Putin pledged closer military cooperation with Pyongyang"]), 1
        )
        assert hits[0][0].source == "tass" and len(s._vectors) == len(CLAIMS) + 1


def test_a_store_opened_later_maps_the_graph_and_searches_newer_vectors_beside_it(
    graph_store, registry, monkeypatch
):
    monkeypatch.setattr(vectors, "_RESAVE_SHARE", 10.0)  # the writer leaves the file as it is
    pledge = ClaimRecord("تعهد بوتين بتعزيز التعاون العسكري مع بيونغ يانغ", "tass", "2024-12-06")
    with Store.open(f"sqlite:///{graph_store}") as s:
        s.add_claims([pledge], registry)
    meta = graph_store.with_name("claims.db.vectors.json")
    assert json.loads(meta.read_text())["vectors"] == len(CLAIMS)
    with Store.open(f"sqlite:///{graph_store}", read_only=True) as ro:
        hits = ro.search_vectors(
            encoder.encode(["Putin pledged closer military cooperation with Pyongyang"]), 2
        )
        assert hits[0][0].text == pledge.text
        assert ro.search_vectors(encoder.encode([TROOPS_AR]), 1)[0][0].text == TROOPS_EN.text
        index = ro._vectors
        assert index.viewed and len(index.graph) == len(CLAIMS) and list(index.ids) == [hits[0][0].id]


def test_a_writer_puts_the_vectors_newer_than_the_file_into_the_graph_and_writes_it_again(
    graph_store, registry
):
    meta = graph_store.with_name("claims.db.vectors.json")
    pledge = ClaimRecord("تعهد بوتين بتعزيز التعاون العسكري مع بيونغ يانغ", "tass", "2024-12-06")
    with Store.open(f"sqlite:///{graph_store}") as s:
        s.add_claims([pledge], registry)  # one more than the file's 4: above the share written again
        assert not s._vectors.viewed and len(s._vectors.ids) == 0
    assert json.loads(meta.read_text())["vectors"] == len(CLAIMS) + 1


def test_a_cache_that_does_not_match_the_database_is_rebuilt(graph_store, tmp_path, registry):
    with Store.open(f"sqlite:///{graph_store}") as s:
        s.search_vectors(encoder.encode([TROOPS_AR]), 1)
    other = tmp_path / "other"
    other.mkdir()
    # another database put where this one was, with the old database's cache files beside it
    for name in ("claims.db.vectors", "claims.db.vectors.json"):
        (other / name).write_bytes((tmp_path / name).read_bytes())
    with Store.open(f"sqlite:///{other / 'claims.db'}") as s:
        s.add_claims([FLOODS_EN, MISSILE_AR, TROOPS_EN], registry)
        (hit,) = s.search_vectors(encoder.encode([TREATY_AR]), 1)[0]
        assert hit.text != TREATY_EN.text  # not in this database: a stale cache would return its id
        assert len(s._vectors) == 3


def test_a_damaged_cache_file_is_rebuilt(graph_store):
    with Store.open(f"sqlite:///{graph_store}") as s:
        s.search_vectors(encoder.encode([TROOPS_AR]), 1)
    graph_store.with_name("claims.db.vectors").write_bytes(b"\x00not a graph")
    with Store.open(f"sqlite:///{graph_store}") as s:
        assert s.search_vectors(encoder.encode([TROOPS_AR]), 1)[0][0].text == TROOPS_EN.text


# --- the commands ------------------------------------------------------------------------------------


def test_import_no_vectors_then_db_embed_and_stats(tmp_path):
    import json

    data = tmp_path / "claims.jsonl"
    data.write_text(
        "".join(
            json.dumps({"text": c.text, "source": c.source, "published": c.published}, ensure_ascii=False)
            + "\n"
            for c in CLAIMS
        ),
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'claims.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(data), "--no-vectors", "--db", db]).exit_code == 0
    stats = runner.invoke(app, ["db", "stats", "--db", db, "--json"])
    assert json.loads(stats.stdout)["vectors"] == 0
    result = runner.invoke(app, ["db", "embed", "--db", db])
    assert result.exit_code == 0, result.output
    assert f"{len(CLAIMS)} claims encoded in" in result.output
    assert f"{len(CLAIMS)} of {len(CLAIMS)} claims have vectors" in result.output
    again = runner.invoke(app, ["db", "embed", "--db", db])
    assert f"all {len(CLAIMS)} claims already have vectors" in again.output
    assert json.loads(runner.invoke(app, ["db", "stats", "--db", db, "--json"]).stdout)["vectors"] == 4


def test_db_embed_of_a_missing_database_file_is_a_database_error(tmp_path):
    result = CliRunner().invoke(app, ["db", "embed", "--db", f"sqlite:///{tmp_path / 'nowhere' / 'x.db'}"])
    assert result.exit_code == 4 and result.output.startswith("claims:")
