"""Attribution, as a specification: real Arabic and English sentence shapes and who they are attributed to."""

import pytest

from claims.attribution.registry import Registry
from claims.checker import check_text
from claims.types import InputText


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
        ("أعلنت وزارة الخارجية الروسية اليوم عن دخول المعاهدة حيز التنفيذ.", [("russia-mfa", [], False)]),
        # cue-last prepositional, clitic on the source: لوكالة
        ("وشهد الحفل تبادل وثائق التصديق، وفقًا لوكالة الأنباء الكورية الشمالية.", [("kcna", [], False)]),
        # fronted prepositional with فإن
        ("وبحسب وكالة الأنباء المركزية الكورية فإن الاتفاق سيكون قوة دافعة.", [("kcna", [], False)]),
        # subject-first after من جهتها, then a second attributed part with unnamed analysts
        (
            "من جهتها، أكدت روسيا أن المعاهدة تمثل خطوة استراتيجية، ويرى محللون أن الاتفاقية تحمل دلالات عسكرية.",
            [("russia-gov", [], False), ("anonymous", [], False)],
        ),
        # impersonal / passive cues: anonymous, never the author's voice
        ("ويُتوقع أن تسهم هذه الشراكة في تعزيز التعاون بين البلدين.", [("anonymous", [], False)]),
        ("يُعتقد أن الصواريخ أطلقت من الساحل الشرقي للبلاد.", [("anonymous", [], False)]),
        # hedge
        (
            "ومن المحتمل أن تكون المدمرة مجهزة بصواريخ نووية، وفقا لموقع إن كيه نيوز الأمريكي.",
            [("nk-news", [], True)],
        ),
        # chain: Reuters quoting an unnamed military source
        (
            "نقلت وكالة رويترز عن مصدر عسكري قوله إن القوات انسحبت من المدينة.",
            [("anonymous", ["reuters"], False)],
        ),
        # spelling variant جونج / جونغ and a relay
        (
            "وقال كيم جونج أون في تصريح نقلته وكالة الأنباء المركزية الكورية إن السفينة ستدخل الخدمة العام المقبل.",
            [("kim-jong-un", ["kcna"], False)],
        ),
        # the author's own voice
        (
            "ولا تزال الكوريتان في حالة حرب تقنيا منذ نزاعهما بين العام 1950 و1953.",
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
            "وقال بوتين إن المعاهدة تنص على المساعدة المتبادلة. وأضاف: «لا تستبعد روسيا تطوير تعاون عسكري».",
            ["vladimir-putin", "vladimir-putin"],
        ),
        (
            "Putin said the treaty was a breakthrough. He added that cooperation would grow quickly.",
            ["vladimir-putin", "vladimir-putin"],
        ),
        # a description resolves to the last agency named
        (
            "وقال كيم جونغ أون إن البحرية ستتسلح نوويا، بحسب وكالة الأنباء المركزية الكورية. "
            "وأوضحت الوكالة الرسمية أن التجارب أجريت في أبريل.",
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
    ("line", "sources"),
    [
        (1, [("russia-gov", [])]),
        (3, [("russia-mfa", [])]),
        (4, [("kcna", [])]),
        (6, [("russia-gov", []), ("anonymous", [])]),
        (7, [("anonymous", [])]),
        (10, [("vladimir-putin", [])]),
        (13, [("kcna", [])]),
        (15, [("vladimir-putin", [])]),
        (16, [("vladimir-putin", [])]),
        (21, [("anonymous", [])]),
        (28, [("kcna", [])]),
        (29, [("kim-jong-un", ["kcna"])]),
        (31, [("nk-news", [])]),
        (34, [("kim-jong-un", ["kcna"])]),
        (35, [("kcna", [])]),
        (36, [("dprk-state-media", [])]),
        (12, [("unattributed", [])]),
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
    (c31,) = by_line[31]
    assert c31.attribution.hedged and c31.attribution.hedge.text == "ومن المحتمل"
    assert "إن كيه نيوز" in c31.attribution.mention.text


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


def test_a_paragraph_longer_than_the_pipeline_accepts_is_refused_as_input(reg, monkeypatch):
    """A paragraph over ``nlp.max_length`` (25,000,000 characters; reachable only with --max-bytes raised)
    is bad input naming its line (exit 3), not spaCy's E088 as an internal error."""
    from claims.attribution.extract import attribution_pipeline
    from claims.errors import InputError

    monkeypatch.setattr(attribution_pipeline("en", reg), "max_length", 500)
    text = "Short first line.\n\n" + "The minister said the talks would resume. " * 20
    with pytest.raises(
        InputError, match=r"^long.txt: line 3: a paragraph of 839 characters; at most 500 can be"
    ):
        check_text(InputText(text, "long.txt", "utf-8", "txt"), reg)
