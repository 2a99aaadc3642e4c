import pytest

from claims.text.layout import analyse

from .conftest import shared


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
        ("أخبار العالم| سول تستدعي السفير الروسي.. بيونغ يانغ تطلق صاروخا", "link-list"),
        ("سابقة سوفيتية..", "heading"),
        ("الصمت الصيني", "heading"),
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
        "روسيا: معاهدة الشراكة مع كوريا الشمالية باتت نافذة رسميًا",  # X: … headline
        "أعلنت وزارة الخارجية الروسية أن المعاهدة أصبحت سارية المفعول.",
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
    assert layout.publisher_text == "بوابة الشروق"


def test_layout_founding_article_skips_exactly_the_page_furniture(founding_text):
    layout = analyse(founding_text)
    assert [(s.line, s.reason) for s in layout.skipped] == [
        (2, "metadata"),  # تاريخ النشر: الخميس، ٥ ديسمبر ٢٠٢٤
        (17, "heading"),  # سابقة سوفيتية..
        (21, "heading"),  # الصمت الصيني
        (24, "metadata"),  # المصدر: بوابة الشروق
        (25, "keywords"),
        (26, "read-also"),
        (27, "heading"),  # the "read also" article's title
        (33, "link-list"),
    ]
    # Line 7 (ماذا تتضمن المعاهدة؟) is a paragraph: the question is dropped when sentences are attributed.
    body_lines = {p.line for p in layout.paragraphs}
    assert body_lines == set(range(1, 35)) - {2, 17, 21, 24, 25, 26, 27, 33}


def test_layout_offsets_reproduce_text(founding_text):
    layout = analyse(founding_text)
    for item in [*layout.skipped, *layout.paragraphs]:
        assert founding_text[item.span.start : item.span.end] == item.span.text


def test_layout_real_page_skips_exactly_the_page_furniture():
    """The real page on the same event, kept in ../shared for measurement (its text is not copied here)."""
    layout = analyse(shared("articles", "ar-russia-dprk-treaty-2024-12-05.txt").read_text(encoding="utf-8"))
    assert (layout.published, layout.publisher_text) == ("2024-12-05", "بوابة الوفد")
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
    assert {p.line for p in layout.paragraphs} == set(range(1, 38)) - {2, 11, 17, 24, 25, 26, 27, 32, 33}
