import pytest

from claims.text.segment import pipeline


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("أشاد بوتين بـ«دعم بيونغ»", ["أشاد", "بوتين", "بـ", "«", "دعم", "بيونغ", "»"]),
        ('تسلحت بـ"صواريخ كروز"', ["تسلحت", "بـ", '"', "صواريخ", "كروز", '"']),
        ("والإخضاع».", ["والإخضاع", "»", "."]),
        ("الاتفاق؟..إنه", ["الاتفاق", "؟", "..", "إنه"]),
        ("الأربعاء ،أن المعاهدة", ["الأربعاء", "،", "أن", "المعاهدة"]),
        ("الاتـــفاقية", ["الاتـــفاقية"]),  # tatweel inside a word is not a clitic
    ],
)
def test_segment_arabic_tokenizer(text, tokens):
    assert [t.text for t in pipeline("ar").tokenizer(text)] == tokens


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "ماذا تتضمن المعاهدة؟..إنها وثيقة من ٢٣ مادة.",
            "ar",
            ["ماذا تتضمن المعاهدة؟..", "إنها وثيقة من ٢٣ مادة."],
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
    assert [sent.text for sent in pipeline(language)(text).sents] == expected
