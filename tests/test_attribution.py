"""Attribution, as a specification: real Arabic and English sentence shapes and who they are attributed to."""

import pytest

from claims.checker import check_text
from claims.registry import Registry
from claims.types import InputText

from .conftest import shared


@pytest.fixture(scope="module")
def reg():
    return Registry.load()


def attributions(text, reg):
    report = check_text(InputText(text, "-", "utf-8", "txt"), reg)
    return [
        (c.claim.attribution.source_id, list(c.claim.attribution.via), c.claim.attribution.hedged)
        for c in report.claims
    ]


def claims_by_line(text, reg):
    report = check_text(InputText(text, "-", "utf-8", "txt"), reg)
    out = {}
    for c in report.claims:
        out.setdefault(c.claim.line, []).append(c.claim)
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # cue-first (VSO), feminine verb with a ministry
        ("أعلنت وزارة الخارجية الروسية مساء الأربعاء أن المعاهدة أصبحت نافذة.", [("russia-mfa", [], False)]),
        # cue-last prepositional, clitic on the source: لوكالة
        ("وجرى تبادل الوثيقتين في موسكو وفقًا لوكالة الأنباء الكورية الشمالية.", [("kcna", [], False)]),
        # fronted prepositional with فإن
        ("وبحسب وكالة الأنباء المركزية الكورية فإن الزيارة استمرت يومين.", [("kcna", [], False)]),
        # subject-first after من جهتها, then a second attributed part with unnamed analysts
        (
            "من جهتها، أكدت روسيا أن المعاهدة دفاعية، ويرى محللون أن موسكو تحتاج إلى ذخائر بيونغ يانغ.",
            [("russia-gov", [], False), ("anonymous", [], False)],
        ),
        # «كتبت» (wrote) reports; «كتب» as the noun "books" does not
        ("كتبت وزارة الخارجية الروسية على تلغرام أن المعاهدة دخلت حيز التنفيذ.", [("russia-mfa", [], False)]),
        ("اشترى الطالب كتب التاريخ من المكتبة.", [("unattributed", [], False)]),
        # impersonal / passive cues: anonymous, never the author's voice
        ("ويُتوقع أن يرتفع حجم التجارة بين البلدين خلال العام المقبل.", [("anonymous", [], False)]),
        ("يُعتقد أن الصواريخ أطلقت من الساحل الشرقي للبلاد.", [("anonymous", [], False)]),
        # hedge
        (
            "ومن المحتمل أن يكون الصاروخ من طراز جديد، وفقا لموقع إن كيه نيوز الأمريكي.",
            [("nk-news", [], True)],
        ),
        # chain: Reuters quoting an unnamed military source
        (
            "نقلت وكالة رويترز عن مصدر عسكري قوله إن القوات انسحبت من المدينة.",
            [("anonymous", ["reuters"], False)],
        ),
        # spelling variant جونج / جونغ and a relay
        (
            "وقال كيم جونج أون في تصريح نقلته وكالة الأنباء المركزية الكورية إن بلاده ستساند روسيا بثبات.",
            [("kim-jong-un", ["kcna"], False)],
        ),
        # the author's own voice
        (
            "فالحرب الكورية انتهت عام 1953 بهدنة لا بمعاهدة سلام.",
            [("unattributed", [], False)],
        ),
        # English
        ("The Kremlin said on Thursday that the treaty had entered into force.", [("russia-gov", [], False)]),
        ("The treaty entered into force on Wednesday, according to KCNA.", [("kcna", [], False)]),
        (
            "According to Yonhap, the missile flew about 1,000 km before falling into the sea.",
            [("yonhap", [], False)],
        ),
        (
            "NK News, citing KCNA, reported that the destroyer was launched on Saturday.",
            [("kcna", ["nk-news"], False)],
        ),
        (
            "Kim Jong Un said in a statement carried by KCNA that the navy would be armed with nuclear weapons.",
            [("kim-jong-un", ["kcna"], False)],
        ),
        ("Officials said the talks would resume next week in Moscow.", [("anonymous", [], False)]),
        (
            "Russia confirmed that the treaty took effect, and analysts believe that it deepens military ties.",
            [("russia-gov", [], False), ("anonymous", [], False)],
        ),
        ("The missile was likely a new type of cruise missile, officials said.", [("anonymous", [], True)]),
        (
            "The deployment reportedly began in October after the treaty was ratified.",
            [("anonymous", [], True)],
        ),
        ("North Korea fired a ballistic missile into the sea on Tuesday.", [("unattributed", [], False)]),
    ],
)
def test_attribution_sentence_shapes(text, expected, reg):
    assert attributions(text, reg) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # continuation across sentences, masculine verb → the last male speaker
        (
            "وقال بوتين إن الاتفاق يمثل اختراقًا حقيقيًا. وأضاف: «نقدّر موقفكم المساند لسياسة روسيا».",
            ["vladimir-putin", "vladimir-putin"],
        ),
        (
            "Putin said the treaty was a breakthrough. He added that cooperation would grow quickly.",
            ["vladimir-putin", "vladimir-putin"],
        ),
        # a description resolves to the last agency named
        (
            "وقال كيم جونغ أون إن بلاده ستساند موسكو، بحسب وكالة الأنباء المركزية الكورية. "
            "وأوضحت الوكالة الرسمية أن اللقاء جرى في بيونغ يانغ.",
            ["kim-jong-un", "kcna"],
        ),
        # "state media" in a DPRK story → DPRK state media
        (
            "Kim Jong Un inspected the destroyer, KCNA said. State media said the tests used cruise missiles.",
            ["kcna", "dprk-state-media"],
        ),
    ],
)
def test_attribution_context_across_sentences(text, expected, reg):
    assert [a[0] for a in attributions(text, reg)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # وأضاف with no subject of its own goes on through the relay that carried the speaker
        (
            "استقبل كيم جونج أون الوزير الروسي، حسبما ذكرت وكالة الأنباء المركزية الكورية. "
            "وقال كيم جونج أون إن بلاده ستساند روسيا، وفق ما نقلت الوكالة. "
            "وأضاف أن الغرب يتدخل مباشرة في الصراع.",
            [("kcna", []), ("kim-jong-un", ["kcna"]), ("kim-jong-un", ["kcna"])],
        ),
        # …and a participle in the same sentence too
        (
            "وقال كيم جونغ أون في تصريح نقلته وكالة الأنباء المركزية الكورية إن بلاده ستساند روسيا، "
            "مضيفا أن الغرب يتدخل في الصراع.",
            [("kim-jong-un", ["kcna"]), ("kim-jong-un", ["kcna"])],
        ),
        (
            "Kim Jong Un said in a statement carried by KCNA that the navy would be armed. "
            "He added that the tests were a success.",
            [("kim-jong-un", ["kcna"]), ("kim-jong-un", ["kcna"])],
        ),
        # a speaker named again speaks for themself: the earlier relay is not carried over
        (
            "Kim Jong Un said in a statement carried by KCNA that the navy would be armed. "
            "Kim Jong Un told reporters on Monday that he had visited the shipyard.",
            [("kim-jong-un", ["kcna"]), ("kim-jong-un", [])],
        ),
        # a speaker who spoke directly goes on directly
        (
            "وقال بوتين إن الاتفاق يمثل اختراقًا حقيقيًا. وأضاف أن التعاون سيتوسع.",
            [("vladimir-putin", []), ("vladimir-putin", [])],
        ),
    ],
)
def test_attribution_continuation_keeps_the_relay(text, expected, reg):
    assert [(source, via) for source, via, _ in attributions(text, reg)] == expected


