"""Editors' decisions (claims/decisions.py): deciding, seeing the decision in a later check, ClaimReview."""

from __future__ import annotations

import json

import pytest

from claims.checker import check_text
from claims.decisions import (
    RATINGS,
    decisions_for_report,
    export_claimreview,
    record_decision,
    resolve_claim_ref,
)
from claims.errors import InputError, UsageError
from claims.match.matcher import StoreMatcher
from claims.report.json import report_dict
from claims.store.db import Store, text_hash
from claims.store.importers import read_records
from claims.text.read import read_input
from claims.types import VERDICTS

from .conftest import EXAMPLES

FOUNDING = EXAMPLES / "ar-russia-dprk-treaty.txt"
DEMO = EXAMPLES / "demo-claims.jsonl"


@pytest.fixture
def store(store_url, registry):
    with Store.open(store_url) as s:
        s.add_claims(read_records(DEMO, registry), registry)
        yield s


@pytest.fixture(scope="module")
def founding_claims():
    from claims.registry import Registry

    return check_text(read_input(FOUNDING), Registry.load()).claims


def _demo(n: int) -> dict:
    return json.loads(DEMO.read_text(encoding="utf-8").splitlines()[n])


# -- deciding ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("verdict", VERDICTS)
def test_decide_records_each_verdict(store, verdict):
    decision = record_decision(
        store, "  Kim Jong Un said the treaty is in force.  ", verdict, " why ", "  desk "
    )
    assert (decision.verdict, decision.note, decision.editor) == (verdict, "why", "desk")
    assert decision.text_hash == text_hash("Kim Jong Un said the treaty is in force.")
    assert decision.created_at.endswith("+00:00")
    assert store.decisions_for(decision.text_hash) == [decision]


@pytest.mark.parametrize(
    ("text", "verdict", "note", "says"),
    [
        ("a claim", "false", "n", "not one of corroborated, disputed, single-source"),
        ("a claim", "", "n", "not one of"),
        ("a claim", "disputed", "", "needs a note"),
        ("a claim", "disputed", "   ", "needs a note"),
        ("   ", "disputed", "n", "claim text is empty"),
    ],
)
def test_decide_refuses_bad_input(store, text, verdict, note, says):
    with pytest.raises(UsageError, match=says):
        record_decision(store, text, verdict, note, None)
    assert store.stats()["decisions"] == 0


def test_decide_ties_the_decision_to_a_stored_claim_with_the_same_text(store):
    demo = _demo(0)
    decision = record_decision(store, demo["text"], "corroborated", "KCNA and TASS agree", None)
    assert decision.claim_id is not None
    assert store.get(decision.claim_id).text == demo["text"]
    assert record_decision(store, "A text stored nowhere at all.", "disputed", "n", None).claim_id is None


def test_a_later_check_shows_the_newest_decision_beside_the_verdict(store, registry, founding_claims):
    c2 = founding_claims[1].claim
    record_decision(store, c2.span.text, "single-source", "first look", "night desk")
    record_decision(store, c2.span.text, "corroborated", "TASS and KCNA report the exchange", "day desk")
    report = check_text(read_input(FOUNDING), registry, StoreMatcher(store, registry))
    decisions = decisions_for_report(store, report)
    assert list(decisions) == [c2.id]
    assert (decisions[c2.id].verdict, decisions[c2.id].editor) == ("corroborated", "day desk")

    with_decisions = report_dict(report, registry, decisions)
    shown = {c["id"]: c["decision"] for c in with_decisions["claims"]}
    assert shown.pop(c2.id) == {
        "verdict": "corroborated",
        "note": "TASS and KCNA report the exchange",
        "editor": "day desk",
        "at": decisions[c2.id].created_at,
    }
    assert set(shown.values()) == {None}
    # the automatic verdict is untouched, and without decisions the report is exactly as before
    plain = report_dict(report, registry)
    assert all("decision" not in c for c in plain["claims"])
    for a, b in zip(plain["claims"], with_decisions["claims"], strict=True):
        assert a == {k: v for k, v in b.items() if k != "decision"}


# -- claim references -------------------------------------------------------------------------------


def test_resolve_claim_ref_file_and_claim_id(registry, founding_claims):
    assert resolve_claim_ref(f"{FOUNDING}#c2", registry) == founding_claims[1].claim.span.text
    last = len(founding_claims)
    assert resolve_claim_ref(f"{FOUNDING}#c{last}", registry) == founding_claims[-1].claim.span.text


