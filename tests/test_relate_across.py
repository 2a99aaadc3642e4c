"""The relation across Arabic and English, and "a dispute needs the same event".

Sentence pairs written for these tests (not taken from any dataset). ``similarity`` is what the sentence
encoder (claims.encoder) gives such a pair; the values used are close to the cosines it gives these very
sentences, and one test at the end runs the encoder itself.
"""

from __future__ import annotations

import pytest

from claims.eval.pairs import predict_pairs
from claims.lang.tokens import tokenize
from claims.match.relation import relate
from claims.match.relation.dates import find_dates
from claims.match.relation.facts import find_entities
from claims.match.relation.polarity import find_negations
from claims.match.relation.quantities import find_quantities
from claims.match.relation.statement import analyse

TROOPS_EN = "North Korea has sent 10,000 troops to Russia."
TREATY_SIGNED_AR = "وقع بوتين وكيم جونغ أون المعاهدة في بيونغ يانغ يوم 19 يونيو"
NOT_CONFIRMED_AR = "لم تؤكد موسكو ولا بيونغ يانغ رسميًا وجود جنود كوريين شماليين في روسيا"


# --- facts that read the same in both languages ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "values"),
    [
        ("تضم الاتفاقية ثلاثا وعشرين مادة", "ar", [23]),
        ("أرسلت بيونغ يانغ عشرة آلاف جندي", "ar", [10_000]),
        ("نشرت إيران اثنتي عشرة دبابة على الحدود", "ar", [12]),
        ("قتل تسعة عشر شخصا في القصف", "ar", [19]),
        ("بمناسبة الذكرى السادسة والسبعين لتأسيس الجمهورية", "ar", [76]),
        ("North Korea sent ten thousand troops", "en", [10_000]),
        ("on the 76th anniversary of the republic", "en", [76]),
    ],
)
def test_numbers_in_digits_and_words(text, language, values):
    assert [q.value for q in find_quantities(tokenize(text, language), language)] == values


@pytest.mark.parametrize(
    ("text", "language", "dates"),
    [
        ("وقع الزعيمان المعاهدة في التاسع عشر من يونيو 2024", "ar", ["2024-06-19"]),
        ("دخلت المعاهدة حيز التنفيذ في الرابع من كانون الأول 2024", "ar", ["2024-12-04"]),
        ("The leaders signed the treaty on the 19th of June 2024", "en", ["2024-06-19"]),
    ],
)
def test_dates_with_ordinal_days_and_both_arabic_month_sets(text, language, dates):
    assert [str(d) for d in find_dates(tokenize(text, language), language)] == dates


@pytest.mark.parametrize(
    ("text", "language", "ids"),
    [
        ("التقى لافروف كيم جونج أون في بيونغ يانغ", "ar", ["sergei-lavrov", "kim-jong-un", "pyongyang"]),
        ("استقبل كيم جونغ أون تشوي سون هوي في كورسك", "ar", ["kim-jong-un", "choe-son-hui", "kursk"]),
        ("Lavrov met Kim Jong Un in Pyongyang", "en", ["sergei-lavrov", "kim-jong-un", "pyongyang"]),
        ("Shoigu and Peskov spoke in Moscow", "en", ["sergei-shoigu", "dmitry-peskov", "moscow"]),
    ],
)
def test_one_id_for_every_spelling_of_a_name(text, language, ids):
    assert [e.id for e in find_entities(tokenize(text, language), language)] == ids


def test_the_source_registry_names_are_names_too():
    # «وزارة الخارجية الروسية» is in the registry (russia-mfa), not in names.toml
    found = find_entities(tokenize("قالت وزارة الخارجية الروسية إن", "ar"), "ar")
    assert [e.id for e in found] == ["russia-mfa"]


def test_neither_nor_is_one_negation():
    toks = tokenize(NOT_CONFIRMED_AR, "ar")
    assert [c.text for c in find_negations(toks, "ar")] == ["لم"]
    toks = tokenize("Neither Moscow nor Pyongyang has confirmed it", "en")
    assert [c.text for c in find_negations(toks, "en")] == ["neither"]


def test_a_month_is_not_a_hedge():
    assert analyse("The rocket exploded shortly after lift-off on May 27.", "en").hedges == ()


# --- Arabic claim, English evidence (and the reverse) ---------------------------------------------------


