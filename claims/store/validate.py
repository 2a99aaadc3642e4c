"""What every claim record must be before it is stored, wherever it comes from: ``claims import`` (each
reader), ``claims add`` and ``POST /v1/claims`` all pass through :func:`check_record` (the store calls
it on every record it prepares), so they refuse the same records with the same words.

* Every string is valid Unicode: no unpaired surrogate. A JSON escape such as ``"\\ud800"`` without its
  pair, or a command-line argument with a byte that is not UTF-8 (Python keeps it as U+DC80-U+DCFF),
  cannot be written to the database or printed in a report.
* The text says something: at least one letter or digit. Spaces and invisible characters alone (zero-width
  space, joiners, direction marks, word joiner, BOM, ...) are not a claim.
* ``via`` is a list of source ids.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from claims.errors import InputError
from claims.types import ClaimRecord

_SURROGATE = re.compile("[\ud800-\udfff]")
# Letters that draw nothing: Hangul fillers.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")


def unpaired_surrogate(value: str) -> str | None:
    """Why ``value`` is not valid Unicode text (an unpaired surrogate and where), or None."""
    m = _SURROGATE.search(value)
    if m is None:
        return None
    code = ord(m[0])
    why = (
        f"a byte that is not UTF-8 (0x{code - 0xDC00:02x})"
        if 0xDC80 <= code <= 0xDCFF
        else "a \\u escape without its pair"
    )
    return f"an unpaired surrogate U+{code:04X} at character {m.start() + 1}: {why}"


def has_words(text: str) -> bool:
    """Whether ``text`` holds a letter or a digit (not only spaces, punctuation or invisible characters)."""
    return any(
        unicodedata.category(ch)[0] in "LN" and ch not in _BLANK_LETTERS for ch in text if not ch.isspace()
    )


def check_string(value: Any, what: str, where: str, error: type[Exception] = InputError) -> None:
    """Raise ``error`` (``where: what ...``) when ``value`` is a string that is not valid Unicode."""
    if isinstance(value, str) and (why := unpaired_surrogate(value)):
        raise error(f"{where}: {what}: not valid Unicode ({why})")


def check_record(record: ClaimRecord, where: str, error: type[Exception] = InputError) -> None:
    """Raise ``error`` naming ``where`` when ``record`` cannot be stored as it is."""
    fields = {
        "text": record.text,
        "source": record.source,
        "published": record.published,
        "url": record.url,
        "language": record.language,
        "publisher": record.publisher,
        "rating": record.rating,
        "id": record.external_id,
    }
    for what, value in fields.items():
        check_string(value, what, where, error)
    if not isinstance(record.text, str) or not has_words(record.text):
        raise error(
            f"{where}: the claim text is empty (no letter or digit: only spaces or invisible characters)"
        )
    if not isinstance(record.via, tuple | list) or not all(isinstance(v, str) for v in record.via):
        raise error(f"{where}: via must be a list of source ids")
    for v in record.via:
        check_string(v, "via", where, error)
