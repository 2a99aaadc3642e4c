"""The claims store: schema and migrations, writing (dedupe, sources, transactions), search, decisions.

Every test works on a fresh store: an SQLite file under tmp_path, and, when $CLAIMS_TEST_POSTGRES_URL is
set, a new PostgreSQL schema (conftest's ``store_url``); conftest also points CLAIMS_HOME at a temp dir.
Import policy under test: a whole import is one transaction, so a malformed record anywhere rejects the
file and stores nothing; the error names the record (the readers add the file and line, see
test_importers.py). ``atomic=False`` commits batch by batch instead.
"""

from __future__ import annotations

import os
import sqlite3

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from claims.errors import DatabaseError, InputError, UsageError
from claims.store import bulk, schema
from claims.store import index as fts
from claims.store.db import SCHEMA_HEAD, Store, default_url, text_hash
from claims.types import ClaimRecord

AR = [
    ClaimRecord(
        "وقال الرئيس الكوري الشمالي كيم جونغ أون إن التجربة الصاروخية الأخيرة نجحت",
        "kcna",
        "2024-11-01",
        external_id="ar-1",
    ),
    ClaimRecord(
        "أعلنت كوريا الشمالية إطلاق صاروخ باليستي عابر للقارات من طراز هواسونغ-19",
        "yonhap",
        "2024-10-31",
        via=("kcna",),
        url="https://example.org/yonhap/1",
    ),
    ClaimRecord(
        "دخلت معاهدة الشراكة الاستراتيجية الشاملة بين روسيا وكوريا الشمالية حيز التنفيذ",
        "russia-mfa",
        "2024-12-04",
        publisher="tass",
    ),
    ClaimRecord(
        "أرسلت كوريا الشمالية أكثر من 10,000 جندي إلى روسيا",
        "anonymous",
        "2024-11-13",
        hedged=True,
    ),
]
EN = [
    ClaimRecord(
        "North Korea fired an intercontinental ballistic missile into the sea off its east coast, "
        "the South Korean military said.",
        "yonhap",
        "2024-10-31",
        language="en",
    ),
    ClaimRecord(
        "Russia's strategic partnership treaty with North Korea entered into force on Wednesday.",
        "kcna",
        "2024-12-05",
        rating="true",
    ),
]


@pytest.fixture
def store(store_url):
    s = Store.open(store_url)
    yield s
    s.close()


@pytest.fixture
def sqlite_store(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'claims.db'}")
    yield s
    s.close()


@pytest.fixture
def filled(store, registry):
    store.add_claims(AR + EN, registry)
    return store


def tables(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names())


# --- schema and migrations ---------------------------------------------------------------------------


def test_store_open_creates_the_schema_at_head(store):
    assert {"source", "document", "claim", "decision", "alembic_version"} <= tables(store)
    if store.backend == "sqlite":
        assert fts.FTS_TABLE in tables(store)
    else:
        with store.engine.connect() as conn:
            assert fts.PG_INDEX in {i["name"] for i in sa.inspect(conn).get_indexes("claim")}
    assert store.revision() == SCHEMA_HEAD


def test_store_reopen_is_a_noop_and_keeps_data(store_url, registry):
    url = store_url
    with Store.open(url) as first:
        first.add_claims(AR, registry)
    with Store.open(url) as again:
        assert again.upgrade() == (SCHEMA_HEAD, SCHEMA_HEAD, None)
        assert again.stats()["claims"] == len(AR)
        assert again.search("قال كيم جونغ أون")


def test_store_open_without_migrating_leaves_an_empty_database(store_url):
    store = Store.open(store_url, migrate=False)
    assert store.revision() is None
    assert store.upgrade() == (None, SCHEMA_HEAD, None)
    assert store.revision() == SCHEMA_HEAD


