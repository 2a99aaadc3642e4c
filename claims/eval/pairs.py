"""Score claim/evidence relation predictions against gold labels (``claims eval pairs``).

Records follow the evaluation contract (CONTRACT.md, "Evaluation formats")::

    gold:        {"id": ..., "claim": "...", "evidence": "...", "language": "ar", "label": "supports"}
                 (``"evidence_language": "en"`` when the evidence is in another language)
    prediction:  {"id": ..., "label": "contradicts", "score": 72.5, "why": "antonyms: ارتفاع / انخفاض"}

Labels are ``supports``, ``contradicts`` and ``unrelated``. Predictions are matched to gold records by
``id``. A gold record without a prediction counts as predicted ``unrelated`` (nothing was said about it,
which is what ``unrelated`` means) and is counted in ``missing_predictions``; predictions whose id is not
in the gold are ignored and counted in ``ignored_predictions``.

What is reported: accuracy, macro-F1 (the unweighted mean of the three per-class F1, so the small
``unrelated`` class weighs as much as the others), per-class precision / recall / F1 / support, and the
confusion matrix ``confusion[gold][predicted]``. A ratio whose denominator is 0 is 0.0.

:func:`score_pairs` and :func:`format_pairs_table` use the standard library only and do no I/O;
:func:`predict_pairs` runs :func:`claims.match.relation.relate` over gold records, with the sentence
encoder's similarity of each pair (computed in batches), so evidence in another language is compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

LABELS: tuple[str, ...] = ("supports", "contradicts", "unrelated")


def _label(value: Any, where: str) -> str:
    if value not in LABELS:
        raise ValueError(f"{where}: label must be one of {', '.join(LABELS)}, got {value!r}")
    return str(value)


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def score_pairs(gold: Iterable[Mapping[str, Any]], pred: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Compare predicted labels with gold labels (see module doc). Raises ``ValueError`` on a record
    without an id, a duplicate gold id, or an unknown label."""
    gold_labels: dict[Any, str] = {}
    for n, record in enumerate(gold, start=1):
        if "id" not in record:
            raise ValueError(f"gold record {n} has no id")
        doc_id = record["id"]
        if doc_id in gold_labels:
            raise ValueError(f"gold id {doc_id!r} appears twice")
        gold_labels[doc_id] = _label(record.get("label"), f"gold {doc_id!r}")
    predicted: dict[Any, str] = {}
    ignored = 0
    for n, record in enumerate(pred, start=1):
        if "id" not in record:
            raise ValueError(f"prediction {n} has no id")
        doc_id = record["id"]
        if doc_id not in gold_labels:
            ignored += 1
            continue
        predicted[doc_id] = _label(record.get("label"), f"prediction {doc_id!r}")

    confusion = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    for doc_id, label in gold_labels.items():
        confusion[label][predicted.get(doc_id, "unrelated")] += 1

    per_class: dict[str, dict[str, float]] = {}
    for label in LABELS:
        tp = confusion[label][label]
        n_pred = sum(confusion[g][label] for g in LABELS)
        n_gold = sum(confusion[label].values())
        p, r = _ratio(tp, n_pred), _ratio(tp, n_gold)
        per_class[label] = {
            "precision": p,
            "recall": r,
            "f1": _ratio(2 * p * r, p + r),
            "support": n_gold,
            "predicted": n_pred,
        }
    total = len(gold_labels)
    correct = sum(confusion[label][label] for label in LABELS)
    return {
        "n": total,
        "accuracy": _ratio(correct, total),
        "macro_f1": sum(c["f1"] for c in per_class.values()) / len(LABELS),
        "per_class": per_class,
        "confusion": confusion,
        "labels": list(LABELS),
        "missing_predictions": sum(1 for doc_id in gold_labels if doc_id not in predicted),
        "ignored_predictions": ignored,
    }


def format_pairs_table(result: Mapping[str, Any]) -> str:
    """Plain-text report of :func:`score_pairs`: summary, per-class table, confusion matrix."""
    lines = [
        f"pairs: {result['n']}   accuracy: {result['accuracy']:.3f}   macro-F1: {result['macro_f1']:.3f}",
        "",
        f"{'class':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}",
    ]
    for label in LABELS:
        c = result["per_class"][label]
        lines.append(
            f"{label:<12} {c['precision']:>9.3f} {c['recall']:>7.3f} {c['f1']:>6.3f} {c['support']:>8d}"
        )
    lines += [
        "",
        "confusion (rows: gold, columns: predicted)",
        f"{'':<12}" + "".join(f"{x:>13}" for x in LABELS),
    ]
    for gold in LABELS:
        row = result["confusion"][gold]
        lines.append(f"{gold:<12}" + "".join(f"{row[p]:>13d}" for p in LABELS))
    notes = []
    if result.get("missing_predictions"):
        notes.append(f"{result['missing_predictions']} gold pairs had no prediction (counted as unrelated)")
    if result.get("ignored_predictions"):
        notes.append(f"{result['ignored_predictions']} predictions had an id not in the gold (ignored)")
    if notes:
        lines += [""] + notes
    return "\n".join(lines)


def pair_similarities(records: list[Mapping[str, Any]]) -> list[float]:
    """The sentence encoder's cosine of each record's claim and evidence (:mod:`claims.encoder`), every
    distinct text encoded once, in batches."""
    from claims import encoder

    texts = list(dict.fromkeys(str(r[k]) for r in records for k in ("claim", "evidence")))
    if not texts:
        return []
    index = {t: i for i, t in enumerate(texts)}
    vectors = encoder.encode(texts)
    claims = vectors[[index[str(r["claim"])] for r in records]]
    evidence = vectors[[index[str(r["evidence"])] for r in records]]
    return [float(x) for x in (claims * evidence).sum(axis=1).clip(-1.0, 1.0)]


def predict_pairs(records: Iterable[Mapping[str, Any]], vectors: bool = True) -> list[dict[str, Any]]:
    """One prediction ``{"id", "label", "score", "why"}`` per gold record, from
    :func:`claims.match.relation.relate`: the record's ``language``, ``evidence_language`` and ``rating``
    (when present) are passed on, and with ``vectors`` the encoder's similarity of the two texts."""
    from claims.match.relation import relate

    records = list(records)
    for n, record in enumerate(records, start=1):
        if "claim" not in record or "evidence" not in record:
            raise ValueError(f"pair record {record.get('id', n)!r} needs 'claim' and 'evidence'")
        for key in ("language", "evidence_language"):
            if not isinstance(record.get(key) or "", str):
                raise ValueError(
                    f'pair record {record.get("id", n)!r}: {key} must be a language code such as "en"'
                )
    similarities: list[float | None] = list(pair_similarities(records)) if vectors else [None] * len(records)
    out = []
    for record, similarity in zip(records, similarities, strict=True):
        relation = relate(
            str(record["claim"]),
            str(record["evidence"]),
            record.get("language"),
            record.get("rating"),
            evidence_language=record.get("evidence_language"),
            similarity=similarity,
        )
        out.append(
            {"id": record.get("id"), "label": relation.label, "score": relation.score, "why": relation.why}
        )
    return out
