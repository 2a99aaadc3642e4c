"""One claim per line (JSON), for pipelines: each line is a claim of the version-1 report and its path."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from claims.report import Decisions, RenderOptions, each
from claims.report.json import render_jsonl

if TYPE_CHECKING:
    from claims.registry import Registry
    from claims.types import Report

SUFFIX = ".jsonl"


def render(
    reports: Sequence[Report], registry: Registry, decisions: Decisions, options: RenderOptions
) -> str:
    return "".join(render_jsonl(r, registry, d) + "\n" for r, d in each(reports, decisions) if r.claims)
