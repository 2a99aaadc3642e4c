"""The report as contract version 1 JSON (and one claim per line for pipelines)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from claims.registry import Registry
from claims.report import Decisions, RenderOptions, each
from claims.types import ANONYMOUS, UNATTRIBUTED, UNREGISTERED, CheckedClaim, Report, Source, Span

if TYPE_CHECKING:
    from claims.store.db import EditorDecision

SUFFIX = ".json"

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


def decision_dict(decision: EditorDecision | None) -> dict[str, Any] | None:
    """An editor's decision as the report shows it beside the automatic verdict."""
    if decision is None:
        return None
    return {
        "verdict": decision.verdict,
        "note": decision.note,
        "editor": decision.editor,
        "at": decision.created_at,
    }


def registry_entry(source: Source) -> dict[str, Any]:
    """A registry entry as JSON (`claims sources --json`, `GET /v1/sources`)."""
    return {
        "id": source.id,
        "name": source.name,
        "name_ar": source.name_ar,
        "kind": source.kind,
        "country": source.country,
        "group": source.group,
        "medium": source.medium,
        "aliases": list(source.aliases),
    }


def claim_dict(
    item: CheckedClaim, registry: Registry, decisions: Mapping[str, EditorDecision] | None = None
) -> dict[str, Any]:
    """One claim of the report. With ``decisions`` (claim id -> editor's decision, see
    ``claims.decisions.decisions_for_report``) the claim also has ``"decision"``: the editor's decision, or
    null; without, the dict has no ``decision`` key at all."""
    c, v = item.claim, item.verdict
    a = c.attribution
    source = source_dict(a.source_id, registry, a.source_name)
    source["mention"] = _span(a.mention)
    out = {
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
                "language": e.language,
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
    if decisions is not None:
        out["decision"] = decision_dict(decisions.get(c.id))
    return out


def report_dict(
    report: Report, registry: Registry, decisions: Mapping[str, EditorDecision] | None = None
) -> dict[str, Any]:
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
        "claims": [claim_dict(c, registry, decisions) for c in report.claims],
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


def render_json(
    report: Report, registry: Registry, decisions: Mapping[str, EditorDecision] | None = None
) -> str:
    return json.dumps(report_dict(report, registry, decisions), ensure_ascii=False, indent=2)


def render_jsonl(
    report: Report, registry: Registry, decisions: Mapping[str, EditorDecision] | None = None
) -> str:
    path = report.document.path
    return "\n".join(
        json.dumps({"path": path, **claim_dict(c, registry, decisions)}, ensure_ascii=False)
        for c in report.claims
    )


def render(
    reports: Sequence[Report], registry: Registry, decisions: Decisions, options: RenderOptions
) -> str:
    """One report as a JSON object; several as a JSON array of them."""
    pairs = each(reports, decisions)
    if len(pairs) == 1:
        return render_json(pairs[0][0], registry, pairs[0][1]) + "\n"
    dicts = [report_dict(r, registry, d) for r, d in pairs]
    return json.dumps(dicts, ensure_ascii=False, indent=2) + "\n"
