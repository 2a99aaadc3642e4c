"""The pair scorer (claims/eval/pairs.py) and the ANS / Emergent converters (bench/*_to_pairs.py).

Hand-made records and a tiny fake shared tree; only the last test reads ../shared, and it is skipped when
the folder is absent.
"""

from __future__ import annotations

import importlib.util
import json

import pytest

from claims.eval.pairs import LABELS, format_pairs_table, predict_pairs, score_pairs

from .conftest import ROOT, shared


def gold(*labels: str) -> list[dict]:
    return [
        {"id": f"p{n}", "claim": "c", "evidence": "e", "language": "en", "label": label}
        for n, label in enumerate(labels, start=1)
    ]


def pred(*labels: str) -> list[dict]:
    return [
        {"id": f"p{n}", "label": label, "score": 50.0, "why": "…"} for n, label in enumerate(labels, start=1)
    ]


def test_score_pairs_perfect():
    labels = ("supports", "contradicts", "unrelated", "supports")
    result = score_pairs(gold(*labels), pred(*labels))
    assert result["accuracy"] == 1.0
    assert result["macro_f1"] == 1.0
    assert result["n"] == 4
    assert result["per_class"]["supports"]["support"] == 2


def test_score_pairs_counts_and_confusion():
    g = gold("supports", "supports", "contradicts", "contradicts", "unrelated")
    p = pred("supports", "contradicts", "contradicts", "supports", "supports")
    result = score_pairs(g, p)
    assert result["confusion"] == {
        "supports": {"supports": 1, "contradicts": 1, "unrelated": 0},
        "contradicts": {"supports": 1, "contradicts": 1, "unrelated": 0},
        "unrelated": {"supports": 1, "contradicts": 0, "unrelated": 0},
    }
    sup, con, unr = (result["per_class"][label] for label in LABELS)
    assert (sup["precision"], sup["recall"]) == pytest.approx((1 / 3, 1 / 2))
    assert sup["f1"] == pytest.approx(0.4)
    assert (con["precision"], con["recall"], con["f1"]) == pytest.approx((0.5, 0.5, 0.5))
    assert (unr["precision"], unr["recall"], unr["f1"]) == (0.0, 0.0, 0.0)
    assert result["accuracy"] == pytest.approx(2 / 5)
    assert result["macro_f1"] == pytest.approx((0.4 + 0.5 + 0.0) / 3)


def test_score_pairs_missing_predictions_count_as_unrelated_and_extra_ones_are_ignored():
    g = gold("unrelated", "supports")
    p = [{"id": "p2", "label": "supports"}, {"id": "elsewhere", "label": "contradicts"}]
    result = score_pairs(g, p)
    assert result["missing_predictions"] == 1
    assert result["ignored_predictions"] == 1
    assert result["accuracy"] == 1.0
    table = format_pairs_table(result)
    assert "1 gold pairs had no prediction" in table
    assert "1 predictions had an id not in the gold" in table


@pytest.mark.parametrize(
    ("g", "p", "message"),
    [
        ([{"label": "supports"}], [], "has no id"),
        (gold("supports") + gold("supports"), [], "appears twice"),
        (gold("agree"), [], "label must be one of"),
        (gold("supports"), [{"id": "p1", "label": "for"}], "label must be one of"),
        (gold("supports"), [{"label": "supports"}], "has no id"),
    ],
)
def test_score_pairs_rejects_malformed_records(g, p, message):
    with pytest.raises(ValueError, match=message):
        score_pairs(g, p)


def test_score_pairs_empty_gold():
    result = score_pairs([], [])
    assert (result["n"], result["accuracy"], result["macro_f1"]) == (0, 0.0, 0.0)


def test_format_pairs_table():
    labels = ("supports", "contradicts", "unrelated")
    table = format_pairs_table(score_pairs(gold(*labels), pred(*labels)))
    lines = table.splitlines()
    assert lines[0] == "pairs: 3   accuracy: 1.000   macro-F1: 1.000"
    assert lines[2].split() == ["class", "precision", "recall", "F1", "support"]
    assert lines[3].split() == ["supports", "1.000", "1.000", "1.000", "1"]
    assert "confusion (rows: gold, columns: predicted)" in table
    assert lines[-1].split() == ["unrelated", "0", "0", "1"]


def test_predict_pairs_runs_relate_on_each_record():
    records = [
        {
            "id": 1,
            "claim": "Oil prices rose on Monday",
            "evidence": "Oil prices fell on Monday",
            "language": "en",
            "label": "contradicts",
        },
        {
            "id": 2,
            "claim": "ارتفاع أسعار النفط",
            "evidence": "أسعار النفط ترتفع",
            "language": "ar",
            "label": "supports",
        },
        {
            "id": 3,
            "claim": "Kim visited a factory",
            "evidence": "Kim visited a factory",
            "rating": "false",
            "label": "contradicts",
        },
        {"id": 4, "claim": "Kim visited a factory", "evidence": "Oil prices fell", "label": "unrelated"},
    ]
    predictions = predict_pairs(records)
    assert [p["id"] for p in predictions] == [1, 2, 3, 4]
    assert all(set(p) == {"id", "label", "score", "why"} for p in predictions)
    assert [p["label"] for p in predictions] == ["contradicts", "supports", "contradicts", "unrelated"]
    assert predictions[2]["why"] == "rated false by the fact-checker"
    assert score_pairs(records, predictions)["accuracy"] == 1.0


