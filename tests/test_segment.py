import pytest

from claims.text.segment import pipeline, sentences


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("ربط بوتين بـ«دعم الغرب»", ["ربط", "بوتين", "بـ", "«", "دعم", "الغرب", "»"]),
        ('مجهزة بـ"صواريخ نووية"', ["مجهزة", "بـ", '"', "صواريخ", "نووية", '"']),
        ("لعدوان».", ["لعدوان", "»", "."]),
        ("المعاهدة؟..هي", ["المعاهدة", "؟", "..", "هي"]),
        ("اليوم ،عن دخول", ["اليوم", "،", "عن", "دخول"]),
        ("الاتـــفاقية", ["الاتـــفاقية"]),  # tatweel inside a word is not a clitic
    ],
)
def test_segment_arabic_tokenizer(text, tokens):
    assert [t.text for t in pipeline("ar").tokenizer(text)] == tokens


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "ماذا نعرف عن المعاهدة؟..هي معاهدة أبرمها الزعيمان.",
            "ar",
            ["ماذا نعرف عن المعاهدة؟..", "هي معاهدة أبرمها الزعيمان."],
        ),
        ("وقال إن «الأمر جيد. ولن يتغير». ثم غادر!", "ar", ["وقال إن «الأمر جيد. ولن يتغير».", "ثم غادر!"]),
        (
            "أعلنت الوزارة ذلك؛ وأضافت أن الحفل أقيم في موسكو.",
            "ar",
            ["أعلنت الوزارة ذلك؛", "وأضافت أن الحفل أقيم في موسكو."],
        ),
        ("انتهى الأمر… وبدأ غيره.", "ar", ["انتهى الأمر…", "وبدأ غيره."]),
        (
            'He said: "We will go. Now." Mr. Smith left the U.S. on Sept. 11.',
            "en",
            ['He said: "We will go. Now."', "Mr. Smith left the U.S. on Sept. 11."],
        ),
        (
            'She said the "rigged system. It has to change" was the problem.',
            "en",
            ['She said the "rigged system. It has to change" was the problem.'],
        ),
        (
            "وقال: «لن نتراجع.» وأضاف أن المحادثات ستستمر.",
            "ar",
            ["وقال: «لن نتراجع.»", "وأضاف أن المحادثات ستستمر."],
        ),
        (
            "Is it over? Officials said no. The talks went on!",
            "en",
            ["Is it over?", "Officials said no.", "The talks went on!"],
        ),
        ("بلا نقطة في النهاية", "ar", ["بلا نقطة في النهاية"]),
        ('Unbalanced "quote here. Next sentence.', "en", ['Unbalanced "quote here.', "Next sentence."]),
    ],
)
def test_segment_sentences(text, language, expected):
    assert [text[s:e] for s, e in sentences(text, language)] == expected
