"""The store commands end to end: db init/stats/upgrade, import, add, ingest, and check against the store."""

import json

import pytest
from typer.testing import CliRunner

from claims.cli import app
from claims.store.db import Store

from .conftest import EXAMPLES

runner = CliRunner()


@pytest.fixture
def db(store_url):
    return store_url


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def test_db_init_and_stats(db):
    assert run("db", "init", "--db", db).exit_code == 0
    result = run("db", "stats", "--db", db, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["claims"] == 0


def test_import_is_idempotent(db):
    first = run("import", EXAMPLES / "demo-claims.jsonl", "--db", db)
    assert first.exit_code == 0, first.output
    assert "25 added, 0 already stored" in first.stdout
    again = run("import", EXAMPLES / "demo-claims.jsonl", "--db", db)
    assert "0 added, 25 already stored" in again.stdout


def test_import_unknown_source_is_a_clear_error(db, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"text": "Something happened in Pyongyang on Monday.", "source": "no-such-agency"}\n',
        encoding="utf-8",
    )
    result = run("import", bad, "--db", db)
    assert result.exit_code != 0
    assert "no-such-agency" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert run("import", bad, "--db", db, "--create-sources").exit_code == 0


def test_import_malformed_line_names_it_and_stores_nothing(db, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"text": "North Korea fired a missile on Tuesday.", "source": "yonhap"}\n{"text": broken\n',
        encoding="utf-8",
    )
    result = run("import", bad, "--db", db)
    assert result.exit_code == 3
    assert ":2:" in result.stderr
    assert json.loads(run("db", "stats", "--db", db, "--json").stdout)["claims"] == 0


def test_a_fact_check_updated_since_replaces_the_older_rating(db, tmp_path):
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://factcheck.example/kim-train",
        "datePublished": "2024-11-02",
        "author": {"@type": "Organization", "name": "AFP Fact Check"},
        "claimReviewed": "Kim Jong Un travelled to Moscow by train in November 2024",
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Organization", "name": "Social media users"}},
        "reviewRating": {"@type": "Rating", "alternateName": "Unproven"},
    }
    first, later = tmp_path / "review.json", tmp_path / "review-updated.json"
    first.write_text(json.dumps(review), encoding="utf-8")
    review["dateModified"] = "2024-11-05"
    review["reviewRating"]["alternateName"] = "False"
    later.write_text(json.dumps(review), encoding="utf-8")
    assert run("import", first, "--db", db, "--create-sources").exit_code == 0
    result = run("import", later, "--db", db, "--create-sources")
    assert result.exit_code == 0, result.output
    assert "0 added, 1 already stored (1 with a newer rating)" in result.stdout
    with Store.open(db) as store:
        (stored,) = store.search("Kim Jong Un train Moscow")
    assert stored.rating == "False"
    assert "with a newer rating" not in run("import", later, "--db", db, "--create-sources").stdout


def test_add_one_claim(db):
    result = run(
        "add",
        "North Korea fired several ballistic missiles into the sea.",
        "--source",
        "south-korea-jcs",
        "--published",
        "2024-11-05",
        "--db",
        db,
    )
    assert result.exit_code == 0, result.output
    assert "added" in result.stdout
    assert run("add", "x", "--source", "yonhap", "--published", "5/11/2024", "--db", db).exit_code == 2


def test_ingest_stores_claims_under_their_sources(db):
    result = run("ingest", EXAMPLES / "ar-russia-dprk-treaty.txt", "--publisher", "al-shorouk", "--db", db)
    assert result.exit_code == 0, result.output
    stats = json.loads(run("db", "stats", "--db", db, "--json").stdout)
    assert stats["claims"] > 20
    assert stats["documents"] == 1
    assert "kcna" in stats["top_sources"]
    again = run("ingest", EXAMPLES / "ar-russia-dprk-treaty.txt", "--publisher", "al-shorouk", "--db", db)
    assert "0 added" in again.stdout


def test_ingest_stores_a_denial_with_its_denying_verb(db, tmp_path):
    """«نفى الكرملين أن …» / "denied that …": the content alone says the opposite of what was said, so the
    claim is stored whole; a later article saying the troops were sent is then disputed, not corroborated."""
    article = tmp_path / "denials.txt"
    article.write_text(
        "ونفى الكرملين أن تكون كوريا الشمالية قد أرسلت جنودا إلى روسيا.\n\n"
        "The Kremlin denied that North Korean troops were sent to Russia.\n",
        encoding="utf-8",
    )
    assert run("ingest", article, "--publisher", "reuters", "--db", db).exit_code == 0
    with Store.open(db) as store:
        english = [c.text for c in store.search("North Korean troops sent to Russia")]
        arabic = [c.text for c in store.search("كوريا الشمالية أرسلت جنودا إلى روسيا")]
    assert english == ["The Kremlin denied that North Korean troops were sent to Russia."]
    assert arabic == ["ونفى الكرملين أن تكون كوريا الشمالية قد أرسلت جنودا إلى روسيا."]
    later = tmp_path / "later.txt"
    later.write_text("Seoul's spy agency said North Korean troops were sent to Russia.\n", encoding="utf-8")
    report = json.loads(run("check", later, "--db", db, "-f", "json").stdout)
    assert report["claims"][0]["verdict"] == "disputed", report["claims"][0]