def test_store_upgrade_from_0001_keeps_the_claims_and_indexes_them(store_url, registry):
    """PostgreSQL: claims written at 0001 are found after the upgrade builds 0002's word index. (On SQLite
    today's writer needs 0003's term counts; the upgrade of a database written at 0001 is tested from a
    dump made by that schema: tests/test_reliability.py, test_db_upgrade_of_a_database_made_by_schema_0001_keeps_its_data.)"""
    from alembic import command

    if store_url.startswith("sqlite"):
        pytest.skip("on SQLite, tested from a dump made at 0001 (tests/fixtures/claims-schema-0001.sql)")
    with Store.open(store_url, migrate=False) as store:
        with store.engine.begin() as conn:
            command.upgrade(schema.alembic_config(conn), "0001")
        store.add_claims(AR + EN, registry, vectors=False)  # claims stored before 0002 existed
        assert store.upgrade()[:2] == ("0001", SCHEMA_HEAD)
        assert store.stats()["claims"] == len(AR) + len(EN)
        assert store.search("North Korea missile east coast")[0].source == "yonhap"


def test_store_postgresql_upgrade_from_0003_moves_search_to_word_keys(postgres_url, registry):
    """Claims stored under 0003 (the GIN index over the words themselves) are found after the upgrade to
    0004 builds the index over word keys, and the import that follows writes to it; a downgrade gives 0002's
    index back."""
    from alembic import command

    def indexes(store: Store) -> set[str]:
        with store.engine.connect() as conn:
            return {i["name"] for i in sa.inspect(conn).get_indexes("claim")}

    with Store.open(postgres_url, migrate=False) as store:
        with store.engine.begin() as conn:
            command.upgrade(schema.alembic_config(conn), "0003")
        store.add_claims(AR, registry, vectors=False)  # stored under 0003 (no vector table yet)
        assert "ix_claim_index_words" in indexes(store)
        assert store.upgrade()[:2] == ("0003", SCHEMA_HEAD)
        assert indexes(store) >= {fts.PG_INDEX} and "ix_claim_index_words" not in indexes(store)
        store.add_claims(EN, registry, vectors=False)  # stored under 0004
        assert store.search("قال كيم جونغ أون")[0].source == "kcna"
        assert store.search("North Korea missile east coast")[0].source == "yonhap"
        with store.engine.begin() as conn:
            command.downgrade(schema.alembic_config(conn), "0003")
            assert conn.exec_driver_sql("SELECT to_regproc('claim_word_keys')").scalar() is None
        assert "ix_claim_index_words" in indexes(store) and fts.PG_INDEX not in indexes(store)


def test_store_postgresql_a_word_sharing_another_words_key_finds_nothing(postgres_url, registry):
    """Should two words share an index key, the index gives the other word's claims for a word, and the
    search drops them, since their text holds none of the words looked for. 64-bit keys practically never
    collide, so the test makes them: a key function that keys each word by its length, the index rebuilt."""
    coarse = (
        "CREATE OR REPLACE FUNCTION claim_word_keys(words text) RETURNS int8[] "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
        "$$ SELECT ARRAY(SELECT pg_catalog.length(w)::int8 "
        "FROM pg_catalog.unnest(pg_catalog.string_to_array(words, ' ')) AS w) $$"
    )
    text = "The inspectors named Pyongyang as the site"
    with Store.open(postgres_url) as store:
        with store.engine.begin() as conn:
            conn.exec_driver_sql(coarse)
            conn.exec_driver_sql(f"REINDEX INDEX {fts.PG_INDEX}")
        store.add_claims([ClaimRecord(text, "yonhap", "2024-11-06")], registry)
        assert [c.text for c in store.search("Pyongyang")] == [text]
        assert store.search("Singapore") == []  # nine letters, as Pyongyang: the same key
        assert [c.text for c in store.search("Singapore inspectors")] == [text]


def test_store_a_schema_from_a_newer_claims_is_refused(store_url):
    url = store_url
    with Store.open(url) as store, store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(
        DatabaseError, match="revision '0099', which this version of claims does not know"
    ) as info:
        Store.open(url)
    assert "\n" not in info.value.message and info.value.message.endswith("upgrade claims")


def _raw(url: str) -> sa.Engine:
    """An engine that bypasses the store (for setting up and looking at a database as another tool would)."""
    return sa.create_engine(url)