@pytest.mark.parametrize(
    "ref",
    ["Kim Jong Un said the treaty is in force.", "See note #c3 in the annex, said Reuters.", "  قال كيم  "],
)
def test_resolve_claim_ref_text_is_the_text(registry, ref):
    assert resolve_claim_ref(ref, registry) == ref.strip()


def test_resolve_claim_ref_errors(registry, founding_claims, tmp_path):
    with pytest.raises(UsageError, match=rf"no claim c999; its claims are c1 to c{len(founding_claims)}"):
        resolve_claim_ref(f"{FOUNDING}#c999", registry)
    with pytest.raises(InputError, match="no such file"):
        resolve_claim_ref(str(tmp_path / "missing.txt") + "#c1", registry)
    with pytest.raises(UsageError, match="empty"):
        resolve_claim_ref("  ", registry)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(UsageError, match="has no claims"):
        resolve_claim_ref(f"{empty}#c1", registry)


# -- ClaimReview export ------------------------------------------------------------------------------


def assert_claimreview(review: dict) -> None:
    """The shape schema.org and the Google Fact Check markup ask for."""
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert isinstance(review["claimReviewed"], str) and review["claimReviewed"].strip()
    assert isinstance(review["datePublished"], str) and len(review["datePublished"]) == 10
    author = review["author"]
    assert author["@type"] == "Organization" and isinstance(author["name"], str) and author["name"]
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating"
    assert rating["alternateName"] in VERDICTS
    assert rating["ratingValue"] == RATINGS[rating["alternateName"]]
    assert all(isinstance(rating[k], int) for k in ("ratingValue", "bestRating", "worstRating"))
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert isinstance(rating["ratingExplanation"], str) and rating["ratingExplanation"]
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    if "author" in item:
        assert item["author"]["@type"] in ("Person", "Organization")
        assert isinstance(item["author"]["name"], str) and item["author"]["name"]
    if "datePublished" in item:
        assert isinstance(item["datePublished"], str) and len(item["datePublished"]) == 10
    json.dumps(review)  # plain JSON all the way down


def test_ratings_map_every_verdict():
    assert RATINGS == {"corroborated": 3, "single-source": 2, "disputed": 1}
    assert set(RATINGS) == set(VERDICTS)


def test_export_claimreview_shape_and_round_trip_through_the_importer(store, registry, tmp_path):
    kcna, person = _demo(0), {"text": "Putin said the treaty is purely defensive.", "source": "vladimir-putin",
                               "published": "2024-12-04"}  # fmt: skip
    store.add_claims(read_records_from([person], tmp_path), registry)
    record_decision(store, kcna["text"], "disputed", "Ratified, but not in force until the 4th", "lh")
    record_decision(store, person["text"], "corroborated", "Kremlin transcript", None)
    record_decision(store, "Said nowhere, stored nowhere.", "disputed", "n", None)

    warnings: list[str] = []
    reviews = export_claimreview(
        store, registry, publisher_name="Al-Wafd Fact Check", publisher_url="https://www.alwafd.news/",
        warnings=warnings,
    )  # fmt: skip
    assert len(reviews) == 2
    for review in reviews:
        assert_claimreview(review)
    assert warnings and "1 decision" in warnings[0]
    by_text = {r["claimReviewed"]: r for r in reviews}
    assert by_text[kcna["text"]]["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": "Korean Central News Agency"},
        "datePublished": kcna["published"],
    }
    assert by_text[person["text"]]["itemReviewed"]["author"] == {"@type": "Person", "name": "Vladimir Putin"}
    assert (
        by_text[kcna["text"]]["reviewRating"]["ratingExplanation"]
        == "Ratified, but not in force until the 4th"
    )
    assert by_text[kcna["text"]]["author"] == {
        "@type": "Organization", "name": "Al-Wafd Fact Check", "url": "https://www.alwafd.news/",
    }  # fmt: skip

    exported = tmp_path / "factchecks.json"
    exported.write_text(json.dumps(reviews, ensure_ascii=False), encoding="utf-8")
    records = {r.text: r for r in read_records(exported, registry)}
    assert set(records) == {kcna["text"], person["text"]}
    back = records[kcna["text"]]
    assert (back.source, back.published, back.rating, back.publisher) == (
        "kcna",
        "2024-12-05",
        "disputed",
        "al-wafd",
    )
    assert records[person["text"]].source == "vladimir-putin"
    assert records[person["text"]].rating == "corroborated"


