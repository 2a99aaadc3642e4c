"""The renderers of a report, found by format name.

Every format module exposes ``SUFFIX`` (the file name ending of its reports) and
``render(reports, registry, decisions, options) -> str``: the text of the reports of one run, exactly as
it is printed or written to a file. ``decisions`` holds one mapping of claim id to editor's decision per
report (or is None). Modules are imported when asked for, so that ``claims --help`` loads none of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from claims.registry import Registry
    from claims.store.db import EditorDecision
    from claims.types import Report

Decisions = Sequence[Mapping[str, "EditorDecision"] | None] | None


@dataclass(frozen=True)
class RenderOptions:
    """What only the terminal view uses: colours, width, bidi reordering."""

    no_color: bool = False
    width: int | None = None
    bidi: bool = False


class ReportFormat(Protocol):
    SUFFIX: str

    def render(
        self, reports: Sequence[Report], registry: Registry, decisions: Decisions, options: RenderOptions
    ) -> str: ...


FORMATS: dict[str, str] = {
    "rich": "claims.report.terminal",
    "json": "claims.report.json",
    "jsonl": "claims.report.jsonl",
    "csv": "claims.report.csv",
    "markdown": "claims.report.markdown",
    "html": "claims.report.html",
}


def report_format(name: str) -> ReportFormat:
    """The module of format ``name`` (one of :data:`FORMATS`)."""
    return importlib.import_module(FORMATS[name])  # type: ignore[return-value]


def each(
    reports: Sequence[Report], decisions: Decisions
) -> list[tuple[Report, Mapping[str, EditorDecision] | None]]:
    """The reports, each with its decisions (None when there are none)."""
    return list(zip(reports, decisions or [None] * len(reports), strict=True))
