"""The HTTP plumbing of ``claims serve``: JSON errors for everything (malformed HTTP included), the request
body limit, reading and validating JSON bodies. The endpoints are in :mod:`claims.serve`."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException

from claims.errors import ClaimsError, DatabaseError, UsageError
from claims.pool import Busy, OutOfMemory, Timeout, WorkerLost

log = logging.getLogger("claims.serve")

_JSON_TYPES = ("application/json",)


def uvicorn_config(app: Any, host: str, port: int, *, log_level: str = "info") -> Any:
    """uvicorn's settings for the API: no Server header, no proxy headers, JSON for malformed HTTP."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        server_header=False,
        proxy_headers=False,
        http=_json_errors_protocol(),
    )


def _json_errors_protocol() -> type:
    """uvicorn's HTTP/1.1 protocol (the one its "auto" setting picks), answering a request it cannot parse
    (``Content-Length: -1``, a malformed request line or header) with the API's JSON error instead of its
    plain-text one. Such a request never reaches the app, so this is the only place to shape its answer."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as base
    except ImportError:  # httptools is not installed: uvicorn uses h11
        from uvicorn.protocols.http.h11_impl import H11Protocol as base

    class JsonErrors(base):  # type: ignore[misc, valid-type]
        def send_400_response(self, msg: str) -> None:
            body = json.dumps({"error": _MALFORMED_HTTP}).encode("utf-8")
            self.transport.write(
                b"HTTP/1.1 400 Bad Request\r\n"
                b"content-type: application/json\r\n"
                b"content-length: " + str(len(body)).encode("ascii") + b"\r\n"
                b"x-content-type-options: nosniff\r\n"
                b"connection: close\r\n\r\n" + body
            )
            self.transport.close()

    return JsonErrors


_MALFORMED_HTTP = (
    "the request is not valid HTTP/1.1: its request line or a header (such as Content-Length) is malformed"
)


# -- errors ----------------------------------------------------------------------------------------


def error_response(
    status: int, message: str, headers: Mapping[str, str] | None = None, **extra: Any
) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status, headers=headers)


def redactor(url: str) -> Callable[[str], str]:
    """Database errors name the database by its URL (password hidden); clients are told "the database"."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        shown = url
    if not shown:
        return lambda message: message
    return lambda message: message.replace(f"{shown}: ", "").replace(shown, "the database")


def install_error_handlers(app: FastAPI, redact: Callable[[str], str]) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_response(400, "the body is not valid JSON")
        return _validation_error(errors)

    @app.exception_handler(ClaimsError)
    async def claims_error(_request: Request, exc: ClaimsError) -> JSONResponse:
        if isinstance(exc, DatabaseError):
            log.warning("database error: %s", exc.message)
            return error_response(503, redact(exc.message))
        if isinstance(exc, UsageError):
            return error_response(422, exc.message)
        return error_response(400, exc.message)

    @app.exception_handler(Exception)
    async def internal_error(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error", exc_info=exc)
        return error_response(500, "internal error (see the server's log)")


def install_pool_error_handlers(app: FastAPI) -> None:
    """The check workers' limits (claims/pool.py), each with an answer that names the option to change."""

    @app.exception_handler(Busy)
    async def busy(_request: Request, exc: Busy) -> JSONResponse:
        return error_response(
            503,
            f"the server is busy: {exc.running} checks are running and {exc.waiting} are waiting "
            f"(claims serve --workers, --queue); retry after {exc.retry_after} s",
            {"Retry-After": str(exc.retry_after)},
        )

    for kind in _POOL_ERRORS:
        app.add_exception_handler(kind, _pool_error)  # type: ignore[arg-type]


# What a client is told (status, answer) and what the log says when a check hits a worker's limit.
_POOL_ERRORS: dict[type[Exception], tuple[int, str, int, str]] = {
    Timeout: (
        504,
        "the check took longer than the limit of {exc.seconds:g} s (claims serve --check-timeout); "
        "send a shorter article",
        logging.WARNING,
        "a check ran longer than {exc.seconds:g} s; its worker was stopped",
    ),
    OutOfMemory: (
        413,
        "the check needed more memory than a worker may use ({exc.memory_mb} MB, claims serve "
        "--worker-memory); send a shorter article",
        logging.WARNING,
        "a check needed more than {exc.memory_mb} MB; its worker was replaced",
    ),
    WorkerLost: (500, "internal error (see the server's log)", logging.ERROR, "check worker lost: {exc}"),
}


async def _pool_error(_request: Request, exc: Exception) -> JSONResponse:
    status, answer, level, logged = next(v for k, v in _POOL_ERRORS.items() if isinstance(exc, k))
    log.log(level, logged.format(exc=exc))
    return error_response(status, answer.format(exc=exc))


def _validation_error(errors: Any) -> JSONResponse:
    details = [
        {
            "loc": [str(x) for x in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in errors
    ]
    summary = "; ".join(f"{'.'.join(d['loc']) or 'body'}: {d['msg']}" for d in details[:5])
    return error_response(422, summary or "invalid request", details=details)


def is_json(media_type: str) -> bool:
    return media_type in _JSON_TYPES or media_type.endswith("+json")


async def json_body(request: Request) -> Any:
    if not is_json(media_type(request)):
        raise HTTPException(415, "send the body as JSON (Content-Type: application/json)")
    raw = await request.body()
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise HTTPException(400, "the body is not valid JSON") from None
    except RecursionError:  # the decoder recurses once per level of [ or {
        raise HTTPException(400, "the body is JSON nested too deeply to read") from None


def validated(model: type[BaseModel], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [
                {**e, "loc": ("body", *e.get("loc", ()))}
                for e in exc.errors(include_url=False, include_input=False)
            ]
        ) from None


# -- request size ----------------------------------------------------------------------------------


class BodyLimit:
    """Refuses request bodies over ``max_body`` bytes with 413 before any endpoint reads them: at once when
    Content-Length says so, else after reading at most ``max_body`` bytes (the body is then replayed)."""

    def __init__(self, app: Callable[..., Awaitable[None]], max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await _send_error(send, 400, "the Content-Length header is not a number")
                return
            if declared > self.max_body:
                await _send_error(send, 413, self._too_large())
                return
        messages = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                messages.append(message)
                break
            size += len(message.get("body", b""))
            if size > self.max_body:
                await _send_error(send, 413, self._too_large())
                return
            messages.append(message)
            if not message.get("more_body", False):
                break

        async def replay() -> Any:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, _with_headers(send))

    def _too_large(self) -> str:
        return f"the request body is larger than the limit of {self.max_body:,} bytes"


def _with_headers(send: Callable[..., Any]) -> Callable[..., Any]:
    """Responses are JSON: tell browsers never to sniff them as something else."""

    async def wrapped(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            message = {
                **message,
                "headers": [*message.get("headers", ()), (b"x-content-type-options", b"nosniff")],
            }
        await send(message)

    return wrapped


async def _send_error(send: Callable[..., Any], status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# -- helpers ---------------------------------------------------------------------------------------


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()
