"""Fetching feeds and pages politely and safely: conditional requests (ETag, Last-Modified), a timeout,
a pause between two requests to one host, retries with backoff on failures that may pass (connection,
timeout, 429, 5xx), a limit on redirects and on the size of an answer (read in chunks, never whole).

Every failure is a :class:`FetchError` whose message says in a few words what went wrong; it is what
``claims feeds status`` shows."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from claims.feeds.newsroom import Settings

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_MAX_RETRY_AFTER = 60.0  # seconds: a server asking for longer is retried at the next poll instead


class FetchError(Exception):
    """A feed or page could not be fetched; ``str()`` says why in a few words. ``transient``: it may work
    later (a timeout, a refused connection, a server error), so the item is tried again at the next poll;
    otherwise (404, too large, a redirect loop) it is not, until the feed changes the item."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 (``not_modified``: nothing to read)
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class Fetcher:
    """One polling run's HTTP client. ``requests`` logs (url, conditional) for each request sent."""

    settings: Settings = field(default_factory=Settings)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    transport: httpx.BaseTransport | None = None
    requests: list[tuple[str, bool]] = field(default_factory=list)
    _next: dict[str, float] = field(default_factory=dict)
    _client: httpx.Client | None = None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            s = self.settings
            self._client = httpx.Client(
                follow_redirects=True,
                max_redirects=s.max_redirects,
                timeout=httpx.Timeout(s.timeout),
                headers={"User-Agent": s.user_agent},
                transport=self.transport,
            )
        return self._client

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET ``url``, conditionally when ``etag`` or ``last_modified`` is given; retried as the
        settings say. Raises :class:`FetchError`."""
        headers = {"Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            try:
                return self._once(url, headers)
            except _Retry as retry:
                attempt += 1
                if attempt > self.settings.retries:
                    tries = f"{attempt} attempt{'s' if attempt > 1 else ''}"
                    raise FetchError(f"{retry.reason} (after {tries})", transient=True) from None
                wait = retry.after if retry.after is not None else 0.5 * 2 ** (attempt - 1)
                self.sleep(min(wait, _MAX_RETRY_AFTER))

    def _once(self, url: str, headers: dict[str, str]) -> Response:
        self._wait_for_host(url)
        self.requests.append((url, "If-None-Match" in headers or "If-Modified-Since" in headers))
        limit = self.settings.max_bytes
        try:
            with self.client.stream("GET", url, headers=headers) as r:
                if r.status_code in _RETRY_STATUS:
                    raise _Retry(f"HTTP {r.status_code}", _retry_after(r.headers.get("Retry-After")))
                if r.status_code == 304:
                    return Response(
                        str(r.url),
                        304,
                        etag=r.headers.get("ETag"),
                        last_modified=r.headers.get("Last-Modified"),
                    )
                if r.status_code >= 400:
                    raise FetchError(f"HTTP {r.status_code} {r.reason_phrase}".strip())
                declared = r.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise FetchError(f"too large ({int(declared):,} bytes; the limit is {limit:,})")
                chunks: list[bytes] = []
                size = 0
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(f"too large (more than {limit:,} bytes, the limit)")
                    chunks.append(chunk)
                return Response(
                    str(r.url),
                    r.status_code,
                    b"".join(chunks),
                    r.headers.get("Content-Type", ""),
                    r.headers.get("ETag"),
                    r.headers.get("Last-Modified"),
                )
        except httpx.TooManyRedirects:
            raise FetchError(
                f"redirected more than {self.settings.max_redirects} times (a redirect loop?)"
            ) from None
        except httpx.TimeoutException:
            raise _Retry(f"timed out after {self.settings.timeout:g}s") from None
        except httpx.ConnectError as exc:
            raise _Retry(f"cannot connect to {urlsplit(url).netloc} ({_short(exc)})") from None
        except httpx.UnsupportedProtocol:
            raise FetchError("not an http(s) URL") from None
        except (httpx.DecodingError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Retry(f"the answer was cut off or garbled ({_short(exc)})") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {_short(exc)}") from None

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        now = self.clock()
        due = self._next.get(host, now)
        if due > now:
            self.sleep(due - now)
            now = due
        self._next[host] = now + self.settings.per_host_interval


class _Retry(Exception):
    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after = after


def _retry_after(value: str | None) -> float | None:
    """Seconds of a Retry-After header (a number, or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:119] + "…"
