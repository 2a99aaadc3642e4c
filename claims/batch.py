"""Checking many articles: files, directories and globs, on one or several cores."""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import os
import stat
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from claims.errors import InputError, UsageError
from claims.service import existing_store_url, open_matcher, open_store
from claims.text.read import is_link_loop
from claims.types import Report

if TYPE_CHECKING:
    from claims.match.verdict import Matcher

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")


def expand_inputs(args: list[str], notes: list[str] | None = None) -> list[str]:
    """Files as given; directories by the articles inside them; quoted globs by their matches, sorted.

    Directories are walked by :class:`_Walk`: symbolic links to directories are followed, but each real
    directory is read once and the depth is bounded, so a link that loops back cannot make the walk
    endless; each real file is listed once, under the first name it was found by. What was skipped is
    appended to ``notes``, one line per kind."""
    walk = _Walk()
    out: list[str] = []
    try:
        for arg in args:
            if not arg.strip():  # Path("") is the current directory: an unset variable would check it all
                raise UsageError(f"{arg!r} is not a file name (an empty argument; an unset variable?)")
            path = Path(arg)
            if arg == "-":
                out.append(arg)
            elif path.is_file():
                if walk.first_time(path):
                    out.append(arg)
            elif path.is_dir():
                found = walk.files(path, None)
                if not walk.matched:
                    if walk.unreadable_root:
                        raise InputError(f"{arg}: this directory cannot be read ({walk.unreadable_root})")
                    raise InputError(f"{arg}: no .txt, .md or .html articles in this directory")
                out += found
            elif any(ch in arg for ch in "*?["):
                root, segments = _split_pattern(arg)
                matches = walk.files(root, segments)
                if not walk.matched:
                    why = f" ({root}: {walk.unreadable_root})" if walk.unreadable_root else ""
                    raise InputError(f"{arg}: no file matches this pattern{why}")
                out += matches
            else:
                out.append(arg)  # reading it will say what is wrong
    finally:
        if notes is not None:  # said also when no file matched: it may be why
            notes += walk.notes()
    return out


MAX_DEPTH = 64  # directories below a walk's root; deeper ones are skipped (and said)
_MAGIC = frozenset("*?[")


def _split_pattern(pattern: str) -> tuple[Path, list[str]]:
    """The directory a glob starts from (its leading parts without wildcards) and the parts after it."""
    parts = pattern.split("/")
    n = 0
    while n < len(parts) - 1 and not _MAGIC.intersection(parts[n]):
        n += 1
    root = "/".join(parts[:n]) or ("/" if pattern.startswith("/") else ".")
    return Path(root), [p for p in parts[n:] if p not in ("", ".")]


