"""The report as Markdown, for a pull request or a CMS comment. Article text is escaped, and its control
characters are shown (``claims.report.visible``), since Markdown is often read in a terminal."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from claims.registry import Registry
from claims.report import Decisions, RenderOptions, each
from claims.report.json import source_dict
from claims.report.visible import visible
from claims.types import VERDICTS, Evidence, Report, same_language

if TYPE_CHECKING:
    from claims.store.db import EditorDecision

SUFFIX = ".md"

_MARK = {"corroborated": "✅", "disputed": "❌", "single-source": "⚠️"}
_SPECIAL = re.compile(r"([\\`*_\[\]|<>~])")


def md_escape(text: str) -> str:
    """Text that Markdown shows literally: no links, emphasis, tables or HTML from an article."""
    return _SPECIAL.sub(r"\\\1", visible(text.replace("\n", " ")))


def render_markdown(
    report: Report, registry: Registry, decisions: Mapping[str, EditorDecision] | None = None
) -> str:
    """The report as Markdown; with ``decisions`` (claim id -> editor's decision) the verdict cell of a
    decided claim also says ``editor: <verdict> — <note>``."""
    d = report.document
    s = report.summary
    lines = [f"## claims: {md_escape(d.path)}", ""]
    meta = [f"language {d.language}"]
    if d.publisher_name or d.publisher_text:
        meta.append(f"publisher {md_escape(d.publisher_name or d.publisher_text or '')}")
    if d.published:
        meta.append(f"published {d.published}")
    lines += [" · ".join(meta), ""]
    lines.append("| claims | " + " | ".join(VERDICTS) + " | unattributed |")
    lines.append("|---:|" + "---:|" * (len(VERDICTS) + 1))
    lines.append(
        f"| {s['claims']} | " + " | ".join(str(s[v]) for v in VERDICTS) + f" | {s['unattributed']} |"
    )
    lines.append("")
    lines.append("| | line | claim | source | verdict | reason |")
    lines.append("|---|---:|---|---|---|---|")
    for item in report.claims:
        c, v = item.claim, item.verdict
        src = source_dict(c.attribution.source_id, registry, c.attribution.source_name)
        who = src["name"] + "".join(f" via {registry.name_of(x)}" for x in c.attribution.via)
        if c.attribution.hedged:
            who += " (hedged)"
        verdict = v.label
        if decisions and (decision := decisions.get(c.id)) is not None:
            verdict += f" · **editor: {decision.verdict}** — {md_escape(decision.note)}"
        lines.append(
            f"| {_MARK[v.label]} | {c.line} | {md_escape(c.span.text)} | {md_escape(who)} | {verdict} | "
            f"{md_escape(v.reason)}{_foreign_evidence(c.language, v.evidence)} |"
        )
    return "\n".join(lines) + "\n"


def _foreign_evidence(language: str, evidence: Sequence[Evidence]) -> str:
    """The evidence in another language than the claim's, after the reason: `` · [en] supports, TASS:
    text``. A reader cannot guess it from the claim's words, so it is quoted (the table lists no other
    evidence)."""
    return "".join(
        f" · \\[{md_escape(e.language)}\\] {e.relation}, {md_escape(e.source_name)}: {md_escape(e.text)}"
        for e in evidence
        if e.language and not same_language(e.language, language)
    )


def render(
    reports: Sequence[Report], registry: Registry, decisions: Decisions, options: RenderOptions
) -> str:
    return "\n".join(render_markdown(r, registry, d) for r, d in each(reports, decisions)) + "\n"
