"""Train the learned part of :func:`claims.match.relation.relate` for Arabic, on ANS train only.

Command (scikit-learn is needed for training only; ``relate()`` never imports it)::

    .venv/bin/pip install scikit-learn
    .venv/bin/python bench/ans_to_pairs.py --split train --out artifacts/ans_train_pairs.jsonl
    .venv/bin/python bench/ans_to_pairs.py --split dev --out artifacts/ans_dev_pairs.jsonl
    .venv/bin/python bench/train_relate.py

Options: ``--train`` / ``--dev`` (pair JSONL, defaults above), ``--out`` (default
``claims/data/models/relate_ar.json``), ``--dry-run`` (measure, write nothing).

What it does, deterministically (no random state except a seeded bootstrap):

1. Features of every pair from :func:`claims.match.relation.pair_features` (the code ``relate()`` runs) and
   the rules-only relation (``relate(..., learned=False)``).
2. Training rows: ANS train pairs labelled supports or contradicts that the rules find related (not
   "different topic"). A binary logistic regression (contradicts vs supports, L2, lbfgs).
3. Model selection on ANS train only: 5-fold cross-validation grouped by claim (a claim's pairs stay in one
   fold) over the regularisation ``C`` and the decision threshold, scored by the three-class macro-F1 of
   the whole ``relate()`` (rules everywhere, the model where the rules found nothing: cue "similarity",
   and the pair has the shape of an ANS pair: ``model_shaped()``, here without the cosine).
   The other scopes (the model may also overturn explicit conflicts, hedges) are printed for comparison.
4. The chosen model is fitted on all training rows and written as JSON (weights per feature name, the
   threshold, the training command, the data and its licence). ``enabled`` is set when the model beats
   the rules on ANS dev macro-F1 by at least 0.01 and in at least 95% of paired bootstrap resamples of
   dev; otherwise the file is written with ``enabled: false`` and ``relate()`` keeps to the rules.
5. Dev macro-F1 (per class too) of rules-only and of ``relate()`` with the written model, and the time
   per pair, are printed. Dev is read only for this final comparison, never for choosing anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from claims.eval.pairs import score_pairs  # noqa: E402
from claims.match.relation import feature_names, learned_model, pair_features, relate  # noqa: E402
from claims.match.relation.decide import model_shaped  # noqa: E402
from claims.match.relation.statement import analyse  # noqa: E402

COMMAND = ".venv/bin/python bench/train_relate.py"
C_GRID = (0.1, 0.2, 0.3, 0.5, 1.0)
THRESHOLDS = tuple(round(0.3 + 0.025 * k, 3) for k in range(17))  # 0.30 ... 0.70
# Where the model may overturn the rules (by the rules' Relation.cue); the first is shipped.
SCOPES = {
    "nothing (shipped)": ("similarity",),
    "nothing or an explicit conflict": ("similarity", "polarity", "names", "numbers", "dates"),
    "nothing, a conflict or a hedge": ("similarity", "polarity", "names", "numbers", "dates", "hedge"),
}
SHIPPED_SCOPE = SCOPES["nothing (shipped)"]
FOLDS = 5
BOOTSTRAP = 2000
SEED = 13


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def featurize(records: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Feature matrix, rules-only labels, rules-only cues, gold labels. A rules' "similarity" in which a
    negation cancelled an antonym pair (did not win / lost) is a finding the rules keep: its cue is
    marked "cancelled" here, as relate() does not ask the model about it."""
    names = feature_names()
    index = {n: k for k, n in enumerate(names)}
    x = np.zeros((len(records), len(names)))
    labels, cues = [], []
    for row, r in enumerate(records):
        rule = relate(r["claim"], r["evidence"], r.get("language"), r.get("rating"), learned=False)
        features = pair_features(r["claim"], r["evidence"], r.get("language"))
        for name, value in features.items():
            x[row, index[name]] = value
        labels.append(rule.label)
        cue = "cancelled" if rule.cue == "similarity" and features.get("polarity_cancel") else rule.cue
        if cue == "similarity" and not model_shaped(r["claim"], r["evidence"], r.get("language")):
            cue = "unshaped"  # not the shape of an ANS pair: relate() does not ask the model either
        cues.append(cue)
    gold = np.array([r["label"] for r in records])
    return x, np.array(labels), np.array(cues), gold


def macro_f1(gold: np.ndarray, pred: np.ndarray) -> dict:
    return score_pairs(
        [{"id": k, "label": g} for k, g in enumerate(gold)],
        [{"id": k, "label": p} for k, p in enumerate(pred)],
    )


