"""Rows of the ``source`` table: every source id a write uses gets one, from the registry or on request."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claims.errors import InputError
from claims.store.models import Source, utcnow
from claims.types import ANONYMOUS, UNATTRIBUTED, UNREGISTERED

if TYPE_CHECKING:
    from claims.registry import Registry

_SOURCE = Source.__table__  # type: ignore[attr-defined]
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Sources every store knows, whatever the registry holds.
_SPECIAL_SOURCES = {
    UNATTRIBUTED: ("Unattributed (the author's own voice)", UNATTRIBUTED),
    ANONYMOUS: ("Anonymous or unnamed source", ANONYMOUS),
    UNREGISTERED: ("Named source not in the registry", UNREGISTERED),
}


class SourceRows:
    """Makes sure every source id a write uses has a row: from the registry, or created on request
    (``create``; the ids created are in :attr:`created`)."""

    def __init__(self, registry: Registry | None, create: bool) -> None:
        self.registry = registry
        self.create = create
        self.known: set[str] | None = None
        self.created: list[str] = []

    def ensure(self, conn: Connection, uses: dict[str, str]) -> None:
        """Insert the missing sources of ``uses`` (id → where it is used, for the error of an unknown one)."""
        if self.known is None:
            self.known = set(conn.execute(sa.select(_SOURCE.c.id)).scalars())
        missing = [sid for sid in uses if sid not in self.known]
        if not missing:
            return
        now = utcnow()
        rows = []
        for sid in missing:
            row = self._from_registry(sid)
            if row is None:
                if not self.create:
                    raise InputError(f"{uses[sid]} id {sid!r} is unknown; {self._advice(sid)}")
                if not _ID.fullmatch(sid) or len(sid) > 100:
                    raise InputError(
                        f"{uses[sid]} id {sid!r} is not a valid source id (lowercase kebab-case, e.g. kcna)"
                    )
                row = {"id": sid, "name": sid, "kind": UNREGISTERED, "group_id": sid, "registered": False}
                self.created.append(sid)
            rows.append({**row, "created_at": now})
        conn.execute(_SOURCE.insert(), rows)
        self.known.update(missing)

    def _from_registry(self, sid: str) -> dict[str, Any] | None:
        source = self.registry.get(sid) if self.registry is not None else None
        if source is not None:
            return {
                "id": sid,
                "name": source.name,
                "kind": source.kind,
                "group_id": source.group,
                "registered": True,
            }
        if sid in _SPECIAL_SOURCES:
            name, kind = _SPECIAL_SOURCES[sid]
            return {"id": sid, "name": name, "kind": kind, "group_id": sid, "registered": True}
        return None

    def _advice(self, sid: str) -> str:
        hint = ""
        if self.registry is not None and (match := self.registry.lookup(sid)) is not None:
            hint = f"did you mean {match.id!r}? Otherwise "
        else:  # a typo in an id: yonhapp, russia_mfa
            import difflib

            ids = {s.id for s in self.registry} if self.registry is not None else set()
            close = difflib.get_close_matches(
                sid.replace("_", "-"), ids | (self.known or set()), n=1, cutoff=0.8
            )
            if close:
                hint = f"did you mean {close[0]!r}? Otherwise "
        return f"{hint}add it to a sources file (--sources) or pass --create-sources"
