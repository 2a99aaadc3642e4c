"""Which claims of the same article are compared with each claim (claims.match.matcher._closest_others)."""

from claims.match.matcher import SAME_ARTICLE_OTHERS, _closest_others

CLAIM = "Pyongyang sent more than 10,000 soldiers to the Kursk region, the Pentagon said."
# The same wording again and again from the same source: copies that can never be evidence for it.
COPY = "Pyongyang sent more than 10,000 soldiers to the Kursk region, the Pentagon said again."
DENIAL = "The Kremlin denied that Pyongyang sent soldiers to the Kursk region."
UNRELATED = "The central bank left its main interest rate unchanged at 21 percent."


def test_claims_of_another_origin_are_chosen_even_behind_many_closer_copies():
    texts = [CLAIM, *[COPY] * (3 * SAME_ARTICLE_OTHERS), DENIAL, UNRELATED]
    origins = ["pentagon", *["pentagon"] * (3 * SAME_ARTICLE_OTHERS), "kremlin", "russia-central-bank"]
    usable = [True] * len(texts)
    others = _closest_others(texts, origins, usable)
    denial = len(texts) - 2
    assert others[0] == [denial]  # the copies share its origin; the bank's rate shares no word that counts
    assert others[denial][:1] == [0]  # ... and the denial is compared with the Pentagon's claims
    assert len(others[denial]) == SAME_ARTICLE_OTHERS


def test_unusable_claims_are_never_chosen():
    ar = [
        "قالت وكالة الأنباء المركزية الكورية إن المعاهدة دخلت حيز التنفيذ.",
        "دخلت المعاهدة بين روسيا وكوريا الشمالية حيز التنفيذ.",  # the author's own voice
        "نفى الكرملين أن تكون المعاهدة قد دخلت حيز التنفيذ.",
    ]
    others = _closest_others(ar, ["kcna", "unattributed", "kremlin"], [True, False, True])
    assert others[0] == [2]
    assert 1 not in others[2]
    assert others[1] == [0, 2] or others[1] == [2, 0]  # an unusable claim still gets its evidence


def test_each_claim_reads_a_bounded_share_of_a_long_article():
    texts = [
        f"Officials in district {n} said the flood destroyed {n} houses and two bridges." for n in range(3000)
    ]
    origins = [f"official-{n % 7}" for n in range(3000)]
    others = _closest_others(texts, origins, [True] * 3000)
    assert all(len(o) <= SAME_ARTICLE_OTHERS for o in others)
    assert all(origins[j] != origins[i] for i, o in enumerate(others) for j in o)


def test_a_finding_that_rests_on_a_rating_is_the_fact_checkers(tmp_path, registry):
    """A claim that contradicts a statement rated false is backed by the fact-checker who rated it, not by
    the speaker of the false statement."""
    from claims.checker import check_text
    from claims.match.matcher import StoreMatcher
    from claims.store.db import Store
    from claims.types import ClaimRecord, InputText

    review = ClaimRecord(
        "No North Korean soldiers have been sent to Russia",
        "dmitry-peskov",
        "2024-10-18",
        publisher="afp-fact-check",
        rating="false",
        language="en",
    )
    article = "South Korea's spy agency said that more than 10,000 North Korean soldiers have been sent to Russia.\n"
    with Store.open(f"sqlite:///{tmp_path / 'claims.db'}") as store:
        store.add_claims([review], registry, create_sources=True)
        report = check_text(
            InputText(article, "a.txt", "utf-8", "txt"), registry, StoreMatcher(store, registry)
        )
    (checked,) = report.claims
    (evidence,) = checked.verdict.evidence
    assert evidence.relation == "supports"
    assert evidence.source_id == "afp-fact-check"
    assert "rated false" in evidence.why and "said by Dmitry Peskov" in evidence.why
    assert checked.verdict.label == "corroborated"


def test_a_claim_whose_cue_denies_is_compared_whole(registry):
    """ "The Kremlin denied that troops were sent": the content alone says troops were sent."""
    from claims.checker import check_text
    from claims.match.matcher import compared_text
    from claims.types import InputText

    text = (
        "The Kremlin denied that North Korean soldiers had been sent to Russia.\n\n"
        "The Pentagon said that North Korean soldiers had been sent to Russia in October.\n"
    )
    denied, said = (c.claim for c in check_text(InputText(text, "a.txt", "utf-8", "txt"), registry).claims)
    assert compared_text(denied).startswith("The Kremlin denied")
    assert compared_text(said) == "that North Korean soldiers had been sent to Russia in October"


def _same_article_verdicts(text: str, registry) -> list[tuple[str, list[str]]]:
    from tempfile import TemporaryDirectory

    from claims.checker import check_text
    from claims.match.matcher import StoreMatcher
    from claims.store.db import Store
    from claims.types import InputText

    with TemporaryDirectory() as tmp, Store.open(f"sqlite:///{tmp}/claims.db") as store:
        report = check_text(InputText(text, "a.txt", "utf-8", "txt"), registry, StoreMatcher(store, registry))
    return [(c.verdict.label, [e.why for e in c.verdict.evidence]) for c in report.claims]


def test_two_lines_of_one_article_do_not_dispute_each_other_by_a_negation_somewhere(registry):
    """An article's lines say different things: «لن تقبل بتهديد» is not the opposite of «تعتبره تهديدا»."""
    text = (
        "وقال وزير الدفاع الإسرائيلي إن إسرائيل لن تقبل بتهديد استراتيجي على حدودها الشمالية.\n\n"
        "وقال مسؤول عسكري إسرائيلي إن إسرائيل تعتبر الحزب تهديدا استراتيجيا على حدودها الشمالية.\n"
    )
    verdicts = _same_article_verdicts(text, registry)
    assert all(label != "disputed" for label, _ in verdicts), verdicts


def test_within_one_article_a_negation_of_the_very_act_disputes(registry):
    text = (
        "وقالت وزارة الدفاع التركية إن الجيش لم يستهدف المدنيين في عفرين خلال العملية.\n\n"
        "وقال المرصد السوري إن الجيش التركي استهدف المدنيين في عفرين خلال العملية.\n"
    )
    (first, second) = _same_article_verdicts(text, registry)
    assert first[0] == second[0] == "disputed"
    assert first[1] == ["negation: 'لم يستهدف' vs 'استهدف' (same article, line 3)"]


def test_within_one_article_figures_and_denials_still_dispute(registry):
    figures = (
        "وقال المرصد السوري إن 12 مدنيا قتلوا في الغارة الجوية على بلدة سرمدا بريف إدلب يوم الجمعة.\n\n"
        "وقال الدفاع المدني إن 30 مدنيا قتلوا في الغارة الجوية على بلدة سرمدا بريف إدلب يوم الجمعة.\n"
    )
    (first, _) = _same_article_verdicts(figures, registry)
    assert first[0] == "disputed" and any("numbers differ" in why for why in first[1]), first
    denial = (
        "قالت الاستخبارات الكورية الجنوبية إن كوريا الشمالية أرسلت جنودا إلى روسيا.\n\n"
        "ونفى الكرملين أن تكون كوريا الشمالية قد أرسلت جنودا إلى روسيا.\n"
    )
    (first, _) = _same_article_verdicts(denial, registry)
    assert first[0] == "disputed" and any("denial" in why for why in first[1]), first
