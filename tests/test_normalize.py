import pytest

from claims.text.normalize import normalize, script_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("الاتـــفاقية", "الاتفاقيه"),  # tatweel, ta marbuta
        ("رسميًا", "رسميا"),  # tanween
        ("إقرأ أيضاً", "اقرا ايضا"),  # hamza on alef, tanween
        ("آنذاك", "انذاك"),
        ("کوریا الشمالیة", "كوريا الشماليه"),  # Persian keheh and yeh
        ("مستشفى", "مستشفي"),  # alef maqsura
        ("المسؤول", "المسوول"),
        ("أكثر من ١٠٬٠٠٠ جندي", "اكثر من 10000 جندي"),  # Arabic-Indic digits, Arabic thousands separator
        ("۱۲۷ ملم", "127 ملم"),  # Persian digits
        ("10,000 troops", "10000 troops"),
        ("1,5 million", "1,5 million"),  # not a thousands separator
        ("بـ«دعم الغرب»", 'ب"دعم الغرب"'),
        ("“Quoted” – text", '"quoted" - text'),
        ("The KCNA", "the kcna"),
        ("Straße", "strasse"),
        ("ﻻ", "لا"),  # presentation form
        ("كيم\u200c جونغ", "كيم جونغ"),  # zero-width non-joiner
        ("  many   spaces\n", "many spaces"),
        ("؟ ، ؛", "? , ;"),
    ],
)
def test_normalize_folds_variants(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "text",
    ["وقال بوتين إن «الاتفاقية» تنص على ١٠ بنود", "Putin said on Thursday", "کوریا", "", "ـــ"],
)
def test_normalize_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


def test_normalize_keeps_original_offsets(founding_text):
    from claims.checker import check_text
    from claims.registry import Registry
    from claims.types import InputText

    report = check_text(InputText(founding_text, "a.txt", "utf-8", "txt"), Registry.load())
    assert "کوریا" in founding_text  # the original spelling is still what offsets point into
    for c in report.claims:
        assert founding_text[c.claim.span.start : c.claim.span.end] == c.claim.span.text


@pytest.mark.parametrize(
    ("text", "script"),
    [("وقال بوتين", "ar"), ("Putin said", "en"), ("NK News: إن كيه نيوز", "ar"), ("1234 ...", "")],
)
def test_script_of(text, script):
    assert script_of(text) == script


def test_normalize_translation_table_agrees_with_the_letter_map():
    """The fast table maps common characters to themselves; it must fold exactly what the letter map folds."""
    from claims.text.normalize import _LETTERS, _TABLE

    everything = "".join(chr(c) for c in range(0x3000))
    assert everything.translate(_TABLE) == everything.translate(_LETTERS)


def test_normalize_splits_on_the_same_whitespace_as_regex():
    """normalize joins ``str.split()``: the same characters as the regex ``\\s`` it replaced."""
    import re

    space = re.compile(r"\s")
    assert all(bool(space.fullmatch(chr(c))) == chr(c).isspace() for c in range(0x110000))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,000,000", "1000000"),
        ("1,2,345", "1,2345"),
        ("a,000", "a,000"),
        ("12'500", "12500"),
        (",123", ",123"),
    ],
)
def test_normalize_thousands_separators(text, expected):
    assert normalize(text) == expected
