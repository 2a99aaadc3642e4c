"""The corpus builder of the scale benchmark (bench/scale.py): what it stores and queries is as documented."""

import importlib.util
import random
import sys

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def scale():
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench" / "scale.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_scale"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules["bench_scale"]


def test_scale_split_sentences_at_sentence_ends_and_lines_within_length(scale):
    text = (
        "Pyongyang, December 24 (KCNA) -- The delegation left for Moscow on Monday. Short one.\n"
        "هل وصل الوفد الروسي إلى بيونغ يانغ صباح اليوم؟ وقال المتحدث إن الزيارة ستستمر ثلاثة أيام."
    )
    assert scale.split_sentences(text) == [
        "Pyongyang, December 24 (KCNA) -- The delegation left for Moscow on Monday.",
        "هل وصل الوفد الروسي إلى بيونغ يانغ صباح اليوم؟",
        "وقال المتحدث إن الزيارة ستستمر ثلاثة أيام.",
    ]


def test_scale_spliced_sentences_join_halves_of_two_real_ones_of_one_language(scale):
    en = [
        f"the {w} delegation arrived in the capital on a visit of three days number {i}"
        for i, w in enumerate(["Russian", "Chinese", "Korean", "Iranian"])
    ]
    ar = [
        f"وصل الوفد {w} إلى العاصمة في زيارة تستمر ثلاثة أيام رقم {i}"
        for i, w in enumerate(["الروسي", "الصيني", "الكوري", "الإيراني"])
    ]
    pool = [scale.Sentence(t, "en", "kcna", "2024-01-02") for t in en]
    pool += [scale.Sentence(t, "ar", "unregistered", None) for t in ar]
    taken = {s.text for s in pool}
    made = scale.spliced(pool, 20, set(taken))
    assert len(made) == len({s.text for s in made}) == 20
    assert not taken & {s.text for s in made}
    for s in made:
        same = [p for p in pool if p.language == s.language]
        assert any(s.text.startswith(" ".join(p.text.split()[: len(p.text.split()) // 2])) for p in same)
        assert any(s.text.endswith(" ".join(p.text.split()[len(p.text.split()) // 2 :])) for p in same)
    assert [s.text for s in scale.spliced(pool, 20, set(taken))] == [s.text for s in made]  # fixed seed


def test_scale_edited_query_drops_one_word_and_keeps_the_rest(scale):
    sentence = scale.Sentence("the delegation arrived in the capital on Monday", "en", "kcna", None)
    text = scale.edited(sentence, random.Random(1))
    assert len(text.split()) == len(sentence.text.split()) - 1
    assert set(text.split()) <= set(sentence.text.split())
    assert text != sentence.text


def test_scale_percentile(scale):
    values = [float(v) for v in range(1, 101)]
    assert scale.percentile(values, 0.5) in (50.0, 51.0)
    assert scale.percentile(values, 0.95) == 95.0