def test_predict_pairs_needs_claim_and_evidence():
    with pytest.raises(ValueError, match="needs 'claim' and 'evidence'"):
        predict_pairs([{"id": "x", "claim": "only a claim"}])


# --- converters ------------------------------------------------------------------------------------------


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_jsonl(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_ans_converter_on_a_tiny_tree(tmp_path):
    stance = tmp_path / "shared" / "data" / "ans" / "stance"
    stance.mkdir(parents=True)
    (stance / "dev.csv").write_text(
        "s1,s2,stance\n"
        "ارتفاع أسعار الذهب,الذهب يرتفع,agree\n"
        '"مصر، تونس والمغرب",مصر وحدها,disagree\n'
        "مقتل جندي,افتتاح مصنع,other\n"
        "سطر,بلا تصنيف,maybe\n",
        encoding="utf-8",
    )
    out = tmp_path / "out" / "ans.jsonl"
    assert load_script("ans_to_pairs").main(["--shared", str(tmp_path / "shared"), "--out", str(out)]) == 0
    records = read_jsonl(out)
    assert records == [
        {
            "id": "ans-dev-1",
            "claim": "ارتفاع أسعار الذهب",
            "evidence": "الذهب يرتفع",
            "language": "ar",
            "label": "supports",
        },
        {
            "id": "ans-dev-2",
            "claim": "مصر، تونس والمغرب",
            "evidence": "مصر وحدها",
            "language": "ar",
            "label": "contradicts",
        },
        {
            "id": "ans-dev-3",
            "claim": "مقتل جندي",
            "evidence": "افتتاح مصنع",
            "language": "ar",
            "label": "unrelated",
        },
    ]


def test_emergent_converter_on_a_tiny_tree(tmp_path):
    folder = tmp_path / "shared" / "data" / "emergent"
    folder.mkdir(parents=True)
    (folder / "train.csv").write_text(
        "id,claimHeadline,articleHeadline,articleHeadlineStance,articleId,claimId\n"
        "0,A man ate a 20-year-old burger,Man eats burger bought in 1995,for,a1,c1\n"
        '1,A man ate a 20-year-old burger,"Burger story is a hoax, says chain",against,a2,c1\n'
        "2,A man ate a 20-year-old burger,Report: man may have eaten old burger,observing,a3,c1\n"
        "3,A man ate a 20-year-old burger,Unlabelled,discussing,a4,c1\n",
        encoding="utf-8",
    )
    out = tmp_path / "emergent.jsonl"
    assert (
        load_script("emergent_to_pairs").main(["--shared", str(tmp_path / "shared"), "--out", str(out)]) == 0
    )
    records = read_jsonl(out)
    assert [(r["id"], r["label"]) for r in records] == [
        ("emergent-0", "supports"),
        ("emergent-1", "contradicts"),
        ("emergent-2", "unrelated"),
    ]
    assert records[1]["evidence"] == "Burger story is a hoax, says chain"
    assert records[0]["claim_id"] == "c1" and records[0]["language"] == "en"


@pytest.mark.parametrize("script", ["ans_to_pairs", "emergent_to_pairs"])
def test_converters_without_shared_folder_say_so_and_exit_0(script, tmp_path, capsys):
    out = tmp_path / "never.jsonl"
    assert load_script(script).main(["--shared", str(tmp_path / "nowhere"), "--out", str(out)]) == 0
    message = capsys.readouterr().out.strip()
    assert message.endswith("nothing to do.") and "\n" not in message
    assert not out.exists()


# --- the target on the shared dev split (skipped without ../shared) -------------------------------


def test_ans_dev_macro_f1_meets_the_target(tmp_path):
    shared("ans", "stance", "dev.csv")
    out = tmp_path / "ans_dev.jsonl"
    load_script("ans_to_pairs").main(
        ["--shared", str(ROOT.parent / "shared"), "--split", "dev", "--out", str(out)]
    )
    records = read_jsonl(out)
    result = score_pairs(records, predict_pairs(records))
    assert result["macro_f1"] >= 0.70, format_pairs_table(result)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            {
                "id": 1,
                "claim": "قصفت الطائرات الروسية مدينة حلب",
                "evidence": "Russian jets struck Aleppo",
                "language": "ar",
                "evidence_language": 5,
                "label": "supports",
            },
            'pair record 1: evidence_language must be a language code such as "en"',
        ),
        (
            {"id": 2, "claim": "only a claim", "label": "supports"},
            "pair record 2 needs 'claim' and 'evidence'",
        ),
        ({"id": 3, "claim": "a", "evidence": "b", "label": "agrees"}, "gold 3: label must be one of"),
    ],
    ids=["evidence-language", "no-evidence", "unknown-label"],
)
def test_eval_pairs_reports_a_bad_record_as_bad_input(tmp_path, record, message):
    from typer.testing import CliRunner

    from claims.cli import app

    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "pairs", str(gold)])
    assert result.exit_code == 3, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"claims: {gold}: {message}")