def test_store_refuses_a_database_that_is_not_ours_untouched(store_url):
    engine = _raw(store_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)")
        conn.exec_driver_sql("INSERT INTO orders (id, item) VALUES (1, 'قهوة عربية')")
    for options in ({}, {"read_only": True}, {"migrate": False}):
        with pytest.raises(DatabaseError, match=r"not a claims database \(it holds other tables: orders\)"):
            Store.open(store_url, **options)
    with engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == ["orders"]
        assert conn.exec_driver_sql("SELECT item FROM orders").scalars().all() == ["قهوة عربية"]
    engine.dispose()


def test_store_read_only_creates_and_changes_nothing(store_url, registry):
    # SQLite: no file (none is made); PostgreSQL: an empty schema (no table is made)
    with pytest.raises(DatabaseError, match="no such database file|an empty database, with no claims in it"):
        Store.open(store_url, read_only=True)
    engine = _raw(store_url)
    with engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == []
    with Store.open(store_url) as writer:
        writer.add_claims(AR, registry)
    with Store.open(store_url, read_only=True) as reader:
        assert reader.search("قال كيم جونغ أون")[0].source == "kcna"
        assert reader.stats()["claims"] == len(AR)
        with pytest.raises(
            DatabaseError, match="read"
        ):  # SQLite: readonly database; PostgreSQL: read-only transaction
            reader.add_claims(EN, registry)
        with pytest.raises(UsageError, match="opened read-only"):
            reader.upgrade()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM claim").scalar() == len(AR)
    engine.dispose()


def test_store_an_older_schema_is_upgraded_only_when_asked_and_can_go_back(store_url, registry):
    from alembic import command

    with Store.open(store_url, migrate=False) as store, store.engine.begin() as conn:
        command.upgrade(schema.alembic_config(conn), "0003")
    for options in ({}, {"read_only": True}):
        with pytest.raises(DatabaseError, match="the schema is at revision 0003.*run 'claims db upgrade'"):
            Store.open(store_url, **options)
    with Store.open(store_url, migrate=False) as store:
        assert store.revision() == "0003"
        change = store.upgrade()
        assert change[:2] == ("0003", SCHEMA_HEAD)
        if (
            store.backend == "sqlite"
        ):  # a copy of the file as it was; PostgreSQL: pg_dump (docs/postgresql.md)
            assert change.backup is not None and change.backup.name == "claims.db.bak-0003"
            with Store.open(f"sqlite:///{change.backup}", migrate=False) as copy:
                assert copy.revision() == "0003"
        else:
            assert change.backup is None
        store.add_claims(AR, registry)
        assert store.downgrade("0003")[:2] == (SCHEMA_HEAD, "0003")
        assert store.revision() == "0003"
    with pytest.raises(UsageError, match="'base' is not a schema revision of claims"):
        Store.open(store_url, migrate=False).downgrade("base")
    with Store.open(store_url, migrate=False) as store:
        store.upgrade(backup=False)
        assert store.search("قال كيم جونغ أون")[0].source == "kcna"
        assert store.stats()["claims"] == len(AR)


def test_store_schema_head_is_alembics_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from claims.store.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD


