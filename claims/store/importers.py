"""Readers of claim files: each yields :class:`~claims.types.ClaimRecord` values for ``Store.add_claims``.

Formats
-------
* **JSONL** (``.jsonl``, ``.ndjson``): one claim record per line, fields as in the contract: ``text`` and
  ``source`` required; ``published`` (YYYY-MM-DD), ``url``, ``language``, ``publisher``, ``via`` (list of
  source ids), ``rating``, ``id``, ``hedged``. A line holding a ClaimReview or a Fact Check Tools claim
  is converted as a ClaimReview file is. Blank lines are skipped.
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
How a ClaimReview becomes a record: :mod:`claims.store.claimreview`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from claims.errors import InputError
from claims.store.claimreview import (  # noqa: F401  (re-exported)
    claimreview_records,
    is_factcheck,
    jsonld_blocks,
    read_claimreview,
)
from claims.store.fields import FIELDS, located, record_from_fields, records_from_dicts  # noqa: F401
from claims.store.files import json_lines, open_binary, open_lines
from claims.types import UNREGISTERED, ClaimRecord

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
        open_binary(path).close()
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
    for where, data in json_lines(path, on_read):
        if not isinstance(data, dict):
            raise InputError(f"{where}: expected a JSON object, found {type(data).__name__}")
        if "source" not in data and is_factcheck(data):
            for record in claimreview_records(data, registry, fallback_source=fallback_source):
                yield located(record, where)
        else:
            yield record_from_fields(data, where)


def read_csv(path: str | Path, *, on_read: Callable[[int], None] | None = None) -> Iterator[ClaimRecord]:
    """Claim records, one CSV row each, under a header row.

    Quoting is strict: a quote that is never closed would otherwise swallow the rest of the file into one
    field, and text after a closing quote (``"a"b``) be glued on silently."""
    with open_lines(path, on_read) as numbered:
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
