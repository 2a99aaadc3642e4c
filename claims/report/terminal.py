"""The colour-coded terminal view (rich is imported here and in the CLI only).

Article text is never parsed as markup: it is put into ``Text`` objects and styled by offsets. Nor is it
ever control codes: every string from an article, the database or the registry passes through
:func:`claims.report.visible.visible` (escape sequences, C1 codes and bidi overrides are shown, not obeyed).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from claims.registry import Registry
from claims.report import Decisions, RenderOptions, each
from claims.report.visible import visible, visible_pieces
from claims.types import (
    ANONYMOUS,
    UNATTRIBUTED,
    UNREGISTERED,
    VERDICTS,
    CheckedClaim,
    Evidence,
    Report,
    Skipped,
    same_language,
)

# A file report of the terminal view holds the JSON report (see the CLI's --output-dir).
SUFFIX = ".txt"

THEME = Theme(
    {
        "claim.corroborated": "green",
        "claim.disputed": "bold red",
        "claim.single-source": "yellow",
        "verdict.corroborated": "bold black on green",
        "verdict.disputed": "bold white on red",
        "verdict.single-source": "bold black on yellow",
        "source.named": "bold cyan",
        "source.anonymous": "bold magenta",
        "source.unattributed": "bold bright_black",
        "source.mention": "bold underline",
        "cue": "italic underline",
        "hedge": "italic",
        "reason": "bright_black",
        "skipped": "bright_black",
        "header": "bold",
    }
)

_MARK = {"corroborated": "✔", "disputed": "✘", "single-source": "●"}


def make_console(*, no_color: bool = False, width: int | None = None, file=None) -> Console:  # type: ignore[no-untyped-def]
    return Console(theme=THEME, no_color=no_color, width=width, file=file, highlight=False, emoji=False)


def report_view(
    report: Report,
    registry: Registry,
    *,
    bidi: bool = False,
    width: int = 80,
    decisions=None,  # type: ignore[no-untyped-def]
) -> RenderableType:
    """The report for a terminal. ``bidi`` reorders right-to-left text into visual order for terminals that
    do not implement the Unicode bidi algorithm themselves (most terminals show Arabic in logical order)."""
    items: list[tuple[int, RenderableType]] = []
    for c in report.claims:
        decision = (decisions or {}).get(c.claim.id)
        items.append((c.claim.span.start, _claim(c, registry, width - 6 if bidi else 0, decision)))
    for s in report.skipped:
        items.append((s.span.start, _skipped(s, bidi)))
    items.sort(key=lambda x: x[0])
    shown = _line_shower(bidi)
    title = Text(shown(report.document.path), style="header")
    meta = []
    if report.document.publisher_name or report.document.publisher_text:
        meta.append(f"publisher: {report.document.publisher_name or report.document.publisher_text}")
    if report.document.published:
        meta.append(f"published: {report.document.published}")
    meta.append(f"language: {report.document.language}")
    title.append("  " + shown(" · ".join(meta)), style="reason")
    return Group(title, Text(""), *(r for _, r in items), Text(""), summary_table(report), legend())


def _line_shower(bidi: bool):  # type: ignore[no-untyped-def]
    """How a one-line string reaches the terminal: made visible, and in visual order with ``--bidi``."""
    return _visual if bidi else visible


def _source_badge(c: CheckedClaim, registry: Registry, bidi: bool = False) -> Text:
    a = c.claim.attribution
    shown = _line_shower(bidi)
    badge = Text()
    if a.source_id == UNATTRIBUTED:
        badge.append("unattributed", style="source.unattributed")
        badge.append(" (the author's own voice)", style="reason")
        return badge
    if a.source_id == ANONYMOUS:
        badge.append("anonymous", style="source.anonymous")
        if a.mention:
            badge.append(f" «{shown(a.mention.text)}»", style="reason")
    elif a.source_id == UNREGISTERED:
        badge.append(shown(a.source_name or "unregistered"), style="source.named")
        badge.append(" (not in the registry)", style="reason")
    else:
        src = registry.get(a.source_id)
        badge.append(shown(src.name if src else a.source_id), style="source.named")
        if src:
            badge.append(f" ({shown(src.kind)})", style="reason")
    for via in a.via:
        badge.append(" via ", style="reason")
        badge.append(shown(registry.name_of(via)), style="source.named")
    if a.hedged:
        badge.append("  hedged", style="hedge")
    return badge


def _visual(text: str, width: int = 0) -> str:
    """Text in visual order (right-to-left runs reversed), made visible first: wrapped in logical order,
    then each line reordered, so the first line of a paragraph stays on top. Left-to-right text is
    unchanged, so any line may go through it."""
    import textwrap

    from bidi import get_display

    text = visible(text)
    lines = textwrap.wrap(text, width) if width > 0 else [text]
    return "\n".join(get_display(line) for line in lines)


def _rtl(text: str) -> bool:
    """Whether ``text`` starts (its first strong character) right-to-left."""
    import unicodedata

    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def _claim(c: CheckedClaim, registry: Registry, bidi_width: int = 0, decision=None) -> RenderableType:  # type: ignore[no-untyped-def]
    claim, verdict = c.claim, c.verdict
    head = Text()
    head.append(f"{claim.line:>3} ", style="reason")
    head.append(f" {_MARK[verdict.label]} {verdict.label} ", style=f"verdict.{verdict.label}")
    head.append("  ")
    bidi = bool(bidi_width)
    shown = _line_shower(bidi)
    head.append_text(_source_badge(c, registry, bidi))
    a = claim.attribution
    if bidi:  # reordered text: offsets no longer line up, so only the verdict colour is kept
        body = Text(_visual(claim.span.text, bidi_width), style=f"claim.{verdict.label}", justify="right")
    else:
        base = claim.span.start
        styled = [
            (span.start - base, span.end - base, style)
            for span, style in ((a.mention, "source.mention"), (a.cue, "cue"), (a.hedge, "hedge"))
            if span and claim.span.start <= span.start and span.end <= claim.span.end
        ]
        text, where = visible_pieces(
            claim.span.text, [x for s, e, _ in styled for x in (s, e)], newlines=True
        )
        body = Text(text, style=f"claim.{verdict.label}")
        for start, end, style in styled:
            body.stylize(style, where[start], where[end])
    lines: list[RenderableType] = [head, Padding(body, (0, 0, 0, 5))]
    reason = Text(shown(verdict.reason), style="reason")
    lines.append(Padding(reason, (0, 0, 0, 5)))
    if decision is not None:  # the editor's word, beside the automatic verdict
        d = Text("editor: ", style="header")
        d.append(f" {decision.verdict} ", style=f"verdict.{decision.verdict}")
        who = (
            f" ({decision.editor}, {decision.created_at[:10]})"
            if decision.editor
            else f" ({decision.created_at[:10]})"
        )
        d.append(f" {shown(decision.note)}{shown(who)}")
        lines.append(Padding(d, (0, 0, 0, 5)))
    for e in verdict.evidence:
        lines.extend(_evidence(e, bidi_width, claim.language))
    return Group(*lines)


def _evidence(e: Evidence, bidi_width: int = 0, language: str | None = None) -> list[RenderableType]:
    """One stored claim used as evidence: relation, source, date, score and why, then its text, marked
    ``[en]`` when its language is not the claim's (``language``). With ``--bidi`` the text goes on lines of
    its own, reordered like the claim's."""
    shown = _line_shower(bool(bidi_width))
    ev = Text(
        f"{e.relation}: ", style=f"claim.{'disputed' if e.relation == 'contradicts' else 'corroborated'}"
    )
    ev.append(
        f"{shown(e.source_name)}, {e.published or 'undated'}, score {e.score:.0f} — {shown(e.why)}: ",
        style="reason",
    )
    if e.language and language and not same_language(e.language, language):
        ev.append(f"[{visible(e.language)}] ", style="header")
    if not bidi_width:
        ev.append(visible(e.text, newlines=True))
        return [Padding(ev, (0, 0, 0, 7))]
    body = Text(_visual(e.text, bidi_width - 2), justify="right" if _rtl(e.text) else "left")
    return [Padding(ev, (0, 0, 0, 7)), Padding(body, (0, 0, 0, 7))]


