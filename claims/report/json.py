"""The report as contract version 1 JSON (and one claim per line for pipelines)."""

from __future__ import annotations

import json
from typing import Any

from claims.attribution.registry import Registry
from claims.types import ANONYMOUS, UNATTRIBUTED, UNREGISTERED, CheckedClaim, Report, Span

VERSION = 1


def _span(span: Span | None) -> dict | None:
    return span.to_dict() if span else None


def source_dict(claim_source: str, registry: Registry, name: str = "") -> dict[str, Any]:
    src = registry.get(claim_source)
    if claim_source == UNREGISTERED:
        return {"id": UNREGISTERED, "name": name, "kind": "unregistered"}
    if claim_source in (UNATTRIBUTED, ANONYMOUS) or src is None:
        return {"id": claim_source, "name": src.name if src else claim_source, "kind": claim_source}
    return {"id": src.id, "name": src.name, "kind": src.kind, "group": src.group}


def claim_dict(item: CheckedClaim, registry: Registry) -> dict[str, Any]:
    c, v = item.claim, item.verdict
    a = c.attribution
    source = source_dict(a.source_id, registry, a.source_name)
    source["mention"] = _span(a.mention)
    return {
        "id": c.id,
        "text": c.span.text,
        "start": c.span.start,
        "end": c.span.end,
        "line": c.line,
        "language": c.language,
        "source": source,
        "via": [{"id": x, "name": registry.name_of(x)} for x in a.via],
        "cue": _span(a.cue),
        "content": _span(c.content),
        "hedged": a.hedged,
        "hedge": _span(a.hedge),
        "rule": a.rule,
        "verdict": v.label,
        "reason": v.reason,
        "evidence": [
            {
                "claim_id": e.claim_id,
                "text": e.text,
                "source": {"id": e.source_id, "name": e.source_name},
                "published": e.published,
                "url": e.url,
                "score": e.score,
                "relation": e.relation,
                "why": e.why,
            }
            for e in v.evidence
        ],
    }


def report_dict(report: Report, registry: Registry) -> dict[str, Any]:
    d = report.document
    publisher = {"id": d.publisher_id, "name": d.publisher_name} if d.publisher_id else None
    if publisher is None and d.publisher_text:
        publisher = {"id": None, "name": d.publisher_text}
    return {
        "version": VERSION,
        "document": {
            "path": d.path,
            "language": d.language,
            "publisher": publisher,
            "published": d.published,
        },
        "claims": [claim_dict(c, registry) for c in report.claims],
        "skipped": [
            {
                "start": s.span.start,
                "end": s.span.end,
                "line": s.line,
                "text": s.span.text,
                "reason": s.reason,
            }
            for s in report.skipped
        ],
        "summary": report.summary,
    }


def render_json(report: Report, registry: Registry) -> str:
    return json.dumps(report_dict(report, registry), ensure_ascii=False, indent=2)


def render_jsonl(report: Report, registry: Registry) -> str:
    path = report.document.path
    return "\n".join(
        json.dumps({"path": path, **claim_dict(c, registry)}, ensure_ascii=False) for c in report.claims
    )