def test_store_migrations_build_what_the_models_describe(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    from claims.store import models  # noqa: F401

    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "include_name": lambda name, type_, parents: (
                    not (
                        (type_ == "table" and fts.is_index_table(name))
                        or (type_ == "index" and name == fts.PG_INDEX)
                    )
                ),
                "compare_type": True,
            },
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_store_default_url_honours_claims_home_and_claims_db(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMS_HOME", str(tmp_path / "home"))
    assert default_url() == f"sqlite:///{tmp_path / 'home' / 'claims.db'}"
    with Store.open() as store:
        assert (tmp_path / "home" / "claims.db").exists()
        assert store.url.endswith("home/claims.db")
    monkeypatch.setenv("CLAIMS_DB", f"sqlite:///{tmp_path / 'other.db'}")
    assert default_url() == f"sqlite:///{tmp_path / 'other.db'}"


def test_store_sqlite_pragmas(sqlite_store):
    with sqlite_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


@pytest.mark.parametrize(
    "url, message",
    [
        ("not a url", "is not a database URL"),
        ("nosuchdb+driver://x/y", "no database driver"),
    ],
)
def test_store_bad_urls_are_one_line_database_errors(url, message):
    with pytest.raises(DatabaseError, match=message) as info:
        Store.open(url)
    assert "\n" not in info.value.message


def test_a_path_ending_in_db_is_an_sqlite_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Store.open("claims.db") as s:
        assert s.url.startswith("sqlite") and s.stats()["claims"] == 0
    assert (tmp_path / "claims.db").is_file()
    with Store.open(str(tmp_path / "claims.db")) as s:  # an existing file, whatever its name
        assert s.stats()["claims"] == 0


def test_store_unopenable_file_is_a_database_error(tmp_path):
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(DatabaseError) as info:
        Store.open(f"sqlite:///{tmp_path / 'dir.db'}")
    assert info.value.exit_code == 4
    assert "\n" not in info.value.message


def test_store_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(DatabaseError, match="notes.db"):
        Store.open(f"sqlite:///{path}")


# --- writing -----------------------------------------------------------------------------------------


def test_store_add_claims_round_trips_every_field(store, registry):
    result = store.add_claims(AR + EN, registry)
    assert result == (len(AR) + len(EN), 0, (), 0)
    stored = [store.get(i) for i in range(1, len(AR) + len(EN) + 1)]
    assert [s.text for s in stored] == [r.text for r in AR + EN]
    assert [s.source for s in stored] == [r.source for r in AR + EN]
    assert [s.published for s in stored] == [r.published for r in AR + EN]
    assert [s.language for s in stored] == ["ar", "ar", "ar", "ar", "en", "en"]  # detected when absent
    assert stored[1].via == ("kcna",) and stored[1].url == "https://example.org/yonhap/1"
    assert stored[2].publisher == "tass"
    assert stored[3].hedged is True
    assert stored[5].rating == "true"
    assert store.get(999) is None
    assert store.external_ids([1, 2]) == {1: "ar-1"}


def test_store_reimport_adds_nothing(store, registry):
    store.add_claims(AR + EN, registry)
    assert store.add_claims(AR + EN, registry) == (0, len(AR) + len(EN), (), 0)
    assert store.stats()["claims"] == len(AR) + len(EN)


@pytest.mark.parametrize(
    "again",
    [
        # same external id, other text
        ClaimRecord("نص مختلف تماما", "kcna", "2024-11-02", external_id="ar-1"),
        # same text once normalised (diacritics, hamza, tatweel), same source and date, no id
        ClaimRecord(
            "وَقالَ الرئيس الكوري الشمالي كيم جونغ أون إن التجربة الصاروخيـــة الأخيرة نجحت",
            "kcna",
            "2024-11-01",
        ),
    ],
)
def test_store_duplicates_by_id_or_by_text_source_and_date(store, registry, again):
    store.add_claims(AR[:1], registry)
    assert store.add_claims([again], registry).added == 0


def test_store_same_text_from_another_source_or_day_is_another_claim(store, registry):
    base = AR[0]
    store.add_claims([base], registry)
    other_source = ClaimRecord(base.text, "yonhap", base.published)
    other_day = ClaimRecord(base.text, "kcna", "2024-11-02")
    assert store.add_claims([other_source, other_day], registry).added == 2


def test_store_add_claim_returns_the_id_either_way(store, registry):
    record = ClaimRecord("قال المتحدث إن المحادثات ستستأنف الأسبوع المقبل", "russia-mfa", "2024-12-01")
    claim_id, added = store.add_claim(record, registry)
    assert added and store.get(claim_id).text == record.text
    assert store.add_claim(record, registry) == (claim_id, False)


def test_store_unknown_source_is_a_clear_error_and_stores_nothing(store, registry):
    records = [AR[0], ClaimRecord("Pyongyang said the launch was a routine test.", "KCNA")]
    with pytest.raises(InputError) as info:
        store.add_claims(records, registry)
    message = info.value.message
    assert "record 2: source id 'KCNA' is unknown" in message
    assert "did you mean 'kcna'?" in message and "--create-sources" in message
    assert store.stats()["claims"] == 0


def test_store_unknown_via_and_publisher_are_errors_too(store, registry):
    with pytest.raises(InputError, match="record 1: via id 'no-such-relay'"):
        store.add_claims([ClaimRecord("text one", "kcna", via=("no-such-relay",))], registry)
    with pytest.raises(InputError, match="record 1: publisher id 'misbar-com'"):
        store.add_claims([ClaimRecord("text two", "kcna", publisher="misbar-com")], registry)


def test_store_create_sources(store, registry):
    records = [
        ClaimRecord("A video shows a plane on fire over Oman.", "unregistered", publisher="misbar-com")
    ]
    result = store.add_claims(records, registry, create_sources=True)
    assert result == (1, 0, ("misbar-com",), 0)
    # known from now on, without the flag
    assert (
        store.add_claims([ClaimRecord("Another claim.", "kcna", publisher="misbar-com")], registry).added == 1
    )
    with pytest.raises(InputError, match="not a valid source id"):
        store.add_claims([ClaimRecord("x", "Not An Id")], registry, create_sources=True)


def test_store_special_sources_need_no_registry(store):
    records = [ClaimRecord(f"claim number {i}", sid) for i, sid in enumerate(("anonymous", "unattributed"))]
    assert store.add_claims(records).added == 2


@pytest.mark.parametrize(
    "bad, message",
    [
        (ClaimRecord("   ", "kcna"), "record 3: the claim text is empty"),
        (ClaimRecord("text", ""), "record 3: no source id"),
        (ClaimRecord("text", "kcna", "05/12/2024"), "record 3: '05/12/2024' is not a date"),
        (ClaimRecord("text", "kcna", "2024-02-30"), "record 3: '2024-02-30' is not a valid date"),
        (ClaimRecord("text", "kcna", language="Arabic language"), "not a language code"),
    ],
)
def test_store_a_bad_record_rejects_the_whole_import(store, registry, bad, message):
    with pytest.raises(InputError, match=message):
        store.add_claims([AR[0], AR[1], bad, AR[2]], registry, batch_size=2)
    assert store.stats()["claims"] == 0


def test_store_a_bad_record_in_a_worker_process_rejects_the_whole_import(store, registry):
    records = [ClaimRecord(f"claim {i} about the treaty", "kcna") for i in range(40)]
    records[33] = ClaimRecord("claim with a bad date", "kcna", "yesterday")
    with pytest.raises(InputError, match="record 34: 'yesterday' is not a date"):
        store.add_claims(records, registry, batch_size=4, workers=2)
    assert store.stats()["claims"] == 0


def test_store_parallel_preparation_stores_the_same_as_inline(tmp_path, registry):
    records = [
        ClaimRecord(f"البيان رقم {i} عن المعاهدة", "kcna", f"2024-01-{1 + i % 28:02d}") for i in range(50)
    ]
    results = []
    for workers in (0, 2):
        with Store.open(f"sqlite:///{tmp_path / f'w{workers}.db'}") as store:
            assert store.add_claims(records + records[:5], registry, batch_size=7, workers=workers) == (
                50,
                5,
                (),
                0,
            )
            results.append([(c.id, c.text, c.published) for c in map(store.get, range(1, 51))])
            assert len(store.search("البيان رقم 17")) > 0
    assert results[0] == results[1]


_PARENT = os.getpid()


def _dies_in_a_worker(*args):
    if os.getpid() != _PARENT:
        os._exit(1)
    return _dies_in_a_worker.__wrapped__(*args)


def test_store_a_dead_worker_process_falls_back_to_preparing_here(store, registry, monkeypatch):
    _dies_in_a_worker.__wrapped__ = bulk.prepare_chunk
    monkeypatch.setattr(bulk, "prepare_chunk", _dies_in_a_worker)
    records = [ClaimRecord(f"claim {i} about the launch", "kcna") for i in range(30)]
    assert store.add_claims(records, registry, batch_size=3, workers=2).added == 30


def test_store_non_atomic_import_keeps_the_batches_before_a_failure(store, registry):
    records = [ClaimRecord(f"claim {i} on the launch", "kcna") for i in range(6)] + [ClaimRecord("x", "??")]
    with pytest.raises(InputError):
        store.add_claims(records, registry, batch_size=3, atomic=False, workers=0)
    assert store.stats()["claims"] == 6
    # importing again after fixing the file adds only the rest
    records[-1] = ClaimRecord("the fixed claim", "kcna")
    assert store.add_claims(records, registry, batch_size=3, atomic=False).added == 1


def test_store_progress_reports_each_batch(store, registry):
    seen = []
    store.add_claims(AR + EN, registry, batch_size=4, progress=seen.append)
    assert seen == [4, 2]


def test_store_documents(store, registry):
    article = "بيونغ يانغ - قال كيم جونغ أون إن ..."
    doc = store.add_document(
        content=article,
        path="a.txt",
        publisher="al-wafd",
        published="2024-12-05",
        language="ar",
        registry=registry,
    )
    assert store.add_document(content=article, registry=registry) == doc
    store.add_claims([AR[0]], registry, document_id=doc)
    assert store.stats()["documents"] == 1
    with pytest.raises(InputError, match="publisher id 'no-such-outlet' is unknown"):
        store.add_document(content="other", publisher="no-such-outlet", registry=registry)


def test_store_decisions(filled):
    key = text_hash("North Korea fired an intercontinental ballistic missile")
    assert key == text_hash("north korea fired an intercontinental   ballistic missile")
    first = filled.record_decision(key, "corroborated", note="confirmed by JCS", editor="lina", claim_id=5)
    second = filled.record_decision(key, "disputed", note="JCS retracted")
    decisions = filled.decisions_for(key)
    assert [d.id for d in decisions] == [second, first]
    assert decisions[1].claim_id == 5 and decisions[1].editor == "lina"
    assert filled.decisions_for(text_hash("something else")) == []
    with pytest.raises(UsageError, match="no stored claim has id 999"):
        filled.record_decision(key, "disputed", claim_id=999)
    with pytest.raises(UsageError, match="not a claim text hash"):
        filled.record_decision("abc", "disputed")


def test_store_stats(filled):
    stats = filled.stats()
    assert stats["claims"] == 6 and stats["fact_checks"] == 1
    assert stats["languages"] == {"ar": 4, "en": 2}
    assert stats["published"] == {"first": "2024-10-31", "last": "2024-12-05"}
    assert stats["revision"] == stats["latest_revision"] == SCHEMA_HEAD
    # the sources the claims use, copied from the registry: kcna yonhap russia-mfa tass anonymous
    assert stats["sources"] == 5


# --- search ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected_source",
    [
        ("قال كيم جونغ أون إن التجربة الصاروخية نجحت", "kcna"),  # قال finds وقال
        ("وأعلنت كوريا الشمالية إطلاق صاروخ", "yonhap"),  # وأعلنت finds أعلنت
        ("کوریا الشمالیه أعلنت إطلاق صاروخ", "yonhap"),  # Persian keheh and yeh, ة written ه
        ("دَخَلَتْ مُعَاهَدَةُ الشَّرَاكَةِ الاسْتِرَاتِيجِيَّةِ حَيِّزَ التَّنْفِيذِ", "russia-mfa"),  # full diacritics
        ("أرسلت كوريا الشمالية ١٠٬٠٠٠ جندي", "anonymous"),  # Arabic-Indic digits and separator
        ("Did North Korea FIRE an ICBM off the east coast?", "yonhap"),
        ("treaties on strategic partnerships entered into force", "kcna"),  # s-stemmer
    ],
)
def test_store_search_finds_variants(filled, query, expected_source):
    hits = filled.search(query)
    assert hits and hits[0].source == expected_source
    # BM25: higher is better (in a store this small, words in most claims weigh about nothing)
    assert all(a.score >= b.score >= 0 for a, b in zip(hits, hits[1:], strict=False))