class _Walk:
    """Walks directories for articles, each real directory and file once, and counts what it skipped."""

    def __init__(self) -> None:
        self.seen_dirs: set[tuple[int, int]] = set()
        self.seen_files: set[tuple[int, int]] = set()
        self.skipped: dict[str, list[str]] = {}
        self.unreadable_root: str | None = None
        self.matched = 0  # files the last walk matched, those already listed included
        self.file_links: list[tuple[Path, tuple[str, ...]]] = []  # links to files, taken last

    def first_time(self, path: Path) -> bool:
        """Whether this real file has not been listed yet (else it is noted as a duplicate)."""
        try:
            st = path.stat()
        except OSError:
            return True  # reading it will say what is wrong
        key = (st.st_dev, st.st_ino)
        if key in self.seen_files:
            self._skip("duplicates", str(path))
            return False
        self.seen_files.add(key)
        return True

    def files(self, root: Path, segments: list[str] | None) -> list[str]:
        """The article files under ``root`` (``segments`` None), or the files whose path below ``root``
        matches the glob ``segments`` (``**`` is any number of directories), sorted."""
        self.unreadable_root = None
        self.matched = 0
        self.seen_dirs = set()  # per walk: two patterns may read the same directories
        found: list[str] = []
        links: list[tuple[Path, tuple[str, ...], tuple[tuple[int, int], ...]]] = []
        try:
            st = root.stat()
        except OSError as exc:
            self.unreadable_root = (exc.strerror or str(exc)).lower()
            return []
        self.file_links = []
        self._dir(root, (), ((st.st_dev, st.st_ino),), segments, found, links, top=True)
        while links:  # links last, so that files keep their real names when they can
            path, rel, ancestors = links.pop(0)
            try:
                st = path.stat()
            except OSError:
                self._skip("broken", str(path))
                continue
            key = (st.st_dev, st.st_ino)
            if key in ancestors:
                self._skip("loops", str(path))
            elif key in self.seen_dirs:
                self._skip("walked", str(path))
            else:
                self._dir(path, rel, (*ancestors, key), segments, found, links)
        for path, rel in self.file_links:
            self._file(path, rel, segments, found)
        return sorted(found)

    def _dir(self, path, rel, ancestors, segments, found, links, top=False) -> None:  # type: ignore[no-untyped-def]
        key = ancestors[-1]
        if key in self.seen_dirs:
            self._skip("walked", str(path))
            return
        self.seen_dirs.add(key)
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError as exc:
            if top:
                self.unreadable_root = (exc.strerror or str(exc)).lower()
            else:
                self._skip("unreadable", str(path))
            return
        for entry in entries:
            child, child_rel = Path(path, entry.name), (*rel, entry.name)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_link = entry.is_symlink()
            except OSError:
                continue
            if is_dir:
                if not _could_match(child_rel, segments, directory=True):
                    continue
                if len(child_rel) > MAX_DEPTH:
                    self._skip("deep", str(child))
                    continue
                try:
                    st = child.stat()
                except OSError:
                    self._skip("unreadable", str(child))
                    continue
                self._dir(child, child_rel, (*ancestors, (st.st_dev, st.st_ino)), segments, found, links)
            elif is_link:
                if not _could_match(child_rel, segments, directory=True):
                    continue
                try:
                    target_is_dir = child.is_dir()
                    target_is_file = child.is_file()
                except OSError:
                    target_is_dir = target_is_file = False
                if target_is_dir:
                    if len(child_rel) > MAX_DEPTH:
                        self._skip("deep", str(child))
                    else:
                        links.append((child, child_rel, ancestors))
                elif target_is_file:
                    self.file_links.append((child, child_rel))
                elif _could_match(child_rel, segments, directory=False):
                    self._skip("loops" if is_link_loop(child) else "broken", str(child))
            else:
                self._file(child, child_rel, segments, found)

    def _file(self, path: Path, rel: tuple[str, ...], segments, found: list[str]) -> None:  # type: ignore[no-untyped-def]
        if not _could_match(rel, segments, directory=False):
            return
        try:
            st = path.stat()
        except OSError:
            return
        if not stat.S_ISREG(st.st_mode):
            return
        self.matched += 1
        key = (st.st_dev, st.st_ino)
        if key in self.seen_files:
            self._skip("duplicates", str(path))
            return
        self.seen_files.add(key)
        found.append(str(path))

    def _skip(self, kind: str, path: str) -> None:
        self.skipped.setdefault(kind, []).append(path)

    def notes(self) -> list[str]:
        """One line per kind of thing skipped, naming the first few."""
        lines = []
        for kind, what in _SKIPPED.items():
            paths = self.skipped.get(kind, [])
            if paths:
                shown = ", ".join(paths[:3]) + (", ..." if len(paths) > 3 else "")
                lines.append(f"skipped {len(paths)} {what[len(paths) == 1]} ({shown})")
        return lines


_SKIPPED = {
    "loops": ("symbolic links that loop back", "symbolic link that loops back"),
    "walked": (
        "symbolic links to directories already walked",
        "symbolic link to a directory already walked",
    ),
    "broken": ("broken symbolic links", "broken symbolic link"),
    "duplicates": (
        "files already listed under another name",
        "file already listed under another name",
    ),
    "unreadable": ("directories that cannot be read", "directory that cannot be read"),
    "deep": (
        f"directories more than {MAX_DEPTH} levels deep",
        f"directory more than {MAX_DEPTH} levels deep",
    ),
}


def _could_match(rel: tuple[str, ...], segments: list[str] | None, *, directory: bool) -> bool:
    """Whether a path ``rel`` below the walk's root is wanted: for a directory, whether anything below it
    could match; for a file, whether it matches. Without a pattern: articles, hidden names excluded."""
    if segments is None:
        if rel[-1].startswith("."):
            return False
        return directory or Path(rel[-1]).suffix.lower() in ARTICLE_SUFFIXES
    return _matches(rel, tuple(segments), prefix=directory)


def _matches(rel: tuple[str, ...], segs: tuple[str, ...], *, prefix: bool) -> bool:
    """``rel`` against the glob parts ``segs`` (``*`` does not match a leading dot, ``**`` any number of
    parts); with ``prefix``, whether ``rel`` can be the start of a match."""

    @cache  # each (i, j) once: several ``**`` would otherwise try every split again
    def match(i: int, j: int) -> bool:
        if i == len(rel):
            return j < len(segs) if prefix else all(s == "**" for s in segs[j:])
        if j == len(segs):
            return False
        seg = segs[j]
        hidden = rel[i].startswith(".") and not seg.startswith(".")
        if seg == "**":
            return match(i, j + 1) or (not hidden and match(i + 1, j))
        return not hidden and fnmatch.fnmatchcase(rel[i], seg) and match(i + 1, j + 1)

    return match(0, 0)


