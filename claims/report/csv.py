"""One row per claim, for spreadsheets."""

from __future__ import annotations

import csv
import io

from claims.attribution.registry import Registry
from claims.types import Report

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
]


def render_csv(reports: list[Report], registry: Registry) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for report in reports:
        for item in report.claims:
            c, v = item.claim, item.verdict
            a = c.attribution
            name = a.source_name or registry.name_of(a.source_id)
            writer.writerow(
                [
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
                ]
            )
    return out.getvalue()