@pytest.mark.parametrize(
    "query",
    [
        'North Korea "missile',
        "missile*",
        "NEAR(North Korea) missile",
        "missile OR",
        "OR AND NOT",
        "missile AND NOT Korea",
        "claim_fts: missile",
        "^missile",
        "(missile",
        "- missile +",
        "index_text:missile",
        '"""',
        "'; DROP TABLE claim; --",
    ],
)
def test_store_search_fts_syntax_in_queries_is_only_words(filled, query):
    hits = filled.search(query)  # never raises
    words = [w for w in ("missile", "korea") if w in query.lower()]
    if words:
        assert hits and hits[0].source == "yonhap"
    assert filled.stats()["claims"] == 6


def test_store_search_empty_and_stop_word_queries(filled):
    assert filled.search("") == []
    assert filled.search("في من على the of and") == []
    assert filled.search("missile", limit=0) == []


def test_store_search_language_and_as_of(filled):
    assert {c.language for c in filled.search("كوريا الشمالية Korea", language="en")} == {"en"}
    dated = filled.search("كوريا الشمالية", as_of="2024-11-01")
    assert dated and all(c.published <= "2024-11-01" for c in dated)
    with pytest.raises(UsageError, match="as-of"):
        filled.search("كوريا", as_of="last week")


