"""`claims serve`: the HTTP API."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from claims.cli.common import DbOption, DebugOption, SourcesOption, app, err, guarded
from claims.errors import UsageError


def _env_option(flag: str, envvar: str, minimum: float, help: str):  # type: ignore[no-untyped-def]
    """A worker option that the environment may set too (its variable is named in the command's help)."""
    return typer.Option(flag, envvar=envvar, show_envvar=False, min=minimum, help=help)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    token_env: Annotated[
        str,
        typer.Option(
            "--token-env", help="Environment variable holding the token that writes need (unset: no writes)."
        ),
    ] = "CLAIMS_API_TOKEN",
    max_body: Annotated[
        int, typer.Option("--max-body", min=1, help="Largest request body accepted, in bytes.")
    ] = 5_000_000,
    workers: Annotated[
        int | None,
        _env_option(
            "--workers",
            "CLAIMS_SERVE_WORKERS",
            1,
            "Checks run at once, each in its own process (default: one per CPU core).",
        ),
    ] = None,
    queue: Annotated[
        int,
        _env_option("--queue", "CLAIMS_SERVE_QUEUE", 0, "Checks that may wait for a worker (then: 503)."),
    ] = 64,
    check_timeout: Annotated[
        float,
        _env_option(
            "--check-timeout",
            "CLAIMS_SERVE_CHECK_TIMEOUT",
            0.001,
            "Seconds a check may run, or wait for a worker, before it is refused (504, 503).",
        ),
    ] = 60.0,
    worker_memory: Annotated[
        int,
        _env_option(
            "--worker-memory",
            "CLAIMS_SERVE_WORKER_MEMORY",
            0,
            "MB of memory (address space) each check worker may use; 0: no limit.",
        ),
    ] = 2048,
    db: DbOption = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    r"""Serve the HTTP API for editorial tools (needs the server extra: pip install 'claims\[server]').

    Reads are open; writes (POST /v1/claims, POST /v1/decisions) need the header
    `Authorization: Bearer <token>`. OpenAPI: http://HOST:PORT/openapi.json and /docs

    The worker options can also be set in the environment: CLAIMS_SERVE_WORKERS, CLAIMS_SERVE_QUEUE,
    CLAIMS_SERVE_CHECK_TIMEOUT, CLAIMS_SERVE_WORKER_MEMORY.

    Example: CLAIMS_API_TOKEN=$(openssl rand -hex 32) claims serve --port 8000
    """

    def body():  # type: ignore[no-untyped-def]
        try:
            import uvicorn  # noqa: F401

            from claims.serve import run
        except ImportError as exc:
            raise UsageError(
                f"claims serve needs the server extra ({exc.name} is not installed): pip install 'claims[server]'"
            ) from None
        token = os.environ.get(token_env, "").strip() or None
        if token is None:
            err(f"warning: ${token_env} is not set: writes are disabled, the API is read-only")
        if host not in ("127.0.0.1", "localhost", "::1"):
            err(f"warning: serving on {host} over plain HTTP; put a TLS proxy in front of it")
        run(
            host,
            port,
            db_url=db,
            token=token,
            max_body=max_body,
            sources=str(sources) if sources else None,
            workers=workers,
            queue=queue,
            check_timeout=check_timeout,
            worker_memory=worker_memory,
        )

    guarded(debug, body)