def report_names(paths: list[str], suffix: str) -> list[Path]:
    """Where each article's report goes below an output directory: the article's path relative to the
    deepest directory holding all the articles, plus ``suffix`` (``coll/a/x.txt`` -> ``a/x.txt.json``);
    stdin is ``stdin``. Two articles with the same name in different directories keep apart."""
    files = [os.path.abspath(p) for p in paths if p != "-"]
    base = os.path.commonpath([os.path.dirname(f) for f in files]) if files else ""
    names: list[Path] = []
    taken: dict[Path, str] = {}
    for path in paths:
        name = Path(("stdin" if path == "-" else os.path.relpath(os.path.abspath(path), base)) + suffix)
        if name in taken:
            raise UsageError(f"--output-dir: the reports of {taken[name]} and {path} would both be {name}")
        taken[name] = path
        names.append(name)
    return names


def write_report_file(output_dir: Path, name: Path, text: str) -> Path:
    """Write ``text`` to ``output_dir/name``, making the directories below ``output_dir``.

    Nothing already inside the output directory is followed: a symbolic link there (to a file or a
    directory) or a file with other hard links is refused, not written through, since what it leads to
    may be outside. Every step is opened relative to the one before (``dir_fd``), so a link swapped in
    meanwhile is refused too."""
    target = output_dir / name
    output_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(output_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        where = output_dir
        for part in name.parts[:-1]:
            where = where / part
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, dir_fd=fd)
            sub = _open_no_follow(part, os.O_RDONLY | os.O_DIRECTORY, fd, where)
            os.close(fd)
            fd = sub
        flags = os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK  # non-blocking: a FIFO is refused, not waited on
        out = _open_no_follow(name.name, flags, fd, target)
        with os.fdopen(out, "w", encoding="utf-8") as handle:
            st = os.fstat(out)
            if not stat.S_ISREG(st.st_mode):
                raise InputError(f"{target}: is not a regular file; no report is written to it")
            if st.st_nlink > 1:
                raise InputError(
                    f"{target}: has other hard links; no report is written through it (remove it first)"
                )
            handle.truncate(0)
            handle.write(text)
    finally:
        os.close(fd)
    return target


def _open_no_follow(name: str, flags: int, dir_fd: int, shown: Path) -> int:
    try:
        return os.open(name, flags | os.O_NOFOLLOW, 0o666, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR) and os.path.islink(shown):
            raise InputError(
                f"{shown}: is a symbolic link; reports are never written through one "
                "(remove it, or choose another --output-dir)"
            ) from None
        if exc.errno == errno.ENXIO:
            raise InputError(f"{shown}: is not a regular file; no report is written to it") from None
        raise InputError(f"{shown}: cannot be written ({(exc.strerror or str(exc)).lower()})") from None


def overall_summary(reports: list[Report]) -> dict[str, int]:
    """Claims by verdict (and unattributed ones) over several articles' reports."""
    total: dict[str, int] = {}
    for report in reports:
        for key, value in report.summary.items():
            total[key] = total.get(key, 0) + value
    return total


# -- one checker per worker process ----------------------------------------------------------------------

_worker: Callable[[str], Report] | None = None


def make_checker(
    sources: str | None,
    db: str | None,
    as_of: str | None,
    min_sources: int,
    max_bytes: int,
    same_language: bool = False,
) -> Callable[[str], Report]:
    """A function from a path to its report, with its own registry and database connection. The database
    is opened when the first article has been read: an unreadable article is reported as such (exit 3)
    before anything about the database, and leaves it untouched."""
    from claims.checker import check_text
    from claims.registry import Registry
    from claims.text.read import read_input

    registry = Registry.load(sources)

    @cache
    def matcher() -> Matcher | None:
        url = existing_store_url(db)
        if url is None:
            return None
        store = open_store(url, read_only=True)
        return open_matcher(
            store, registry, min_sources=min_sources, as_of=as_of, same_language=same_language
        )

    def check(path: str) -> Report:
        source = read_input(path, max_bytes=max_bytes)
        return check_text(source, registry, matcher())

    return check


def _init(parent: int | None, *args) -> None:  # type: ignore[no-untyped-def]
    from claims.workers import die_with_parent

    global _worker
    die_with_parent(parent)
    _worker = make_checker(*args)


def _check_in_worker(path: str) -> Report:
    assert _worker is not None
    return _worker(path)


def check_many(paths: list[str], jobs: int, *checker_args) -> Iterator[Report]:  # type: ignore[no-untyped-def]
    """Reports in the order of ``paths``; with ``jobs`` > 1 the articles are checked in that many processes."""
    if jobs <= 1 or len(paths) < 2 or "-" in paths:
        check = make_checker(*checker_args)
        for path in paths:
            yield check(path)
        return
    import multiprocessing

    context = multiprocessing.get_context()
    # A forkserver's workers are the server's children, not this process's.
    parent = os.getpid() if context.get_start_method() != "forkserver" else None
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_init, initargs=(parent, *checker_args)
    ) as pool:
        yield from pool.map(_check_in_worker, paths)
