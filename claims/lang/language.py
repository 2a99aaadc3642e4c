"""A language: a folder of data (``language.toml``, ``cues.toml``, ``words.toml``, ``sources.toml``,
``relations.toml``, ``names.toml``) and, for a
bundled language, at most one module of code for what the data cannot say (``root``, ``index_stem``)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from importlib.abc import Traversable
from typing import Any

from claims.errors import DataError
from claims.text.normalize import is_arabic_char, normalize

#: The attribution grammars a language can name (``grammar`` in language.toml).
GRAMMARS = ("arabic", "english")

#: Whether a (normalised) word is written in a script: the store's word index gives each word the forms of
#: the language whose script it is written in.
SCRIPTS: dict[str, Callable[[str], bool]] = {
    "arabic": lambda word: is_arabic_char(word[0]),
    "latin": lambda word: word.isascii() and word.isalpha(),
    "cyrillic": lambda word: "\u0400" <= word[0] <= "\u04ff",
}

#: Whether a letter belongs to a script: text is read in the language whose script most of its letters
#: are written in (:func:`claims.lang.detect`).
LETTERS: dict[str, Callable[[str], bool]] = {
    "arabic": is_arabic_char,
    "latin": lambda ch: ch.isascii() or "\u00c0" <= ch <= "\u024f",
    "cyrillic": lambda ch: "\u0400" <= ch <= "\u04ff",
}

FILES = ("cues", "words", "sources", "relations", "names")


@dataclass(frozen=True)
class Clitics:
    """What is written on the front of a word (``[clitics]`` of language.toml); one letter each."""

    conjunctions: frozenset[str] = frozenset()
    prepositions: frozenset[str] = frozenset()
    contractions: dict[str, str] = field(default_factory=dict)  # written form -> article: لل -> ال
    article: str = ""
    future: str = ""
    future_before: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.conjunctions or self.prepositions or self.article or self.future)


@dataclass(frozen=True, eq=False)
class Language:
    """One language the checker reads. Compared by identity: a language registered again is a new one."""

    code: str
    name: str
    script: str
    rtl: bool
    spacy: str
    grammar: str
    capitalised_names: bool
    clitics: Clitics
    word_endings: tuple[str, ...]
    name_endings: tuple[str, ...]
    data: dict[str, dict[str, Any]]  # file name (cues, words, sources, relations) -> its tables
    root_of: Callable[[str], str] | None = None
    index_stem: Callable[[str], str] | None = None

    @property
    def has_roots(self) -> bool:
        """Whether :meth:`root` means anything (Arabic: derived words share a rough root)."""
        return self.root_of is not None

    def root(self, key: str) -> str:
        """A rough root for comparing derived words; the word itself where the language has none."""
        return self.root_of(key) if self.root_of else key

    def writes(self, word: str) -> bool:
        """Whether a normalised word is written in this language's script."""
        return bool(word) and SCRIPTS[self.script](word)

    # --- word forms: one set of clitics, three named variants -----------------------------------------

    def clitic_forms(self, norm: str) -> tuple[str, ...]:
        """The word and the word under its clitics, as cues and sources are matched: a conjunction, then a
        preposition, each leaving at least two letters; a preposition merged with the article gives the
        article form too (وقال → قال, لوكالة → وكالة, للوكالة → الوكالة)."""
        c = self.clitics
        if not c or len(norm) < 3:
            return (norm,)
        out = [norm]
        bases = [norm]
        if norm[0] in c.conjunctions:
            bases.append(norm[1:])
        for base in bases:
            if len(base) > 2 and base[0] in c.prepositions:
                for written, article in c.contractions.items():
                    if base.startswith(written):
                        out.append(article + base[len(written) :])
                out.append(base[1:])
        out.extend(bases[1:])
        return tuple(dict.fromkeys(out))

    def content_forms(self, norm: str) -> tuple[str, ...]:
        """The forms two statements' words are compared by: the clitics each leaving at least three letters,
        then without the article and the future prefix (وبالحرب → بالحرب, الحرب, حرب; سيرتفع → يرتفع)."""
        c = self.clitics
        if not c or len(norm) < 3:
            return (norm,)
        out = [norm]
        if norm[0] in c.conjunctions and len(norm) > 3:
            out.append(norm[1:])
        for base in list(out):
            written = next((w for w in c.contractions if base.startswith(w)), "")
            if written and len(base) - len(written) > 2:
                rest = base[len(written) :]
                out += [c.contractions[written] + rest, rest]
            elif base[0] in c.prepositions and len(base) > 3:
                out.append(base[1:])
        for base in list(out):
            if c.article and base.startswith(c.article) and len(base) - len(c.article) > 2:
                out.append(base[len(c.article) :])
            if c.future and base.startswith(c.future) and len(base) > 4 and base[1] in c.future_before:
                out.append(base[len(c.future) :])
        return tuple(dict.fromkeys(out))

    def index_forms(self, word: str, stopwords: frozenset[str]) -> tuple[str, ...]:
        """The store's index keys of one normalised content word: its clitic forms and those without the
        article when three letters remain (الشمالية → شمالية), stemmed where the language has an index
        stemmer (fires → fire); empty for a stop word under a conjunction (وفي)."""
        c = self.clitics
        if c.conjunctions and word[0] in c.conjunctions and word[1:] in stopwords:
            return ()
        forms = list(self.clitic_forms(word))
        if c.article:
            for form in tuple(forms):
                if form.startswith(c.article) and len(form) - len(c.article) >= 3:
                    forms.append(form[len(c.article) :])
        if self.index_stem:
            forms = [self.index_stem(f) for f in forms]
        return tuple(dict.fromkeys(forms))

    # --- word lists ---------------------------------------------------------------------------------------

    @cached_property
    def stopwords(self) -> tuple[str, ...]:
        return tuple(self.data["words"].get("stopwords", {}).get("words", ()))

    @cached_property
    def months(self) -> dict[str, int]:
        """Month names as written in the data (not normalised) -> month number."""
        return {k: int(v) for k, v in self.data["words"].get("months", {}).items()}

    @cached_property
    def ambiguous_months(self) -> frozenset[str]:
        """Month names that are also common words ("may"): months only next to a number."""
        return frozenset(
            normalize(w) for w in self.data["words"].get("dates", {}).get("ambiguous_months", ())
        )

    @cached_property
    def source_names(self) -> dict[str, tuple[str, ...]]:
        """Registry id -> names of that source written in this language (``sources.toml``)."""
        return {k: tuple(v) for k, v in self.data["sources"].get("sources", {}).items()}