def test_export_claimreview_of_article_claims_needs_the_article(store, registry, founding_claims):
    c2 = founding_claims[1].claim  # the Russian foreign ministry's statement: not in the store
    record_decision(store, c2.span.text, "corroborated", "TASS and KCNA report it", "desk")
    warnings: list[str] = []
    assert export_claimreview(store, registry, publisher_name="Desk", warnings=warnings) == []
    assert "export with the articles" in warnings[0]

    report = check_text(read_input(FOUNDING), registry)
    (review,) = export_claimreview(store, registry, publisher_name="Desk", reports=[report])
    assert_claimreview(review)
    assert "url" not in review["author"]
    assert review["claimReviewed"] == c2.span.text
    assert review["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Russian Ministry of Foreign Affairs",
    }
    assert review["itemReviewed"]["datePublished"] == "2024-12-05"  # the article's date
    assert review["inLanguage"] == "ar"


def test_export_claimreview_newest_decision_wins_and_needs_a_publisher(store, registry):
    text = _demo(0)["text"]
    record_decision(store, text, "disputed", "first", None)
    record_decision(store, text, "corroborated", "second", None)
    (review,) = export_claimreview(store, registry, publisher_name="Desk")
    assert review["reviewRating"]["alternateName"] == "corroborated"
    assert review["reviewRating"]["ratingExplanation"] == "second"
    with pytest.raises(UsageError, match="publisher's name"):
        export_claimreview(store, registry, publisher_name=" ")


def read_records_from(rows: list[dict], tmp_path) -> list:
    path = tmp_path / "extra.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return list(read_records(path))


# -- where a review lives ---------------------------------------------------------------------------


def test_export_claimreview_url_is_the_review_page(store, registry):
    kcna = _demo(0)["text"]
    record_decision(store, kcna, "disputed", "Ratified, but not in force until the 4th", None)
    (review,) = export_claimreview(
        store, registry, publisher_name="Desk", review_url="https://desk.example/checks/{key}"
    )
    assert review["url"] == f"https://desk.example/checks/{text_hash(kcna)}"
    (one_page,) = export_claimreview(
        store, registry, publisher_name="Desk", review_url="https://desk.example/checks"
    )
    assert one_page["url"] == "https://desk.example/checks"


def test_export_claimreview_url_falls_back_to_the_article(store, registry, founding_claims):
    c2 = founding_claims[1].claim
    record_decision(store, c2.span.text, "corroborated", "TASS and KCNA report it", "desk")
    report = check_text(read_input(FOUNDING), registry)
    article = "https://www.shorouknews.com/news/view.aspx?id=1"
    (review,) = export_claimreview(
        store, registry, publisher_name="Desk", reports=[report], article_urls=[article]
    )
    assert review["url"] == article
    assert review["itemReviewed"]["appearance"] == {"@type": "CreativeWork", "url": article}


def test_export_claimreview_without_any_url_says_so(store, registry, founding_claims):
    c2 = founding_claims[1].claim
    record_decision(store, c2.span.text, "corroborated", "TASS and KCNA report it", "desk")
    warnings: list[str] = []
    report = check_text(read_input(FOUNDING), registry)
    (review,) = export_claimreview(
        store, registry, publisher_name="Desk", reports=[report], warnings=warnings
    )
    assert "url" not in review
    assert any("1 ClaimReview(s) have no url" in w and "--review-url" in w for w in warnings)


@pytest.mark.parametrize("url", ["desk.example/checks", "javascript:alert(1)", "https://desk.example/a b"])
def test_export_claimreview_refuses_a_review_url_that_is_not_http(store, registry, url):
    with pytest.raises(UsageError, match="is not an http"):
        export_claimreview(store, registry, publisher_name="Desk", review_url=url)


def test_cli_export_review_and_article_url(store_url, registry, tmp_path):
    from typer.testing import CliRunner

    from claims.cli import app

    runner = CliRunner()
    ref = f"{FOUNDING}#c2"
    assert (
        runner.invoke(
            app, ["decide", ref, "--verdict", "corroborated", "--note", "n", "--db", store_url]
        ).exit_code
        == 0
    )
    article = "https://www.shorouknews.com/news/view.aspx?id=1"
    args = ["export", str(FOUNDING), "--publisher-name", "Desk", "--db", store_url, "--article-url", article]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (review,) = json.loads(result.stdout)
    assert review["url"] == article
    result = runner.invoke(app, [*args, "--review-url", "https://desk.example/checks/{key}"])
    assert json.loads(result.stdout)[0]["url"].startswith("https://desk.example/checks/")
    two = runner.invoke(app, [*args, str(FOUNDING.parent / "en-dprk-troops-wire.txt")])
    assert two.exit_code == 2 and "exactly one article" in two.output