def test_without_vectors_another_language_is_not_compared():
    relation = relate("أرسلت كوريا الشمالية أكثر من عشرة آلاف جندي إلى روسيا", TROOPS_EN)
    assert (relation.label, relation.why) == ("unrelated", "different language: not compared")


def test_the_same_statement_in_english_supports():
    relation = relate(
        "أرسلت كوريا الشمالية أكثر من عشرة آلاف جندي إلى روسيا",
        "North Korea has sent more than 10,000 troops to Russia.",
        "ar",
        evidence_language="en",
        similarity=0.81,
    )
    assert (relation.label, relation.why) == ("supports", "same statement in English (similarity 0.81)")


def test_the_same_statement_in_arabic_supports_english():
    relation = relate(
        "Russian aircraft struck the Syrian city of Aleppo.",
        "قصفت الطائرات الروسية مدينة حلب السورية",
        similarity=0.87,
    )
    assert (relation.label, relation.why) == ("supports", "same statement in Arabic (similarity 0.87)")


@pytest.mark.parametrize(
    ("claim", "evidence", "similarity", "cue", "why"),
    [
        (
            "أرسلت كوريا الشمالية 12 ألف جندي إلى روسيا",
            TROOPS_EN,
            0.70,
            "numbers",
            "same statement in English (similarity 0.70); number differs: 12,000 vs 10,000",
        ),
        (
            "دخلت المعاهدة حيز التنفيذ في الرابع من كانون الأول 2024",
            "The treaty entered into force on 5 December 2024.",
            0.74,
            "dates",
            "same statement in English (similarity 0.74); date differs: 2024-12-04 vs 2024-12-05",
        ),
        (
            "نفى الكرملين إرسال قوات كورية شمالية إلى كورسك",
            "The Kremlin confirmed that North Korean troops were deployed to Kursk.",
            0.58,
            "polarity",
            "same statement in English (similarity 0.58); negation only in the claim: 'نفي'",
        ),
        (
            "Putin and Kim Jong Un signed the treaty in Pyongyang.",
            "وقع بوتين وكيم جونغ أون المعاهدة في موسكو",
            0.56,
            "places",
            "same statement in Arabic (similarity 0.56); place differs: Pyongyang vs Moscow",
        ),
        (
            "استقبل كيم جونغ أون شويغو في بيونغ يانغ",
            "Kim Jong Un received Andrei Belousov in Pyongyang.",
            0.63,
            "persons",
            "same statement in English (similarity 0.63); person differs: Shoigu vs Belousov",
        ),
    ],
)
def test_a_fact_that_differs_on_the_same_event_contradicts_across_languages(
    claim, evidence, similarity, cue, why
):
    relation = relate(claim, evidence, similarity=similarity)
    assert (relation.label, relation.cue, relation.why) == ("contradicts", cue, why)


def test_number_words_and_ordinal_dates_agree_with_digits_across_languages():
    assert relate(
        "تضم الاتفاقية ثلاثا وعشرين مادة", "The treaty has 23 articles.", similarity=0.68
    ).label == ("supports")
    signed = "Putin and Kim Jong Un signed the treaty in Pyongyang on 19 June."
    ordinal = "وقع بوتين وكيم جونغ أون المعاهدة في بيونغ يانغ في التاسع عشر من يونيو"
    assert relate(ordinal, signed, similarity=0.66).label == "supports"
    relation = relate(ordinal, signed.replace("19 June", "20 June"), similarity=0.66)
    assert (relation.label, relation.cue) == ("contradicts", "dates")


def test_both_negative_across_languages_agree():
    relation = relate(
        "لم يحدد بعد موعد زيارة كيم جونغ أون إلى روسيا",
        "The date of Kim Jong Un's visit to Russia has not been set yet.",
        similarity=0.72,
    )
    assert relation.label == "supports"


def test_a_negation_in_a_loosely_related_sentence_in_english_is_no_dispute():
    relation = relate(
        NOT_CONFIRMED_AR, "Putin and Kim Jong Un signed the treaty in Pyongyang on 19 June.", similarity=0.36
    )
    assert relation.label == "unrelated"
    assert relation.why == "related but not the same statement in English (similarity 0.36)"


def test_another_topic_in_another_language_is_unrelated():
    relation = relate(
        "ارتفعت أسعار النفط في الأسواق العالمية", "North Korea launched a ballistic missile.", similarity=0.09
    )
    assert (relation.label, relation.why) == ("unrelated", "different topic in English (similarity 0.09)")


