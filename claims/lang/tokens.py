"""Words of a statement as relations compare them: each token with its content forms
(:meth:`claims.lang.Language.content_forms`), forms to look it up in a word list, and rough roots."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from claims import lang
from claims.text.normalize import normalize

_WORD = re.compile(r"\d+(?:\.\d+)?|%|[^\W\d_]+(?:'[^\W\d_]+)*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
#: A short ending is taken off only when this many letters remain.
_MIN_STEM = 3


def words(norm: str) -> list[str]:
    """The words, numbers and percent signs of a normalised text, in order."""
    return _WORD.findall(norm)


@dataclass(frozen=True)
class Token:
    """A word of the matching form: ``norm`` as written (folded), ``forms`` with clitics stripped, ``key``
    the form used to compare content words (clitics and the article removed)."""

    i: int
    norm: str
    forms: tuple[str, ...]
    key: str

    @cached_property  # asked often while comparing: read once (the instance is otherwise frozen)
    def is_number(self) -> bool:
        return bool(_NUMBER.fullmatch(self.norm))

    @property
    def is_integer(self) -> bool:
        return self.norm.isdigit()


@lru_cache(maxsize=65536)
def content_forms(norm: str, language: str) -> tuple[str, ...]:
    """The token and the words under its clitics, the article and the future prefix
    (:meth:`claims.lang.Language.content_forms`): وبالحرب → بالحرب, الحرب, حرب; سيرتفع → يرتفع."""
    return lang.get(language).content_forms(norm)


@lru_cache(maxsize=65536)
def lookup_forms(norm: str, language: str) -> tuple[str, ...]:
    """Forms to look a token up in a word list: its clitic forms and those without a short ending."""
    return _without_endings(norm, language, lang.get(language).word_endings)


@lru_cache(maxsize=65536)
def name_forms(norm: str, language: str) -> tuple[str, ...]:
    """Like :func:`lookup_forms` for names, with only the endings of gender and number: «الأمريكية» is
    «أمريكي», but «الذهبي» (golden) is not «الذهب» (gold)."""
    return _without_endings(norm, language, lang.get(language).name_endings)


def _without_endings(norm: str, language: str, suffixes: Sequence[str]) -> tuple[str, ...]:
    forms = content_forms(norm, language)
    out = list(forms)
    for form in forms:
        for suffix in suffixes:
            if form.endswith(suffix) and len(form) - len(suffix) >= _MIN_STEM:
                stem = form[: -len(suffix)]
                out.append(stem)
                if suffix == "ies":
                    out.append(stem + "y")
                if suffix in ("ed", "ing", "es"):
                    out.append(stem + "e")
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=65536)
def skeleton(key: str, language: str) -> str:
    """A rough root for comparing derived words (:meth:`claims.lang.Language.root`): يهبط / هبوط → هبط.
    Words of a language without roots are returned as they are. Only skeletons of three letters or more
    are worth comparing."""
    return lang.get(language).root(key)


def skeletons(tok: Token, language: str) -> tuple[str, ...]:
    """The rough roots (three letters or more) of a token's lookup forms; none for a number or in a
    language without roots."""
    if tok.is_number or not lang.get(language).has_roots:
        return ()
    return _skeletons_of(tok.norm, language)


@lru_cache(maxsize=65536)
def _skeletons_of(norm: str, language: str) -> tuple[str, ...]:
    return tuple({sk for f in lookup_forms(norm, language) if len(sk := skeleton(f, language)) >= 3})


def _key(forms: tuple[str, ...]) -> str:
    # The shortest clitic-free form that is still a word: الحرب / والحرب / بالحرب all compare as حرب.
    return min(forms, key=len)


@lru_cache(maxsize=8192)
def tokenize(text: str, language: str) -> tuple[Token, ...]:
    """Words and numbers of ``text`` (any form; normalised here), with their clitic forms."""
    toks = []
    for i, word in enumerate(words(normalize(text))):
        forms = content_forms(word, language)
        toks.append(Token(i, word, forms, _key(forms)))
    return tuple(toks)


def text_of(toks: Sequence[Token], start: int, end: int) -> str:
    """The tokens ``start:end`` as words joined by spaces."""
    return " ".join(t.norm for t in toks[start:end])
