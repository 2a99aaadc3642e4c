"""Readers of claim files: each yields :class:`~claims.types.ClaimRecord` values for ``Store.add_claims``.

Formats
-------
* **JSONL** (``.jsonl``, ``.ndjson``): one claim record per line, fields as in the contract: ``text`` and
  ``source`` required; ``published`` (YYYY-MM-DD), ``url``, ``language``, ``publisher``, ``via`` (list of
  source ids), ``rating``, ``id``, ``hedged``. A line holding a ClaimReview or a Fact Check Tools claim
  is converted as below. Blank lines are skipped.
* **CSV** (``.csv``): a header row naming the same fields; ``via`` holds ids separated by ``;``, ``,``,
  ``|`` or spaces; ``hedged`` is true/false, yes/no or 1/0; empty cells are absent values.
* **ClaimReview** (``.json``, ``.jsonld``, ``.html``, ``.htm``): schema.org ``ClaimReview`` objects as
  fact-checkers publish them — one object, a list, an ``@graph``, a ``DataFeed``, anything that nests
  them — or a page with the JSON-LD in ``<script type="application/ld+json">`` blocks; and the Google
  Fact Check Tools API shape, ``{"claims": [{"text", "claimant", "claimDate", "claimReview": [...]}]}``
  or a bare list of such claims.

Every error names the file and line: ``InputError("claims.jsonl:17: published: '5/12/2024' is not a date
(YYYY-MM-DD)")``. The store imports a file in one transaction, so a bad line means nothing is stored. Each
record also carries where it was read (``record.origin``, see :func:`located`), so that the errors only the
store can find (an unknown source id) name the line too.

How a ClaimReview becomes a record
----------------------------------
* ``text``: ``claimReviewed`` (API: ``text``). Reviews without it are skipped, with a warning.
* ``source``: the claimant (``itemReviewed.author.name``; API: ``claimant``) when the registry knows the
  name (``Registry.lookup``), else ``fallback_source`` (default ``unregistered``: a named source not in
  the registry); ``anonymous`` when no claimant is given.
* ``publisher``: the fact-checker (``author``, else ``publisher``; API: ``publisher``), looked up in the
  registry by name and web site, else an id made from its site's host name (``misbar.com`` → ``misbar-com``),
  which ``claims import --create-sources`` creates (or add it to your sources file).
* ``rating``: the textual rating as published (``reviewRating.alternateName`` or ``name``; API:
  ``textualRating``): ``false``, ``مضلل``, ``Falso`` ...
* ``published``: the date of the claim (``itemReviewed.datePublished``; API: ``claimDate``), else of the
  review. ``url``: the fact-check's URL. ``language``: ``inLanguage`` (API: ``languageCode``) when it is a
  language code, else detected by the store.

The store takes one record per text + source + date, so when two fact-checkers review the same claim of
the same claimant on the same day, the first review read is kept.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlsplit

from claims.errors import InputError
from claims.text.dates import parse_date
from claims.types import ANONYMOUS, UNREGISTERED, ClaimRecord

if TYPE_CHECKING:
    from claims.registry import Registry

FORMATS = ("jsonl", "csv", "claimreview")
_SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".json": "claimreview",
    ".jsonld": "claimreview",
    ".html": "claimreview",
    ".htm": "claimreview",
}
FIELDS = ("text", "source", "published", "url", "language", "publisher", "via", "rating", "id", "hedged")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.+\-Z ]*)?")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
_VIA_SEPARATORS = re.compile(r"[;,|\s]+")
_HOST_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f", ""}


def detect_format(path: str | Path) -> str:
    """The format of a file by its extension: ``jsonl``, ``csv`` or ``claimreview``."""
    suffix = Path(str(path)).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    raise InputError(
        f"{path}: cannot tell the format from the extension {suffix or '(none)'}; "
        "use .jsonl, .csv, .json (ClaimReview) or .html, or give the format"
    )


def read_records(
    path: str | Path,
    registry: Registry | None = None,
    *,
    format: str | None = None,
    fallback_source: str = UNREGISTERED,
    warnings: list[str] | None = None,
    on_read: Callable[[int], None] | None = None,
) -> Iterator[ClaimRecord]:
    """Records of a file in any supported format (by ``format``, else by extension; ``-`` is stdin).

    ``on_read``, for progress, is called with the number of bytes read so far, before the records read
    from them are yielded."""
    if (
        format is None and str(path) != "-"
    ):  # a missing, directory or binary path is said before its extension
        _open_binary(path).close()
    fmt = format or ("jsonl" if str(path) == "-" else detect_format(path))
    if fmt == "jsonl":
        return read_jsonl(path, registry, fallback_source=fallback_source, on_read=on_read)
    if fmt == "csv":
        return read_csv(path, on_read=on_read)
    if fmt == "claimreview":
        return read_claimreview(
            path, registry, fallback_source=fallback_source, warnings=warnings, on_read=on_read
        )
    raise InputError(f"{path}: unknown format {fmt!r}; one of {', '.join(FORMATS)}")


# -- JSONL and CSV ------------------------------------------------------------------------------------


def read_jsonl(
    path: str | Path,
    registry: Registry | None = None,
    *,
    fallback_source: str = UNREGISTERED,
    on_read: Callable[[int], None] | None = None,
) -> Iterator[ClaimRecord]:
    """Claim records, one JSON object per line."""
    with _open_lines(path, on_read) as lines:
        for line_no, line in lines:
            if not line.strip():
                continue
            where = f"{path}:{line_no}"
            data = _json(line, where)
            if not isinstance(data, dict):
                raise InputError(f"{where}: expected a JSON object, found {type(data).__name__}")
            if "source" not in data and _is_factcheck(data):
                for record in claimreview_records(data, registry, fallback_source=fallback_source):
                    yield located(record, where)
            else:
                yield record_from_fields(data, where)


def _json(text: str, where: str, *, whole_file: bool = False) -> Any:
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


def read_csv(path: str | Path, *, on_read: Callable[[int], None] | None = None) -> Iterator[ClaimRecord]:
    """Claim records, one CSV row each, under a header row.

    Quoting is strict: a quote that is never closed would otherwise swallow the rest of the file into one
    field, and text after a closing quote (``"a"b``) be glued on silently."""
    with _open_lines(path, on_read) as numbered:
        physical = 0

        def lines() -> Iterator[str]:
            nonlocal physical
            for physical, line in numbered:  # noqa: B007 (read by the error messages below)
                yield line

        reader = csv.reader(lines(), strict=True)
        start = 1
        try:
            header = next(reader, None)
            if header is None:
                return
            header = [h.strip().lower() for h in header]
            missing = [f for f in ("text", "source") if f not in header]
            if missing:
                raise InputError(f"{path}:1: the header has no {' or '.join(missing)} column")
            start = physical + 1
            for row in reader:
                where = f"{path}:{start}"
                start = physical + 1
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > len(header):
                    raise InputError(f"{where}: {len(row)} fields, but the header names {len(header)}")
                data = {k: v for k, v in zip(header, row, strict=False) if v.strip() != ""}
                yield record_from_fields(data, where, text_lists=True)
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise InputError(
                    f"{path}:{start}: malformed CSV (a quoted field that starts on this line is never closed)"
                ) from None
            raise InputError(f"{path}:{physical}: malformed CSV ({exc})") from None


def located(record: ClaimRecord, where: str) -> ClaimRecord:
    """``record``, tagged with where it was read (``claims.jsonl:17``) as ``record.origin``.

    Records compare, hash and print as before. The store names a record by it in its errors, else by the
    record's number in the import."""
    return replace(record, origin=where)


