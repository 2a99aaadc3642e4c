"""The language layer: what a word is in each language the checker reads.

A language is a folder of data (``claims/lang/<code>/``: ``language.toml`` for its script, clitics and
endings, ``cues.toml`` for attribution cues, ``words.toml`` for stop words and month names,
``sources.toml`` for source names) plus, for a bundled language, at most one module of code
(``claims/lang/<code>/__init__.py``) for what the data cannot say. Attribution, relations, retrieval and the
store's word index all ask this layer; none of them compares a language code with a literal.

More languages come from folders named in ``CLAIMS_LANG_PATH`` (separated like ``PATH``) or registered
with :func:`register_folder` (see docs/languages.md).

    >>> get("ar").clitic_forms("وقال")
    ('وقال', 'قال')
    >>> get("fr")
    Traceback (most recent call last):
    ...
    claims.lang.UnsupportedLanguage: unsupported language 'fr'; supported: ar, en
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from claims.errors import DataError, UsageError
from claims.lang.language import GRAMMARS, LETTERS, SCRIPTS, Language, load_folder

__all__ = [
    "DEFAULT",
    "GRAMMARS",
    "LANGUAGES",
    "SCRIPTS",
    "Language",
    "UnsupportedLanguage",
    "cached",
    "clitic_forms",
    "codes",
    "detect",
    "for_pipeline",
    "for_word",
    "get",
    "index_forms",
    "month_names",
    "name_language",
    "register_folder",
    "stopwords",
    "unregister",
]

#: The languages bundled with claims, in the order their data is read.
LANGUAGES = ("ar", "en")
#: The language of text whose script says nothing (no letters) or is Latin.
DEFAULT = "en"
ENV_PATH = "CLAIMS_LANG_PATH"


class UnsupportedLanguage(UsageError, ValueError):
    """A language code no folder provides."""

    def __init__(self, code: str) -> None:
        super().__init__(f"unsupported language {code!r}; supported: {', '.join(codes())}")
        self.code = code


_languages: dict[str, Language] = {}
_CACHES: list[Any] = []

F = TypeVar("F", bound=Callable[..., Any])


def cached(fn: F) -> F:
    """``functools.cache`` for what is derived from the languages: cleared when a language is registered."""
    wrapped = functools.cache(fn)
    _CACHES.append(wrapped)
    return wrapped  # type: ignore[return-value]


def _changed() -> None:
    for c in _CACHES:
        c.cache_clear()


def _bundled(code: str) -> Language:
    folder = files("claims") / "lang" / code
    module = importlib.import_module(f"claims.lang.{code}") if (folder / "__init__.py").is_file() else None
    return load_folder(folder, f"claims/lang/{code}", module)


def _registry() -> dict[str, Language]:
    if not _languages:  # all or nothing: a bad folder in CLAIMS_LANG_PATH fails every time it is asked
        found = {code: _bundled(code) for code in LANGUAGES}
        for entry in os.environ.get(ENV_PATH, "").split(os.pathsep):
            if entry:
                language = _read_folder(Path(entry))
                found[language.code] = language
        _languages.update(found)
    return _languages


def _read_folder(folder: Path) -> Language:
    if not (folder / "language.toml").is_file():
        raise DataError(f"{folder}: not a language folder (no language.toml)")
    return load_folder(folder, str(folder))


def register_folder(path: str | os.PathLike[str]) -> Language:
    """Add (or replace) the language whose data is in the folder ``path``; returns it."""
    language = _read_folder(Path(path))
    _registry()[language.code] = language  # a language replaced keeps its place in the order
    _changed()
    return language


def unregister(code: str) -> None:
    """Forget a registered language (the bundled ones come back as bundled)."""
    registry = _registry()
    if code in LANGUAGES:
        registry[code] = _bundled(code)
    else:
        registry.pop(code, None)
    _changed()


def codes() -> tuple[str, ...]:
    """The codes of every language known now: bundled, then registered."""
    return tuple(_registry())


def get(code: str) -> Language:
    """The language ``code`` (ar, en, ...); :class:`UnsupportedLanguage` when no folder provides it."""
    language = _languages.get(code) or _registry().get(code)
    if language is None:
        raise UnsupportedLanguage(code)
    return language


def for_pipeline(spacy_code: str) -> Language:
    """The language a spaCy pipeline of ``nlp.lang == spacy_code`` reads."""
    for language in _registry().values():
        if language.spacy == spacy_code:
            return language
    raise UnsupportedLanguage(spacy_code)


def for_word(word: str) -> Language | None:
    """The first language whose script a normalised word is written in (None for digits, mixed words)."""
    if word:
        for writes, language in _writers():
            if writes(word):
                return language
    return None


@cached
def _writers() -> tuple[tuple[Callable[[str], bool], Language], ...]:
    return tuple((SCRIPTS[language.script], language) for language in _registry().values())


def detect(text: str) -> str:
    """The code of the language whose script most letters of ``text`` are written in (the first language
    on a tie: Arabic over English); "" when it has no letters of a known script."""
    tests = _letter_tests()
    counts = {code: 0 for _, code in tests}
    for ch in text:
        if ch.isalpha():
            for is_in, code in tests:
                if is_in(ch):
                    counts[code] += 1
                    break
    best = max(counts.values(), default=0)
    return next((code for code, n in counts.items() if n == best), "") if best else ""


@cached
def _letter_tests() -> tuple[tuple[Callable[[str], bool], str], ...]:
    scripts: dict[str, str] = {}
    for language in _registry().values():
        scripts.setdefault(language.script, language.code)
    return tuple((LETTERS[script], code) for script, code in scripts.items())


def name_language(name: str) -> str:
    """The code of the language a name is written in, by its script; the default for no letters."""
    return detect(name) or DEFAULT


@cached
def stopwords() -> frozenset[str]:
    """The stop words of every language, normalised: function words the word index leaves out."""
    from claims.text.normalize import normalize

    return frozenset(normalize(w) for language in _registry().values() for w in language.stopwords)


@cached
def month_names() -> dict[str, int]:
    """Month names of every language as written in the data -> month number."""
    months: dict[str, int] = {}
    for language in _registry().values():
        months.update(language.months)
    return months


def index_forms(word: str) -> tuple[str, ...]:
    """The store's index keys of one normalised word: empty for stop words and single letters, the forms
    of the language whose script it is written in, else the word itself (numbers)."""
    stop = stopwords()
    if word in stop or (len(word) == 1 and not word.isdigit()):
        return ()
    language = for_word(word)
    return language.index_forms(word, stop) if language else (word,)


@functools.lru_cache(maxsize=65536)
def clitic_forms(word: str) -> tuple[str, ...]:
    """A normalised word under its clitics, in the language whose script it is written in."""
    language = for_word(word)
    return language.clitic_forms(word) if language else (word,)


_CACHES.append(clitic_forms)
