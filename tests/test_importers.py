"""Readers of claim files: JSONL and CSV records, ClaimReview (JSON-LD, embedded in HTML), Fact Check Tools.

The samples are small, hand-written, and shaped like what fact-checkers publish; one test reads the real
samples in ../shared/data/claimreview and is skipped without them.
"""

from __future__ import annotations

import json

import pytest

from claims.errors import InputError
from claims.store.db import Store
from claims.store.importers import (
    claimreview_records,
    detect_format,
    jsonld_blocks,
    read_claimreview,
    read_csv,
    read_jsonl,
    read_records,
)
from claims.types import ClaimRecord

from .conftest import shared


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


JSONL = "\n".join(
    json.dumps(r, ensure_ascii=False)
    for r in [
        {
            "id": "wafd-2024-12-05-1",
            "text": "قال مسؤولون إن المعاهدة دخلت حيز التنفيذ",
            "source": "russia-mfa",
            "published": "2024-12-05",
            "language": "ar",
            "publisher": "al-wafd",
            "via": ["tass"],
        },
        {
            "text": "North Korea has sent troops to Russia, the spy agency said.",
            "source": "south-korea-nis",
            "published": "2024-10-18T09:30:00+09:00",
            "url": "https://example.org/nis",
            "hedged": True,
            "id": 42,
        },
        {"text": "The video shows a plane on fire over Oman.", "source": "unregistered", "rating": "false"},
    ]
)


# --- JSONL -------------------------------------------------------------------------------------------


def test_importers_jsonl_reads_contract_records(tmp_path):
    records = list(read_jsonl(write(tmp_path, "claims.jsonl", "\ufeff" + JSONL + "\n\n")))
    assert records == [
        ClaimRecord(
            text="قال مسؤولون إن المعاهدة دخلت حيز التنفيذ",
            source="russia-mfa",
            published="2024-12-05",
            language="ar",
            publisher="al-wafd",
            via=("tass",),
            external_id="wafd-2024-12-05-1",
        ),
        ClaimRecord(
            text="North Korea has sent troops to Russia, the spy agency said.",
            source="south-korea-nis",
            published="2024-10-18",
            url="https://example.org/nis",
            hedged=True,
            external_id="42",
        ),
        ClaimRecord(text="The video shows a plane on fire over Oman.", source="unregistered", rating="false"),
    ]


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"text": "x", "source": "kcna"', "not valid JSON"),
        ('["text", "source"]', "expected a JSON object"),
        ('{"source": "kcna"}', "text is missing"),
        ('{"text": "   ", "source": "kcna"}', "text is missing or empty"),
        ('{"text": "x"}', "source is missing"),
        ('{"text": "x", "source": "kcna", "published": "5 Dec 2024"}', "is not a date"),
        ('{"text": "x", "source": "kcna", "published": "2024-13-01"}', "not a valid date"),
        ('{"text": "x", "source": "kcna", "via": "[kcna"}', "not a list of source ids"),
        ('{"text": "x", "source": "kcna", "via": [1]}', "via must be a list"),
        ('{"text": "x", "source": "kcna", "hedged": "maybe"}', "hedged: 'maybe' is not true or false"),
        ('{"text": "x", "source": "kcna", "language": "Arabic!"}', "not a language code"),
        ('{"text": "x", "source": "kcna", "url": 3}', "url must be a string"),
    ],
)
def test_importers_jsonl_errors_name_the_file_and_line(tmp_path, line, message):
    path = write(tmp_path, "claims.jsonl", JSONL + "\n\n" + line + "\n")
    with pytest.raises(InputError, match=message) as info:
        list(read_jsonl(path))
    assert info.value.message.startswith(f"{path}:5: ")


def test_importers_jsonl_not_utf8(tmp_path):
    path = write(tmp_path, "claims.jsonl", JSONL.encode() + b'\n{"text": "\xe9t\xe9", "source": "kcna"}\n')
    with pytest.raises(InputError, match=r"claims.jsonl:4: not UTF-8 text"):
        list(read_jsonl(path))


def test_importers_a_malformed_line_stores_nothing(tmp_path, registry, store_url):
    """The import policy: one transaction per file; a bad line rejects the file, naming the line."""
    path = write(tmp_path, "claims.jsonl", JSONL + "\n" + '{"text": "broken"' + "\n")
    with Store.open(store_url) as store:
        with pytest.raises(InputError, match=r"claims.jsonl:4: not valid JSON"):
            store.add_claims(read_jsonl(path), registry, create_sources=True)
        assert store.stats()["claims"] == 0
        path.write_text(JSONL + "\n", encoding="utf-8")
        assert store.add_claims(read_jsonl(path), registry).added == 3
        assert store.add_claims(read_jsonl(path), registry) == (0, 3, (), 0)


