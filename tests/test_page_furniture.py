"""Real pages, as a specification: sentences cut where they end (not after "No." or «د .»), end marks and
page furniture (wire credits, share lines, repeated headlines, "more on this story") never claims. Lines
written by us in the shapes of real plain-text pages."""

import pytest

from claims.checker import check_text
from claims.registry import Registry
from claims.text.layout import analyse
from claims.text.segment import pipeline
from claims.types import InputText


@pytest.fixture(scope="module")
def reg():
    return Registry.load()


def report_of(text, reg):
    return check_text(InputText(text, "-", "utf-8", "txt"), reg)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Under the order No. 00122 of the Central Military Commission, the army cut the roads.", "en"),
        ("The General Staff on Oct. 15 took a measure to cut off the roads and railways.", "en"),
        ("Articles Nos. 4 and 5 of the treaty provide for mutual military assistance.", "en"),
        ("وقال د . محمد الأحمد إن الوضع الإنساني في المدينة صعب للغاية.", "ar"),
        ("وأكد أ. د. سامي العلي أن الدراسة شملت ألف أسرة في ثلاث محافظات.", "ar"),
    ],
)
def test_furniture_abbreviations_do_not_end_a_sentence(text, language):
    assert [s.text for s in pipeline(language)(text).sents] == [text]


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        (
            "Japan, mocking the voice of the international community, can never evade its responsibility for "
            "the heinous crime. -0-",
            "Japan, mocking the voice of the international community, can never evade its responsibility for "
            "the heinous crime.",
        ),
        (
            "The delegation headed by the minister left Pyongyang by air on Tuesday for talks in Moscow and "
            "Minsk. -END-",
            "The delegation headed by the minister left Pyongyang by air on Tuesday for talks in Moscow and "
            "Minsk.",
        ),
        (
            "وأعلنت الوزارة أن الاتفاق دخل حيز التنفيذ . رسميا . . وأضافت أن الحفل أقيم في موسكو .",
            None,
        ),
    ],
)
def test_furniture_end_marks_and_stray_words_are_not_claims(text, claim, reg):
    report = report_of(text, reg)
    texts = [c.claim.span.text for c in report.claims]
    if claim is not None:
        assert texts == [claim]
    assert not any(len(t.replace(".", " ").split()) <= 1 for t in texts)
    assert "fragment" in [s.reason for s in report.skipped]


def test_furniture_coordinated_subject_is_one_claim(reg):
    text = "The foreign ministers of the DPRK and Russia agreed to hold more dialogues on regional issues."
    report = report_of(text, reg)
    assert [c.claim.span.text for c in report.claims] == [text]
    assert report.claims[0].claim.attribution.source_id != "russia-gov"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("د .", "fragment"),
        ("Share this article on Facebook, Twitter and WhatsApp.", "share"),
        ("شارك هذا المقال على فيسبوك وتويتر.", "share"),
        ("Subscribe to our newsletter to get the latest news every morning.", "share"),
        ("اشترك في النشرة البريدية ليصلك كل جديد.", "share"),
        ("Related topics", "read-also"),
        ("More on this story", "read-also"),
        ("مواضيع ذات صلة", "read-also"),
    ],
)
def test_furniture_lines_are_skipped_with_a_reason(line, reason):
    text = f"وقال الوزير إن المحادثات كانت مثمرة وستستمر في الأسبوع المقبل في موسكو.\n{line}\n"
    layout = analyse(text)
    assert [(s.span.text, s.reason) for s in layout.skipped] == [(line, reason)]


def test_furniture_repeated_headline_is_skipped():
    headline = "الجيش يعلن انتهاء العملية العسكرية في المدينة بعد ثلاثة أسابيع من القتال."
    body = "وقال المتحدث باسم الجيش إن القوات أحكمت سيطرتها على الأحياء الشرقية."
    layout = analyse(f"{headline}\n{headline}\n{body}\n{headline}\n")
    assert [p.span.text for p in layout.paragraphs] == [headline, body]
    assert [s.reason for s in layout.skipped] == ["repeated", "repeated"]


@pytest.mark.parametrize(
    ("text", "claim_start", "wire"),
    [
        (
            "بيروت ( أ ف ب ) - أعلن الجيش السوري الأحد أن قواته استعادت السيطرة على البلدة.",
            "أعلن الجيش السوري",
            "afp",
        ),
        (
            "MOSCOW (Reuters) - Russia said on Sunday that the talks would resume next week.",
            "Russia said on Sunday",
            "reuters",
        ),
    ],
)
def test_furniture_wire_credit_names_the_source_and_starts_no_claim(text, claim_start, wire, reg):
    report = report_of(text, reg)
    assert [c.claim.span.text[: len(claim_start)] for c in report.claims] == [claim_start]
    assert [s.reason for s in report.skipped] == ["credit"]
    assert wire in (report.claims[0].claim.attribution.source_id, *report.claims[0].claim.attribution.via)
