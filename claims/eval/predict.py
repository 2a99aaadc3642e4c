"""Running the attribution stage over evaluation records (contract format) to get predictions."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from claims.checker import check_text
from claims.registry import Registry
from claims.store.files import json_lines
from claims.types import InputText


def read_jsonl(path: Path) -> list[dict]:
    """The records of an evaluation file (contract format), one JSON object per line."""
    return [record for _, record in json_lines(path, whole=True)]


def predict_attributions(records: Iterable[dict], registry: Registry) -> list[dict]:
    """One prediction per record: every claim that has an attribution cue becomes a relation."""
    preds = []
    for record in records:
        report = check_text(InputText(record["text"], record.get("id", ""), "utf-8", "txt"), registry)
        attributions = []
        for item in report.claims:
            a, c = item.claim.attribution, item.claim
            if a.rule == "quote-continuation" and attributions:
                # one relation, one content: the quotation that runs on extends the previous content
                attributions[-1]["content"][1] = c.span.end
                continue
            if a.cue is None and a.mention is None:
                continue
            content = c.content or c.span
            attributions.append(
                {
                    "source": [a.mention.start, a.mention.end] if a.mention else None,
                    "cue": [a.cue.start, a.cue.end] if a.cue else None,
                    "content": [content.start, content.end],
                    "source_id": a.source_id,
                    "via": list(a.via),
                    "rule": a.rule,
                }
            )
        preds.append(
            {
                "id": record.get("id"),
                "text": record["text"],
                "language": report.document.language,
                "attributions": attributions,
            }
        )
    return preds