# --- CSV ---------------------------------------------------------------------------------------------

CSV = (
    "\ufefftext,source,published,via,hedged,id,language\n"
    '"قال مسؤولون إن المعاهدة دخلت حيز التنفيذ",russia-mfa,2024-12-05,tass;kcna,no,r1,ar\n'
    "\n"
    '"A claim that spans\ntwo lines, with a comma",kcna,,,,r2,\n'
    "Troops were sent to Russia,south-korea-nis,2024-10-18,,yes,,en\n"
)


def test_importers_csv_reads_rows(tmp_path):
    records = list(read_csv(write(tmp_path, "claims.csv", CSV)))
    assert [r.text for r in records] == [
        "قال مسؤولون إن المعاهدة دخلت حيز التنفيذ",
        "A claim that spans\ntwo lines, with a comma",
        "Troops were sent to Russia",
    ]
    assert records[0].via == ("tass", "kcna") and records[0].hedged is False and records[0].language == "ar"
    assert records[1].published is None and records[1].external_id == "r2" and records[1].language is None
    assert records[2].hedged is True


@pytest.mark.parametrize(
    "row, line, message",
    [
        ("x,kcna,12/05/2024,,,,\n", 7, "is not a date"),
        ("x,kcna,,,,,,extra\n", 7, "8 fields, but the header names 7"),
        (",kcna,,,,,\n", 7, "text is missing"),
    ],
)
def test_importers_csv_errors_name_the_line(tmp_path, row, line, message):
    path = write(tmp_path, "claims.csv", CSV + row)
    with pytest.raises(InputError, match=message) as info:
        list(read_csv(path))
    assert info.value.message.startswith(f"{path}:{line}: ")


def test_importers_csv_needs_text_and_source_columns(tmp_path):
    with pytest.raises(InputError, match=r"claims.csv:1: the header has no source column"):
        list(read_csv(write(tmp_path, "claims.csv", "text,published\nx,2024-01-01\n")))


# --- files and formats ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, fmt", [("a.jsonl", "jsonl"), ("a.NDJSON", "jsonl"), ("a.csv", "csv"), ("a.json", "claimreview"),
                  ("page.html", "claimreview"), ("a.jsonld", "claimreview")],
)  # fmt: skip
def test_importers_detect_format(name, fmt):
    assert detect_format(name) == fmt


def test_importers_unknown_extension(tmp_path):
    (tmp_path / "claims.txt").write_text("Pyongyang confirmed the deployment.\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot tell the format"):
        read_records(tmp_path / "claims.txt")


def test_importers_say_a_path_is_missing_or_a_directory_before_looking_at_its_extension(tmp_path):
    with pytest.raises(InputError, match=r"claims: no such file$"):
        read_records(tmp_path / "claims")
    with pytest.raises(InputError, match=r"is a directory, not a file$"):
        read_records(tmp_path)


def test_importers_missing_and_binary_files(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_records(tmp_path / "nothing.jsonl"))
    with pytest.raises(InputError, match="a binary file"):
        list(read_records(write(tmp_path, "x.jsonl", b"\x00\x01\x02PK\x03\x04")))
    with pytest.raises(InputError, match="is a directory"):
        (tmp_path / "dir.csv").mkdir()
        list(read_records(tmp_path / "dir.csv"))


# --- ClaimReview -------------------------------------------------------------------------------------

CLAIM_REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "datePublished": "2024-11-20",
    "url": "https://factcheck.example.org/2024/11/kcna-satellite",
    "claimReviewed": "أطلقت كوريا الشمالية قمرا صناعيا للتجسس بنجاح إلى المدار",
    "inLanguage": "ar",
    "author": {"@type": "Organization", "name": "Misbar", "url": "https://www.misbar.com/"},
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": "KCNA"},
        "datePublished": "2024-11-18",
        "appearance": [{"@type": "CreativeWork", "url": "https://x.com/some/post"}],
    },
    "reviewRating": {"@type": "Rating", "ratingValue": 2, "bestRating": 5, "alternateName": "مضلل"},
}

EXPECTED = ClaimRecord(
    text="أطلقت كوريا الشمالية قمرا صناعيا للتجسس بنجاح إلى المدار",
    source="kcna",
    published="2024-11-18",
    url="https://factcheck.example.org/2024/11/kcna-satellite",
    language="ar",
    publisher="misbar-com",
    rating="مضلل",
)


def other_review(**changes):
    review = json.loads(json.dumps(CLAIM_REVIEW))
    review.update(changes)
    return review


