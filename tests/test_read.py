import codecs

import pytest

from claims.errors import InputError
from claims.text.read import decode_bytes, read_input

ARABIC = "أعلنت وزارة الخارجية الروسية اليوم عن دخول المعاهدة حيز التنفيذ.\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ARABIC.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + ARABIC.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + ARABIC.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + ARABIC.encode("utf-16-be"), "utf-16"),
        (ARABIC.encode("cp1256"), "windows-1256"),
    ],
)
def test_read_decodes_newsroom_encodings(data, encoding):
    text = decode_bytes(data, path="a.txt")
    assert text.text == ARABIC  # BOM removed, nothing else changed
    assert text.encoding == encoding


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"PK\x03\x04\x14\x00", "ZIP"),
        (b"abc\x00def\x00", "NUL"),
        (bytes(range(128, 256)) * 4 + b"\x00", "NUL"),
        (b"\x81\x8d\x8f\x90\x9d" * 50, "cannot be decoded"),
    ],
)
def test_read_rejects_binary_and_undecodable(data, message):
    with pytest.raises(InputError, match=message):
        decode_bytes(data, path="bad.bin")


def test_read_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_input(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_input(tmp_path)


def test_read_too_large(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("a" * 2000, encoding="utf-8")
    with pytest.raises(InputError, match="too large"):
        read_input(p, max_bytes=1000)


def test_read_html_extracts_the_article(tmp_path):
    body = "".join(
        f"<p>قال المتحدث باسم الوزارة إن الاجتماع الذي عقد في موسكو كان مثمرا وإن الجانبين اتفقا على خطوات جديدة رقم {i}.</p>"
        for i in range(5)
    )
    html = (
        "<html><head><title>عنوان</title><script>alert('x')</script></head><body>"
        "<nav><a href='/'>الرئيسية</a> | <a href='/w'>العالم</a></nav>"
        f"<article><h1>الوزارة: الاجتماع كان مثمرا</h1>{body}</article>"
        "<footer>جميع الحقوق محفوظة</footer></body></html>"
    )
    p = tmp_path / "page.html"
    p.write_text(html, encoding="utf-8")
    text = read_input(p)
    assert text.format == "html"
    assert "قال المتحدث باسم الوزارة" in text.text
    assert "alert" not in text.text
    assert "<p>" not in text.text


def test_read_empty_file_is_empty_text(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    assert read_input(p).text == ""


@pytest.mark.parametrize("depth", [260, 100_000])
def test_read_html_nested_deeper_than_libxml2_allows_keeps_the_article(tmp_path, depth):
    # libxml2 stops at 256 levels: trafilatura then found nothing and the page read as empty, silently.
    article = (
        "<h1>Treaty in force</h1>"
        "<p>North Korea fired a ballistic missile into the sea on Tuesday, the South Korean military said.</p>"
        "<p>قالت وكالة الأنباء المركزية الكورية إن المعاهدة دخلت حيز التنفيذ يوم الأربعاء.</p>"
    )
    html = (
        "<html><head><title>Treaty in force</title><style>p{color:red}</style></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        + "<div>" * depth
        + article
        + "</div>" * depth
        + "<script>track('reader')</script><footer>All rights reserved</footer></body></html>"
    )
    p = tmp_path / "deep.html"
    p.write_text(html, encoding="utf-8")
    text = read_input(p).text
    assert text.splitlines() == [
        "Treaty in force",
        "North Korea fired a ballistic missile into the sea on Tuesday, the South Korean military said.",
        "قالت وكالة الأنباء المركزية الكورية إن المعاهدة دخلت حيز التنفيذ يوم الأربعاء.",
    ]


def test_read_html_within_libxml2s_depth_is_still_read_by_trafilatura(tmp_path):
    # 250 levels: the usual extraction (boilerplate removal), not the plain-text reading of deep pages
    html = (
        "<html><head><title>Treaty</title></head><body><nav>Home | World | Sport | Weather</nav>"
        + "<div>" * 250
        + "<p>North Korea fired a ballistic missile into the sea on Tuesday, the South Korean military said.</p>"
        + "</div>" * 250
        + "</body></html>"
    )
    p = tmp_path / "page.html"
    p.write_text(html, encoding="utf-8")
    text = read_input(p).text
    assert "North Korea fired a ballistic missile" in text
    assert "Sport" not in text
