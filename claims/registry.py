"""The source registry: who can be a source, what they are, and which sources are one voice.

Entries live in ``claims/data/sources.toml``; a newsroom adds or overrides entries with its own file of
the same shape (``--sources FILE`` or ``CLAIMS_SOURCES``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

from rapidfuzz import fuzz, process

from claims import lang
from claims.errors import DataError
from claims.resources import load_toml
from claims.text.normalize import normalize
from claims.types import ANONYMOUS, UNATTRIBUTED, Source

KINDS = frozenset(
    {
        "person",
        "government",
        "military",
        "state-media",
        "media",
        "wire",
        "ngo",
        "international-org",
        "party",
        "armed-group",
        "company",
        "academic",
        "anonymous",
        "unregistered",
    }
)
MEDIA_KINDS = frozenset({"state-media", "media", "wire"})
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_SPECIAL = {
    UNATTRIBUTED: Source(
        UNATTRIBUTED,
        "Unattributed (the author's own voice)",
        "unattributed",
        UNATTRIBUTED,
        name_ar="غير منسوب",
    ),
}


class Registry:
    def __init__(self, sources: dict[str, Source]) -> None:
        self._sources = sources

    @classmethod
    def load(cls, extra: str | Path | None = None) -> Registry:
        entries = load_toml("sources.toml").get("source", [])
        sources = _parse(entries, "claims/data/sources.toml")
        if extra:
            try:
                user = tomllib.loads(Path(extra).read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise DataError(f"{extra}: no such sources file") from None
            except IsADirectoryError:
                raise DataError(f"{extra}: is a directory, not a sources file") from None
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise DataError(f"{extra}: not a valid TOML sources file ({exc})") from None
            sources.update(_parse(user.get("source", []), str(extra)))
        return cls(sources)

    def __len__(self) -> int:
        return len(self._sources)

    def __iter__(self) -> Iterator[Source]:
        return iter(self._sources.values())

    def __contains__(self, source_id: str) -> bool:
        return source_id in self._sources

    def get(self, source_id: str) -> Source | None:
        return self._sources.get(source_id) or _SPECIAL.get(source_id)

    def name_of(self, source_id: str) -> str:
        source = self.get(source_id)
        return source.name if source else source_id

    def group_of(self, source_id: str) -> str:
        source = self.get(source_id)
        return source.group if source else source_id

    def state_media_of(self, group: str) -> Source | None:
        """The generic 'state media' entry of an independence group (e.g. dprk-state-media)."""
        return self._state_media.get(group)

    @cached_property
    def _state_media(self) -> dict[str, Source]:
        out: dict[str, Source] = {}
        for s in self._sources.values():
            if s.kind == "state-media" and s.id.endswith("-state-media"):
                out.setdefault(s.group, s)
        return out

    def lookup(self, name: str) -> Source | None:
        """The source with exactly this name or alias (normalised), if any: «بوابة الوفد» → al-wafd."""
        return self._by_alias.get(normalize(name))

    @cached_property
    def _by_alias(self) -> dict[str, Source]:
        out: dict[str, Source] = {}
        for s in self:
            for n in (s.id, *s.names):
                out.setdefault(normalize(n), s)
        return out

    def search(self, query: str, limit: int = 20) -> list[Source]:
        """Sources whose id, name or alias contains ``query`` (normalised), then near misses."""
        q = normalize(query)
        if not q:
            return list(self)[:limit]
        hits = [s for s in self if q in s.id or any(q in normalize(n) for n in s.names)]
        if len(hits) < limit:
            choices = {(s.id, n): normalize(n) for s in self for n in s.names}
            for _, _, (sid, _) in process.extract(
                q, choices, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=80
            ):
                source = self._sources[sid]
                if source not in hits:
                    hits.append(source)
        return hits[:limit]

    def aliases(self, language: str) -> Iterator[tuple[str, Source]]:
        """Every name usable in ``language`` text: the registry's names written in its script (Arabic
        names for ar, Latin-script names for en), then the names its language folder gives."""
        code = lang.get(language).code
        for s in self:
            for name in s.names:
                if lang.name_language(name) == code:
                    yield name, s
        for sid, names in lang.get(language).source_names.items():
            if sid in self._sources:
                for name in names:
                    yield name, self._sources[sid]


def _parse(entries: list[dict], origin: str) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for n, e in enumerate(entries, start=1):
        sid = e.get("id", "")
        where = f"{origin}: source #{n} ({sid or 'no id'})"
        if not _ID.match(sid):
            raise DataError(f"{where}: id must be lowercase kebab-case")
        kind = e.get("kind", "")
        if kind not in KINDS:
            raise DataError(f"{where}: unknown kind {kind!r}; one of {', '.join(sorted(KINDS))}")
        if not e.get("name"):
            raise DataError(f"{where}: a name is required")
        sources[sid] = Source(
            id=sid,
            name=e["name"],
            kind=kind,
            group=e.get("group") or sid,
            name_ar=e.get("name_ar", ""),
            country=e.get("country", ""),
            medium=e.get("medium", ""),
            aliases=tuple(e.get("aliases", ())),
        )
    if ANONYMOUS not in sources and origin.startswith("claims/"):
        sources[ANONYMOUS] = Source(
            ANONYMOUS, "Anonymous or unnamed source", "anonymous", ANONYMOUS, "مصدر مجهول"
        )
    return sources