@pytest.mark.parametrize(
    "document",
    [
        CLAIM_REVIEW,
        [CLAIM_REVIEW],
        {"@context": "https://schema.org", "@graph": [{"@type": "WebPage", "name": "page"}, CLAIM_REVIEW]},
        {"@type": "DataFeed", "dataFeedElement": [{"@type": "DataFeedItem", "item": [CLAIM_REVIEW]}]},
        {**CLAIM_REVIEW, "@type": ["ClaimReview", "Review"]},
        {**CLAIM_REVIEW, "@type": "http://schema.org/ClaimReview"},
    ],
    ids=["object", "list", "graph", "datafeed", "type-list", "type-iri"],
)
def test_importers_claimreview_shapes(tmp_path, registry, document):
    path = write(tmp_path, "review.json", json.dumps(document, ensure_ascii=False))
    assert list(read_claimreview(path, registry)) == [EXPECTED]


def test_importers_claimreview_embedded_in_html(tmp_path, registry):
    page = f"""<!DOCTYPE html>
<html dir="rtl" lang="ar"><head>
<title>قمر صناعي؟ &mdash; مسبار</title>
<script type="application/ld+json" class="yoast-schema-graph">{{"@context":"https://schema.org",
 "@graph":[{{"@type":"WebPage","name":"قمر صناعي"}}]}}</script>
<script>var ld = '<script type="application/ld+json">{{"@type":"ClaimReview"}}</script>';</script>
<script type="application/ld+json">{{ this is not json </script>
<script type="application/ld+json; charset=utf-8">{json.dumps([CLAIM_REVIEW], ensure_ascii=False)}</script>
</head><body><p>نص المقال: {json.dumps(other_review(claimReviewed="in the body, not JSON-LD"))}</p></body></html>"""
    path = write(tmp_path, "page.html", page)
    warnings: list[str] = []
    assert list(read_claimreview(path, registry, warnings=warnings)) == [EXPECTED]
    assert warnings == [
        f"{path}: JSON-LD block 2 is not valid JSON (Expecting property name enclosed in double quotes); skipped"
    ]
    assert len(jsonld_blocks(page)) == 3


def test_importers_claimreview_claimant_and_fact_checker_mapping(registry):
    reviews = [
        other_review(itemReviewed={"author": {"name": "وكالة الأنباء المركزية الكورية"}}),
        other_review(itemReviewed={"author": [{"@type": "Person", "name": "Vladimir Putin"}]}),
        other_review(itemReviewed={"author": {"name": "منشورات فيسبوك"}}),
        other_review(itemReviewed={}),
        other_review(author={"@type": "Organization", "name": "Reuters"}),
        other_review(author={"name": "مسبار"}),
    ]
    records = list(claimreview_records(reviews, registry))
    assert [r.source for r in records] == [
        "kcna",
        "vladimir-putin",
        "unregistered",
        "anonymous",
        "kcna",
        "kcna",
    ]
    assert [r.publisher for r in records] == ["misbar-com"] * 4 + ["reuters", None]
    custom = list(claimreview_records(reviews[2:3], registry, fallback_source="anonymous"))
    assert custom[0].source == "anonymous"


def test_importers_claimreview_dates_ratings_and_languages(registry):
    record = next(
        claimreview_records(
            other_review(
                itemReviewed={},
                datePublished="November 21, 2024",
                reviewRating={"@type": "Rating", "ratingValue": "1", "bestRating": "5"},
                inLanguage={"@type": "Language", "name": "Arabic", "alternateName": "ar"},
            ),
            registry,
        )
    )
    assert record.published == "2024-11-21"  # the review's date when the claim has none
    assert record.rating == "1/5"
    assert record.language == "ar"


def test_importers_claimreview_without_text_is_skipped_with_a_warning(tmp_path, registry):
    document = [other_review(claimReviewed=""), CLAIM_REVIEW]
    warnings: list[str] = []
    path = write(tmp_path, "reviews.json", json.dumps(document))
    assert list(read_claimreview(path, registry, warnings=warnings)) == [EXPECTED]
    assert warnings == [f"{path}: ClaimReview #1 has no claim text; skipped"]


def test_importers_claimreview_nothing_found(tmp_path):
    with pytest.raises(InputError, match="no ClaimReview or Fact Check Tools claims"):
        list(read_claimreview(write(tmp_path, "x.json", '{"@type": "NewsArticle"}')))
    with pytest.raises(InputError, match=r"x.html: no ClaimReview"):
        list(read_claimreview(write(tmp_path, "x.html", "<html><body>nothing</body></html>")))
    with pytest.raises(InputError, match=r"bad.json:2: not valid JSON"):
        list(read_claimreview(write(tmp_path, "bad.json", '{"claims":\n [,]}')))