def _skipped(s: Skipped, bidi: bool = False) -> RenderableType:
    t = Text(f"{s.line:>3}  ", style="skipped")
    t.append(f"[{visible(s.reason)}] ", style="skipped")
    t.append(_visual(s.span.text) if bidi else visible(s.span.text), style="skipped")
    t.no_wrap = True
    t.overflow = "ellipsis"
    return t


def summary_table(report: Report) -> Table:
    s = report.summary
    table = Table(title="Summary", title_justify="left", show_header=True, header_style="header")
    table.add_column("claims", justify="right")
    for label in VERDICTS:
        table.add_column(label, justify="right", style=f"claim.{label}")
    table.add_column("unattributed", justify="right")
    table.add_column("anonymous", justify="right")
    table.add_column("hedged", justify="right")
    anonymous = sum(1 for c in report.claims if c.claim.attribution.source_id == ANONYMOUS)
    hedged = sum(1 for c in report.claims if c.claim.attribution.hedged)
    table.add_row(
        str(s["claims"]),
        *(str(s[label]) for label in VERDICTS),
        str(s["unattributed"]),
        str(anonymous),
        str(hedged),
    )
    return table


def legend() -> Text:
    t = Text("Legend: ", style="reason")
    for label in VERDICTS:
        t.append(f" {_MARK[label]} {label} ", style=f"verdict.{label}")
        t.append(" ")
    t.append(" source ", style="source.named")
    t.append(" anonymous ", style="source.anonymous")
    t.append(" unattributed ", style="source.unattributed")
    t.append(" cue", style="cue")
    return t


def overall_table(reports: list[Report]) -> Table:
    """The summary over several articles, printed after their reports."""
    table = Table(
        title=f"All {len(reports)} articles checked",
        title_justify="left",
        show_header=True,
        header_style="header",
    )
    table.add_column("claims", justify="right")
    for label in VERDICTS:
        table.add_column(label, justify="right", style=f"claim.{label}")
    table.add_column("unattributed", justify="right")
    total = {key: sum(r.summary[key] for r in reports) for key in ("claims", *VERDICTS, "unattributed")}
    table.add_row(*(str(v) for v in total.values()))
    return table


def render(
    reports: Sequence[Report], registry: Registry, decisions: Decisions, options: RenderOptions
) -> str:
    """The terminal view of the reports, with colours when stdout is a terminal (and colours are wanted)."""
    console = make_console(no_color=options.no_color or bool(os.environ.get("NO_COLOR")), width=options.width)
    with console.capture() as captured:
        for r, d in each(reports, decisions):
            console.print(report_view(r, registry, bidi=options.bidi, width=console.width, decisions=d))
    return captured.get()