@pytest.mark.parametrize(
    ("line", "sources"),
    [
        (1, [("russia-gov", [])]),  # روسيا: … (the headline's colon)
        (3, [("russia-mfa", [])]),  # أعلنت وزارة الخارجية الروسية … أن
        (4, [("kcna", [])]),  # …، وفقًا لوكالة الأنباء المركزية الكورية.
        (5, [("unattributed", []), ("anonymous", [])]),  # …؛ إذ تشير تقارير استخباراتية إلى أن
        (6, [("russia-gov", [])]),  # من جانبها، أكدت موسكو أن
        (10, [("vladimir-putin", []), ("vladimir-putin", [])]),  # أشاد بوتين بـ«…»، وقال إن
        (11, [("vladimir-putin", [])]),  # وأضاف: «…»
        (13, [("kcna", [])]),  # …، بحسب ما نقلت الوكالة الكورية.
        (14, [("kcna", [])]),  # ورأت الوكالة الكورية في تعليقها أن
        (15, [("anonymous", [])]),  # ويرى محللون أن
        (20, [("anonymous", [])]),  # واعتبر محللون أن
        (28, [("kcna", [])]),  # …، حسبما ذكرت وكالة الأنباء المركزية الكورية
        (29, [("kim-jong-un", ["kcna"])]),  # وقال كيم جونج أون … وفق ما نقلت الوكالة.
        (30, [("kim-jong-un", ["kcna"])]),  # وأضاف أن … (the same relay)
        (31, [("kcna", [])]),  # وذكرت الوكالة الرسمية أن
        (32, [("nk-news", [])]),  # ومن المحتمل …، وفقا لموقع "إن كي نيوز"
        (34, [("anonymous", [])]),  # يُذكر أن
        (9, [("unattributed", [])]),
        (16, [("unattributed", [])]),  # لم تؤكد موسكو …: a negated reporting verb reports nothing
        (22, [("unattributed", [])]),  # فلم تعلّق …
        (23, [("unattributed", [])]),
    ],
)
def test_attribution_founding_article(line, sources, founding_text, reg):
    by_line = claims_by_line(founding_text, reg)
    assert [(c.attribution.source_id, list(c.attribution.via)) for c in by_line[line]] == sources


def test_attribution_founding_article_spans(founding_text, reg):
    by_line = claims_by_line(founding_text, reg)
    (c3,) = by_line[3]
    assert c3.attribution.cue.text == "أعلنت"
    assert c3.attribution.mention.text == "وزارة الخارجية الروسية"
    (c32,) = by_line[32]
    assert c32.attribution.hedged and c32.attribution.hedge.text == "ومن المحتمل"
    assert "إن كي نيوز" in c32.attribution.mention.text


