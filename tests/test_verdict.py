"""Verdicts from related evidence: independence by group, relays, disputes, --as-of."""

import pytest

from claims.match.verdict import independent, origin_of, verdict_for
from claims.types import Attribution, Claim, DocumentInfo, Evidence, Span


def claim(source="kcna", via=()):
    text = "North Korea says the new destroyer will enter service early next year."
    return Claim("c1", Span(0, len(text), text), 1, "en", Attribution(source_id=source, via=tuple(via)))


def ev(source, name, relation="supports", score=90.0, published="2024-12-05", why="same statement"):
    return Evidence(1, "…", source, name, published, None, score, relation, why)


@pytest.mark.parametrize(
    ("origin", "other", "expected"),
    [
        ("kcna", "rodong-sinmun", False),  # one voice: DPRK state media
        ("kcna", "kim-jong-un", False),
        ("kcna", "yonhap", True),
        ("vladimir-putin", "tass", False),
        ("vladimir-putin", "reuters", True),
        ("reuters", "reuters", False),
        ("anonymous", "reuters", True),
        ("kcna", "anonymous", False),  # unnamed sources never corroborate
        ("kcna", "unattributed", False),
    ],
)
def test_verdict_independence_follows_groups(origin, other, expected, registry):
    assert independent(origin, other, registry) is expected


def test_verdict_relay_is_not_independent(registry):
    # "Kim said … in a statement carried by KCNA": Rodong Sinmun repeating it is the same voice
    assert independent("kim-jong-un", "rodong-sinmun", registry, relays=("kcna",)) is False
    assert independent("nk-news", "kcna", registry, relays=("kcna",)) is False


def test_verdict_corroborated_by_an_independent_source(registry):
    v = verdict_for(claim(), "kcna", [ev("yonhap", "Yonhap"), ev("rodong-sinmun", "Rodong Sinmun")], registry)
    assert v.label == "corroborated"
    assert v.reason == "confirmed by 1 independent source: Yonhap"


def test_verdict_single_source_names_the_one_voice(registry):
    v = verdict_for(claim(), "kcna", [ev("rodong-sinmun", "Rodong Sinmun")], registry)
    assert v.label == "single-source"
    assert v.reason.startswith("only North Korean state media and officials (")
    assert "Rodong Sinmun" in v.reason


def test_verdict_disputed_wins_and_says_why(registry):
    v = verdict_for(
        claim(),
        "kcna",
        [
            ev("yonhap", "Yonhap"),
            ev("reuters", "Reuters", "contradicts", 75, "2024-12-06", "numbers differ: 10000 vs 3000"),
        ],
        registry,
    )
    assert v.label == "disputed"
    assert v.reason == "contradicted by Reuters, 2024-12-06: numbers differ: 10000 vs 3000"
    assert v.evidence[0].relation == "contradicts"


def test_verdict_as_of_ignores_later_evidence(registry):
    later = ev("reuters", "Reuters", "contradicts", 80, "2025-04-28", "negation")
    assert verdict_for(claim(), "kcna", [later], registry, as_of="2024-12-31").label == "single-source"
    assert verdict_for(claim(), "kcna", [later], registry).label == "disputed"


def test_verdict_min_sources_policy(registry):
    from claims.match.verdict import Policy

    evidence = [ev("yonhap", "Yonhap"), ev("reuters", "Reuters"), ev("ap", "AP")]
    assert verdict_for(claim(), "kcna", evidence, registry, Policy(min_sources=3)).label == "corroborated"
    assert (
        verdict_for(claim(), "kcna", evidence[:2], registry, Policy(min_sources=3)).label == "single-source"
    )


def test_verdict_weak_support_does_not_corroborate(registry):
    assert verdict_for(claim(), "kcna", [ev("yonhap", "Yonhap", score=40)], registry).label == "single-source"


def test_verdict_origin_of_the_authors_voice_is_the_publisher():
    doc = DocumentInfo("a.txt", "ar", publisher_id="al-wafd")
    assert origin_of(claim("unattributed"), doc) == "al-wafd"
    assert origin_of(claim("kcna"), doc) == "kcna"


@pytest.mark.parametrize(
    ("origin", "evidence", "reason"),
    [
        # a wire agency repeating itself: one name, singular verb, no "Reuters (Reuters)"
        ("reuters", [ev("reuters", "Reuters")], "only Reuters reports this: no independent source"),
        # a group with a singular name
        (
            "nato",
            [ev("jens-stoltenberg", "Jens Stoltenberg")],
            "only NATO (Jens Stoltenberg) reports this: no independent source",
        ),
        (
            "white-house",
            [ev("pentagon", "Pentagon"), ev("white-house", "White House")],
            "only the US government (White House, Pentagon) reports this: no independent source",
        ),
        # a group that names several bodies takes the plural, and its own name is not listed twice
        (
            "kcna",
            [ev("rodong-sinmun", "Rodong Sinmun")],
            "only North Korean state media and officials (Korean Central News Agency, Rodong Sinmun) "
            "report this: no independent source",
        ),
        ("reuters", [], "only Reuters reports this: no other source found in the database"),
    ],
)
def test_verdict_single_source_reason_reads_as_english(origin, evidence, reason, registry):
    v = verdict_for(claim(origin), origin, evidence, registry)
    assert (v.label, v.reason) == ("single-source", reason)
