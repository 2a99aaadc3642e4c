"""Checking many articles: walking directories and globs through symbolic links, writing reports into an
output directory, and what a batch says on stderr (skips, failures, progress, the overall summary)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from claims import batch
from claims.cli import app

runner = CliRunner()

AR = "قالت وكالة الأنباء المركزية الكورية إن الجنود وصلوا إلى كورسك في أكتوبر.\n"
EN = "Reuters reported that the troops reached Kursk in October, citing two officials.\n"
EN_2 = "The foreign ministry said the treaty entered into force on 4 December.\n"


def run(*args, cwd: Path | None = None):
    """The command line in a fresh process, stopped after a minute: a walk that never ends fails the test
    instead of hanging it."""
    return subprocess.run(
        [sys.executable, "-m", "claims", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )


def loop_tree(root: Path, links: int) -> Path:
    """``in/loopdir/sub/a.txt`` and ``links`` links in ``sub`` pointing back at ``loopdir``."""
    sub = root / "in" / "loopdir" / "sub"
    sub.mkdir(parents=True)
    (sub / "a.txt").write_text(EN, encoding="utf-8")
    for n in range(1, links + 1):
        (sub / f"l{n}").symlink_to("..")
    return root / "in" / "loopdir"


# -- A: walking through symbolic links -------------------------------------------------------------------


def test_a_glob_through_two_links_that_loop_back_checks_the_file_once(tmp_path):
    loop_tree(tmp_path, links=2)
    result = run("check", "in/loopdir/**/*.txt", "-f", "jsonl", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    paths = {json.loads(line)["path"] for line in result.stdout.splitlines()}
    assert paths == {"in/loopdir/sub/a.txt"}
    assert "claims: skipped 2 symbolic links that loop back (in/loopdir/sub/l1, in/loopdir/sub/l2)" in (
        result.stderr.splitlines()
    )


def test_a_glob_that_matches_nothing_through_looping_links_ends_with_one_line(tmp_path):
    loop_tree(tmp_path, links=2)
    result = run("check", "in/loopdir/**/*.md", cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr.splitlines()[-1] == "claims: in/loopdir/**/*.md: no file matches this pattern"
    assert "Traceback" not in result.stderr


def test_one_link_that_loops_back_does_not_list_the_file_again(tmp_path):
    loop_tree(tmp_path, links=1)
    notes: list[str] = []
    found = batch.expand_inputs([str(tmp_path / "in/loopdir/**/*.txt")], notes)
    assert found == [str(tmp_path / "in/loopdir/sub/a.txt")]
    assert notes == [f"skipped 1 symbolic link that loops back ({tmp_path}/in/loopdir/sub/l1)"]


def test_a_directory_is_walked_through_links_each_real_directory_and_file_once(tmp_path):
    desk = loop_tree(tmp_path, links=2)
    (tmp_path / "wires").mkdir()
    (tmp_path / "wires" / "b.txt").write_text(AR, encoding="utf-8")
    (desk / "wires").symlink_to(tmp_path / "wires")  # a directory outside, reached only by a link
    (desk / "again").symlink_to(desk / "sub")  # the same directory under a second name
    (desk / "copy.txt").symlink_to(desk / "sub" / "a.txt")  # the same file under a second name
    (desk / "gone.txt").symlink_to(desk / "missing.txt")
    notes: list[str] = []
    found = batch.expand_inputs([str(desk)], notes)
    assert found == [str(desk / "sub/a.txt"), str(desk / "wires/b.txt")]
    assert notes == [
        f"skipped 2 symbolic links that loop back ({desk}/sub/l1, {desk}/sub/l2)",
        f"skipped 1 symbolic link to a directory already walked ({desk}/again)",
        f"skipped 1 broken symbolic link ({desk}/gone.txt)",
        f"skipped 1 file already listed under another name ({desk}/copy.txt)",
    ]


def test_the_same_article_given_twice_is_checked_once(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(EN, encoding="utf-8")
    result = runner.invoke(app, ["check", str(article), str(tmp_path), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 1
    assert f"claims: skipped 1 file already listed under another name ({article})" in result.stderr


def test_an_empty_argument_is_a_usage_error_not_the_current_directory(tmp_path, monkeypatch):
    """`claims check "$ARTICLE"` with the variable unset must not check every article under the cwd."""
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", "", "-f", "jsonl"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == "claims: '' is not a file name (an empty argument; an unset variable?)\n"


def test_a_walk_stops_at_a_bounded_depth_and_says_so(tmp_path):
    deep = tmp_path / "desk"
    for _ in range(batch.MAX_DEPTH + 1):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "desk" / "top.txt").write_text(EN_2, encoding="utf-8")
    notes: list[str] = []
    found = batch.expand_inputs([str(tmp_path / "desk")], notes)
    assert found == [str(tmp_path / "desk" / "top.txt")]
    assert len(notes) == 1 and notes[0].startswith(
        f"skipped 1 directory more than {batch.MAX_DEPTH} levels deep"
    )


# -- B: reports in an output directory --------------------------------------------------------------------


def collection(root: Path) -> Path:
    coll = root / "coll"
    for name, text in (("a", EN), ("b", AR), ("c", EN_2)):
        (coll / name).mkdir(parents=True)
        (coll / name / "x.txt").write_text(text, encoding="utf-8")
    return coll


def test_reports_of_articles_with_the_same_name_keep_their_relative_paths(tmp_path):
    coll, out = collection(tmp_path), tmp_path / "out"
    result = runner.invoke(app, ["check", str(coll), "--output-dir", str(out), "-f", "json"])
    assert result.exit_code == 0, result.output
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == ["a/x.txt.json", "b/x.txt.json", "c/x.txt.json"]
    for name in ("a", "b", "c"):
        report = json.loads((out / name / "x.txt.json").read_text(encoding="utf-8"))
        assert report["document"]["path"] == str(coll / name / "x.txt")


def test_a_symbolic_link_in_the_output_directory_is_never_written_through(tmp_path):
    coll, out = collection(tmp_path), tmp_path / "out"
    outside = tmp_path / "outside.txt"
    outside.write_text("the desk's notes, not a report\n", encoding="utf-8")
    (out / "b").mkdir(parents=True)
    (out / "b" / "x.txt.json").symlink_to(outside)
    result = runner.invoke(app, ["check", str(coll), "--output-dir", str(out), "-f", "json"])
    assert result.exit_code == 3
    assert outside.read_text(encoding="utf-8") == "the desk's notes, not a report\n"
    assert result.stderr.splitlines()[-1] == (
        f"claims: {out}/b/x.txt.json: is a symbolic link; reports are never written through one "
        "(remove it, or choose another --output-dir)"
    )


def test_a_linked_directory_in_the_output_directory_is_never_written_into(tmp_path):
    coll, out = collection(tmp_path), tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "c").symlink_to(elsewhere)
    result = runner.invoke(app, ["check", str(coll), "--output-dir", str(out), "-f", "json"])
    assert result.exit_code == 3
    assert list(elsewhere.iterdir()) == []
    assert f"claims: {out}/c: is a symbolic link; reports are never written through one" in result.stderr


def test_a_failure_after_some_reports_says_which_were_written_and_which_failed(tmp_path):
    coll, out = collection(tmp_path), tmp_path / "out"
    (coll / "b" / "scan.txt").write_bytes(b"%PDF-1.7 scanned page")
    result = runner.invoke(app, ["check", str(coll), "--output-dir", str(out), "-f", "json"])
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"claims: 1 of 4 reports written ({out}/a/x.txt.json) before {coll}/b/scan.txt failed; "
        "the 2 after it were not checked:",
        f"claims: {coll}/b/scan.txt: is a PDF file, not text; give a .txt, .md or .html article",
    ]
    assert [p.name for p in out.rglob("*.json")] == ["x.txt.json"]


# -- C: links and directories that cannot be followed or read ---------------------------------------------


def test_a_symbolic_link_loop_given_as_an_article_says_so(tmp_path):
    (tmp_path / "first.txt").symlink_to(tmp_path / "second.txt")
    (tmp_path / "second.txt").symlink_to(tmp_path / "first.txt")
    (tmp_path / "moved.txt").symlink_to(tmp_path / "gone.txt")
    result = runner.invoke(app, ["check", str(tmp_path / "first.txt")])
    assert result.exit_code == 3
    assert (
        result.stderr
        == f"claims: {tmp_path}/first.txt: is a symbolic link loop (following it leads back to itself)\n"
    )
    result = runner.invoke(app, ["check", str(tmp_path / "moved.txt")])
    assert result.exit_code == 3
    assert result.stderr == (
        f"claims: {tmp_path}/moved.txt: is a broken symbolic link (what it points to does not exist)\n"
    )


def unreadable(monkeypatch, directory: Path) -> None:
    """Make ``directory`` unreadable: by its permissions, or, for root (whom permissions do not stop), by
    failing its listing as the system would."""
    if os.geteuid() != 0:
        directory.chmod(0)  # the test gives it back its permissions, so that tmp_path can be removed
        return
    real = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if Path(path) == directory:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(batch.os, "scandir", scandir)


def test_a_directory_that_cannot_be_read_says_so(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text(EN, encoding="utf-8")
    unreadable(monkeypatch, locked)
    try:
        result = runner.invoke(app, ["check", str(locked)])
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 3
    assert result.stderr == f"claims: {locked}: this directory cannot be read (permission denied)\n"


def test_a_subdirectory_that_cannot_be_read_is_skipped_and_said(tmp_path, monkeypatch):
    desk = tmp_path / "desk"
    (desk / "locked").mkdir(parents=True)
    (desk / "locked" / "a.txt").write_text(EN, encoding="utf-8")
    (desk / "b.txt").write_text(AR, encoding="utf-8")
    unreadable(monkeypatch, desk / "locked")
    try:
        notes: list[str] = []
        found = batch.expand_inputs([str(desk)], notes)
    finally:
        (desk / "locked").chmod(0o755)
    assert found == [str(desk / "b.txt")]
    assert notes == [f"skipped 1 directory that cannot be read ({desk}/locked)"]


# -- D: progress and the summary over all articles --------------------------------------------------------


def test_check_of_a_directory_ends_with_one_summary_on_stderr_and_a_valid_report_stream(tmp_path):
    coll = collection(tmp_path)
    result = runner.invoke(app, ["check", str(coll), "-f", "json"])
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    assert len(reports) == 3
    claims = sum(r["summary"]["claims"] for r in reports)
    single = sum(r["summary"]["single-source"] for r in reports)
    assert result.stderr == (
        f"claims: 3 articles checked, none failed: {claims} claims (0 corroborated, 0 disputed, "
        f"{single} single-source, 0 unattributed)\n"
    )


def test_check_of_a_directory_in_the_terminal_view_ends_with_a_table_over_all_articles(tmp_path):
    coll = collection(tmp_path)
    result = runner.invoke(app, ["check", str(coll), "-f", "rich", "--width", "100", "--no-color"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Summary") == 3
    tail = result.stdout[result.stdout.rindex("Summary") :]
    assert "All 3 articles checked" in tail
    assert result.stderr == ""


def test_one_article_has_no_overall_summary(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(EN, encoding="utf-8")
    result = runner.invoke(app, ["check", str(article), "-f", "json"])
    assert result.exit_code == 0 and result.stderr == ""


class RecordedBar:
    """Stands in for the import's progress bar on a terminal, keeping each update."""

    def __init__(self) -> None:
        self.updates: list[tuple[int, int]] = []

    def __enter__(self) -> RecordedBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def update(self, done_bytes: int, claims: int) -> None:
        self.updates.append((done_bytes, claims))


def test_import_progress_advances_with_the_records_stored_up_to_the_file_size(tmp_path, monkeypatch):
    big = tmp_path / "wire.jsonl"
    with big.open("w", encoding="utf-8") as handle:
        for n in range(12_000):
            record = {"text": f"Troops were seen near Kursk on day {n} of the deployment.", "source": "kcna"}
            handle.write(json.dumps(record) + "\n")
    bar = RecordedBar()
    monkeypatch.setattr("claims.cli.store_commands._import_bar", lambda name: bar)
    result = runner.invoke(app, ["import", str(big), "--db", f"sqlite:///{tmp_path / 'claims.db'}"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{big}: 12000 added, 0 already stored\n"
    # several updates, each at the end of the last record stored: bytes of the first `claims` lines
    lines = big.read_bytes().splitlines(keepends=True)
    assert len(bar.updates) > 1 and bar.updates[-1] == (big.stat().st_size, 12_000)
    for done, claims in bar.updates:
        assert done == len(b"".join(lines[:claims]))
    assert [c for _, c in bar.updates] == sorted({c for _, c in bar.updates})