def combine(rules: np.ndarray, cues: np.ndarray, p: np.ndarray, threshold: float, scope) -> np.ndarray:
    """The labels of relate(): the rules', except where the rules' finding is in ``scope``: there the
    model decides."""
    out = rules.copy()
    asked = np.isin(cues, scope)
    out[asked] = np.where(p[asked] >= threshold, "contradicts", "supports")
    return out


def training_rows(cues: np.ndarray, gold: np.ndarray) -> np.ndarray:
    return ~np.isin(cues, ("topic", "language")) & np.isin(gold, ("supports", "contradicts"))


def fit(x: np.ndarray, y: np.ndarray, c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=5000, tol=1e-6).fit(x, y)


def cross_validate(x, rules, cues, gold, groups) -> tuple[dict[float, np.ndarray], float, float, float]:
    """Out-of-fold probabilities per C; the best (C, threshold) for the shipped scope and its macro-F1."""
    rows = training_rows(cues, gold)
    oof: dict[float, np.ndarray] = {}
    best = (-1.0, 0.0, 0.0)
    for c in C_GRID:
        p = np.zeros(len(gold))
        for train, test in GroupKFold(FOLDS).split(x, gold, groups):
            keep = train[rows[train]]
            p[test] = fit(x[keep], gold[keep] == "contradicts", c).predict_proba(x[test])[:, 1]
        oof[c] = p
        for t in THRESHOLDS:
            f = macro_f1(gold, combine(rules, cues, p, t, SHIPPED_SCOPE))["macro_f1"]
            print(f"  cv C={c:<4} threshold={t:.3f} macro-F1={f:.4f}", file=sys.stderr)
            if f > best[0] + 1e-9:
                best = (f, c, t)
    return oof, best[1], best[2], best[0]


def per_class(result: dict) -> str:
    parts = [f"{k} {v['f1']:.3f}" for k, v in result["per_class"].items()]
    return f"macro-F1 {result['macro_f1']:.3f} ({', '.join(parts)})"


def bootstrap(gold: np.ndarray, rules: np.ndarray, model: np.ndarray) -> float:
    """Share of paired bootstrap resamples of dev in which the model's macro-F1 beats the rules'."""
    rng = np.random.default_rng(SEED)
    wins = 0
    for _ in range(BOOTSTRAP):
        k = rng.integers(0, len(gold), len(gold))
        wins += macro_f1(gold[k], model[k])["macro_f1"] > macro_f1(gold[k], rules[k])["macro_f1"]
    return wins / BOOTSTRAP


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def model_record(
    train_path: Path,
    pairs: int,
    clf: LogisticRegression,
    x_rows: np.ndarray,
    c: float,
    threshold: float,
    enabled: bool,
    metrics: dict[str, float],
) -> dict:
    """The model file's content: the weights, how they were made, and the figures that enable them."""
    return {
        "model": "logistic regression (binary: contradicts vs supports), L2, scikit-learn lbfgs",
        "task": "relate(): supports vs contradicts for Arabic pairs where the rules found nothing",
        "language": "ar",
        "classes": ["supports", "contradicts"],
        "score": "p(contradicts) = 1 / (1 + exp(-(intercept + sum(coef[i] * feature[i]))))",
        "features_from": "claims.match.relation.pair_features (hashed words: zlib.crc32(key) % HASH_BUCKETS)",
        "enabled": enabled,
        "decides": list(SHIPPED_SCOPE),
        "threshold": threshold,
        "C": c,
        "intercept": round(float(clf.intercept_[0]), 6),
        "features": list(feature_names()),
        "coef": [round(float(w), 6) for w in clf.coef_[0]],
        "means": [round(float(m), 6) for m in x_rows.mean(axis=0)],
        "training_command": COMMAND,
        "data": {
            "name": "ANS stance (Khouja 2020, github.com/latynt/ans), train split only",
            "licence": "Apache-2.0",
            "file": str(train_path.relative_to(REPO)) if train_path.is_relative_to(REPO) else str(train_path),
            "converted_by": "python bench/ans_to_pairs.py --split train",
            "sha256": sha256(train_path),
            "pairs": pairs,
            "training_rows": len(x_rows),
        },
        "dev_data": "ANS dev (artifacts/ans_dev_pairs.jsonl): only for the final comparison and `enabled`",
        "licence": "Apache-2.0 (weights derived from Apache-2.0 data)",
        "sklearn": sklearn.__version__,
        "metrics": metrics,
    }


