"""What a ``claims serve`` check worker does (in its own process, see :mod:`claims.pool`): load the
registry and the pipelines once, open the store when there is one, and turn each article into the
version-1 report as JSON bytes, exactly as ``POST /v1/check`` answers it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from claims.service import check_source, open_store, sqlite_file_missing

__all__ = ["CheckJob", "CheckWorker"]

# Imported once by the workers' fork server (see claims/serve_preload.py).
PRELOAD = ("claims.serve_preload",)


@dataclass(frozen=True)
class CheckJob:
    """One article to check: its bytes as received, the name it goes by, and the check's options."""

    data: bytes
    path: str
    as_of: str | None
    min_sources: int
    same_language: bool = False


@dataclass(frozen=True)
class CheckWorker:
    """The settings a worker needs (picklable); calling it in the worker returns the checker."""

    url: str
    explicit_db: bool
    sources: str | None
    max_body: int

    def __call__(self) -> _Checker:
        return _Checker(self)


class _Checker:
    def __init__(self, settings: CheckWorker) -> None:
        from claims import serve_preload

        self.settings = settings
        self.registry = serve_preload.registry(settings.sources)
        self.store: Any = None
        self._open_store()

    def _open_store(self) -> Any:
        """The store, once it exists: the default one may be created by a write after this worker
        started."""
        if self.store is None and (self.settings.explicit_db or not sqlite_file_missing(self.settings.url)):
            self.store = open_store(self.settings.url, read_only=True)  # a check only reads
        return self.store

    def __call__(self, job: CheckJob) -> bytes:
        from claims.report.json import report_dict
        from claims.text.read import decode_bytes

        source = decode_bytes(job.data, path=job.path, max_bytes=self.settings.max_body)
        report, decisions = check_source(
            source,
            self.registry,
            self._open_store(),
            min_sources=job.min_sources,
            as_of=job.as_of,
            same_language=job.same_language,
        )
        content = report_dict(report, self.registry, decisions)
        # What starlette's JSONResponse would send.
        return json.dumps(
            content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
        ).encode("utf-8")
