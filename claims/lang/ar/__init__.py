"""What Arabic data cannot say: a rough root for comparing derived words."""

from __future__ import annotations


def root(key: str) -> str:
    """A rough root for comparing derived words: verb and participle prefixes dropped, long vowels and final
    ta marbuta removed (يهبط / هبوط → هبط, ترتفع / ارتفاع / مرتفع → رتفع). Only roots of three letters or more
    are worth comparing."""
    w = key
    for _ in range(2):
        if (len(w) >= 5 and w[0] in "يتنام") or (len(w) == 4 and w[0] in "يتنا"):
            w = w[1:]
    if len(w) >= 5 and w.startswith("ست"):
        w = w[2:]
    return w[:1] + "".join(c for c in w[1:] if c not in "اويه")