def record_from_fields(data: dict[str, Any], where: str, *, text_lists: bool = False) -> ClaimRecord:
    """A claim record from contract fields (a JSONL object or a CSV row) read at ``where`` (its origin,
    which prefixes errors). ``text_lists``: ``via`` may be a string of ids (a CSV cell); in JSON it is a
    list. The store checks the rest (:func:`claims.store.validate.check_record`)."""
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{where}: text is missing or empty")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise InputError(f"{where}: source is missing (a registry id, e.g. kcna)")
    published = data.get("published")
    if published is not None:
        if not isinstance(published, str) or not (m := _DATE.fullmatch(published.strip())):
            raise InputError(f"{where}: published: {published!r} is not a date (YYYY-MM-DD)")
        published = m[1]
        try:
            date.fromisoformat(published)
        except ValueError:
            raise InputError(f"{where}: published: {published!r} is not a valid date") from None
    language = data.get("language")
    if language is not None and (not isinstance(language, str) or not _LANGUAGE.fullmatch(language)):
        raise InputError(f"{where}: language: {language!r} is not a language code (ar, en, ...)")
    ext_id = data.get("id")
    if ext_id is not None and not isinstance(ext_id, str | int):
        raise InputError(f"{where}: id must be a string or a number")
    return ClaimRecord(
        text=text.strip(),
        source=source.strip(),
        published=published,
        url=_optional_str(data, "url", where),
        language=language.lower().replace("_", "-") if language else None,
        publisher=_optional_str(data, "publisher", where),
        via=_via(data.get("via"), where, text_lists),
        rating=_optional_str(data, "rating", where),
        external_id=str(ext_id) if ext_id is not None and ext_id != "" else None,
        hedged=_flag(data.get("hedged"), "hedged", where),
        demo=_flag(data.get("demo"), "demo", where),
        origin=where,
    )


