import pytest

from claims.text.layout import analyse


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("تاريخ النشر: 5th, December 2024 GMT", "metadata"),
        ("المصدر: بوابة الوفد", "metadata"),
        ("Published: 2024-12-05", "metadata"),
        ("Source: Reuters", "metadata"),
        ("كلمات دلالية: كوريا الشمالية روسيا", "keywords"),
        ("Tags: North Korea, Russia", "keywords"),
        ("إقرأ أيضاً:", "read-also"),
        ("اقرأ أيضا", "read-also"),
        ("Read more:", "read-also"),
        ("أخبار العالم| الجيش يقصف 800 هدف.. كوريا تعلن إرسال قوات", "link-list"),
        ("الدفاع المشترك..", "heading"),
        ("المعاهدة ليست الأولى", "heading"),
        ("What we know about the treaty", "heading"),
        ("## Background", "heading"),
    ],
)
def test_layout_skips_what_is_not_a_claim(line, reason):
    text = f"{line}\nوقال الوزير إن المحادثات كانت مثمرة وستستمر في الأسبوع المقبل في موسكو.\n"
    layout = analyse(text)
    assert [(s.span.text, s.reason) for s in layout.skipped] == [(line, reason)]
    assert len(layout.paragraphs) == 1


@pytest.mark.parametrize(
    "line",
    [
        "روسيا: دخول معاهدة الشراكة الاستراتيجية الشاملة مع كوريا الشمالية حيز التنفيذ",  # X: … headline
        "أعلنت وزارة الخارجية الروسية عن دخول المعاهدة حيز التنفيذ.",
        "Officials said the treaty took effect on Wednesday.",
    ],
)
def test_layout_keeps_reporting(line):
    layout = analyse(line)
    assert layout.skipped == ()
    assert [p.span.text for p in layout.paragraphs] == [line]


def test_layout_parses_dateline_and_credit(founding_text):
    layout = analyse(founding_text)
    assert layout.published == "2024-12-05"
    assert layout.publisher_text == "بوابة الوفد"


def test_layout_founding_article_skips_exactly_the_page_furniture(founding_text):
    layout = analyse(founding_text)
    assert [(s.line, s.reason) for s in layout.skipped] == [
        (2, "metadata"),
        (11, "heading"),
        (17, "heading"),
        (24, "metadata"),
        (25, "keywords"),
        (26, "read-also"),
        (27, "heading"),
        (32, "link-list"),
        (33, "heading"),
    ]
    body_lines = {p.line for p in layout.paragraphs}
    assert body_lines == {
        1,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
        10,
        12,
        13,
        14,
        15,
        16,
        18,
        19,
        20,
        21,
        22,
        23,
        28,
        29,
        30,
        31,
        34,
        35,
        36,
        37,
    }


def test_layout_offsets_reproduce_text(founding_text):
    layout = analyse(founding_text)
    for item in [*layout.skipped, *layout.paragraphs]:
        assert founding_text[item.span.start : item.span.end] == item.span.text
