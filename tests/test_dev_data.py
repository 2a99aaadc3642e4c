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
