"""One self-contained HTML page: the article with every claim highlighted by verdict.

All article text is escaped (``html.escape``); the details of each claim travel as JSON inside a
``<script type="application/json">`` block with ``<`` escaped, and the page's script writes them with
``textContent`` only, so nothing from an article can become markup or code.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from claims.errors import UsageError
from claims.registry import Registry
from claims.report import Decisions, RenderOptions, each
from claims.report.json import report_dict
from claims.types import VERDICTS, Report

if TYPE_CHECKING:
    from claims.store.db import EditorDecision

SUFFIX = ".html"

_STYLE = """
body{font:16px/1.7 system-ui,'Noto Naskh Arabic','Segoe UI',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
header{border-bottom:1px solid #ddd;margin-bottom:1rem}
.summary span{display:inline-block;margin:0 .4rem .4rem 0;padding:.1rem .5rem;border-radius:.3rem}
mark{border-radius:.2rem;padding:0 .1rem;cursor:pointer;color:inherit}
mark.corroborated{background:#cdeccd}mark.disputed{background:#f8c9c4}mark.single-source{background:#fdf0b8}
mark.unattributed{text-decoration:underline dotted}
span.corroborated{background:#cdeccd}span.disputed{background:#f8c9c4}span.single-source{background:#fdf0b8}
mark:focus,mark.active{outline:2px solid #333}
.decision{font-size:.85rem;margin:0 .3rem;padding:0 .3rem;border:1px solid #555;border-radius:.3rem}
.skipped{color:#888}.legend{color:#555;font-size:.9rem}
p{margin:.4rem 0}
#details{position:sticky;bottom:0;background:#fafafa;border-top:2px solid #333;padding:.6rem 1rem;min-height:3rem}
#details[hidden]{display:none}
#details h2{font-size:1rem;margin:.2rem 0}
#details li{margin:.2rem 0}
"""

_SCRIPT = """
const data = JSON.parse(document.getElementById('claims-data').textContent);
const byId = Object.fromEntries(data.claims.map(c => [c.id, c]));
const panel = document.getElementById('details');
function show(id) {
  const c = byId[id]; if (!c) return;
  document.querySelectorAll('mark.active').forEach(m => m.classList.remove('active'));
  document.querySelectorAll('mark[data-claim="' + id + '"]').forEach(m => m.classList.add('active'));
  panel.replaceChildren();
  const h = document.createElement('h2');
  h.textContent = c.verdict + ' — ' + (c.source.name || c.source.id) +
    c.via.map(v => ' via ' + v.name).join('') + (c.hedged ? ' (hedged)' : '');
  const reason = document.createElement('p'); reason.className = 'reason'; reason.textContent = c.reason;
  panel.append(h, reason);
  if (c.decision) {
    const d = document.createElement('p'); d.className = 'decision-detail';
    d.textContent = 'editor: ' + c.decision.verdict + ' — ' + c.decision.note +
      ' (' + (c.decision.editor ? c.decision.editor + ', ' : '') + c.decision.at.slice(0, 10) + ')';
    panel.append(d);
  }
  if (c.cue) { const p = document.createElement('p'); p.textContent = 'cue: ' + c.cue.text; panel.append(p); }
  if (c.evidence.length) {
    const ul = document.createElement('ul'); ul.className = 'evidence';
    for (const e of c.evidence) {
      const li = document.createElement('li');
      li.textContent = e.relation + ': ' + e.source.name + ', ' + (e.published || 'undated') +
        ' (score ' + Math.round(e.score) + ', ' + e.why + '): ';
      // the evidence's own direction and language: an English statement beside an Arabic claim
      const text = document.createElement('span');
      text.setAttribute('dir', 'auto');
      if (e.language) text.setAttribute('lang', e.language);
      text.textContent = e.text;
      li.append(text);
      ul.append(li);
    }
    panel.append(ul);
  }
  panel.hidden = false;
}
document.querySelectorAll('mark[data-claim]').forEach(m => {
  m.addEventListener('click', () => show(m.dataset.claim));
  m.addEventListener('keydown', ev => { if (ev.key === 'Enter') show(m.dataset.claim); });
});
"""


def render_html(
    report: Report, registry: Registry, decisions: Mapping[str, EditorDecision] | None = None
) -> str:
    """The page; with ``decisions`` (claim id -> editor's decision) each decided claim is followed by a
    visible ``editor: <verdict> — <note>`` mark, and its details say who decided and when."""
    data = report_dict(report, registry, decisions)
    s = report.summary
    e = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>claims: {e(report.document.path)}</title><style>{_STYLE}</style></head><body>",
        f'<header><h1 dir="auto">{e(report.document.path)}</h1><p class="summary">',
        f"<span>{s['claims']} claims</span>",
        *(f'<span class="{v}">{s[v]} {v}</span>' for v in VERDICTS),
        f"<span>{s['unattributed']} unattributed</span></p>",
        '<p class="legend">Click a claim for its source, relay chain, evidence and reason. '
        "Dotted underline: no source named (the author's own voice). Grey: not a claim.</p></header>",
        "<main>",
        *_paragraphs(report, decisions or {}),
        "</main>",
        '<aside id="details" hidden aria-live="polite"></aside>',
        f'<script type="application/json" id="claims-data">{_json_for_script(data)}</script>',
        f"<script>{_SCRIPT}</script>",
        "</body></html>",
    ]
    return "\n".join(parts)


def _json_for_script(data: dict) -> str:
    # "<" escaped: "</script>" inside article text cannot close the block
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def _decision_mark(decision: EditorDecision) -> str:
    return (
        f'<span class="decision {html.escape(decision.verdict)}">editor: {html.escape(decision.verdict)}'
        f" — <bdi>{html.escape(decision.note)}</bdi></span>"
    )


def _paragraphs(report: Report, decisions: Mapping[str, EditorDecision]) -> list[str]:
    text = report.text
    marks: list[tuple[int, int, str]] = []
    after: dict[int, str] = {}  # claim start -> what follows the claim's mark
    for item in report.claims:
        c = item.claim
        classes = item.verdict.label + ("" if c.attribution.attributed else " unattributed")
        marks.append((c.span.start, c.span.end, f'<mark class="{classes}" data-claim="{c.id}" tabindex="0">'))
        if (decision := decisions.get(c.id)) is not None:
            after[c.span.start] = _decision_mark(decision)
    for sk in report.skipped:
        marks.append((sk.span.start, sk.span.end, f'<span class="skipped" title="{html.escape(sk.reason)}">'))
    marks.sort()
    out: list[str] = []
    line_start = 0
    for line in text.splitlines(keepends=True):
        line_end = line_start + len(line)
        body = line.rstrip("\r\n")
        if body.strip():
            pieces = []
            pos = line_start
            for start, end, opening in marks:
                if start < line_start or start >= line_start + len(body):
                    continue
                pieces.append(html.escape(text[pos:start]))
                closing = "</mark>" if opening.startswith("<mark") else "</span>"
                pieces.append(opening + html.escape(text[start:end]) + closing + after.get(start, ""))
                pos = end
            pieces.append(html.escape(text[pos : line_start + len(body)]))
            out.append(f'<p dir="auto">{"".join(pieces)}</p>')
        line_start = line_end
    return out


def render(
    reports: Sequence[Report], registry: Registry, decisions: Decisions, options: RenderOptions
) -> str:
    """One page: for one article only."""
    if len(reports) > 1:
        raise UsageError("--format html makes one page per article: check one file at a time")
    ((report, decided),) = each(reports, decisions)
    return render_html(report, registry, decided) + "\n"
