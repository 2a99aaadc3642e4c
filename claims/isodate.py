"""The one date rule of every front end: a date is ISO ``YYYY-MM-DD``, nothing else."""

from __future__ import annotations

import re
from datetime import date

from claims.errors import UsageError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: str, what: str, *, error: type[Exception] = UsageError) -> str:
    """``value`` when it is a real date written ``YYYY-MM-DD``; else ``error`` naming ``what``.

    ``date.fromisoformat`` alone would also take ``20241205`` and ``2024-W49-4``, which the store refuses
    and which compare wrongly against stored dates."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise error(f"{what}: {value!r} is not a date (YYYY-MM-DD)")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise error(f"{what}: {value!r} is not a valid date") from None
    return value
