"""Normalisation for matching.

Folds the spelling variation of Arabic and Latin news text so that two writings of the same word compare
equal. It only ever produces a *copy* for comparison: reported offsets always refer to the original text.
"""

from __future__ import annotations

import re
import unicodedata

# Harakat, tanween, shadda, sukun, superscript alef, Quranic marks.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
_TATWEEL = "\u0640"
# Bidi controls and zero-width characters: invisible, never meaningful for matching.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")

_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ى": "ي",
        "ی": "ي",  # Persian yeh
        "ې": "ي",
        "ۍ": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "ۀ": "ه",
        "ە": "ه",
        "ک": "ك",  # keheh
        "ڪ": "ك",
        # Digits: Arabic-Indic and Persian (Extended Arabic-Indic)
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "٫": ".",  # Arabic decimal separator
        # Quotes and apostrophes
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "‹": '"',
        "›": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "`": "'",
        # Dashes and minus
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        # Arabic punctuation keeps its meaning but one form
        "،": ",",
        "؛": ";",
        "؟": "?",
    }
)

# str.translate looks every character up in its table, and one the table lacks costs a raised and caught
# LookupError (most of the time of a translate): so the table also maps the characters of the scripts and
# punctuation blocks news text is written in to themselves.
_COMMON_BLOCKS = ((0x0000, 0x0250), (0x0600, 0x0780), (0x2000, 0x2070))
_TABLE = {cp: cp for start, end in _COMMON_BLOCKS for cp in range(start, end)} | _LETTERS

# A thousands separator sits between a digit and exactly three digits: 10,000 · 10٬000 · 1.250.000 is left
# alone. The pattern starts at the separator (scanning for a character class is fast), then looks back.
_THOUSANDS = re.compile(r"[,٬'](?<=\d[,٬'])(?=\d{3}(?!\d))")


def normalize(text: str) -> str:
    """Return the matching form of ``text``: folded, casefolded, one space between words.

    >>> normalize("الاتـــفاقيّة")
    'الاتفاقيه'
    """
    text = _INVISIBLE.sub("", text)
    # NFKC first: presentation forms (ﻻ, ﺍ) and full-width Latin become their plain letters.
    text = unicodedata.normalize("NFKC", text)
    text = _ARABIC_MARKS.sub("", text).replace(_TATWEEL, "")
    text = text.translate(_TABLE)
    text = _THOUSANDS.sub("", text)
    text = text.casefold()
    # Runs of whitespace (str.isspace, as regex \s) become one space: split() and join do it in one pass.
    return " ".join(text.split())


def is_arabic_char(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff"


def script_of(text: str) -> str:
    """'ar' when Arabic letters are at least as many as Latin ones, 'en' when Latin wins, '' if no letters."""
    arabic = latin = 0
    for ch in text:
        if ch.isalpha():
            if is_arabic_char(ch):
                arabic += 1
            elif ch.isascii() or "\u00c0" <= ch <= "\u024f":
                latin += 1
    if not arabic and not latin:
        return ""
    return "ar" if arabic >= latin else "en"
