"""One row per claim, for spreadsheets.

A text cell that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or CR:
``=HYPERLINK(...)``, ``@SUM(...)``, ``-2+3+cmd|' /C calc'!A0``) gets a leading ``'``, as OWASP
recommends for CSV injection; the numeric columns (line, start, end) are numbers and never prefixed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from claims.registry import Registry
from claims.report import Decisions, RenderOptions
from claims.types import Report

if TYPE_CHECKING:
    from claims.store.db import EditorDecision

SUFFIX = ".csv"

COLUMNS = [
    "path",
    "id",
    "line",
    "start",
    "end",
    "language",
    "text",
    "source_id",
    "source_name",
    "via",
    "cue",
    "hedged",
    "verdict",
    "reason",
    "editor_verdict",
    "editor_note",
    "editor",
    "decided_at",
    "evidence_language",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """A value as a spreadsheet may safely read it: text that would start a formula is quoted with '."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render_csv(
    reports: list[Report],
    registry: Registry,
    decisions: Sequence[Mapping[str, EditorDecision] | None] | None = None,
) -> str:
    """The claims of ``reports`` as CSV; ``decisions`` (one mapping of claim id to editor's decision per
    report, see ``claims.decisions.decisions_for_report``) fills the editor_* columns. ``evidence_language``
    lists the languages of the claim's evidence (``en``, ``ar en``), space-separated like ``via``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for n, report in enumerate(reports):
        decided = (decisions[n] if decisions is not None else None) or {}
        for item in report.claims:
            c, v = item.claim, item.verdict
            a = c.attribution
            name = a.source_name or registry.name_of(a.source_id)
            d = decided.get(c.id)
            row = [
                report.document.path,
                c.id,
                c.line,
                c.span.start,
                c.span.end,
                c.language,
                c.span.text,
                a.source_id,
                name,
                " ".join(a.via),
                a.cue.text if a.cue else "",
                a.hedged,
                v.label,
                v.reason,
                d.verdict if d else "",
                d.note if d else "",
                (d.editor or "") if d else "",
                d.created_at if d else "",
                " ".join(dict.fromkeys(e.language for e in v.evidence if e.language)),
            ]
            writer.writerow([cell(x) for x in row])
    return out.getvalue()


def render(
    reports: Sequence[Report], registry: Registry, decisions: Decisions, options: RenderOptions
) -> str:
    return render_csv(list(reports), registry, decisions)
