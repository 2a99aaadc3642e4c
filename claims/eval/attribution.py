"""Score predicted attribution spans against gold spans (``claims eval attribution``).

The record format, the two criteria (exact, overlap), how spans are normalised and deduplicated and how
the relation figure is counted are in docs/evaluation.md. Pure: standard library only, no I/O;
:func:`score` returns a nested ``dict``, :func:`format_table` renders it as plain text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

ROLES: tuple[str, ...] = ("source", "cue", "content")
CRITERIA: tuple[str, ...] = ("exact", "overlap")

#: Characters removed from both ends of every span before comparison (besides ``str.isspace``).
STRIP_CHARS: frozenset[str] = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u061c\ufeff"  # zero-width, direction marks, BOM
    "\"'`\u201c\u201d\u2018\u2019\u201e\u201f\u00ab\u00bb\u2039\u203a\u2032\u2033"  # quotes
    ".,;:!?\u2026\u060c\u061b\u061f\u06d4"  # . , ; : ! ? … ، ؛ ؟ ۔
    "-\u2010\u2013\u2014"  # - ‐ – —
)

Span = tuple[int, int]


def _strippable(ch: str) -> bool:
    return ch.isspace() or ch in STRIP_CHARS


def normalize_span(text: str, span: Span) -> Span:
    """Return ``span`` without leading/trailing whitespace, quotes and punctuation (see module doc)."""
    start, end = span
    s, e = start, end
    while s < e and _strippable(text[s]):
        s += 1
    while e > s and _strippable(text[e - 1]):
        e -= 1
    if s == e:
        return (start, end)
    return (s, e)


def _as_span(value: Any, text: str, doc_id: Any, role: str) -> Span | None:
    if value is None:
        return None
    if (
        not isinstance(value, Sequence)
        or isinstance(value, str)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise ValueError(f"document {doc_id!r}: {role} must be [start, end] or null, got {value!r}")
    start, end = value
    if not 0 <= start <= end <= len(text):
        raise ValueError(
            f"document {doc_id!r}: {role} span [{start}, {end}] is outside the text (length {len(text)})"
        )
    return normalize_span(text, (start, end))


def _relations(record: Mapping[str, Any] | None, text: str, doc_id: Any) -> list[tuple[Span | None, ...]]:
    """Normalised (source, cue, content) triples of a record, deduplicated, in first-seen order."""
    if record is None:
        return []
    attributions = record.get("attributions") or []
    if not isinstance(attributions, list):
        raise ValueError(f"document {doc_id!r}: 'attributions' must be a list")
    seen: dict[tuple[Span | None, ...], None] = {}
    for rel in attributions:
        if not isinstance(rel, Mapping):
            raise ValueError(f"document {doc_id!r}: each attribution must be an object")
        triple = tuple(_as_span(rel.get(role), text, doc_id, role) for role in ROLES)
        if all(s is None for s in triple):
            continue
        seen.setdefault(triple, None)
    return list(seen)


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _greedy_overlap_matches(gold: list[Span], pred: list[Span]) -> int:
    """Number of one-to-one (gold, pred) matches, greedy by largest character overlap."""
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            n = _overlap(g, p)
            if n > 0:
                pairs.append((-n, g, p, gi, pi))
    pairs.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, _, _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
    return len(used_g)


def _role_match(g: Span | None, p: Span | None) -> int | None:
    """Shared characters when both spans overlap, 0 when both are null, None when they do not match."""
    if g is None and p is None:
        return 0
    if g is None or p is None:
        return None
    n = _overlap(g, p)
    return n if n > 0 else None


def _relation_matches(gold: list[tuple[Span | None, ...]], pred: list[tuple[Span | None, ...]]) -> int:
    src, content = ROLES.index("source"), ROLES.index("content")
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            ms = _role_match(g[src], p[src])
            mc = _role_match(g[content], p[content])
            if ms is not None and mc is not None:
                pairs.append((-(ms + mc), gi, pi))
    pairs.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
    return len(used_g)


def _prf(tp: int, n_gold: int, n_pred: int) -> dict[str, float | int]:
    if n_pred:
        p = tp / n_pred
    else:
        p = 1.0 if n_gold == 0 else 0.0
    if n_gold:
        r = tp / n_gold
    else:
        r = 1.0 if n_pred == 0 else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f1": f1, "tp": tp, "n_gold": n_gold, "n_pred": n_pred}


def _index(records: Iterable[Mapping[str, Any]], what: str) -> dict[Any, Mapping[str, Any]]:
    out: dict[Any, Mapping[str, Any]] = {}
    for rec in records:
        if not isinstance(rec, Mapping) or "id" not in rec:
            raise ValueError(f"every {what} record needs an 'id'")
        if rec["id"] in out:
            raise ValueError(f"duplicate {what} id {rec['id']!r}")
        out[rec["id"]] = rec
    return out


def score(gold: Iterable[Mapping[str, Any]], pred: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Compare predicted attribution records with gold ones; see the module docstring for the rules.

    Returns::

        {"source":  {"exact": {"p", "r", "f1", "tp", "n_gold", "n_pred"}, "overlap": {...}},
         "cue":     {...}, "content": {...},
         "relation": {"p", "r", "f1", "tp", "n_gold", "n_pred"},
         "documents": N, "ignored_pred_documents": M}

    Raises ``ValueError`` on malformed records (missing or duplicate ids, spans that are not
    ``[start, end]`` with ``0 <= start <= end <= len(text)``).
    """
    gold_by_id = _index(gold, "gold")
    pred_by_id = _index(pred, "predicted")

    counts = {role: {c: [0, 0, 0] for c in CRITERIA} for role in ROLES}  # tp, n_gold, n_pred
    rel_counts = [0, 0, 0]

    for doc_id, grec in gold_by_id.items():
        prec = pred_by_id.get(doc_id)
        text = grec.get("text")
        if not isinstance(text, str):
            text = prec.get("text") if prec is not None and isinstance(prec.get("text"), str) else None
        if text is None:
            raise ValueError(f"document {doc_id!r}: gold record has no 'text'")
        g_rel = _relations(grec, text, doc_id)
        p_rel = _relations(prec, text, doc_id)

        for i, role in enumerate(ROLES):
            g_spans = sorted({r[i] for r in g_rel if r[i] is not None})
            p_spans = sorted({r[i] for r in p_rel if r[i] is not None})
            exact_tp = len(set(g_spans) & set(p_spans))
            overlap_tp = _greedy_overlap_matches(g_spans, p_spans)
            for crit, tp in (("exact", exact_tp), ("overlap", overlap_tp)):
                c = counts[role][crit]
                c[0] += tp
                c[1] += len(g_spans)
                c[2] += len(p_spans)

        rel_counts[0] += _relation_matches(g_rel, p_rel)
        rel_counts[1] += len(g_rel)
        rel_counts[2] += len(p_rel)

    result: dict[str, Any] = {role: {crit: _prf(*counts[role][crit]) for crit in CRITERIA} for role in ROLES}
    result["relation"] = _prf(*rel_counts)
    result["documents"] = len(gold_by_id)
    result["ignored_pred_documents"] = sum(1 for k in pred_by_id if k not in gold_by_id)
    return result