def test_a_rating_decides_across_languages_too():
    relation = relate(
        "أرسلت كوريا الشمالية عشرة آلاف جندي إلى روسيا", TROOPS_EN, rating="False", similarity=0.8
    )
    assert relation.label == "contradicts"
    assert relation.why == "same statement in English (similarity 0.80); rated false by the fact-checker"


# --- a dispute needs the same event (one language) -----------------------------------------------------


def test_a_negation_about_another_event_is_not_a_dispute():
    # the example: the treaty's signing and whether troops were confirmed are different facts
    assert relate(NOT_CONFIRMED_AR, TREATY_SIGNED_AR, similarity=0.23).label == "unrelated"
    # words alone: a statement that something is not confirmed takes no stance on another one
    words_alone = relate(NOT_CONFIRMED_AR, TREATY_SIGNED_AR)
    assert (words_alone.label, words_alone.cue) == ("unrelated", "hedge")


def test_far_apart_in_meaning_a_negation_of_a_shared_word_still_disputes():
    relation = relate(
        "لم ترسل كوريا الشمالية قوات إلى روسيا",
        "أرسلت كوريا الشمالية قوات إلى روسيا لدعم موسكو في الحرب",
        similarity=0.28,
    )
    assert (relation.label, relation.cue) == ("contradicts", "polarity")


def test_two_negative_statements_of_the_same_fact_agree():
    both = (NOT_CONFIRMED_AR, "موسكو وبيونغ يانغ لم تعترفا رسميا حتى الآن بوجود قوات")
    assert relate(*both).label == "supports"
    assert relate(*both, similarity=0.7).label == "supports"
    dates = (
        "لم تحدد بعد مواعيد الجولة المقبلة من المفاوضات",
        "أكد الوزير أن مواعيد الجولة المقبلة لم يحددها بعد",
    )
    assert relate(*dates, similarity=0.69).label == "supports"


def test_a_headline_against_an_unrelated_negative_line_is_no_dispute():
    relation = relate(
        "وقعت روسيا وكوريا الشمالية معاهدة الشراكة الاستراتيجية الشاملة",
        "موسكو وبيونغ يانغ لم تعترفا رسميا حتى الآن بوجود قوات",
        similarity=0.18,
    )
    assert relation.label == "unrelated"


@pytest.mark.parametrize(
    ("claim", "evidence", "label"),
    [
        (
            "أرسلت كوريا الشمالية 10,000 جندي إلى روسيا",
            "أرسلت كوريا الشمالية 12,000 جندي إلى روسيا",
            "contradicts",
        ),
        (
            "North Korea sent 10,000 troops to Russia",
            "North Korea sent 12,000 troops to Russia",
            "contradicts",
        ),
        ("North Korea sent more than 10,000 troops", "North Korea sent 12,000 troops", "supports"),
        (
            "أرسلت كوريا الشمالية أكثر من 10 آلاف جندي",
            "أرسلت كوريا الشمالية أكثر من عشرة آلاف جندي",
            "supports",
        ),
        ("The plant employs 2,084 workers", "The plant employs 2,000 workers", "supports"),
    ],
)
def test_a_number_conflict_on_the_same_event_contradicts(claim, evidence, label):
    assert relate(claim, evidence).label == label


# --- with the encoder ----------------------------------------------------------------------------------


def test_claims_eval_pairs_compares_evidence_in_another_language():
    records = [
        {
            "id": "same",
            "claim": "قصفت الطائرات الروسية مدينة حلب السورية",
            "evidence": "Russian aircraft struck the Syrian city of Aleppo.",
            "language": "ar",
            "evidence_language": "en",
            "label": "supports",
        },
        {
            "id": "other",
            "claim": "ارتفعت أسعار النفط في الأسواق العالمية",
            "evidence": "North Korea launched a ballistic missile into the sea.",
            "language": "ar",
            "evidence_language": "en",
            "label": "unrelated",
        },
    ]
    predictions = {p["id"]: p for p in predict_pairs(records)}
    assert predictions["same"]["label"] == "supports"
    assert predictions["same"]["why"].startswith("same statement in English (similarity 0.")
    assert predictions["other"]["label"] == "unrelated"
    assert predictions["other"]["why"].startswith("different topic in English")
