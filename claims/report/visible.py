"""Text from articles, the database or the command line made safe for a terminal.

Every control character becomes something the reader can see and the terminal cannot act on: C0 codes
and DEL as their Unicode control pictures (ESC as ``␛``, so ``\\x1b]0;title\\x07`` cannot set a window
title or clear the screen), C1 codes (U+0080–U+009F, which some terminals obey as CSI, OSC, ...) as
``\\x9b``, and the bidi embeddings, overrides, isolates and marks as ``⟨RLO⟩``-style marks, so that
reordered text cannot hide what it says. Tab is kept; a newline is kept only where ``newlines`` says the
text may span lines.
"""

from __future__ import annotations

import re

__all__ = ["visible", "visible_pieces"]

BIDI_CONTROLS = {
    "\u061c": "ALM",
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
}

_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f" + "".join(BIDI_CONTROLS) + "]")
_UNSAFE_KEEP_NEWLINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(BIDI_CONTROLS) + "]")


def _picture(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (␛ for ESC, ␍ for CR, ␊ for LF)
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return f"⟨{BIDI_CONTROLS[ch]}⟩"


def visible(text: str, *, newlines: bool = False) -> str:
    """``text`` with every control character shown instead of obeyed (see the module docstring)."""
    pattern = _UNSAFE_KEEP_NEWLINES if newlines else _UNSAFE
    return pattern.sub(lambda m: _picture(m.group()), text)


def visible_pieces(text: str, cuts: list[int], *, newlines: bool = False) -> tuple[str, dict[int, int]]:
    """``visible(text)`` and where each offset in ``cuts`` lands in it, for styling made-visible text by
    the original offsets (a control picture may be longer than the character it shows)."""
    bounds = sorted({0, len(text), *(c for c in cuts if 0 <= c <= len(text))})
    out: list[str] = []
    where: dict[int, int] = {}
    pos = 0
    for start, end in zip(bounds, bounds[1:], strict=False):
        where[start] = pos
        piece = visible(text[start:end], newlines=newlines)
        out.append(piece)
        pos += len(piece)
    where[len(text)] = pos
    return "".join(out), where