def test_store_search_many_keeps_the_order(filled):
    results = filled.search_many(["missile launch", "معاهدة الشراكة", "zzzz unknown words"])
    assert results[0][0].source == "yonhap" and results[1][0].source == "russia-mfa" and results[2] == []


def test_store_search_sees_claims_added_later(filled, registry):
    assert filled.search("تشوليما") == []
    filled.add_claims([ClaimRecord("أطلقت كوريا الشمالية صاروخ تشوليما الجديد", "kcna")], registry)
    assert filled.search("تشوليما")[0].text.endswith("الجديد")


def test_store_search_never_scans_the_claim_table(sqlite_store, registry):
    filled = sqlite_store
    filled.add_claims(AR + EN, registry)
    statements: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(filled.engine, "before_cursor_execute", capture)
    try:
        filled.search_many(["قال كيم إن الصاروخ", "North Korea missile"], language="ar", as_of="2024-12-31")
    finally:
        event.remove(filled.engine, "before_cursor_execute", capture)
    raw = sqlite3.connect(filled.engine.url.database)
    plans = []
    for statement in statements:
        if statement.lstrip().upper().startswith("SELECT"):
            n = statement.count("?")
            plans += [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", ["x"] * n)]
    raw.close()
    assert plans
    # SEARCH claim (by primary key) and SCAN claim_fts VIRTUAL TABLE (the index) only; never SCAN claim.
    table_scans = [p for p in plans if p.split()[:2] in (["SCAN", "claim"], ["SCAN", "source"])]
    assert not table_scans, plans
    assert any("claim_fts VIRTUAL TABLE" in p for p in plans)


def test_store_postgresql_search_never_scans_the_claim_table(postgres_url, registry):
    # A table this small is cheaper to scan, so sequential scans are switched off for the EXPLAIN: a plan
    # that still scans the claim table could not have used an index.
    with Store.open(postgres_url) as store:
        store.add_claims(AR + EN, registry)
        statements: list[tuple[str, object]] = []

        def capture(conn, cursor, statement, parameters, context, executemany):
            statements.append((statement, parameters))

        event.listen(store.engine, "before_cursor_execute", capture)
        try:
            hits = store.search_many(["قال كيم إن الصاروخ", "North Korea missile"], language="ar")
        finally:
            event.remove(store.engine, "before_cursor_execute", capture)
        assert hits[0] and hits[0][0].source == "kcna"
        plans = []
        with store.engine.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")
            for statement, parameters in statements:
                if statement.lstrip().upper().startswith("SELECT"):
                    rows = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars()
                    plans.append("\n".join(rows))
    assert plans
    assert not [p for p in plans if "Seq Scan on claim" in p], plans
    assert any(fts.PG_INDEX in p for p in plans)


@pytest.mark.parametrize("atomic", [True, False])
def test_store_postgresql_import_leaves_no_pending_index_entries(postgres_url, registry, atomic):
    # Every search reads the GIN index's pending list whole: an import merges what it added into the index.
    # gin_clean_pending_list answers how many pending pages it merged, so 0 means the import did.
    flush = f"SELECT gin_clean_pending_list(to_regclass('{fts.PG_INDEX}'))"
    with Store.open(postgres_url) as store:
        store.add_claims(AR + EN, registry, atomic=atomic, batch_size=2, workers=0)
        with store.engine.begin() as conn:
            assert conn.exec_driver_sql(flush).scalar() == 0
            # A row written some other way does wait in the list, so the check above can fail.
            conn.exec_driver_sql(
                "INSERT INTO claim (text, norm_text, index_text, language, source_id, via, hedged, demo, "
                "dedupe_key, created_at) SELECT 'x', 'x', 'x', 'en', source_id, '', false, false, 1, now() "
                "FROM claim LIMIT 1"
            )
            assert conn.exec_driver_sql(flush).scalar() > 0


def test_store_postgresql_database_with_a_c_ctype_is_refused(postgres_database):
    locale = "C"  # PostgreSQL records POSIX as C too
    from typer.testing import CliRunner

    from claims.cli import app

    admin = sa.create_engine(postgres_database, isolation_level="AUTOCOMMIT")
    name = f"{postgres_database.database}_{locale.lower()}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE '{locale}'")
    try:
        url = postgres_database.set(database=name).render_as_string(hide_password=False)
        with pytest.raises(DatabaseError, match=f"ctype locale is {locale}") as info:
            Store.open(url)
        assert info.value.exit_code == 4 and "\n" not in info.value.message
        assert info.value.message.endswith(f"`createdb -T template0 -E UTF8 --locale=C.UTF-8 {name}`")
        result = CliRunner().invoke(app, ["db", "stats", "--db", url])
        assert result.exit_code == 4 and "createdb -T template0" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def test_store_search_is_not_available_without_an_index():
    # A backend without an index: the error says so in one line.
    store = Store.__new__(Store)
    store._index = None
    store.engine = type("E", (), {"dialect": type("D", (), {"name": "mysql"})()})()
    with pytest.raises(DatabaseError, match="full-text search is not available on mysql"):
        store.search("x")