def _read(folder: Traversable, name: str, origin: str) -> dict[str, Any]:
    resource = folder / f"{name}.toml"
    if not resource.is_file():
        return {}
    try:
        return tomllib.loads(resource.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{origin}/{name}.toml is malformed: {exc}") from None


def _letters(values: Any, where: str) -> frozenset[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) and len(v) == 1 for v in values):
        raise DataError(f"{where}: a list of single letters is required")
    return frozenset(values)


def load_folder(folder: Traversable, origin: str, code_module: Any = None) -> Language:
    """Read one language folder. ``origin`` names it in error messages."""
    meta = _read(folder, "language", origin)
    if not meta:
        raise DataError(f"{origin}: language.toml is missing or empty")
    about = meta.get("language", {})
    code = about.get("code") or folder.name
    where = f"{origin}/language.toml"
    script = about.get("script", "latin")
    if script not in SCRIPTS:
        raise DataError(f"{where}: unknown script {script!r}; one of {', '.join(SCRIPTS)}")
    grammar = about.get("grammar", "english")
    if grammar not in GRAMMARS:
        raise DataError(f"{where}: unknown grammar {grammar!r}; one of {', '.join(GRAMMARS)}")
    raw = meta.get("clitics", {})
    clitics = Clitics(
        conjunctions=_letters(raw.get("conjunctions", []), f"{where} [clitics] conjunctions"),
        prepositions=_letters(raw.get("prepositions", []), f"{where} [clitics] prepositions"),
        contractions=dict(raw.get("contractions", {})),
        article=raw.get("article", ""),
        future=raw.get("future", ""),
        future_before=_letters(raw.get("future_before", []), f"{where} [clitics] future_before"),
    )
    endings = meta.get("endings", {})
    return Language(
        code=code,
        name=about.get("name", code),
        script=script,
        rtl=about.get("direction", "ltr") == "rtl",
        spacy=about.get("spacy", "xx"),
        grammar=grammar,
        capitalised_names=bool(about.get("capitalised_names", script != "arabic")),
        clitics=clitics,
        word_endings=tuple(endings.get("words", ())),
        name_endings=tuple(endings.get("names", ())),
        data={name: _read(folder, name, origin) for name in FILES},
        root_of=getattr(code_module, "root", None),
        index_stem=getattr(code_module, "index_stem", None),
    )
