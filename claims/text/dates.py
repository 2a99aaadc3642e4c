"""Reading dates written in news copy: ISO, day-month-year with English or Arabic month names."""

from __future__ import annotations

import re
from datetime import date

from claims import lang
from claims.text.normalize import normalize

_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DMY_NUM = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")


@lang.cached
def _months() -> dict[str, int]:
    return {normalize(k): v for k, v in lang.month_names().items()}


def parse_date(text: str) -> date | None:
    """The first full date (day, month, year) in ``text``, or None.

    >>> parse_date("تاريخ النشر: 5th, December 2024 GMT")
    datetime.date(2024, 12, 5)
    """
    norm = normalize(text)
    if m := _ISO.search(norm):
        return _safe(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY_NUM.search(norm):
        return _safe(int(m[3]), int(m[2]), int(m[1]))
    norm = _ORDINAL.sub(r"\1", norm)
    words = re.findall(r"[^\W\d_]+|\d+", norm)
    months = _months()
    for i, word in enumerate(words):
        month = months.get(word)
        width = 1
        if i + 1 < len(words) and f"{word} {words[i + 1]}" in months:
            month, width = months[f"{word} {words[i + 1]}"], 2
        if month is None:
            continue
        before = words[i - 1] if i else ""
        after = words[i + width : i + width + 2]
        year = next((int(w) for w in after if w.isdigit() and len(w) == 4), None)
        day = int(before) if before.isdigit() and len(before) <= 2 else None
        if day is None and after and after[0].isdigit() and len(after[0]) <= 2:
            day = int(after[0])
            year = next(
                (int(w) for w in words[i + width + 1 : i + width + 3] if w.isdigit() and len(w) == 4), year
            )
        if year and day:
            return _safe(year, month, day)
    return None


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
