import json

import pytest
from typer.testing import CliRunner

from claims.cli import app

from .conftest import EXAMPLES

runner = CliRunner()
FOUNDING = str(EXAMPLES / "ar-russia-dprk-treaty.txt")


def test_cli_check_json_is_a_version_1_report(founding_text):
    result = runner.invoke(app, ["check", FOUNDING, "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["version"] == 1
    assert report["document"]["published"] == "2024-12-05"
    assert report["document"]["publisher"]["id"] == "al-shorouk"
    assert report["summary"]["claims"] == len(report["claims"]) > 20
    for item in report["claims"] + report["skipped"]:
        assert founding_text[item["start"] : item["end"]] == item["text"]
    for claim in report["claims"]:
        assert claim["verdict"] == "single-source"
        assert claim["reason"].startswith("no database yet")
        for key in ("mention",):
            span = claim["source"][key]
            if span:
                assert founding_text[span["start"] : span["end"]] == span["text"]
        if claim["cue"]:
            assert founding_text[claim["cue"]["start"] : claim["cue"]["end"]] == claim["cue"]["text"]


def test_cli_check_rich_output_colours_and_summary():
    result = runner.invoke(app, ["check", FOUNDING, "--format", "rich", "--width", "100"])
    assert result.exit_code == 0, result.output
    assert "single-source" in result.stdout
    assert "Summary" in result.stdout
    assert "Legend" in result.stdout
    assert "وزارة الخارجية الروسية" in result.stdout


def test_cli_check_stdin():
    result = runner.invoke(
        app, ["check", "-", "--format", "json"], input="قال مسؤولون إن الحفل أقيم في موسكو.\n"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [c["source"]["id"] for c in report["claims"]] == ["anonymous"]


def test_cli_check_empty_input_is_an_empty_report():
    result = runner.invoke(app, ["check", "-", "--format", "json"], input="")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["claims"] == []


@pytest.mark.parametrize(
    ("args", "data", "code", "message"),
    [
        (["check", "no/such/article.txt"], None, 3, "no such file"),
        (["check", "claims/store/migrations"], None, 3, "no .txt, .md or .html articles"),
        (["check", "-"], b"%PDF-1.4 binary", 3, "PDF"),
        (["check", "-"], b"\x81\x8d\x8f\x90\x9d" * 20, 3, "cannot be decoded"),
        (["check", FOUNDING, "--fail-on", "everything"], None, 2, "unknown condition"),
    ],
)
def test_cli_bad_input_is_one_line_and_an_exit_code(args, data, code, message):
    result = runner.invoke(app, args, input=data)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_check_directory_and_glob_with_jobs(tmp_path):
    for name in ("ar-russia-dprk-treaty.txt", "en-dprk-troops-wire.txt"):
        (tmp_path / name).write_text((EXAMPLES / name).read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "reports"
    result = runner.invoke(
        app, ["check", str(tmp_path), "--jobs", "2", "--output-dir", str(out), "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "ar-russia-dprk-treaty.txt.json",
        "en-dprk-troops-wire.txt.json",
    ]
    assert json.loads((out / "en-dprk-troops-wire.txt.json").read_text(encoding="utf-8"))["version"] == 1
    combined = runner.invoke(app, ["check", str(tmp_path / "*.txt"), "-f", "jsonl"])
    assert combined.exit_code == 0
    paths = {json.loads(line)["path"] for line in combined.stdout.splitlines()}
    assert len(paths) == 2


def test_cli_fail_on_single_source_exits_1():
    result = runner.invoke(app, ["check", FOUNDING, "--format", "json", "--fail-on", "single-source"])
    assert result.exit_code == 1


def test_cli_sources_search():
    result = runner.invoke(app, ["sources", "وكالة الأنباء المركزية الكورية", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["id"] == "kcna"


def _commands(group, prefix=()):
    import typer.main

    click_group = typer.main.get_command(group)
    stack = [(prefix, click_group)]
    while stack:
        path, cmd = stack.pop()
        yield path, cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            stack.append(((*path, name), sub))


def test_cli_every_command_has_help():
    for path, cmd in _commands(app):
        assert cmd.help, f"claims {' '.join(path)} has no help text"
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path


def test_cli_help_keeps_square_brackets():
    """Help is rendered as rich markup: `claims[server]` must be escaped or it prints as `claims`."""
    import re

    for path, cmd in _commands(app):
        for word in re.findall(r"\\?\[([a-z]+)\]", cmd.help or ""):
            result = runner.invoke(app, [*path, "--help"])
            assert f"[{word}]" in result.stdout, f"claims {' '.join(path)} --help loses [{word}]"


def test_cli_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("claims ")


def test_module_entry_point_runs():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "claims", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "check" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--bogus", "x.txt"], "claims: No such option: --bogus"),
        (["check"], "claims: Missing argument 'files'."),
        (["check", "--max-bytes", "lots", "x.txt"], "claims: Invalid value for '--max-bytes'"),
        (["check", "--format", "pdf", "x.txt"], "claims: Invalid value for '--format'"),
        (["verify", "x.txt"], "claims: No such command 'verify'."),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(args, message):
    """The parser's own errors follow the contract too: one `claims:` line on stderr, exit 2."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "claims", *args], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1 and "-h'" in result.stderr
    assert result.stdout == ""


def test_a_group_without_its_command_prints_its_help():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "claims", "db"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "upgrade" in result.stdout + result.stderr