def relate_timings(dev: list[dict]) -> tuple[dict[bool, float], list[str]]:
    """relate() itself on dev with the model file as written: ms per pair (best of three passes, each from
    an empty analysis cache) without and with the learned model, and the labels with it."""
    learned_model.cache_clear()
    relate(dev[0]["claim"], dev[0]["evidence"], dev[0].get("language"))  # load the lexicons and the model
    timings: dict[bool, float] = {False: float("inf"), True: float("inf")}
    runtime: list[str] = []
    for _ in range(3):
        for learned in (False, True):
            analyse.cache_clear()
            start = time.perf_counter()
            labels = [
                relate(r["claim"], r["evidence"], r.get("language"), r.get("rating"), learned=learned).label
                for r in dev
            ]
            timings[learned] = min(timings[learned], (time.perf_counter() - start) / len(dev) * 1000)
            if learned:
                runtime = labels
    return timings, runtime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", type=Path, default=REPO / "artifacts/ans_train_pairs.jsonl")
    ap.add_argument("--dev", type=Path, default=REPO / "artifacts/ans_dev_pairs.jsonl")
    ap.add_argument("--out", type=Path, default=REPO / "claims/data/models/relate_ar.json")
    ap.add_argument("--dry-run", action="store_true", help="measure only, write nothing")
    args = ap.parse_args(argv)

    train, dev = load(args.train), load(args.dev)
    x, rules, cues, gold = featurize(train)
    groups = np.array([zlib.crc32(r["claim"].encode("utf-8")) for r in train])
    print(f"ANS train: {len(train)} pairs, {int(training_rows(cues, gold).sum())} training rows")
    print(f"train rules-only: {per_class(macro_f1(gold, rules))}")

    oof, c, threshold, cv = cross_validate(x, rules, cues, gold, groups)
    print(
        f"chosen by {FOLDS}-fold CV on train: C={c}, threshold={threshold}: CV {per_class(macro_f1(gold, combine(rules, cues, oof[c], threshold, SHIPPED_SCOPE)))}"
    )
    for name, scope in SCOPES.items():
        f = max(macro_f1(gold, combine(rules, cues, oof[c], t, scope))["macro_f1"] for t in THRESHOLDS)
        print(f"  train CV, model decides where the rules found {name}: macro-F1 {f:.3f}")

    rows = training_rows(cues, gold)
    clf = fit(x[rows], gold[rows] == "contradicts", c)

    # dev: the rules, and the same fitted model in each scope (for the record; nothing is chosen here)
    xd, rules_d, cues_d, gold_d = featurize(dev)
    p_dev = clf.predict_proba(xd)[:, 1]
    rules_result = macro_f1(gold_d, rules_d)
    for name, scope in SCOPES.items():
        result = macro_f1(gold_d, combine(rules_d, cues_d, p_dev, threshold, scope))
        print(f"  dev, model decides where the rules found {name}: {per_class(result)}")
    model_pred = combine(rules_d, cues_d, p_dev, threshold, SHIPPED_SCOPE)
    model_result = macro_f1(gold_d, model_pred)
    wins = bootstrap(gold_d, rules_d, model_pred)
    gain = model_result["macro_f1"] - rules_result["macro_f1"]
    enabled = gain >= 0.01 and wins >= 0.95

    metrics = {
        "train_cv_macro_f1": round(cv, 4),
        "train_rules_macro_f1": round(macro_f1(gold, rules)["macro_f1"], 4),
        "dev_rules_macro_f1": round(rules_result["macro_f1"], 4),
        "dev_model_macro_f1": round(model_result["macro_f1"], 4),
        "dev_bootstrap_model_wins": round(wins, 4),
    }
    data = model_record(args.train, len(train), clf, x[rows], c, threshold, enabled, metrics)
    if not args.dry_run:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}")

    timings, runtime = relate_timings(dev)
    print(f"dev rules-only:            {per_class(rules_result)}")
    print(f"dev rules + learned model: {per_class(model_result)}")
    print(f"  gain {gain:+.3f}; the model wins in {wins:.1%} of {BOOTSTRAP} paired bootstrap resamples")
    print(f"  model {'ENABLED' if enabled else 'not enabled'} in relate()")
    print(
        f"time per pair (best of 3): rules-only {timings[False]:.3f} ms, relate() as shipped {timings[True]:.3f} ms"
    )
    if not args.dry_run:
        expected = model_pred if enabled else rules_d
        differ = sum(x != y for x, y in zip(runtime, expected, strict=True))
        print(f"dev through relate() with the written file: {per_class(macro_f1(gold_d, np.array(runtime)))}")
        if differ:
            print(
                f"WARNING: relate() and the training-time scores disagree on {differ} pairs", file=sys.stderr
            )
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