def format_table(result: Mapping[str, Any]) -> str:
    """Render a :func:`score` result as a plain text table (one row per role and criterion)."""
    header = ("role", "criterion", "P", "R", "F1", "TP", "gold", "pred")
    rows: list[tuple[str, ...]] = []

    def row(role: str, crit: str, m: Mapping[str, Any]) -> tuple[str, ...]:
        return (
            role,
            crit,
            f"{m['p']:.3f}",
            f"{m['r']:.3f}",
            f"{m['f1']:.3f}",
            str(m["tp"]),
            str(m["n_gold"]),
            str(m["n_pred"]),
        )

    for role in ROLES:
        for crit in CRITERIA:
            rows.append(row(role, crit, result[role][crit]))
    rows.append(row("relation", "src+content overlap", result["relation"]))

    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]

    def fmt(r: tuple[str, ...]) -> str:
        cells = [r[i].ljust(widths[i]) if i < 2 else r[i].rjust(widths[i]) for i in range(len(r))]
        return "  ".join(cells).rstrip()

    lines = [fmt(header), "  ".join("-" * w for w in widths)]
    lines += [fmt(r) for r in rows]
    lines.append(f"documents: {result.get('documents', 0)}")
    ignored = result.get("ignored_pred_documents", 0)
    if ignored:
        lines.append(f"predicted documents not in the gold (ignored): {ignored}")
    return "\n".join(lines)
