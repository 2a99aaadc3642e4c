"""Tests of the attribution scorer (claims/eval/attribution.py) and the PolNeAR converter.

Hand-made records only: nothing here reads ../shared.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

try:
    from claims.eval.attribution import format_table, normalize_span, score
except ImportError:  # the package is not installed in this environment: import it from the checkout
    sys.path.insert(0, str(ROOT))
    from claims.eval.attribution import format_table, normalize_span, score


def sp(text: str, part: str, nth: int = 0) -> list[int]:
    """[start, end] of the nth occurrence of ``part`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return [start, start + len(part)]


EN = (
    "The mayor said on Tuesday that the bridge will reopen in May. "
    '"We are not going to raise taxes," Governor Maria Lopez told reporters. '
    "According to the transport ministry, tolls will fall next year."
)
AR = (
    "قال وزير الخارجية الروسي سيرغي لافروف إن المعاهدة لا تستهدف أي دولة ثالثة. "
    "وأكدت وكالة الأنباء المركزية الكورية أن الزيارة عززت العلاقات بين البلدين."
)


def rel(text: str, source: str | None, cue: str | None, content: str | None) -> dict:
    return {
        "source": sp(text, source) if source else None,
        "cue": sp(text, cue) if cue else None,
        "content": sp(text, content) if content else None,
    }


def gold_records() -> list[dict]:
    return [
        {
            "id": "en-1",
            "text": EN,
            "language": "en",
            "attributions": [
                rel(EN, "The mayor", "said", "that the bridge will reopen in May"),
                rel(EN, "Governor Maria Lopez", "told", '"We are not going to raise taxes,"'),
                rel(EN, "the transport ministry", "According to", "tolls will fall next year"),
            ],
        },
        {
            "id": "ar-1",
            "text": AR,
            "language": "ar",
            "attributions": [
                rel(AR, "وزير الخارجية الروسي سيرغي لافروف", "قال", "إن المعاهدة لا تستهدف أي دولة ثالثة"),
                rel(AR, "وكالة الأنباء المركزية الكورية", "وأكدت", "أن الزيارة عززت العلاقات بين البلدين"),
            ],
        },
    ]


def all_f1(result: dict) -> list[float]:
    out = [result[role][crit]["f1"] for role in ("source", "cue", "content") for crit in ("exact", "overlap")]
    return out + [result["relation"]["f1"]]


def test_perfect_prediction_scores_one_everywhere():
    gold = gold_records()
    result = score(gold, copy.deepcopy(gold))
    assert all_f1(result) == [1.0] * 7
    assert result["documents"] == 2
    assert result["source"]["exact"]["n_gold"] == 5
    assert result["relation"]["tp"] == 5


def test_predictions_need_no_text_field():
    gold = gold_records()
    pred = [{"id": r["id"], "attributions": r["attributions"]} for r in gold]
    assert all_f1(score(gold, pred)) == [1.0] * 7


@pytest.mark.parametrize(
    ("doc", "index", "shorter"),
    [("en-1", 1, "Maria Lopez"), ("ar-1", 0, "وزير الخارجية الروسي سيرغي")],
)
def test_source_one_word_shorter_is_exact_miss_but_overlap_hit(doc, index, shorter):
    gold = gold_records()
    pred = copy.deepcopy(gold)
    record = next(r for r in pred if r["id"] == doc)
    record["attributions"][index]["source"] = sp(record["text"], shorter)
    result = score(gold, pred)
    assert result["source"]["exact"]["tp"] == 4
    assert result["source"]["exact"]["f1"] == pytest.approx(0.8)
    assert result["source"]["overlap"]["f1"] == 1.0
    assert result["relation"]["f1"] == 1.0
    assert result["cue"]["exact"]["f1"] == result["content"]["exact"]["f1"] == 1.0


def test_extra_predicted_relation_lowers_precision_only():
    gold = gold_records()
    pred = copy.deepcopy(gold)
    pred[0]["attributions"].append(rel(EN, "reporters", "told", "tolls will fall"))
    # "tolls will fall" overlaps a gold content already matched by the real relation: still a false positive
    result = score(gold, pred)
    for role in ("source", "cue", "content"):
        for crit in ("exact", "overlap"):
            m = result[role][crit]
            assert m["r"] == 1.0, (role, crit)
    assert result["source"]["exact"]["p"] == pytest.approx(5 / 6)
    assert result["source"]["overlap"]["p"] == pytest.approx(5 / 6)
    assert result["content"]["overlap"]["p"] == pytest.approx(5 / 6)
    # "told" is already a gold cue span: deduplicated, so cue precision is untouched
    assert result["cue"]["exact"]["p"] == 1.0
    assert result["relation"]["r"] == 1.0
    assert result["relation"]["p"] == pytest.approx(5 / 6)


def test_one_long_span_matches_only_one_of_two_gold_spans():
    text = "The ministry said the talks were productive. It added that a second round would follow in March."
    gold = [
        {
            "id": "d",
            "text": text,
            "language": "en",
            "attributions": [
                rel(text, "The ministry", "said", "the talks were productive"),
                rel(text, "It", "added", "that a second round would follow in March"),
            ],
        }
    ]
    long_content = [sp(text, "the talks")[0], sp(text, "in March")[1]]
    pred = [
        {
            "id": "d",
            "attributions": [
                {"source": sp(text, "The ministry"), "cue": sp(text, "said"), "content": long_content}
            ],
        }
    ]
    result = score(gold, pred)
    content = result["content"]["overlap"]
    assert (content["tp"], content["n_gold"], content["n_pred"]) == (1, 2, 1)
    assert content["p"] == 1.0 and content["r"] == 0.5
    assert result["content"]["exact"]["tp"] == 0
    assert result["relation"]["tp"] == 1


def test_greedy_matching_prefers_largest_overlap():
    text = "Officials said the plan was ready. Critics said it was rushed and badly costed."
    gold_content = [sp(text, "the plan was ready"), sp(text, "it was rushed and badly costed")]
    gold = [
        {
            "id": "d",
            "text": text,
            "attributions": [{"source": None, "cue": None, "content": c} for c in gold_content],
        }
    ]
    # the long span overlaps the second gold span more than the first; the short one covers only the first
    long_span = [sp(text, "ready")[0], len(text) - 1]
    short_span = sp(text, "the plan")
    pred = [{"id": "d", "attributions": [{"content": long_span}, {"content": short_span}]}]
    result = score(gold, pred)
    assert result["content"]["overlap"]["tp"] == 2


def test_missing_prediction_document_counts_as_misses():
    gold = gold_records()
    pred = [copy.deepcopy(gold[0]), {"id": "not-in-gold", "attributions": []}]
    result = score(gold, pred)
    assert result["documents"] == 2
    assert result["ignored_pred_documents"] == 1
    src = result["source"]["exact"]
    assert (src["tp"], src["n_gold"], src["n_pred"]) == (3, 5, 3)
    assert src["p"] == 1.0 and src["r"] == pytest.approx(0.6)
    assert result["relation"]["r"] == pytest.approx(0.6)


def test_no_predictions_at_all():
    result = score(gold_records(), [])
    assert all_f1(result) == [0.0] * 7
    assert result["content"]["overlap"]["n_gold"] == 5


def test_null_spans():
    text = "Protests are expected to continue, it was reported. The army denied the claim."
    gold = [
        {
            "id": "d",
            "text": text,
            "attributions": [
                {
                    "source": None,
                    "cue": sp(text, "it was reported"),
                    "content": sp(text, "Protests are expected to continue"),
                },
                rel(text, "The army", "denied", "the claim"),
            ],
        }
    ]
    # source null predicted as null: the relation is found; null is not a span for the source role
    result = score(gold, copy.deepcopy(gold))
    assert result["source"]["exact"]["n_gold"] == 1
    assert all_f1(result) == [1.0] * 7

    # a predicted source where the gold has none: a false-positive span and no relation match
    pred = copy.deepcopy(gold)
    pred[0]["attributions"][0]["source"] = sp(text, "Protests")
    result = score(gold, pred)
    assert result["source"]["exact"]["n_pred"] == 2
    assert result["source"]["exact"]["p"] == 0.5
    assert result["relation"]["tp"] == 1

    # a gold source predicted as null: a miss, and that relation is not found
    pred = copy.deepcopy(gold)
    pred[0]["attributions"][1]["source"] = None
    pred[0]["attributions"][1]["cue"] = None
    result = score(gold, pred)
    assert result["source"]["exact"]["n_pred"] == 0
    assert result["source"]["exact"]["r"] == 0.0
    assert result["cue"]["exact"]["r"] == 0.5
    assert result["relation"]["tp"] == 1

    # roles absent on both sides are perfect, not 0/0
    only_content = [
        {"id": "d", "text": text, "attributions": [{"source": None, "cue": None, "content": [0, 8]}]}
    ]
    result = score(only_content, copy.deepcopy(only_content))
    assert result["source"]["overlap"] == {"p": 1.0, "r": 1.0, "f1": 1.0, "tp": 0, "n_gold": 0, "n_pred": 0}


def test_exact_ignores_quotes_space_and_final_period():
    text = "Lopez said: “We are not going to raise taxes.” She left."
    inner = sp(text, "We are not going to raise taxes")
    quoted = [inner[0] - 1, inner[1] + 2]  # “...taxes.”
    assert text[quoted[0] : quoted[1]] == "“We are not going to raise taxes.”"
    assert normalize_span(text, tuple(quoted)) == tuple(inner)
    gold = [
        {
            "id": "d",
            "text": text,
            "attributions": [{"source": sp(text, "Lopez"), "cue": sp(text, "said"), "content": quoted}],
        }
    ]
    pred = [
        {
            "id": "d",
            "attributions": [{"source": sp(text, "Lopez "), "cue": sp(text, "said:"), "content": inner}],
        }
    ]
    assert all_f1(score(gold, pred)) == [1.0] * 7
    # a word is never stripped
    pred[0]["attributions"][0]["content"] = [sp(text, "are")[0], inner[1]]
    assert score(gold, pred)["content"]["exact"]["tp"] == 0


def test_arabic_punctuation_is_stripped():
    text = "وقال المتحدث: «لن نتراجع عن قرارنا»، مضيفا أن الحوار مستمر؛"
    gold_span = sp(text, "«لن نتراجع عن قرارنا»،")
    assert normalize_span(text, tuple(gold_span)) == tuple(sp(text, "لن نتراجع عن قرارنا"))


def test_shared_source_is_counted_once():
    text = "Trump said the wall would be built. He added that Mexico would pay for it."
    he = sp(text, "He")
    gold = [
        {
            "id": "d",
            "text": text,
            "attributions": [
                {"source": he, "cue": sp(text, "said"), "content": sp(text, "the wall would be built")},
                {"source": he, "cue": sp(text, "added"), "content": sp(text, "that Mexico would pay for it")},
            ],
        }
    ]
    result = score(gold, copy.deepcopy(gold))
    assert result["source"]["exact"]["n_gold"] == 1
    assert result["relation"]["n_gold"] == 2


def test_malformed_records_raise_value_error():
    gold = gold_records()
    with pytest.raises(ValueError, match="outside the text"):
        score(gold, [{"id": "en-1", "attributions": [{"source": [0, 10_000]}]}])
    with pytest.raises(ValueError, match=r"\[start, end\]"):
        score(gold, [{"id": "en-1", "attributions": [{"source": "The mayor"}]}])
    with pytest.raises(ValueError, match="duplicate"):
        score(gold + gold[:1], [])


def test_format_table():
    table = format_table(score(gold_records(), gold_records()))
    lines = table.splitlines()
    assert lines[0].split()[:5] == ["role", "criterion", "P", "R", "F1"]
    assert any(line.startswith("source") and "exact" in line and "1.000" in line for line in lines)
    assert any(line.startswith("relation") for line in lines)
    assert "documents: 2" in table


# --- the PolNeAR converter ---------------------------------------------------------------------------


def load_converter():
    path = ROOT / "bench" / "polnear_to_gold.py"
    spec = importlib.util.spec_from_file_location("polnear_to_gold", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def brat_span(text: str, part: str) -> str:
    s, e = sp(text, part)
    return f"{s} {e}\t{part}"


def test_converter_on_tiny_brat_tree(tmp_path, capsys):
    conv = load_converter()
    split = tmp_path / "shared" / "data" / "polnear" / "dev"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()

    text = (
        "Senator Jane Roe told CNN that the bill “would hurt farmers.”\n\n"
        "The vote, aides said, is set for Friday.\n"
        "Critics have warned of delays,\nand of costs."
    )
    (split / "text" / "politico_2016-10-01_senate-vote.txt").write_text(text, encoding="utf-8")
    s1, e1 = sp(text, "The vote")
    s2, e2 = sp(text, "is set for Friday")
    s3, e3 = sp(text, "of delays,\nand of costs")
    ann = (
        "\n".join(
            [
                f"T1\tSource {brat_span(text, 'Senator Jane Roe')}",
                f"T2\tCue {brat_span(text, 'told')}",
                f"T3\tContent {brat_span(text, 'that the bill “would hurt farmers.”')}",
                f"T4\tAttribution {brat_span(text, 'told')}",
                "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
                f"T5\tSource {brat_span(text, 'aides')}",
                f"T6\tCue {brat_span(text, 'said')}",
                f"T7\tContent {s1} {e1};{s2} {e2}\tThe vote is set for Friday",
                f"T8\tAttribution {brat_span(text, 'said')}",
                "E2\tAttribution:T8 Source:T5 Cue:T6 Content:T7",
                f"T9\tCue {brat_span(text, 'have warned')}",
                f"T10\tContent {s3} {e3}\tof delays,\nand of costs",  # raw newline inside the span text
                f"T11\tAttribution-no-source {brat_span(text, 'have warned')}",
                "E3\tAttribution-no-source:T11 Cue:T9 Content:T10",
                "E4\tAttribution-no-source:T11 ",
                f"T12\tDiscuss {brat_span(text, 'Critics')}",
            ]
        )
        + "\n"
    )
    (split / "attributions" / "politico_2016-10-01_senate-vote_4e07.ann").write_text(ann, encoding="utf-8")
    # a second annotator of the same article: ignored (4e07 sorts first)
    (split / "attributions" / "politico_2016-10-01_senate-vote_d473.ann").write_text(
        f"T1\tCue {brat_span(text, 'told')}\nT2\tContent {brat_span(text, 'the bill')}\n"
        "E1\tAttribution:T1 Cue:T1 Content:T2\n",
        encoding="utf-8",
    )
    # a second article whose annotation does not fit its text: reported and skipped
    other = "Officials said nothing."
    (split / "text" / "wash-post_2016-10-02_quiet.txt").write_text(other, encoding="utf-8")
    (split / "attributions" / "wash-post_2016-10-02_quiet_ef2d.ann").write_text(
        "T1\tSource 0 9\tOfficials\nT2\tCue 10 14\tsaid\nT3\tContent 15 22\tnothin.\n"
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n",
        encoding="utf-8",
    )

    out = tmp_path / "gold.jsonl"
    assert conv.main(["--shared", str(tmp_path / "shared"), "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "documents: 2" in printed.out
    assert "relations: 3" in printed.out
    assert "mismatched spans: 1" in printed.out
    assert "wash-post_2016-10-02_quiet_ef2d.ann" in printed.err

    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["politico_2016-10-01_senate-vote", "wash-post_2016-10-02_quiet"]
    doc = records[0]
    assert doc["text"] == text and doc["language"] == "en"
    by_cue = {doc["text"][a["cue"][0] : a["cue"][1]]: a for a in doc["attributions"]}
    assert set(by_cue) == {"told", "said", "have warned"}

    told = by_cue["told"]
    assert text[told["source"][0] : told["source"][1]] == "Senator Jane Roe"
    assert text[told["content"][0] : told["content"][1]] == "that the bill “would hurt farmers.”"
    assert told["annotator"] == "4e07"

    said = by_cue["said"]  # discontinuous content: the outer span, fragments kept
    assert said["content"] == [s1, e2]
    assert said["fragments"] == {"content": [[s1, e1], [s2, e2]]}

    warned = by_cue["have warned"]  # no source; content text crosses a line break
    assert warned["source"] is None
    assert text[warned["content"][0] : warned["content"][1]] == "of delays,\nand of costs"
    assert records[1]["attributions"] == []

    # the gold scores perfectly against itself
    assert score(records, records)["relation"]["f1"] == 1.0


def test_converter_without_shared_folder_exits_cleanly(tmp_path, capsys):
    conv = load_converter()
    out = tmp_path / "gold.jsonl"
    assert conv.main(["--shared", str(tmp_path / "missing"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1 and "not found" in printed
    assert not out.exists()
