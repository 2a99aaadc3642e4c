"""The dev sets in bench/dev/ (written by us, read by `claims eval pairs` and the retrieval builders) are
well-formed, balanced, cover both directions, and never copy a sentence of the shared data."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from .conftest import ROOT, SHARED

DEV = ROOT / "bench" / "dev"
LABELS = {"supports", "contradicts", "unrelated"}
PAIR_KEYS = {"id", "claim", "evidence", "language", "label"}
PAIR_FILES = {"xling_pairs.jsonl": 240, "ar_paraphrase_pairs.jsonl": 120}
REALISTIC = DEV / "realistic_ar_labels.jsonl"
ARABIC = re.compile(r"[\u0600-\u06ff]")


def _records(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name} line {n} is blank"
        row = json.loads(line)
        assert isinstance(row, dict), f"{path.name} line {n} is not an object"
        rows.append(row)
    return rows


def _script(text: str) -> str:
    return "ar" if ARABIC.search(text) else "en"


@pytest.mark.parametrize(("name", "minimum"), sorted(PAIR_FILES.items()))
def test_pair_file_is_valid_and_balanced(name, minimum):
    rows = _records(DEV / name)
    assert len(rows) >= minimum
    for row in rows:
        assert PAIR_KEYS <= row.keys(), row.get("id")
        assert row["label"] in LABELS, row["id"]
        assert row["claim"].strip() and row["evidence"].strip() and row["claim"] != row["evidence"]
        # the declared languages are the languages the sentences are written in
        assert _script(row["claim"]) == row["language"], row["id"]
        assert _script(row["evidence"]) == row.get("evidence_language", row["language"]), row["id"]
    counts = Counter(row["label"] for row in rows)
    assert all(counts[label] >= len(rows) // 4 for label in LABELS), counts


def test_ids_are_unique_across_all_dev_files():
    ids = [row["id"] for name in PAIR_FILES for row in _records(DEV / name)]
    ids += [row["id"] for row in _records(REALISTIC)]
    assert len(ids) == len(set(ids))


def test_cross_language_pairs_cover_both_directions_for_every_label():
    rows = _records(DEV / "xling_pairs.jsonl")
    directions = Counter((row["language"], row["evidence_language"], row["label"]) for row in rows)
    for label in LABELS:
        assert directions["ar", "en", label] >= 40 and directions["en", "ar", label] >= 40, directions
    assert not {(a, b) for a, b, _ in directions} - {("ar", "en"), ("en", "ar")}


def test_both_negative_pairs_that_agree_are_present():
    """«لم تعترف روسيا …» and "Neither Moscow nor Pyongyang has confirmed …" agree: two negations of one
    statement are a supporting pair, the hard case for negation rules."""
    rows = _records(DEV / "xling_pairs.jsonl") + _records(DEV / "ar_paraphrase_pairs.jsonl")
    negative = [r for r in rows if r["label"] == "supports" and r.get("kind", "").endswith("negative")]
    assert len(negative) >= 12
    pair = next(r for r in negative if r["id"] == "xl-005-s-ea")
    assert pair["claim"].startswith("Neither Moscow nor Pyongyang") and pair["evidence"].startswith(
        "لم تعترف"
    )


def test_paraphrase_pairs_are_arabic_on_both_sides():
    for row in _records(DEV / "ar_paraphrase_pairs.jsonl"):
        assert row["language"] == "ar" and row.get("evidence_language", "ar") == "ar"


def test_realistic_labels_hold_positions_and_hashes_never_text():
    rows = _records(REALISTIC)
    assert len(rows) >= 300
    allowed = {"id", "file", "claim_id", "article", "line", "start", "end", "hash", "label", "rank"}
    for row in rows:
        assert set(row) <= allowed, set(row) - allowed
        assert row["label"] in LABELS
        assert re.fullmatch(r"[0-9a-f]{12}", row["hash"])
        assert re.fullmatch(r"[RV]-\d+\.json", row["file"])
    counts = Counter(row["label"] for row in rows)
    assert counts["contradicts"] < counts["supports"] < counts["unrelated"], counts


def _normal(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def _shared_sentences() -> set[str]:
    """Every line and sentence of the shared KCNA stories, UnifiedFC claims and articles, and the founding
    article, normalised to letters and digits (UnifiedFC text is pre-tokenised: ``( رويترز ) -``)."""
    split = re.compile(r"(?<=[.!?؟])\s+|\n")
    texts: list[str] = []
    for item in json.loads((SHARED / "kcna" / "headlines_2024-11-11.json").read_text(encoding="utf-8")):
        texts += [item.get("headline") or "", item.get("story_text") or ""]
    for path in sorted((SHARED / "unifiedfc" / "dataset").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        texts += [data["claim"], *data["article"]]
    texts += [p.read_text(encoding="utf-8") for p in sorted((SHARED / "articles").glob("*"))]
    return {_normal(s) for text in texts for s in split.split(text) if len(_normal(s)) > 10}


def test_no_record_copies_a_sentence_of_the_shared_data():
    for part in ("kcna", "unifiedfc", "articles"):
        if not (SHARED / part).exists():
            pytest.skip(f"../shared/data/{part} is not present")
    sentences = _shared_sentences()
    for name in PAIR_FILES:
        for row in _records(DEV / name):
            for key in ("claim", "evidence"):
                assert _normal(row[key]) not in sentences, (
                    f"{row['id']} {key} is a sentence of the shared data"
                )


# --- the builders that turn the committed files into evaluation inputs -------------------------------------


def _load_script(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CLAIM = "أعلنت وزارة الخارجية الروسية دخول معاهدة الشراكة مع كوريا الشمالية حيز التنفيذ"
ARTICLE = "\n".join(
    [
        "روسيا : المعاهدة مع بيونغ يانغ سارية المفعول",
        "أعلنت وزارة الخارجية الروسية اليوم دخول معاهدة الشراكة الشاملة مع كوريا الشمالية حيز التنفيذ .",
        "وقال محللون إن الاتفاقية تعكس تنامي التنسيق العسكري بين البلدين .",
        "قصير",
    ]
)


def _fake_unifiedfc(root: Path) -> Path:
    dataset = root / "data" / "unifiedfc" / "dataset"
    dataset.mkdir(parents=True)
    record = {"id": "R-7", "claim": CLAIM, "fact": "true", "article": [ARTICLE], "stance": ["agree"]}
    (dataset / "R-7.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return dataset


def test_realistic_pairs_round_trip_through_positions_and_hashes(tmp_path):
    script = _load_script("realistic_pairs")
    shared_root = tmp_path / "shared"
    dataset = _fake_unifiedfc(shared_root)
    found = tmp_path / "candidates.jsonl"
    assert script.main(["--shared", str(shared_root), "--candidates", "--out", str(found)]) == 0
    candidates = _records(found)
    # the line restating the claim ranks first; the 4-character line is too short to be stored
    assert candidates[0]["evidence"].startswith("أعلنت وزارة الخارجية الروسية اليوم")
    assert {(c["article"], c["line"]) for c in candidates} <= {(0, 0), (0, 1), (0, 2)}
    labels = tmp_path / "labels.jsonl"
    keep = ("id", "file", "claim_id", "article", "line", "hash", "rank")
    labels.write_text(
        "".join(json.dumps({**{k: c[k] for k in keep}, "label": "supports"}) + "\n" for c in candidates),
        encoding="utf-8",
    )
    out = tmp_path / "pairs.jsonl"
    assert script.main(["--shared", str(shared_root), "--labels", str(labels), "--out", str(out)]) == 0
    pairs = _records(out)
    assert [p["evidence"] for p in pairs] == [c["evidence"] for c in candidates]
    assert all(p["claim"] == CLAIM and p["label"] == "supports" for p in pairs)

    # the shared text changed under the labels: the build stops and names the record
    changed = json.loads((dataset / "R-7.json").read_text(encoding="utf-8"))
    changed["article"][0] = changed["article"][0].replace("اليوم", "أمس")
    (dataset / "R-7.json").write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    assert script.main(["--shared", str(shared_root), "--labels", str(labels), "--out", str(out)]) == 1


@pytest.mark.parametrize("script", ["realistic_pairs", "xling_retrieval"])
def test_builders_without_shared_folder_say_so_and_exit_0(script, tmp_path, capsys):
    out = tmp_path / "never"
    assert _load_script(script).main(["--shared", str(tmp_path / "nowhere"), "--out", str(out)]) == 0
    message = capsys.readouterr().out.strip()
    assert message.endswith("nothing to do.") and "\n" not in message
    assert not out.exists()


def test_retrieval_sets_take_queries_and_relevant_documents_from_the_pair_files(tmp_path):
    for part in ("kcna", "unifiedfc", "clef2021-2a"):
        if not (SHARED / part).exists():
            pytest.skip(f"../shared/data/{part} is not present")
    out = tmp_path / "sets"
    assert _load_script("xling_retrieval").main(["--shared", str(SHARED.parent), "--out", str(out)]) == 0
    pairs = {r["id"]: r for name in PAIR_FILES for r in _records(DEV / name)}
    for name, query_lang, doc_lang in (("ar2en", "ar", "en"), ("en2ar", "en", "ar"), ("ar-para", "ar", "ar")):
        docs = {d["id"]: d for d in _records(out / name / "corpus.jsonl")}
        queries = _records(out / name / "queries.jsonl")
        assert len(docs) - sum(d.startswith(("xl-", "ap-")) for d in docs) >= 10_000
        assert {d["language"] for d in docs.values()} == {"ar", "en"}
        qrels = [line.split("\t") for line in (out / name / "qrels.tsv").read_text().splitlines()]
        assert len(qrels) == len(queries) >= 45
        for q, (qid, _, docid, rel) in zip(queries, qrels, strict=True):
            pair = pairs[qid]
            assert q["text"] == pair["claim"] and q["language"] == query_lang
            assert docs[docid]["text"] == pair["evidence"] and docs[docid]["language"] == doc_lang
            assert rel == "1"
    # the contradicting variant of each paraphrased sentence is in the paraphrase corpus
    corpus = {d["id"] for d in _records(out / "ar-para" / "corpus.jsonl")}
    variants = [line.split("\t") for line in (out / "ar-para" / "variants.tsv").read_text().splitlines()]
    assert variants and all(good in corpus and bad in corpus for _, good, bad in variants)
