"""Reading input files: UTF-8 lines or whole text, and JSON, every error one line naming the file and line
(``claims.jsonl:17: not valid JSON ...``); ``-`` is stdin."""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from claims.errors import InputError

_NEWLINE = b"\n"


def json_lines(
    path: str | Path, on_read: Callable[[int], None] | None = None, *, whole: bool = False
) -> Iterator[tuple[str, Any]]:
    """``(where, value)`` of each non-blank line of a JSON Lines file; ``where`` is ``path:line``.

    Lines are read one at a time, an undecodable byte reported at its line; ``whole`` reads the file at
    once and refuses it as a whole (``path: not UTF-8 text``) before any line is parsed."""
    if whole:
        yield from _parsed(path, enumerate(read_text(path, name_line=False).split("\n"), start=1))
        return
    with open_lines(path, on_read) as lines:
        yield from _parsed(path, lines)


def _parsed(path: str | Path, lines: Iterable[tuple[int, str]]) -> Iterator[tuple[str, Any]]:
    for line_no, line in lines:
        if line.strip():
            where = f"{path}:{line_no}"
            yield where, parse_json(line, where)


def parse_json(text: str, where: str, *, whole_file: bool = False) -> Any:
    """Parsed JSON; an error names ``where`` (a file's line, or with ``whole_file`` the line in ``text``)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        line = f":{exc.lineno}" if whole_file else ""
        raise InputError(f"{where}{line}: not valid JSON ({exc.msg}, column {exc.colno})") from None
    except RecursionError:  # Python's decoder recurses once per level: 100,000 '[' exhaust the stack
        line = f":{_deep_line(text)}" if whole_file else ""
        raise InputError(
            f"{where}{line}: JSON nested too deeply to read (hundreds of levels of [ or {{)"
        ) from None


_JSON_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|[\[\]{}\n]')


def _deep_line(text: str, depth: int = 500) -> int:
    """The line where JSON ``text`` first opens its ``depth``-th nested level (strings skipped)."""
    level, line = 0, 1
    for m in _JSON_TOKENS.finditer(text):
        c = m[0]
        if c == "\n":
            line += 1
        elif c in "[{":
            level += 1
            if level >= depth:
                return line
        elif c in "]}":
            level -= 1
    return line


@contextmanager
def open_lines(
    path: str | Path, on_read: Callable[[int], None] | None = None
) -> Iterator[Iterator[tuple[int, str]]]:
    """``(line number, text)`` of a UTF-8 file (BOM dropped, line ends kept) or of stdin (``-``).

    Lines are decoded one at a time, so an undecodable byte is reported at its line. ``on_read`` is
    called with the bytes read so far before each line is given."""
    handle = sys.stdin.buffer if str(path) == "-" else open_binary(path)

    def numbered() -> Iterator[tuple[int, str]]:
        read = 0
        for n, raw in enumerate(handle, start=1):
            read += len(raw)
            if on_read is not None:
                on_read(read)
            if n == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                yield n, raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError(f"{path}:{n}: not UTF-8 text") from None

    try:
        yield numbered()
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def read_text(path: str | Path, *, name_line: bool = True) -> str:
    """A whole UTF-8 file (BOM dropped) or stdin; an undecodable byte is reported at its line
    (``name_line``) or for the file."""
    handle = sys.stdin.buffer if str(path) == "-" else open_binary(path)
    try:
        data = handle.read()
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = f"{path}:{data.count(_NEWLINE, 0, exc.start) + 1}" if name_line else str(path)
        raise InputError(f"{where}: not UTF-8 text") from None


def open_binary(path: str | Path) -> BinaryIO:
    """The file opened for reading; missing files, directories and binary files refused in one line."""
    p = Path(path)
    try:
        handle = p.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    head = handle.peek(8192)[:8192] if hasattr(handle, "peek") else b""
    if b"\x00" in head:
        handle.close()
        raise InputError(f"{path}: a binary file, not text")
    return handle