# The real page on the same event (Al-Wafd, 5 December 2024, with a "read also" article appended) is kept
# in ../shared/data/articles for measurement only: its text is never copied here, only what each line is
# attributed to.
REAL_PAGE_LINES = {
    1: [("russia-gov", [])],
    3: [("russia-mfa", [])],
    4: [("kcna", [])],
    6: [("russia-gov", []), ("anonymous", [])],
    7: [("anonymous", [])],
    10: [("vladimir-putin", [])],
    12: [("unattributed", [])],
    13: [("kcna", [])],
    15: [("vladimir-putin", [])],
    16: [("vladimir-putin", [])],
    21: [("anonymous", [])],
    23: [("unattributed", [])],
    28: [("kcna", [])],
    29: [("kim-jong-un", ["kcna"])],
    31: [("nk-news", [])],
    34: [("kim-jong-un", ["kcna"])],
    35: [("kcna", [])],
    36: [("dprk-state-media", [])],
}


def test_attribution_real_page_line_by_line(reg):
    text = shared("articles", "ar-russia-dprk-treaty-2024-12-05.txt").read_text(encoding="utf-8")
    by_line = claims_by_line(text, reg)
    got = {
        line: [(c.attribution.source_id, list(c.attribution.via)) for c in by_line[line]]
        for line in REAL_PAGE_LINES
    }
    assert got == REAL_PAGE_LINES
    (hedged,) = by_line[31]
    assert hedged.attribution.hedged and hedged.attribution.hedge.text == "ومن المحتمل"


def test_attribution_components_work_in_a_plain_spacy_pipeline():
    import spacy

    import claims.attribution.components  # noqa: F401

    nlp = spacy.blank("ar")
    nlp.add_pipe("claims_sentences")
    nlp.add_pipe("claims_sources")
    nlp.add_pipe("claims_attribution")
    doc = nlp("وأعلنت وزارة الخارجية الروسية أن المعاهدة دخلت حيز التنفيذ.")
    assert [(s.text, s.label_) for s in doc.spans["claims_sources"]] == [
        ("وزارة الخارجية الروسية", "russia-mfa")
    ]
    assert [p["source"] for p in doc._.claims_parts] == ["russia-mfa"]


def test_attribution_user_sources_file_adds_a_source(tmp_path):
    extra = tmp_path / "newsroom.toml"
    extra.write_text(
        '[[source]]\nid = "daily-bugle"\nname = "Daily Bugle"\nname_ar = "ديلي بيوغل"\nkind = "media"\n'
        'country = "US"\nmedium = "newspaper"\naliases = ["The Bugle"]\n',
        encoding="utf-8",
    )
    reg = Registry.load(extra)
    assert reg.get("daily-bugle").group == "daily-bugle"
    assert attributions("The Bugle reported that the mayor resigned on Monday.", reg) == [
        ("daily-bugle", [], False)
    ]
    assert attributions("وقالت ديلي بيوغل إن رئيس البلدية استقال يوم الاثنين.", reg) == [
        ("daily-bugle", [], False)
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[[source]]\nid = "Bad Id"\nname = "x"\nkind = "media"\n', "kebab-case"),
        ('[[source]]\nid = "x"\nname = "x"\nkind = "blog"\n', "unknown kind"),
        ("[[source]\n", "not a valid TOML"),
    ],
)
def test_attribution_bad_sources_file_is_a_clear_error(tmp_path, content, message):
    from claims.errors import DataError

    extra = tmp_path / "bad.toml"
    extra.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        Registry.load(extra)


def test_attribution_quote_continuation_keeps_the_speaker(reg):
    text = '"The talks were useful," Lavrov said. "We will meet again in Moscow next month."'
    assert [a[0] for a in attributions(text, reg)] == ["sergei-lavrov", "sergei-lavrov"]


def test_a_paragraph_longer_than_the_pipeline_accepts_is_read_in_pieces(reg, monkeypatch):
    """A paragraph over ``nlp.max_length`` (reachable only with --max-bytes raised) goes to spaCy in pieces
    cut after sentence ends: the same claims as read whole (the first line and 20 sentences), offsets exact
    (it was refused, exit 3)."""
    from claims.attribution.extract import attribution_pipeline

    text = "Short first line.\n\n" + "The minister said the talks would resume. " * 20
    whole = check_text(InputText(text, "long.txt", "utf-8", "txt"), reg)
    monkeypatch.setattr(attribution_pipeline("en", reg), "max_length", 500)
    cut = check_text(InputText(text, "long.txt", "utf-8", "txt"), reg)
    assert len(cut.claims) == len(whole.claims) == 21
    assert [(c.claim.span.start, c.claim.span.end, c.claim.attribution.source_id) for c in cut.claims] == [
        (c.claim.span.start, c.claim.span.end, c.claim.attribution.source_id) for c in whole.claims
    ]
    assert all(text[c.claim.span.start : c.claim.span.end] == c.claim.span.text for c in cut.claims)
