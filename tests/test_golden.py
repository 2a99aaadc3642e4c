"""Golden files of the terminal view at a fixed width, plain and in colour.

Regenerate after an intended change with:  CLAIMS_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

import os
from pathlib import Path

import pytest

from claims.checker import check_text
from claims.report.terminal import report_view
from claims.types import InputText

from .conftest import EXAMPLES, terminal_text

GOLDEN = Path(__file__).parent / "golden"


def _render(name: str, registry, *, color: bool, bidi: bool = False) -> str:
    path = EXAMPLES / name
    report = check_text(
        InputText(path.read_text(encoding="utf-8"), f"data/examples/{name}", "utf-8", "txt"), registry
    )
    return terminal_text(report_view(report, registry, bidi=bidi, width=100), color=color)


@pytest.mark.parametrize(
    ("name", "color", "bidi", "golden"),
    [
        ("ar-russia-dprk-treaty.txt", False, False, "ar-plain.txt"),
        ("ar-russia-dprk-treaty.txt", True, False, "ar-color.ansi"),
        ("ar-russia-dprk-treaty.txt", False, True, "ar-bidi.txt"),
        ("en-dprk-troops-wire.txt", False, False, "en-plain.txt"),
    ],
)
def test_golden_terminal_view(name, color, bidi, golden, registry):
    out = _render(name, registry, color=color, bidi=bidi)
    path = GOLDEN / golden
    if os.environ.get("CLAIMS_UPDATE_GOLDEN"):
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")
