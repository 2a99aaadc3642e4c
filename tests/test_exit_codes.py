"""Exit codes say what happened: 1 only for a --fail-on condition (and why, on stderr), 70 for a bug."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import claims.cli
import claims.cli.check
from claims.cli import app
from claims.errors import EXIT_FAIL_ON, EXIT_INTERNAL

from .conftest import EXAMPLES

runner = CliRunner()
FOUNDING = "data/examples/ar-russia-dprk-treaty.txt"
WIRE = "data/examples/en-dprk-troops-wire.txt"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    result = runner.invoke(app, ["import", str(EXAMPLES / "demo-claims.jsonl"), "--db", url])
    assert result.exit_code == 0, result.output
    return url


@pytest.fixture(autouse=True)
def _in_the_repository(monkeypatch):
    from .conftest import ROOT

    monkeypatch.chdir(ROOT)


# -- internal errors -------------------------------------------------------------------------------


def _broken_reader(*_args, **_kwargs):
    # The shape of a real one: lxml 6 without its cleaner raised this, two lines long, from every .html check.
    raise ImportError(
        "lxml.html.clean module is now a separate project lxml_html_clean.\n"
        "Install lxml[html-clean] or lxml_html_clean directly."
    )


def test_an_internal_error_is_exit_70_with_one_line_pointing_at_debug(monkeypatch):
    monkeypatch.setattr(claims.cli.check, "_check_all", _broken_reader)
    result = runner.invoke(app, ["check", WIRE, "--format", "json"])
    assert result.exit_code == EXIT_INTERNAL == 70
    assert result.stderr == (
        "claims: internal error: ImportError: lxml.html.clean module is now a separate project "
        "lxml_html_clean. Install lxml[html-clean] or lxml_html_clean directly. "
        "(run again with --debug for the traceback)\n"
    )
    assert result.stdout == ""


def test_an_internal_error_with_debug_shows_the_exception(monkeypatch):
    monkeypatch.setattr(claims.cli.check, "_check_all", _broken_reader)
    result = runner.invoke(app, ["check", WIRE, "--format", "json", "--debug"])
    assert isinstance(result.exception, ImportError)


def test_an_internal_error_outside_a_command_body_is_exit_70_too(monkeypatch, capsys):
    """Code a command runs outside its guarded body (here: the registry search of `claims sources`)."""
    from claims.registry import Registry

    def broken_search(self, query, limit=20):
        raise KeyError("name_ar")

    monkeypatch.setattr(Registry, "search", broken_search)
    monkeypatch.setattr(sys, "argv", ["claims", "sources", "Yonhap"])
    with pytest.raises(SystemExit) as exit_:
        claims.cli.main()
    assert exit_.value.code == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err == "claims: internal error: KeyError: 'name_ar' (run again with --debug for the traceback)\n"


def test_an_internal_error_is_not_the_fail_on_code():
    assert EXIT_INTERNAL != EXIT_FAIL_ON
    assert claims.errors.ClaimsError("unclassified").exit_code == EXIT_INTERNAL


# -- --fail-on says why -----------------------------------------------------------------------------


def test_fail_on_disputed_names_the_disputed_claim(demo_db):
    result = runner.invoke(app, ["check", FOUNDING, "--db", demo_db, "--fail-on", "disputed", "-f", "json"])
    assert result.exit_code == EXIT_FAIL_ON
    assert result.stderr == f"claims: --fail-on disputed: 1 claim disputed ({FOUNDING}#c5)\n"
    disputed = [c for c in json.loads(result.stdout)["claims"] if c["verdict"] == "disputed"]
    assert [c["id"] for c in disputed] == ["c5"]


def test_fail_on_several_conditions_says_each_met_and_caps_the_ids(demo_db):
    result = runner.invoke(
        app,
        ["check", FOUNDING, "--db", demo_db, "--fail-on", "unattributed,disputed", "-f", "json"],
    )
    assert result.exit_code == EXIT_FAIL_ON
    report = json.loads(result.stdout)
    unattributed = [c["id"] for c in report["claims"] if c["source"]["id"] == "unattributed"]
    assert len(unattributed) == report["summary"]["unattributed"] > 5
    shown = ", ".join(f"{FOUNDING}#{i}" for i in unattributed[:5])
    assert result.stderr == (
        f"claims: --fail-on disputed,unattributed: 1 claim disputed ({FOUNDING}#c5); "
        f"{len(unattributed)} claims unattributed ({shown} and {len(unattributed) - 5} more)\n"
    )


def test_fail_on_in_a_batch_names_each_file_s_claims(demo_db):
    result = runner.invoke(
        app, ["check", FOUNDING, WIRE, "--db", demo_db, "--fail-on", "disputed", "-f", "jsonl"]
    )
    disputed = [
        f"{r['path']}#{r['id']}"
        for r in map(json.loads, result.stdout.splitlines())
        if r["verdict"] == "disputed"
    ]
    assert result.exit_code == EXIT_FAIL_ON
    assert {d.split("#")[0] for d in disputed} == {FOUNDING, WIRE}
    count = f"{len(disputed)} claim{'s' if len(disputed) > 1 else ''}"
    shown = ", ".join(disputed[:5]) + (f" and {len(disputed) - 5} more" if len(disputed) > 5 else "")
    summary, reason = result.stderr.splitlines()  # the summary over all articles, then why it failed
    assert summary.startswith("claims: 2 articles checked")
    assert reason == f"claims: --fail-on disputed: {count} disputed ({shown})"


def test_fail_on_a_condition_not_met_is_exit_0_and_silent():
    """Without a database there is no evidence, so nothing can be disputed."""
    result = runner.invoke(app, ["check", WIRE, "--fail-on", "disputed", "-f", "json"])
    assert result.exit_code == 0
    assert result.stderr == ""


def test_fail_on_from_the_console_script(demo_db):
    """The line reaches the terminal of a pipeline that runs the installed command."""
    result = subprocess.run(
        [sys.executable, "-m", "claims", "check", FOUNDING, "--db", demo_db, "--fail-on", "disputed"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr == f"claims: --fail-on disputed: 1 claim disputed ({FOUNDING}#c5)\n"