def test_store_sqlite_word_counts_are_those_of_the_index(tmp_path, registry):
    """The claim count kept for each index word (migration 0003) is what FTS5 finds for it, after imports
    that skip duplicates and imports committed batch by batch."""
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    with Store.open(url) as store:
        store.add_claims(AR + EN, registry)
        store.add_claims(AR[:2] + EN[:1], registry)  # already stored: counted once
        # batches prepared in a worker process, each mixing stored claims and new ones
        mixed = [ClaimRecord(f"{r.text} (2)", r.source, r.published) for r in AR + EN]
        twice = [ClaimRecord("أطلقت كوريا الشمالية صاروخا جديدا", "kcna")] * 2  # one batch, stored once
        records = [x for pair in zip(AR + EN, mixed, strict=True) for x in pair] + twice
        store.add_claims(records, registry, batch_size=2, workers=1)
        store.add_claims(
            [ClaimRecord("قال مسؤول كوري جنوبي إن الصاروخ سقط في البحر", "yonhap", "2024-11-06")],
            registry,
            atomic=False,
            batch_size=1,
        )
        with store.engine.connect() as conn:
            kept = dict(conn.exec_driver_sql(f"SELECT term, claims FROM {fts.TERMS_TABLE}").all())
            assert len(kept) > 50
            for term, claims in kept.items():
                found = conn.exec_driver_sql(
                    f"SELECT count(*) FROM {fts.FTS_TABLE} WHERE {fts.FTS_TABLE} MATCH ?", (fts.quote(term),)
                ).scalar()
                assert found == claims, term