# --- Google Fact Check Tools API -----------------------------------------------------------------------

API = {
    "claims": [
        {
            "text": "منشور يزعم أن أوروبا كلها غرقت في الظلام بعد انقطاع الكهرباء",
            "claimant": "x.com",
            "claimDate": "2025-04-28T19:23:46Z",
            "claimReview": [
                {
                    "publisher": {"name": "مسبار", "site": "misbar.com"},
                    "url": "https://misbar.example/factcheck/europe-power-cut",
                    "title": "انقطاع الكهرباء أصاب دولا أوروبية بعينها لا القارة كلها",
                    "reviewDate": "2025-04-28T19:23:46Z",
                    "textualRating": "مضلل",
                    "languageCode": "ar",
                },
                {
                    "publisher": {"name": "AFP Fact Check", "site": "factcheck.afp.com"},
                    "url": "https://factcheck.afp.example/europe-power-cut",
                    "textualRating": "False",
                    "languageCode": "en",
                },
            ],
        },
        {"text": "Kim Jong Un said the launch was a success.", "claimant": "KCNA",
         "claimReview": [{"publisher": {"site": "www.example-checker.org"}, "reviewDate": "2024-05-02",
                          "textualRating": "True"}]},
        {"claimant": "nobody", "claimReview": [{"textualRating": "False"}]},
    ],
    "nextPageToken": "abc",
}  # fmt: skip


@pytest.mark.parametrize("document", [API, API["claims"]], ids=["response", "bare-list"])
def test_importers_fact_check_tools_api(tmp_path, registry, document):
    path = write(tmp_path, "api.json", json.dumps(document, ensure_ascii=False))
    warnings: list[str] = []
    records = list(read_claimreview(path, registry, warnings=warnings))
    assert [(r.source, r.publisher, r.rating, r.published, r.language) for r in records] == [
        ("unregistered", "misbar-com", "مضلل", "2025-04-28", "ar"),
        ("unregistered", "afp", "False", "2025-04-28", "en"),
        ("kcna", "example-checker-org", "True", "2024-05-02", None),
    ]
    assert records[0].url == "https://misbar.example/factcheck/europe-power-cut"
    assert warnings == [f"{path}: Fact Check Tools claim #3 has no claim text; skipped"]


def test_importers_jsonl_lines_may_hold_claimreviews(tmp_path, registry):
    lines = [
        json.dumps(CLAIM_REVIEW, ensure_ascii=False),
        json.dumps(API["claims"][1]),
        JSONL.splitlines()[2],
    ]
    records = list(read_jsonl(write(tmp_path, "mixed.jsonl", "\n".join(lines)), registry))
    assert [r.source for r in records] == ["kcna", "kcna", "unregistered"]


def test_importers_claimreview_import_into_a_store(tmp_path, registry, store_url):
    path = write(tmp_path, "api.json", json.dumps(API, ensure_ascii=False))
    with Store.open(store_url) as store:
        with pytest.raises(InputError, match="publisher id 'misbar-com' is unknown"):
            store.add_claims(read_records(path, registry), registry)
        result = store.add_claims(read_records(path, registry), registry, create_sources=True)
        # two reviews of one claim (same text, claimant, date) are one stored claim: the first review read
        assert result == (2, 1, ("misbar-com", "example-checker-org"), 0)  # another checker: not an update
        assert store.search("انقطاع الكهرباء في أوروبا")[0].rating == "مضلل"


def test_importers_shared_claimreview_samples(registry, tmp_path, store_url):
    folder = shared("claimreview")
    warnings: list[str] = []
    api = list(read_claimreview(folder / "unique_claim_reviews.json", registry, warnings=warnings))
    assert len(api) >= 1200 and all(r.text and r.rating and r.publisher for r in api)
    assert sum(r.language == "ar" for r in api) > 1000
    feed = list(read_claimreview(folder / "data_commons_raw.json", registry))
    assert feed[0].published == "2019-09-07" and feed[0].publisher == "dpa"
    page = json.loads((folder / "fatabyyano_raw.json").read_text(encoding="utf-8"))["page"]
    embedded = list(read_claimreview(write(tmp_path, "page.html", page), registry))
    assert embedded[0].publisher == "fatabyyano-net" and embedded[0].rating == "زائف"
    with Store.open(store_url) as store:
        first = store.add_claims(api, registry, create_sources=True)
        assert first.added > 1000
        assert store.add_claims(api, registry, create_sources=True).added == 0
