"""Attribution roles on real news shapes: who speaks when titles, appositions, relative clauses, relays and
descriptions stand between the cue and the name. Sentences written by us in the shapes of real pages."""

import pytest

from claims.checker import check_text
from claims.registry import Registry
from claims.types import InputText


@pytest.fixture(scope="module")
def reg():
    return Registry.load()


def found(text, reg):
    """(source id, relay ids, words naming an unregistered source) of each claim in ``text``."""
    report = check_text(InputText(text, "-", "utf-8", "txt"), reg)
    return [
        (c.claim.attribution.source_id, list(c.claim.attribution.via), c.claim.attribution.source_name)
        for c in report.claims
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a title, an apposition between commas and «قد» keep the speaker for both verbs
        (
            "وكان الرئيس التركي، رجب طيب أردوغان، قد وصف الرئيس السوري بشار الأسد بالإرهابي، "
            "وقال إن السلام مستحيل معه.",
            [("recep-tayyip-erdogan", [], ""), ("recep-tayyip-erdogan", [], "")],
        ),
        (
            "وكانت الناطقة باسم الخارجية الروسية، ماريا زاخاروفا، قد أكدت أن موسكو لن ترد على الاستفزاز.",
            [("maria-zakharova", [], "")],
        ),
        # the noun inside a relative clause does not take the speaker's place
        (
            "وقالت منظمة العفو الدولية التي رحبت بقرار الأمين العام أنطونيو غوتيريش إن القرار خطوة مهمة.",
            [("amnesty", [], "")],
        ),
        (
            "وأعلنت اللجنة التي شكلها الرئيس فلاديمير بوتين أن التحقيق انتهى دون توجيه اتهامات.",
            [("unregistered", [], "اللجنة")],
        ),
        # «نقلت وكالة X (للأنباء) عن Y قوله»: Y speaks, X relays
        (
            "ونقلت وكالة أسوشيتد برس للأنباء عن قيادي في الجيش العراقي قوله إن العملية العسكرية انتهت.",
            [("anonymous", ["ap"], "")],
        ),
        (
            "ونقلت وكالة أسوشيتد برس عن قيادي في الجيش العراقي قوله إن العملية العسكرية انتهت.",
            [("anonymous", ["ap"], "")],
        ),
        (
            "ونقلت وكالة رويترز للأنباء عن مسؤول في وزارة الخارجية الروسية قوله إن المحادثات ستستأنف قريبا.",
            [("anonymous", ["reuters"], "")],
        ),
        # an unnamed source with a description stays unnamed, whatever the description names
        (
            "وقال مصدر عسكري في فصيل متحالف مع الجيش السوري إن الهجوم بدأ فجرا من ثلاثة محاور.",
            [("anonymous", [], "")],
        ),
        (
            "وقال مسؤول مقرب من الرئيس رجب طيب أردوغان إن القمة ستعقد الشهر المقبل في أنقرة.",
            [("anonymous", [], "")],
        ),
        (
            "وقالت متحدثة باسم الجيش الإسرائيلي إنهم لا يعلقون على التقارير الأجنبية.",
            [("anonymous", [], "")],
        ),
        # a short quotation right after the verb, then more of the clause, is the speaker's name
        (
            'وأعلنت " قوات سوريا الديمقراطية " , يوم الأحد , بدء معركة لطرد التنظيم من مدينة الرقة .',
            [("sdf", [], "")],
        ),
        # … but a quotation followed by the speaker going on is what was said, not a name
        (
            'وأضاف " الأمر خطير جدا " , مشيرا إلى أن القوات انسحبت من المدينة .',
            [("unattributed", [], ""), ("unattributed", [], "")],
        ),
        # a negated or subordinate verb is not a cue of its own
        (
            "واتهمت الخارجية الروسية دولا غربية بتسليح المقاتلين في المدينة من غير أن تذكر أي دولة بالاسم.",
            [("russia-mfa", [], "")],
        ),
        (
            "وقال وزير الخارجية الروسي سيرغي لافروف إن دولة مجاورة تسلح المقاتلين دون أن يذكر اسمها.",
            [("sergei-lavrov", [], "")],
        ),
    ],
)
def test_roles_arabic_chains_and_descriptions(text, expected, reg):
    assert found(text, reg) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a named person the registry lacks is still the speaker, named with the title
        (
            "وكانت وزيرة الخارجية الألمانية، أنالينا بيربوك، قد قالت إن العقوبات ستبقى قائمة.",
            [("unregistered", [], "وزيرة الخارجية الألمانية، أنالينا بيربوك")],
        ),
        # a clause opened by «غير أن» is not part of the name after it
        (
            "غير أن رئيس الوزراء العراقي مصطفى الكاظمي أكد أن الانتخابات ستجري في موعدها.",
            [("unregistered", [], "رئيس الوزراء العراقي مصطفى الكاظمي")],
        ),
        # a time word after the name is not part of it
        (
            "رئيس الوزراء العراقي مصطفى الكاظمي أمس أكد أن الانتخابات ستجري في موعدها.",
            [("unregistered", [], "رئيس الوزراء العراقي مصطفى الكاظمي")],
        ),
        # a preposition with a pronoun (عليها) never names a source
        (
            "وعلقت عليها الحكومة السورية بأن الصور التي نشرت مفبركة بالكامل.",
            [("syria-gov", [], "")],
        ),
    ],
)
def test_roles_arabic_mentions_are_noun_phrases(text, expected, reg):
    assert found(text, reg) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "According to a senior U.S. official, the talks collapsed on Tuesday night.",
            [("anonymous", [], "")],
        ),
        (
            "One Western diplomat, speaking on condition of anonymity, said the sanctions would be extended.",
            [("anonymous", [], "")],
        ),
        ("Two senior administration officials said the plan had been dropped.", [("anonymous", [], "")]),
        ("A Pentagon spokesman said the strike had hit an ammunition depot.", [("anonymous", [], "")]),
        (
            "The decision was taken last week, according to a European diplomat familiar with the talks.",
            [("anonymous", [], "")],
        ),
        # a named spokesman is not anonymous
        (
            "Pentagon spokesman John Kirby said the strike had hit an ammunition depot.",
            [("unregistered", [], "Pentagon spokesman John Kirby")],
        ),
    ],
)
def test_roles_english_unnamed_sources_with_a_description(text, expected, reg):
    assert found(text, reg) == expected
