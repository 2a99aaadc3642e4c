"""What English data cannot say: the stemmer of the store's word index."""

from __future__ import annotations


def index_stem(word: str) -> str:
    """Harman's s-stemmer: strip plural and third-person -s from an English word."""
    if len(word) <= 3 or not word.endswith("s"):
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith(("us", "ss")):
        return word
    return word[:-1]