def _optional_str(data: dict[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: {key} must be a string")
    return value.strip() or None


def _via(value: Any, where: str, text_lists: bool) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) and not text_lists:
        raise InputError(f'{where}: via: {value!r} is not a list of source ids (a JSON list: ["kcna"])')
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("["):
            try:
                value = json.loads(value)
            except (json.JSONDecodeError, RecursionError):
                raise InputError(f"{where}: via: {value!r} is not a list of source ids") from None
        else:
            return tuple(v for v in _VIA_SEPARATORS.split(value) if v)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(f"{where}: via must be a list of source ids")
    return tuple(v.strip() for v in value)


def _flag(value: Any, key: str, where: str) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(f"{where}: {key}: {value!r} is not true or false")


@contextmanager
def _open_lines(
    path: str | Path, on_read: Callable[[int], None] | None = None
) -> Iterator[Iterator[tuple[int, str]]]:
    """``(line number, text)`` of a UTF-8 file (BOM dropped, line ends kept) or of stdin (``-``).

    Lines are decoded one at a time, so an undecodable byte is reported at its line. ``on_read`` is
    called with the bytes read so far before each line is given."""
    handle = sys.stdin.buffer if str(path) == "-" else _open_binary(path)

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


def _read_text(path: str | Path) -> str:
    """A whole UTF-8 file (BOM dropped) or stdin."""
    handle = sys.stdin.buffer if str(path) == "-" else _open_binary(path)
    try:
        data = handle.read()
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8 text") from None


def _open_binary(path: str | Path) -> BinaryIO:
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


# -- ClaimReview --------------------------------------------------------------------------------------


def read_claimreview(
    path: str | Path,
    registry: Registry | None = None,
    *,
    fallback_source: str = UNREGISTERED,
    warnings: list[str] | None = None,
    on_read: Callable[[int], None] | None = None,
) -> Iterator[ClaimRecord]:
    """Records of a ClaimReview JSON / JSON-LD file, a page embedding JSON-LD, or a Fact Check Tools file."""
    content = _read_text(path)
    if on_read is not None:  # read whole: every record comes after all of its bytes
        on_read(len(content.encode("utf-8")))
    stripped = content.lstrip()
    if stripped.startswith("<"):
        documents = []
        for n, block in enumerate(jsonld_blocks(content), start=1):
            try:
                documents.append(json.loads(block))
            except json.JSONDecodeError as exc:
                if warnings is not None:
                    warnings.append(f"{path}: JSON-LD block {n} is not valid JSON ({exc.msg}); skipped")
            except RecursionError:
                if warnings is not None:
                    warnings.append(f"{path}: JSON-LD block {n} is nested too deeply to read; skipped")
        data: Any = documents
    else:
        data = _json(content, str(path), whole_file=True)
    found = 0
    for record in claimreview_records(
        data, registry, fallback_source=fallback_source, warnings=warnings, origin=str(path)
    ):
        found += 1
        yield record
    if not found:
        raise InputError(f"{path}: no ClaimReview or Fact Check Tools claims with a claim text found")


def jsonld_blocks(html: str) -> list[str]:
    """The contents of the ``<script type="application/ld+json">`` elements of an HTML page."""
    parser = _JsonLdScripts()
    parser.feed(html)
    parser.close()
    return parser.blocks


class _JsonLdScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._parts: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and any(
            name == "type" and value and value.split(";")[0].strip().lower() == "application/ld+json"
            for name, value in attrs
        ):
            self._parts = []

    def handle_data(self, data: str) -> None:
        if self._parts is not None:
            self._parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._parts is not None:
            self.blocks.append("".join(self._parts))
            self._parts = None


def claimreview_records(
    data: Any,
    registry: Registry | None = None,
    *,
    fallback_source: str = UNREGISTERED,
    warnings: list[str] | None = None,
    origin: str = "",
) -> Iterator[ClaimRecord]:
    """Records of parsed JSON holding ClaimReview objects or Fact Check Tools claims, at any depth."""
    mapper = _Mapper(registry, fallback_source)
    for n, (kind, node) in enumerate(_factchecks(data), start=1):
        records = list(mapper.from_claimreview(node) if kind == "claimreview" else mapper.from_api(node))
        what = "ClaimReview" if kind == "claimreview" else "Fact Check Tools claim"
        if not records and warnings is not None:
            warnings.append(f"{origin or 'input'}: {what} #{n} has no claim text; skipped")
        for record in records:
            yield located(record, f"{origin}: {what} #{n}") if origin else record


def _factchecks(data: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """The ClaimReview objects and Fact Check Tools claims in ``data``, in document order.

    A walk with its own stack: JSON as deep as the decoder accepts must not exhaust Python's."""
    stack: list[Iterator[Any]] = [iter((data,))]
    while stack:
        node = next(stack[-1], _END)
        if node is _END:
            stack.pop()
        elif isinstance(node, list):
            stack.append(iter(node))
        elif isinstance(node, dict):
            if _has_type(node, "ClaimReview"):
                yield "claimreview", node
            elif isinstance(node.get("claimReview"), list) and ("text" in node or "claimant" in node):
                yield "api", node
            else:
                stack.append(v for v in node.values() if isinstance(v, list | dict))


_END = object()


def _is_factcheck(data: dict[str, Any]) -> bool:
    return _has_type(data, "ClaimReview") or isinstance(data.get("claimReview"), list) or "@graph" in data


def _has_type(node: dict[str, Any], name: str) -> bool:
    types = node.get("@type")
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list):
        return False
    return any(isinstance(t, str) and re.split(r"[/:#]", t)[-1] == name for t in types)


class _Mapper:
    def __init__(self, registry: Registry | None, fallback_source: str) -> None:
        self.registry = registry
        self.fallback = fallback_source

    def from_claimreview(self, review: dict[str, Any]) -> Iterator[ClaimRecord]:
        item = review.get("itemReviewed")
        item = item if isinstance(item, dict) else {}
        text = _text(review.get("claimReviewed")) or _text(item.get("text"))
        if not text:
            return
        checker = review.get("author") or review.get("publisher")
        checker_name, checker_url = _name_and_url(checker)
        yield ClaimRecord(
            text=text,
            source=self.claimant(_name_and_url(item.get("author"))[0]),
            published=_date(item.get("datePublished")) or _date(review.get("datePublished")),
            url=_text(review.get("url")) or None,
            language=_language(review.get("inLanguage")),
            publisher=self.fact_checker(checker_name, checker_url),
            rating=_rating(review.get("reviewRating")),
        )

    def from_api(self, claim: dict[str, Any]) -> Iterator[ClaimRecord]:
        text = _text(claim.get("text"))
        if not text:
            return
        source = self.claimant(_text(claim.get("claimant")))
        claim_date = _date(claim.get("claimDate"))
        for review in claim.get("claimReview") or ():
            if not isinstance(review, dict):
                continue
            publisher = review.get("publisher")
            publisher = publisher if isinstance(publisher, dict) else {}
            yield ClaimRecord(
                text=text,
                source=source,
                published=claim_date or _date(review.get("reviewDate")),
                url=_text(review.get("url")) or None,
                language=_language(review.get("languageCode")),
                publisher=self.fact_checker(_text(publisher.get("name")), _text(publisher.get("site"))),
                rating=_text(review.get("textualRating")) or None,
            )

    def claimant(self, name: str) -> str:
        if not name:
            return ANONYMOUS
        if self.registry is not None and (source := self.registry.lookup(name)) is not None:
            return source.id
        return self.fallback

    def fact_checker(self, name: str, site: str) -> str | None:
        host = _host(site)
        if self.registry is not None:
            labels = host.split(".")
            # the name, the site, then the site's own name: factcheck.afp.com → afp
            for key in (name, host, labels[-2] if len(labels) >= 2 else ""):
                if key and (source := self.registry.lookup(key)) is not None:
                    return source.id
        slug = host.replace(".", "-")
        return slug if slug and _HOST_ID.fullmatch(slug) else None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _name_and_url(node: Any) -> tuple[str, str]:
    if isinstance(node, list):
        node = next((n for n in node if isinstance(n, dict | str)), None)
    if isinstance(node, str):
        return node.strip(), ""
    if isinstance(node, dict):
        return _text(node.get("name")), _text(node.get("url")) or _text(node.get("@id"))
    return "", ""


def _host(site: str) -> str:
    if not site:
        return ""
    host = urlsplit(site if "//" in site else "//" + site).hostname or ""
    host = host.lower()
    return host[4:] if host.startswith("www.") else host


def _date(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    if m := _DATE.match(text):
        return m[1]
    found = parse_date(text)
    return found.isoformat() if found else None


def _language(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    text = _text(value)
    if text and _LANGUAGE.fullmatch(text) and len(text) <= 16:
        return text.lower().replace("_", "-")
    return None


def _rating(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    if not isinstance(value, dict):
        return None
    for key in ("alternateName", "name"):
        if text := _text(value.get(key)):
            return text
    rating, best = value.get("ratingValue"), value.get("bestRating")
    if rating is not None and best is not None:
        return f"{rating}/{best}"
    return None


def records_from_dicts(rows: Iterable[dict[str, Any]], origin: str = "input") -> Iterator[ClaimRecord]:
    """Claim records from already-parsed contract dicts (``origin`` #n names a bad one)."""
    for n, row in enumerate(rows, start=1):
        yield record_from_fields(row, f"{origin}#{n}")
