import datetime as dt

import pytest

from claims.text.dates import parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("تاريخ النشر: 5th, December 2024 GMT", dt.date(2024, 12, 5)),
        ("Published: 2024-12-05", dt.date(2024, 12, 5)),
        ("December 5, 2024", dt.date(2024, 12, 5)),
        ("5 كانون الأول 2024", dt.date(2024, 12, 5)),
        ("الخميس ٥ ديسمبر ٢٠٢٤", dt.date(2024, 12, 5)),
        ("05/12/2024", dt.date(2024, 12, 5)),
        ("في 28 أبريل", None),  # no year: not a full date
        ("31 February 2024", None),
        ("no date here", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected
