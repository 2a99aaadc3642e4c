"""Property tests: whatever Unicode comes in, every span the pipeline emits reproduces the input."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.text.normalize import normalize

ARABIC_WORDS = [
    "قال",
    "وقال",
    "بوتين",
    "إن",
    "أن",
    "وفقا",
    "لوكالة",
    "الأنباء",
    "الكورية",
    "الشمالية",
    "محللون",
    "ويرى",
    "«",
    "»",
    "،",
    "؟",
    "..",
    "بـ«دعم",
    "كيم",
    "جونغ",
    "أون",
    "وأضاف:",
    "١٠٬٠٠٠",
    "ـــ",
    "ی",
    "ک",
]
ENGLISH_WORDS = [
    "said",
    "Putin",
    "that",
    "according",
    "to",
    "KCNA",
    ",",
    ".",
    "?",
    '"',
    "officials",
    "he",
    "added",
    "Reuters",
    "citing",
    "(",
    ")",
    "-",
    ":",
    "Tags:",
    "\n",
]

text_strategy = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(ARABIC_WORDS + ENGLISH_WORDS + [" ", "\n", "\u200f", "\ufeff"]), max_size=80
    ).map(lambda ws: " ".join(ws)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_strategy)
def test_every_span_reproduces_the_input(
    text,
):
    from claims.checker import check_text
    from claims.types import InputText

    report = check_text(InputText(text, "-", "utf-8", "txt"), _registry())
    for item in report.claims:
        c = item.claim
        spans = [c.span, c.content, c.attribution.mention, c.attribution.cue, c.attribution.hedge]
        for span in spans:
            if span is not None:
                assert text[span.start : span.end] == span.text
                assert 0 <= span.start <= span.end <= len(text)
    for s in report.skipped:
        assert text[s.span.start : s.span.end] == s.span.text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_normalize_is_idempotent_for_any_text(text):
    assert normalize(normalize(text)) == normalize(text)


_REG = []


def _registry():
    from claims.attribution.registry import Registry

    if not _REG:
        _REG.append(Registry.load())
    return _REG[0]
