"""The HTTP API for editorial tools (CMS plugins, review dashboards): ``claims serve``.

::

    pip install -e ".[server]"
    CLAIMS_API_TOKEN=$(openssl rand -hex 32) claims serve --port 8000
    curl -s localhost:8000/v1/check -H 'Content-Type: application/json' -d '{"text": "…"}'
    curl -s localhost:8000/v1/check -F file=@article.html
    curl -s 'localhost:8000/v1/claims?q=Kim+Jong+Un&limit=5'
    curl -s localhost:8000/v1/claims -H "Authorization: Bearer $CLAIMS_API_TOKEN" -d '[{"text": "…", "source": "kcna"}]'

========================  =====================================================================  ======
endpoint                  what it does                                                            writes
========================  =====================================================================  ======
``POST /v1/check``        JSON ``{"text", "path"?, "as_of"?, "same_language"?}`` or a            no
                          multipart upload ``file``: the version-1 report, as
                          ``claims check --format json`` prints it
``GET /v1/claims``        ``?q=&limit=&language=&as_of=``: stored claims sharing words with q     no
``POST /v1/claims``       a JSON array of claim records (the contract's import fields)            yes
``GET /v1/sources``       ``?q=&limit=``: the source registry                                     no
``POST /v1/decisions``    ``{"text", "verdict", "note", "editor"?}``: an editor's decision        yes
``GET /health``           liveness, version, whether a database is open and writes are enabled    no
========================  =====================================================================  ======

OpenAPI docs are at ``/docs``. Writes need ``Authorization: Bearer <token>``; a server started without a
token refuses every write (403), it never falls back to an open or default token. Request bodies larger
than ``max_body`` are refused (413) before anything parses them. Every error is JSON ``{"error": "…"}``:
400 unreadable input, 401 missing or wrong token, 403 writes disabled, 404/405 no such endpoint, 413 too
large, 415 wrong content type, 422 invalid values, 503 database error, 500 a bug (no details sent).

The database is reached through :class:`claims.store.db.Store` only (no SQL here). Without ``db_url`` the
server uses the default store (``CLAIMS_DB``, else SQLite in the user data directory) when it exists, as
``claims check`` does, and creates it on the first write; a server without a token opens the database
read-only.

Checks run in worker processes (:mod:`claims.pool`), ``workers`` at once, each with a time and a memory
limit (504 when it runs too long, 413 when it needs too much memory); up to ``queue`` more wait, and beyond
that a check is refused with 503 and ``Retry-After``. The event loop never runs a check, so ``/health``
and the store's reads and writes (in a thread pool of their own) answer while checks run (SQLite in WAL
mode queues writers).
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import PurePath
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request, Security
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from claims import __version__
from claims.errors import InputError, UsageError
from claims.pool import WorkerPool, default_workers
from claims.registry import Registry
from claims.serve_http import (
    BodyLimit,
    install_error_handlers,
    install_pool_error_handlers,
    is_json,
    json_body,
    media_type,
    redactor,
    uvicorn_config,
    validated,
)
from claims.serve_worker import PRELOAD, CheckJob, CheckWorker
from claims.service import open_store, parse_date, sqlite_file_missing, store_url
from claims.store.validate import check_string

__all__ = ["create_app", "run"]


DEFAULT_MAX_BODY = 5_000_000
DEFAULT_QUEUE = 64
DEFAULT_CHECK_TIMEOUT = 60.0
DEFAULT_WORKER_MEMORY_MB = 2048
MIN_WORKER_MEMORY_MB = 512
# A check of a larger body is "large": large checks leave one worker free for the others (claims/pool.py).
LARGE_CHECK_BYTES = 200_000
# Module level: FastAPI reads the dependencies from the annotations, which are evaluated in module scope.
_BEARER = HTTPBearer(auto_error=False, description="The token `claims serve` was started with.")
_WRITES_DISABLED = (
    "writes are disabled: this server was started without an API token "
    "(start it with `claims serve --token-env CLAIMS_API_TOKEN` and that variable set)"
)


# -- request bodies (validated here; documented in the OpenAPI schema) ---------------------------------


class CheckRequest(BaseModel):
    """An article to check."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The article: plain text, Markdown or an HTML page.")
    path: str = Field(
        "-",
        max_length=1000,
        description="A name for the article, shown as document.path; a .html name (or text that starts "
        "with <html) makes it read as a page. Never read from the server's disk.",
    )
    as_of: str | None = Field(None, description="Ignore evidence published after this date (YYYY-MM-DD).")
    same_language: bool = Field(
        False, description="Compare each claim only with stored claims in its own language."
    )


