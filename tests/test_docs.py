"""Every command line in a runnable block of the README and docs/ is executed, so the docs cannot drift.

A runnable block is a ```bash fence right after a `<!-- runnable -->` line. Each line runs in a fresh
temporary directory (with `data/` linked in) and a fresh CLAIMS_HOME per document, in order; a trailing
`# exit N` says which exit code is expected (default 0).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"<!-- runnable -->\s*\n```bash\n(.*?)```", re.S)
_EXIT = re.compile(r"#\s*exit\s+(\d+)\s*$")


def runnable_lines(path: Path) -> list[str]:
    lines = []
    for block in _BLOCK.findall(path.read_text(encoding="utf-8")):
        lines += [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return lines


def test_docs_have_runnable_commands():
    assert runnable_lines(ROOT / "README.md")
    assert runnable_lines(ROOT / "docs" / "quickstart.md")


@pytest.mark.parametrize("doc", [d for d in DOCS if runnable_lines(d)], ids=lambda d: d.name)
def test_docs_commands_run(doc, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "data").symlink_to(ROOT / "data")
    env = {
        **os.environ,
        "CLAIMS_HOME": str(tmp_path / "home"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "NO_COLOR": "1",
    }
    env.pop("CLAIMS_DB", None)
    for line in runnable_lines(doc):
        match = _EXIT.search(line)
        expected = int(match.group(1)) if match else 0
        result = subprocess.run(
            ["bash", "-o", "pipefail", "-c", line],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == expected, f"{doc.name}: {line}\n{result.stderr[-2000:]}"
        assert "Traceback" not in result.stderr, f"{doc.name}: {line}\n{result.stderr[-2000:]}"