def test_ingest_a_directory_goes_on_past_a_bad_article_and_sums_up(db, tmp_path):
    (tmp_path / "desk" / "older").mkdir(parents=True)
    (tmp_path / "desk" / "wire.txt").write_text(
        "North Korea fired a ballistic missile into the sea on Tuesday, Yonhap reported.\n", encoding="utf-8"
    )
    (tmp_path / "desk" / "older" / "treaty.txt").write_text(
        "وقالت وكالة الأنباء المركزية الكورية إن معاهدة الشراكة مع روسيا دخلت حيز التنفيذ.\n",
        encoding="utf-8",
    )
    (tmp_path / "desk" / "older" / "scan.txt").write_bytes(b"\x00\x01binary")
    first = run("ingest", tmp_path / "desk", "--publisher", "reuters", "--db", db)
    assert first.exit_code == 3  # one article could not be read: said, the others stored
    assert "scan.txt: contains NUL bytes" in first.stderr
    assert (
        first.stdout.splitlines()[-1]
        == "3 articles, 1 could not be read: 2 claims, 2 added, 0 already stored"
    )
    again = run("ingest", tmp_path / "desk", "--publisher", "reuters", "--db", db)
    assert (
        again.stdout.splitlines()[-1]
        == "3 articles, 1 could not be read: 2 claims, 0 added, 2 already stored"
    )


def test_ingest_leaves_out_lines_with_no_words_which_the_store_refuses(db, tmp_path):
    article = tmp_path / "dots.txt"
    article.write_text(
        "North Korea fired a ballistic missile into the sea on Tuesday, Yonhap reported.\n...\n« » .\n",
        encoding="utf-8",
    )
    result = run("ingest", article, "--publisher", "al-shorouk", "--db", db)
    assert result.exit_code == 0, result.output
    assert json.loads(run("db", "stats", "--db", db, "--json").stdout)["claims"] == 1


def test_check_against_the_demo_data_shows_all_three_verdicts(db):
    run("import", EXAMPLES / "demo-claims.jsonl", "--db", db)
    result = run("check", EXAMPLES / "ar-russia-dprk-treaty.txt", "--format", "json", "--db", db)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    verdicts = {c["verdict"] for c in report["claims"]}
    assert verdicts == {"corroborated", "disputed", "single-source"}
    # the counts docs/quickstart.md gives
    assert report["summary"] == {
        "claims": 28, "corroborated": 5, "disputed": 1, "single-source": 22, "unattributed": 10
    }  # fmt: skip
    by_line = {c["line"]: c for c in report["claims"]}
    assert by_line[4]["verdict"] == "corroborated"
    assert "TASS" in by_line[4]["reason"]
    # KCNA's comment (line 14) is echoed only by Rodong Sinmun: one voice, so still single-source
    assert by_line[14]["verdict"] == "single-source"
    assert by_line[14]["reason"].startswith("only North Korean state media and officials")
    # the accusation that North Korea sent more than 10,000 troops (docs/quickstart.md quotes this)
    (accusation,) = [c for c in report["claims"] if c["line"] == 5 and c["source"]["id"] == "anonymous"]
    assert accusation["verdict"] == "disputed"
    assert accusation["reason"].startswith("contradicted by Dmitry Peskov, 2024-10-18: ")
    assert {e["language"] for e in accusation["evidence"] if e["relation"] == "contradicts"} == {"ar", "en"}
    for c in report["claims"]:
        if c["verdict"] != "single-source":
            assert c["evidence"], c


def test_the_line_that_moscow_and_pyongyang_have_not_confirmed_the_troops_is_not_disputed(db):
    """Moscow and Pyongyang not confirming the troops agrees with the Kremlin's denial and says nothing
    against Seoul's report that they were sent: not a dispute (the relation says it takes no stance)."""
    run("import", EXAMPLES / "demo-claims.jsonl", "--db", db)
    report = json.loads(run("check", EXAMPLES / "ar-russia-dprk-treaty.txt", "-f", "json", "--db", db).stdout)
    (line,) = [c for c in report["claims"] if "لم تؤكد موسكو ولا بيونغ يانغ" in c["text"]]
    assert line["verdict"] != "disputed", line["reason"]
    assert all(e["relation"] != "contradicts" for e in line["evidence"])


def test_check_as_of_ignores_later_evidence(db):
    run("import", EXAMPLES / "demo-claims.jsonl", "--db", db)
    later = json.loads(run("check", EXAMPLES / "ar-russia-dprk-treaty.txt", "-f", "json", "--db", db).stdout)
    early = json.loads(
        run(
            "check", EXAMPLES / "ar-russia-dprk-treaty.txt", "-f", "json", "--db", db, "--as-of", "2024-06-01"
        ).stdout
    )
    assert early["summary"]["corroborated"] <= later["summary"]["corroborated"]
    for c in early["claims"]:
        assert all(e["published"] is None or e["published"] <= "2024-06-01" for e in c["evidence"])
    assert (
        run("check", EXAMPLES / "ar-russia-dprk-treaty.txt", "--db", db, "--as-of", "yesterday").exit_code
        == 2
    )


def test_check_bad_database_url_is_exit_4():
    result = run("check", EXAMPLES / "ar-russia-dprk-treaty.txt", "--db", "nonsense://")
    assert result.exit_code == 4
    assert "Traceback" not in result.output
