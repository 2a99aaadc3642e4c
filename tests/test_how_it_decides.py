"""The examples in the tables of docs/how-it-decides.md, run: what is skipped, who said it, how evidence relates.

Each table cell holding `` `text` → result `` is one example. The section says how to read it:

- "What is not a claim": `line` → the reason it is skipped (and no claim is found in it);
- "Cues and rules": `sentences` → the claims found, `+` between them, each `source[ via a, b][, hedged][ (rule)]`;
- "Finding evidence": `claim` / `evidence`[ (rated R)] → `label: the start of the why`.
"""

from __future__ import annotations

import re

import pytest

from claims.checker import check_text
from claims.match.relation import relate
from claims.types import InputText

from .conftest import ROOT

DOC = ROOT / "docs" / "how-it-decides.md"
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_LAYOUT = re.compile(r"`((?:[^`])+)`\s*→\s*([a-z-]+)")
_ATTRIBUTION = re.compile(r"`(.+)`\s*→\s*(.+)")
_RELATION = re.compile(r"`(.+?)`\s*/\s*`(.+?)`(?:\s*\(rated ([^)]+)\))?\s*→\s*(\w+):\s*(.+)")
_CLAIM = re.compile(r"([a-z0-9-]+)(?: via ([a-z0-9, -]+?))?(, hedged)?(?: \(([a-z+-]+)\))?")


def _cells(section: str) -> list[str]:
    """The cells of the table rows in the section of the doc whose heading starts with ``section``."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"\n## {section}")
    end = text.find("\n## ", start + 1)
    cells = []
    for line in text[start : end if end > 0 else None].splitlines():
        line = line.strip()
        if line.startswith("|") and "→" in line:
            cells += [c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(line.strip("|"))]
    return cells


def _layout_examples() -> list[tuple[str, str]]:
    return [m.groups() for cell in _cells("What is not a claim") for m in _LAYOUT.finditer(cell)]


def _attribution_examples() -> list[tuple[str, str]]:
    return [m.groups() for c in _cells("Cues and rules") if (m := _ATTRIBUTION.fullmatch(c))]


def _relation_examples() -> list[tuple[str, str, str | None, str, str]]:
    return [m.groups() for c in _cells("Finding evidence") if (m := _RELATION.fullmatch(c))]


def _check(text: str, registry):
    return check_text(InputText(text, "-", "utf-8", "txt"), registry)


def test_how_it_decides_has_examples_in_both_languages():
    def arabic(text: str) -> bool:
        return any("\u0600" <= ch <= "\u06ff" for ch in text)

    for examples, least in (
        (_layout_examples(), 12),
        (_attribution_examples(), 30),
        (_relation_examples(), 16),
    ):
        texts = [e[0] for e in examples]
        assert len(texts) >= least
        assert any(arabic(t) for t in texts) and any(not arabic(t) for t in texts)


@pytest.mark.parametrize(("line", "reason"), _layout_examples())
def test_how_it_decides_skips(line, reason, registry):
    report = _check(line, registry)
    assert [s.reason for s in report.skipped] == [reason]
    assert report.claims == ()


@pytest.mark.parametrize(("text", "result"), _attribution_examples())
def test_how_it_decides_attribution(text, result, registry):
    expected = []
    for claim in result.split(" + "):
        m = _CLAIM.fullmatch(claim.strip())
        assert m, f"cannot read {claim!r}"
        source, via, hedged, rule = m.groups()
        expected.append((source, via.split(", ") if via else [], bool(hedged), rule))
    got = [
        (a.source_id, list(a.via), a.hedged, a.rule)
        for a in (c.claim.attribution for c in _check(text, registry).claims)
    ]
    assert len(got) == len(expected), got
    for (source, via, hedged, rule), (g_source, g_via, g_hedged, g_rule) in zip(expected, got, strict=True):
        assert (source, via, hedged) == (g_source, g_via, g_hedged), got
        if rule is not None:
            assert rule == g_rule, got


@pytest.mark.parametrize(("claim", "evidence", "rating", "label", "why"), _relation_examples())
def test_how_it_decides_relation(claim, evidence, rating, label, why):
    relation = relate(claim, evidence, rating=rating)
    assert (relation.label, relation.why[: len(why)]) == (label, why), relation.why
