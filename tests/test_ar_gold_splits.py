"""The Arabic attribution gold sets are split by article file: a file annotated in one set is in no other.

The offsets files live in the repository, so the split check needs no ../shared; rebuilding the train
split from the UnifiedFC text does, and skips cleanly without it.
"""

import importlib.util
import json
import re

from .conftest import ROOT, shared

GOLD = ROOT / "bench" / "gold"
SETS = {
    "dev": GOLD / "ar_unifiedfc_dev.jsonl",
    "dev2": GOLD / "ar_unifiedfc_dev2.jsonl",
    "train": GOLD / "ar_unifiedfc_train.jsonl",
}


def _files(path):
    with path.open(encoding="utf-8") as fh:
        return {json.loads(line)["file"] for line in fh if line.strip()}


def _number(fname):
    return int(re.search(r"\d+", fname).group())


def test_no_unifiedfc_file_is_in_two_gold_sets():
    files = {name: _files(path) for name, path in SETS.items()}
    for a in SETS:
        for b in SETS:
            if a < b:
                assert not files[a] & files[b], f"{a} and {b} share {sorted(files[a] & files[b])}"


def test_each_gold_set_follows_its_file_selection_rule():
    # dev: numeric id divisible by 3; dev2: 1 modulo 3; train: 2 modulo 3 (bench/gold/README.md).
    for name, rest in (("dev", 0), ("dev2", 1), ("train", 2)):
        assert {_number(f) % 3 for f in _files(SETS[name])} == {rest}, name


def test_train_split_rebuilds_from_shared_with_every_check_passing(tmp_path):
    dataset = shared("unifiedfc", "dataset")
    spec = importlib.util.spec_from_file_location("build_ar_gold", ROOT / "bench" / "build_ar_gold.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "train.jsonl"
    assert module.main(["--shared", str(dataset.parents[2]), "--out", str(out), "--train"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["id"].split("/")[0] + ".json" for r in records} == _files(SETS["train"])
    assert sum(len(r["attributions"]) for r in records) >= 800
    for rec in records:
        for rel in rec["attributions"]:
            for role in ("source", "cue", "content"):
                if rel[role]:
                    s, e = rel[role]
                    piece = rec["text"][s:e]
                    assert piece == piece.strip() and (s == 0 or rec["text"][s - 1].isspace()), (
                        rec["id"],
                        role,
                    )
