"""Every runnable block of the README and docs/ is executed, so the docs cannot drift.

- A ```bash block right after a `<!-- runnable -->` line: each line runs in a fresh temporary directory
  (with `data/` linked in) and a fresh CLAIMS_HOME per document, in order; a trailing `# exit N` says which
  exit code is expected (default 0).
- A ```python block right after a `<!-- runnable -->` line: the blocks of one document run in order in one
  namespace (like a session at the prompt), in the same kind of directory; their asserts must hold.
- A ```bash block right after a `<!-- runnable: shared -->` line needs `../shared` (the measurement data):
  it runs in a temporary copy of `bench/` beside a link to `../shared`, so the converters write their
  `artifacts/` there. Skipped when `../shared` is absent.
- A ```text block right after a `<!-- output -->` line is what the runnable block before it prints
  (stdout): every line shown must be printed, in order and on consecutive lines, except where a line
  `…` stands for lines left out. Tokens are compared, not columns; a figure shown with fewer decimals
  matches the printed figure rounded to that many (`0.861` matches `0.8609`).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHARED_ROOT = ROOT.parent / "shared"
_BLOCK = re.compile(
    r"<!-- runnable(?P<shared>: shared)? -->\s*\n```(?P<lang>bash|python)\n(?P<code>.*?)```"
    r"(?:\s*<!-- output -->\s*\n```text\n(?P<output>.*?)```)?",
    re.S,
)
_EXIT = re.compile(r"#\s*exit\s+(\d+)\s*$")
_DECIMAL = re.compile(r"-?\d+\.(\d+)")
_ELLIPSIS = {"…", "..."}


@dataclass(frozen=True)
class Block:
    lang: str
    shared: bool
    code: str
    output: str | None
    line: int  # where the block starts in its document, for failure messages

    def commands(self) -> list[str]:
        return [line for line in self.code.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    return [
        Block(m["lang"], bool(m["shared"]), m["code"], m["output"], text.count("\n", 0, m.start()) + 1)
        for m in _BLOCK.finditer(text)
    ]


def runnable_lines(path: Path) -> list[str]:
    return [line for b in blocks(path) if b.lang == "bash" and not b.shared for line in b.commands()]


def _docs_with(lang: str, shared: bool) -> list[Path]:
    return [d for d in DOCS if any(b.lang == lang and b.shared == shared for b in blocks(d))]


# -- comparing what a block prints with what the doc shows ---------------------------------------------


def _same_token(shown: str, printed: str) -> bool:
    if shown == printed:
        return True
    m = _DECIMAL.fullmatch(shown)
    if m is None or _DECIMAL.fullmatch(printed) is None:
        return False
    return f"{float(printed):.{len(m[1])}f}" == shown


def _same_line(shown: str, printed: str) -> bool:
    a, b = shown.split(), printed.split()
    return len(a) == len(b) and all(_same_token(x, y) for x, y in zip(a, b, strict=True))


def _run_at(chunk: list[str], printed: list[str], at: int) -> bool:
    return at + len(chunk) <= len(printed) and all(
        _same_line(s, p) for s, p in zip(chunk, printed[at : at + len(chunk)], strict=True)
    )


def output_matches(shown: str, printed: str) -> bool:
    """Whether ``printed`` is ``shown``, with `…` lines standing for any run of lines."""
    want = [line for line in shown.splitlines() if line.strip()]
    got = [line for line in printed.splitlines() if line.strip()]
    chunks: list[list[str]] = [[]]
    for line in want:
        if line.strip() in _ELLIPSIS:
            chunks.append([])
        else:
            chunks[-1].append(line)
    open_start = bool(want) and want[0].strip() in _ELLIPSIS
    open_end = bool(want) and want[-1].strip() in _ELLIPSIS
    pos = 0
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        if i == 0 and not open_start:
            if not _run_at(chunk, got, 0):
                return False
            pos = len(chunk)
        elif last and not open_end:
            at = len(got) - len(chunk)
            if at < pos or not _run_at(chunk, got, at):
                return False
            pos = len(got)
        elif chunk:
            at = next((j for j in range(pos, len(got)) if _run_at(chunk, got, j)), None)
            if at is None:
                return False
            pos = at + len(chunk)
    return open_end or pos == len(got)


@pytest.mark.parametrize(
    ("shown", "printed", "expected"),
    [
        ("a 0.861\nb 2", "a   0.8609\nb 2\n", True),
        ("a 0.862", "a 0.8609", False),
        ("a\nb", "a\nb\nc", False),
        ("a\n…", "a\nb\nc", True),
        ("…\nc", "a\nb\nc", True),
        ("a\n…\nc", "a\nb\nx\nc", True),
        ("a\nc", "a\nb\nc", False),
        ("a\n…\nd", "a\nb\nc", False),
        ("b 1", "b 1 extra", False),
    ],
)
def test_docs_output_comparison(shown, printed, expected):
    assert output_matches(shown, printed) is expected


def _check_output(doc: Path, block: Block, printed: str) -> None:
    if block.output is not None:
        assert output_matches(block.output, printed), (
            f"{doc.name}:{block.line}: the output shown differs from what the block prints:\n{printed}"
        )


# -- running the blocks ---------------------------------------------------------------------------------


def _env(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "CLAIMS_HOME": str(tmp_path / "home"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "NO_COLOR": "1",
    }
    env.pop("CLAIMS_DB", None)
    return env


def _workdir(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "data").symlink_to(ROOT / "data")
    return work


def _run_bash(doc: Path, block: Block, cwd: Path, env: dict[str, str], timeout: int) -> None:
    printed = []
    for line in block.commands():
        match = _EXIT.search(line)
        expected = int(match.group(1)) if match else 0
        result = subprocess.run(
            ["bash", "-o", "pipefail", "-c", line],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == expected, f"{doc.name}: {line}\n{result.stderr[-2000:]}"
        assert "Traceback" not in result.stderr, f"{doc.name}: {line}\n{result.stderr[-2000:]}"
        printed.append(result.stdout)
    _check_output(doc, block, "".join(printed))


def test_docs_have_runnable_commands():
    assert runnable_lines(ROOT / "README.md")
    assert runnable_lines(ROOT / "docs" / "quickstart.md")
    assert _docs_with("python", False)
    assert _docs_with("bash", True)


@pytest.mark.parametrize("doc", _docs_with("bash", False), ids=lambda d: d.name)
def test_docs_commands_run(doc, tmp_path):
    work = _workdir(tmp_path)
    env = _env(tmp_path)
    for block in blocks(doc):
        if block.lang == "bash" and not block.shared:
            _run_bash(doc, block, work, env, timeout=120)


@pytest.mark.parametrize("doc", _docs_with("python", False), ids=lambda d: d.name)
def test_docs_python_runs(doc, tmp_path, monkeypatch):
    monkeypatch.chdir(_workdir(tmp_path))
    namespace: dict[str, object] = {"__name__": f"docs_{doc.stem}"}
    for block in blocks(doc):
        if block.lang != "python":
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block.code, f"{doc.name}:{block.line}", "exec"), namespace)
        _check_output(doc, block, printed.getvalue())


@pytest.mark.parametrize("doc", _docs_with("bash", True), ids=lambda d: d.name)
def test_docs_measurements_run(doc, tmp_path):
    """The measurement commands and the figures they print; needs ../shared (about 30 s in all)."""
    if not (SHARED_ROOT / "data").is_dir():
        pytest.skip("../shared is not present")
    work = _workdir(tmp_path)
    shutil.copytree(ROOT / "bench", work / "bench", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "shared").symlink_to(SHARED_ROOT)  # the converters' default: <repo>/../shared
    env = _env(tmp_path)
    for block in blocks(doc):
        if block.lang == "bash" and block.shared:
            _run_bash(doc, block, work, env, timeout=600)


def test_docs_every_page_is_linked_from_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pages = sorted(p.name for p in (ROOT / "docs").iterdir() if p.suffix in (".md", ".json"))
    assert [p for p in pages if f"](docs/{p})" not in readme] == []


def test_docs_decide_examples_name_the_claim_their_note_describes(tmp_path, registry):
    """`claims decide FILE#cN --note "..."` in the docs: every source the note names is the claim's own
    source or one of its evidence (checked against the demo claims, as the README runs it), so the
    example decides the claim its note is about."""
    import json
    import shlex

    from typer.testing import CliRunner

    from claims.cli import app

    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    imported = runner.invoke(app, ["import", "data/examples/demo-claims.jsonl", "--db", db])
    assert imported.exit_code == 0, imported.output
    import typer.main

    decide_help = typer.main.get_command(app).commands["decide"].help
    lines = [line for doc in DOCS for line in runnable_lines(doc)]
    lines += [line.strip().removeprefix("Example: ") for line in decide_help.splitlines()]
    examples = [shlex.split(line) for line in lines if line.startswith("claims decide ") and "#c" in line]
    assert len(examples) >= 2  # the README's and the help's
    for argv in examples:
        article, claim_id = argv[2].split("#")
        note = argv[argv.index("--note") + 1]
        named = {
            s.id
            for s in registry
            if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", note) for n in s.names if len(n) > 2)
        }
        assert named, f"the note {note!r} names no source"
        result = runner.invoke(app, ["check", str(ROOT / article), "--db", db, "--format", "json"])
        claim = next(c for c in json.loads(result.stdout)["claims"] if c["id"] == claim_id)
        involved = {
            claim["source"]["id"],
            *(v["id"] for v in claim["via"]),
            *(e["source"]["id"] for e in claim["evidence"]),
        }
        assert named <= involved, f"{argv[2]}: {claim['text']!r}; its sources are {sorted(involved)}"
