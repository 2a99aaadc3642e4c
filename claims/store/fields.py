"""Claim records from contract fields (a JSONL object, a CSV row, a JSON body), checked field by field."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from claims.errors import InputError
from claims.isodate import parse_date
from claims.types import ClaimRecord

FIELDS = ("text", "source", "published", "url", "language", "publisher", "via", "rating", "id", "hedged")
DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.+\-Z ]*)?")
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
_VIA_SEPARATORS = re.compile(r"[;,|\s]+")
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f", ""}


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
        if not isinstance(published, str) or not (m := DATE.fullmatch(published.strip())):
            raise InputError(f"{where}: published: {published!r} is not a date (YYYY-MM-DD)")
        published = parse_date(m[1], f"{where}: published", error=InputError)
    language = data.get("language")
    if language is not None and (not isinstance(language, str) or not LANGUAGE.fullmatch(language)):
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


def records_from_dicts(rows: Iterable[dict[str, Any]], origin: str = "input") -> Iterator[ClaimRecord]:
    """Claim records from already-parsed contract dicts (``origin`` #n names a bad one)."""
    for n, row in enumerate(rows, start=1):
        yield record_from_fields(row, f"{origin}#{n}")