class ClaimRecordIn(BaseModel):
    """A claim record, as ``claims import`` reads it (contract: claim record)."""

    text: str
    source: str = Field(description="Registry id of who made the claim, e.g. kcna.")
    published: str | None = Field(None, description="YYYY-MM-DD")
    url: str | None = None
    language: str | None = Field(None, description="ar, en, … (detected when absent)")
    publisher: str | None = Field(None, description="Registry id of the outlet that carried it.")
    via: list[str] | None = Field(None, description="Relaying source ids, innermost first.")
    rating: str | None = Field(None, description="A fact-checker's verdict: false, misleading, true, …")
    id: str | int | None = Field(None, description="Stable external id; re-adding it adds nothing.")
    hedged: bool | None = None


class DecisionIn(BaseModel):
    """An editor's decision on a claim."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="The claim's text, as the report gives it.")
    verdict: Literal["corroborated", "disputed", "single-source"]
    note: str = Field(min_length=1, description="Why: the source that confirms or refutes it.")
    editor: str | None = Field(None, max_length=200)
    claim_id: int | None = Field(None, description="A stored claim the decision concerns.")


def _body_doc(schema: dict[str, Any], *, multipart: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": schema}}
    if multipart:
        content["multipart/form-data"] = {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "A .txt, .md or .html article",
                    },
                    "path": {"type": "string", "description": "Overrides the file's name as document.path"},
                    "as_of": {"type": "string", "description": "YYYY-MM-DD"},
                    "same_language": {
                        "type": "boolean",
                        "description": "Only stored claims in the claim's language",
                    },
                },
            }
        }
    return {"requestBody": {"required": True, "content": content}}


# -- the application -------------------------------------------------------------------------------


class _Service:
    """What the endpoints share: the registry, the store (opened once), the pool of check workers."""

    def __init__(self, db_url: str | None, token: str | None, registry: Registry, max_body: int) -> None:
        self.url = store_url(db_url)
        self.explicit_db = db_url is not None
        self.token = token
        self.registry = registry
        self.max_body = max_body
        self.checks: WorkerPool | None = None  # set by create_app
        self._store_lock = threading.Lock()
        self._store: Any = None

    def store(self, *, create: bool) -> Any:
        """The store; None when only the default one was asked for and it has not been created yet."""
        with self._store_lock:
            if self._store is None:
                if not create and not self.explicit_db and sqlite_file_missing(self.url):
                    return None
                # Without a token the API only reads: the database is opened read-only (never created).
                self._store = open_store(self.url, read_only=self.token is None)
            return self._store

    def close(self) -> None:
        with self._store_lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    # The endpoint bodies: plain functions, run in the thread pool (checks: in the worker processes).

    def search(self, q: str, limit: int, language: str | None, as_of: str | None) -> dict[str, Any]:
        store = self.store(create=False)
        found = store.search(q, language=language, limit=limit, as_of=as_of) if store is not None else []
        return {"claims": [_stored_claim_json(c) for c in found]}

    def add(self, rows: list[dict[str, Any]], create_sources: bool) -> dict[str, Any]:
        from claims.store.importers import records_from_dicts

        try:
            records = list(records_from_dicts(rows, origin="claims"))
            result = self.store(create=True).add_claims(records, self.registry, create_sources=create_sources)
        except InputError as exc:  # a record's fields: an invalid value, not an unreadable body
            message = exc.message.replace("pass --create-sources", "add ?create_sources=true")
            raise UsageError(message.replace(" (--sources)", " (claims serve --sources)")) from None
        return {
            "added": result.added,
            "skipped": result.skipped,
            "created_sources": list(result.created_sources),
        }

    def record_decision(self, body: DecisionIn) -> dict[str, Any]:
        from claims.decisions import record_decision
        from claims.report.json import decision_dict

        decision = record_decision(
            self.store(create=True), body.text, body.verdict, body.note, body.editor, claim_id=body.claim_id
        )
        return {
            "id": decision.id,
            "text_hash": decision.text_hash,
            "claim_id": decision.claim_id,
            **(decision_dict(decision) or {}),
        }

    def health(self) -> dict[str, Any]:
        store = self.store(create=False)
        if store is not None:
            store.revision()  # a round trip: raises DatabaseError when the database is unreachable
        return {
            "status": "ok",
            "version": __version__,
            "database": "ok" if store is not None else "none",
            "writes": self.token is not None,
        }


def create_app(
    *,
    db_url: str | None = None,
    token: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    sources: str | None = None,
    workers: int | None = None,
    queue: int = DEFAULT_QUEUE,
    check_timeout: float = DEFAULT_CHECK_TIMEOUT,
    worker_memory: int = DEFAULT_WORKER_MEMORY_MB,
) -> FastAPI:
    """The API as an ASGI app (serve it with :func:`run`, or any ASGI server).

    ``db_url``: an SQLAlchemy URL (default: the default store, see the module doc). ``token``: the bearer
    token that writes need; None disables writes. ``max_body``: the largest request body accepted, in
    bytes. ``sources``: an extra sources file (TOML) for the registry. ``workers``: checks run at once,
    each in its own process (default: one per CPU core). ``queue``: checks that may wait for a worker.
    ``check_timeout``: seconds a check may run (or wait) before it is refused. ``worker_memory``: MB of
    address space per worker (0: no limit). The workers start with the app's lifespan.
    """
    if token is not None:
        token = token.strip()
        if not token:
            raise UsageError("the API token is empty; set a long random token, or none to disable writes")
    if max_body < 1:
        raise UsageError("max_body must be at least 1 byte")
    workers = default_workers() if workers is None else workers
    if workers < 1 or queue < 0 or not check_timeout > 0:
        raise UsageError("workers must be at least 1, the queue 0 or more, the check timeout above 0 s")
    if worker_memory < 0 or 0 < worker_memory < MIN_WORKER_MEMORY_MB:
        raise UsageError(
            f"the worker memory must be 0 (no limit) or at least {MIN_WORKER_MEMORY_MB} MB: "
            "a check worker uses about 300 MB before its first check"
        )
    registry = Registry.load(sources)
    service = _Service(db_url, token, registry, max_body)
    if db_url is not None or not sqlite_file_missing(service.url):
        service.store(create=True)  # open (and migrate) now: a bad URL fails at start, not at a request
    service.checks = WorkerPool(
        CheckWorker(service.url, service.explicit_db, sources, max_body),
        workers=workers,
        queue=queue,
        timeout=check_timeout,
        memory_mb=worker_memory,
        preload=PRELOAD,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        checks = service.checks  # (a test may have put another pool in its place)
        try:
            if checks is not None:
                await run_in_threadpool(checks.start)  # load every worker before the first request
            yield
        finally:
            if checks is not None:
                checks.close()
            service.close()

    app = FastAPI(
        title="claims",
        version=__version__,
        description="Check the claims of news articles: who said each one, through whom, and whether "
        "others agree. Writes need `Authorization: Bearer <token>`.",
        lifespan=lifespan,
    )
    app.state.service = service
    install_error_handlers(app, redactor(service.url))
    install_pool_error_handlers(app)
    app.add_middleware(BodyLimit, max_body=max_body)

    _add_check_routes(app, service)
    _add_store_routes(app, service, _write_guard(service))
    return app


def _write_guard(service: _Service) -> Callable[..., None]:
    """The dependency of the endpoints that write: the server's bearer token, compared in constant time."""

    def require_write(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)],
    ) -> None:
        if service.token is None:
            raise HTTPException(403, _WRITES_DISABLED)
        if credentials is None:
            raise HTTPException(
                401,
                "this endpoint needs an Authorization: Bearer <token> header",
                {"WWW-Authenticate": "Bearer"},
            )
        if not hmac.compare_digest(credentials.credentials.encode("utf-8"), service.token.encode("utf-8")):
            raise HTTPException(
                401, "the token is not valid", {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            )

    return require_write


def _add_check_routes(app: FastAPI, service: _Service) -> None:
    @app.get("/health", tags=["service"])
    def health() -> dict[str, Any]:
        """Liveness: version, whether a database is open (`ok`, or `none` before the first write) and
        whether writes are enabled."""
        return service.health()

    @app.post(
        "/v1/check",
        tags=["check"],
        openapi_extra=_body_doc(CheckRequest.model_json_schema(), multipart=True),
        responses={
            400: {"description": "Unreadable input (binary, undecodable)"},
            413: {"description": "The body, or the memory the check needs, is over the server's limit"},
            503: {"description": "Every check worker is busy and the queue is full (see Retry-After)"},
            504: {"description": "The check ran longer than the server's time limit"},
        },
    )
    async def check(
        request: Request,
        as_of: Annotated[
            str | None, Query(description="Ignore evidence published after this date (YYYY-MM-DD).")
        ] = None,
        min_sources: Annotated[
            int, Query(ge=1, le=20, description="Independent sources needed to corroborate.")
        ] = 1,
        same_language: Annotated[
            bool, Query(description="Compare each claim only with stored claims in its own language.")
        ] = False,
    ) -> JSONResponse:
        """Check an article: the version-1 report, exactly as `claims check --format json` prints it.

        Send JSON `{"text": "…", "path": "a.txt"}` or a multipart upload with a `file` field."""
        kind = media_type(request)
        if kind == "multipart/form-data":
            form = await request.form(max_files=1, max_fields=4)
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise HTTPException(400, "a multipart request needs the article in a file field named 'file'")
            data = await upload.read()
            path = _form_text(form.get("path")) or PurePath(upload.filename or "").name or "-"
            as_of = _form_text(form.get("as_of")) or as_of
            same_language = _form_flag(form.get("same_language"), same_language)
        elif is_json(kind):
            body = validated(CheckRequest, await json_body(request))
            check_string(body.text, "text", "the body", UsageError)
            data, path = body.text.encode("utf-8"), body.path
            as_of = body.as_of or as_of
            same_language = body.same_language or same_language
        else:
            raise HTTPException(
                415, 'send JSON {"text": "…"} (Content-Type: application/json) or a multipart upload "file"'
            )
        _check_date(as_of, "as_of")
        assert service.checks is not None
        job = CheckJob(data, path, as_of, min_sources, same_language)
        report = await service.checks.run(job, large=len(data) > LARGE_CHECK_BYTES)
        return Response(report, media_type="application/json")


def _add_store_routes(app: FastAPI, service: _Service, require_write: Callable[..., None]) -> None:
    registry = service.registry

    @app.get("/v1/claims", tags=["store"])
    def search_claims(
        q: Annotated[
            str, Query(min_length=1, max_length=20_000, description="Text to look for (a claim, a sentence).")
        ],
        limit: Annotated[int, Query(ge=1, le=200)] = 20,
        language: Annotated[
            str | None, Query(max_length=16, description="Only claims in this language.")
        ] = None,
        as_of: Annotated[
            str | None, Query(description="Only claims published on or before (YYYY-MM-DD).")
        ] = None,
    ) -> dict[str, Any]:
        """Stored claims sharing words with `q`, best match first (`score`: higher is better)."""
        _check_date(as_of, "as_of")
        return service.search(q, limit, language, as_of)

    @app.post(
        "/v1/claims",
        tags=["store"],
        dependencies=[Depends(require_write)],
        openapi_extra=_body_doc({"type": "array", "items": ClaimRecordIn.model_json_schema()}),
    )
    async def add_claims(
        request: Request,
        create_sources: Annotated[
            bool, Query(description="Create unknown source ids instead of refusing.")
        ] = False,
    ) -> dict[str, Any]:
        """Store claim records (the fields of `claims import`). Records already stored are skipped; one bad
        record (named `claims#N`) stores nothing."""
        rows = await json_body(request)
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise UsageError('the body must be a JSON array of claim records ({"text", "source", …})')
        return await run_in_threadpool(service.add, rows, create_sources)

    @app.get("/v1/sources", tags=["registry"])
    def search_sources(
        q: Annotated[
            str | None, Query(max_length=500, description="Name, alias or id (any language).")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    ) -> dict[str, Any]:
        """The source registry: every entry, or those matching `q`."""
        from claims.report.json import registry_entry

        found = registry.search(q, limit=limit) if q else list(registry)[:limit]
        return {"sources": [registry_entry(s) for s in found]}

    @app.post(
        "/v1/decisions",
        tags=["store"],
        status_code=201,
        dependencies=[Depends(require_write)],
        openapi_extra=_body_doc(DecisionIn.model_json_schema()),
    )
    async def record_decision(request: Request) -> dict[str, Any]:
        """Record an editor's verdict on a claim (by its text); later checks show it beside the automatic
        verdict, as the claim's `decision`."""
        body = validated(DecisionIn, await json_body(request))
        return await run_in_threadpool(service.record_decision, body)


def run(
    host: str = "127.0.0.1", port: int = 8000, *, log_level: str = "info", **create_app_kwargs: Any
) -> None:
    """Serve the API with uvicorn until interrupted. Keyword arguments go to :func:`create_app`."""
    import uvicorn

    app = create_app(**create_app_kwargs)
    uvicorn.Server(uvicorn_config(app, host, port, log_level=log_level)).run()


def _form_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _form_flag(value: Any, default: bool) -> bool:
    """A true/false form field (true, false, 1, 0, yes, no); absent or empty: ``default``."""
    text = _form_text(value)
    if text is None:
        return default
    flag = {
        "true": True,
        "1": True,
        "yes": True,
        "on": True,
        "false": False,
        "0": False,
        "no": False,
        "off": False,
    }
    if text.lower() not in flag:
        raise UsageError(f"same_language: {text[:40]!r} is not true or false")
    return flag[text.lower()]


def _check_date(value: str | None, what: str) -> None:
    if value is not None:
        parse_date(value, what)


def _stored_claim_json(claim: Any) -> dict[str, Any]:
    out = asdict(claim)
    out["via"] = list(claim.via)
    return out
