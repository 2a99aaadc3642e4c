"""Reading input: files or stdin, plain text, Markdown or HTML, in any of the encodings newsrooms send.

Everything downstream refers to the text returned here: offsets are indices into ``InputText.text``
(for HTML, into the extracted article text).
"""

from __future__ import annotations

import codecs
import errno
import sys
from pathlib import Path

from claims.errors import InputError
from claims.text.normalize import is_arabic_char
from claims.types import InputText

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Windows-1256 detection looks at this much of a file (charset-normalizer needs ~80x the bytes it reads).
_LEGACY_SAMPLE = 1024 * 1024

# Magic numbers of formats that are certainly not articles.
_BINARY_SIGNATURES = {
    b"%PDF": "a PDF file",
    b"\x89PNG": "a PNG image",
    b"PK\x03\x04": "a ZIP archive (or a Word/OpenDocument file)",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x7fELF": "an executable",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Office document",
    b"SQLite format 3": "an SQLite database",
}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_MD_SUFFIXES = {".md", ".markdown"}


def read_input(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> InputText:
    """Read a file (or ``-`` for stdin) and return its decoded text."""
    name = str(path)
    if name == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        return decode_bytes(data, path="-", max_bytes=max_bytes)
    p = Path(path)
    if not p.exists():
        if p.is_symlink():  # the link is there; what it points to is not, or it points back at itself
            if is_link_loop(p):
                raise InputError(f"{name}: is a symbolic link loop (following it leads back to itself)")
            raise InputError(f"{name}: is a broken symbolic link (what it points to does not exist)")
        raise InputError(f"{name}: no such file")
    if p.is_dir():
        raise InputError(f"{name}: is a directory, not an article file")
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{name}: too large ({size:,} bytes; the limit is {max_bytes:,}, see --max-bytes)"
            )
        with p.open("rb") as handle:  # never more than the limit: /dev/zero, a pipe, a growing file
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    return decode_bytes(data, path=name, max_bytes=max_bytes)


def is_link_loop(path: Path) -> bool:
    """Whether following ``path`` leads back to itself (a symbolic link loop)."""
    try:
        path.stat()
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def decode_bytes(data: bytes, *, path: str = "-", max_bytes: int = DEFAULT_MAX_BYTES) -> InputText:
    if len(data) > max_bytes:
        raise InputError(f"{path}: too large (more than {max_bytes:,} bytes, see --max-bytes)")
    for magic, what in _BINARY_SIGNATURES.items():
        if data.startswith(magic):
            raise InputError(f"{path}: is {what}, not text; give a .txt, .md or .html article")
    text, encoding = _decode(data, path)
    if "\x00" in text:
        raise InputError(f"{path}: contains NUL bytes; it looks binary, not like an article")
    fmt = _format_of(path, text)
    if fmt == "html":
        from claims.text.html import extract_article

        text = extract_article(text)
    return InputText(text=text, path=path, encoding=encoding, format=fmt)


def _decode(data: bytes, path: str) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", path), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _strict(data, "utf-16", path), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise InputError(f"{path}: contains NUL bytes; it looks binary, not like an article")
    legacy = _legacy_arabic(data)
    if legacy is not None:
        return legacy, "windows-1256"
    bad = _mostly_utf8(data)
    if bad is not None:
        line = data[:bad].count(b"\n") + 1
        raise InputError(
            f"{path}: cannot be decoded: invalid UTF-8 at line {line} (byte {bad:,}: 0x{data[bad]:02x}); "
            "the rest is UTF-8 (a damaged or cut-off file, or a few characters in another encoding)"
        )
    raise InputError(f"{path}: cannot be decoded (not UTF-8, UTF-16 with BOM, or Arabic Windows-1256)")


def _mostly_utf8(data: bytes) -> int | None:
    """The offset of the first invalid byte when all but a few bytes (under 1 in 1,000) are UTF-8."""
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        first = exc.start
    replaced = data.decode("utf-8", errors="replace").count("\ufffd") - data.count("\ufffd".encode())
    return first if replaced * 1000 <= len(data) else None


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: invalid {encoding} at byte {exc.start}") from None


def _legacy_arabic(data: bytes) -> str | None:
    """Windows-1256 text, when the bytes really are Arabic prose in that code page.

    Almost any byte string decodes as cp1256, so the decoding is accepted only when charset-normalizer
    finds it coherent and most letters are Arabic. Both are judged on the first megabyte (charset-normalizer
    needs about 80 bytes of memory per byte it reads), control characters on the whole file.
    """
    from charset_normalizer import from_bytes

    sample = data[:_LEGACY_SAMPLE]  # a single-byte encoding: any cut is between two characters
    if from_bytes(sample, cp_isolation=["cp1256"], threshold=0.3).best() is None:
        return None
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        return None
    # cp1256 maps bytes below 0x20 to the same control characters: count them in the bytes, fast.
    controls = sum(data.count(bytes([b])) for b in range(32) if chr(b) not in "\t\n\r\f")
    letters = [ch for ch in text[: len(sample)] if ch.isalpha()]
    if not letters or controls > len(text) * 0.01:
        return None
    arabic = sum(1 for ch in letters if is_arabic_char(ch))
    return text if arabic >= len(letters) * 0.5 else None


def _format_of(path: str, text: str) -> str:
    suffix = Path(path).suffix.lower() if path != "-" else ""
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix in _MD_SUFFIXES:
        return "md"
    head = text.lstrip()[:200].lower()
    if head.startswith("<!doctype html") or head.startswith("<html"):
        return "html"
    return "txt"
