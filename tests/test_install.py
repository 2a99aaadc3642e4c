"""Set-up: what `pip install -e .` brings with the pip that Python 3.11+ ships, and what CI runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from importlib import metadata

import pytest

from .conftest import ROOT

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _dependencies() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]


def _canonical(requirement: str) -> str:
    """The distribution a requirement names, normalised as PyPI does (lxml_html_clean == lxml-html-clean)."""
    match = _NAME.match(requirement.strip())
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group()).lower()


def test_html_extraction_needs_the_lxml_cleaner_as_a_direct_dependency():
    """trafilatura imports lxml.html.clean, a separate project since lxml 5.2. Asked for as lxml's extra
    (`lxml[html_clean]`), pip 23.2 (bundled with Python 3.11) warns that lxml 6 has no such extra and
    leaves it out, so every .html article failed. A direct dependency installs with any pip."""
    names = {_canonical(r) for r in _dependencies()}
    assert "lxml-html-clean" in names
    assert [r for r in _dependencies() if _canonical(r) == "lxml" and "[" in r] == []


def test_every_direct_dependency_is_installed():
    missing = []
    for requirement in _dependencies():
        try:
            metadata.distribution(_canonical(requirement))
        except metadata.PackageNotFoundError:
            missing.append(requirement)
    assert missing == []


def test_check_an_html_page_after_install(tmp_path):
    """The installed command reads a web page as a reader would: the article, not the menu."""
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Troops at the border</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        "<article><h1>Troops at the border</h1>"
        "<p>The South Korean defence ministry said on Monday that North Korean troops had crossed into "
        "the Kursk region, according to a statement carried by Yonhap.</p>"
        "<p>قالت وزارة الخارجية الروسية إن المعاهدة دخلت حيز التنفيذ يوم الأربعاء.</p>"
        "</article><footer>All rights reserved</footer></body></html>",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "claims", "check", str(page), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    texts = " ".join(c["text"] for c in report["claims"])
    assert "North Korean troops had crossed into the Kursk region" in texts
    assert "المعاهدة دخلت حيز التنفيذ" in texts
    assert "All rights reserved" not in texts


# -- CI runs the README's commands as written ------------------------------------------------------------

_FENCE = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)


def readme_setup_commands() -> list[str]:
    """The commands of the README's first two ```bash blocks: set-up + example, then set-up + tests."""
    found = _FENCE.findall((ROOT / "README.md").read_text(encoding="utf-8"))[:2]
    return [
        line
        for block in found
        for line in block.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_readme_starts_with_a_setup_and_a_test_command():
    setup, tests = readme_setup_commands()
    assert setup.startswith("python3 -m venv .venv && ") and "pip install -e ." in setup
    assert "claims check data/examples/ar-russia-dprk-treaty.txt" in setup
    assert tests.startswith("python3 -m venv .venv && ") and tests.endswith("python -m pytest")


def _ci_script() -> str:
    return (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_ci_runs_the_readme_commands_as_written():
    """CI takes the README's set-up and test commands from the README itself, so a README that does not
    work on a fresh machine fails CI, and the two cannot drift apart: no command of the README is
    restated in .ci/run, and nothing is installed there that the README does not install."""
    script = _ci_script()
    assert "README.md" in script
    for command in readme_setup_commands():
        assert command not in script
    code = [line for line in script.splitlines() if not line.lstrip().startswith("#")]
    pip_lines = [line for line in code if re.search(r"\bpip\b", line)]
    assert pip_lines == []
    assert not any(re.search(r"\bpytest\b", line) for line in code)


def test_ci_extracts_exactly_the_readme_commands(tmp_path):
    """The extraction step of .ci/run, run on the real README, yields the commands the README shows."""
    script = _ci_script()
    match = re.search(r"^readme_commands\(\) \{\n.*?^\}\n", script, re.S | re.M)
    assert match, ".ci/run has no readme_commands function"
    result = subprocess.run(
        ["bash", "-c", match.group() + "readme_commands README.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == readme_setup_commands()


def test_ci_extraction_fails_on_a_readme_without_the_blocks(tmp_path):
    script = _ci_script()
    match = re.search(r"^readme_commands\(\) \{\n.*?^\}\n", script, re.S | re.M)
    assert match
    readme = tmp_path / "README.md"
    readme.write_text("# claims\n\nNo commands here.\n", encoding="utf-8")
    result = subprocess.run(
        ["bash", "-c", match.group() + f"readme_commands {readme}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "README" in result.stderr


def test_the_readme_demo_database_is_ignored_by_git():
    """The README's first command writes demo.db in the working copy; it must never be committed."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git working copy")
    result = subprocess.run(
        ["git", "check-ignore", "-q", "demo.db"], cwd=ROOT, capture_output=True, timeout=30
    )
    assert result.returncode == 0
