"""A small HTTP server on 127.0.0.1 for the feed tests: it serves what a test puts in ``pages`` and logs
every request. Answers carry an ETag (a hash of the body) and honour If-None-Match, as most outlets do."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = True  # send an ETag and answer 304 to a matching If-None-Match
    delay: float = 0.0  # seconds before answering (the timeout case)
    stream: int = 0  # bytes of filler to stream without a Content-Length (the oversized case)

    def data(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass
class Request:
    path: str
    if_none_match: str | None
    if_modified_since: str | None

    @property
    def conditional(self) -> bool:
        return bool(self.if_none_match or self.if_modified_since)


class FeedServer:
    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.log: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                server.log.append(
                    Request(
                        self.path, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
                    )
                )
                page = server.pages.get(self.path)
                if page is None:
                    page = Page("<html><body>not here</body></html>", status=404)
                if page.delay:
                    time.sleep(page.delay)
                data = page.data()
                tag = f'"{hashlib.sha256(data).hexdigest()[:16]}"'
                if page.etag and page.status == 200 and self.headers.get("If-None-Match") == tag:
                    self.send_response(304)
                    self.send_header("ETag", tag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                for k, v in page.headers.items():
                    self.send_header(k, v)
                if page.etag and page.status == 200:
                    self.send_header("ETag", tag)
                if page.stream:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    chunk = b"<p>" + b"x" * 65536 + b"</p>"
                    sent = 0
                    try:
                        while sent < page.stream:
                            self.wfile.write(chunk)
                            sent += len(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    self.close_connection = True
                    return
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path == path]


def rss(items: list[dict[str, str]], title: str = "Desk feed") -> str:
    """An RSS 2.0 feed of ``items`` (keys: title, link, guid, date, description)."""
    entries = "".join(
        "<item>"
        f"<title>{i['title']}</title><link>{i['link']}</link>"
        + (f"<guid>{i['guid']}</guid>" if "guid" in i else "")
        + (f"<pubDate>{i['date']}</pubDate>" if "date" in i else "")
        + (f"<description>{i['description']}</description>" if "description" in i else "")
        + "</item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://127.0.0.1/</link><description>test</description>{entries}"
        "</channel></rss>"
    )


def atom(items: list[dict[str, str]], title: str = "Desk feed") -> str:
    """An Atom feed of ``items`` (keys: title, link, guid, date)."""
    entries = "".join(
        "<entry>"
        f'<title>{i["title"]}</title><link rel="alternate" href="{i["link"]}"/>'
        f"<id>{i.get('guid', i['link'])}</id><updated>{i.get('date', '2024-12-05T08:00:00Z')}</updated>"
        "</entry>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:test:feed</id><updated>2024-12-05T08:00:00Z</updated>{entries}</feed>"
    )


def article(title: str, paragraphs: list[str], lang: str = "en") -> str:
    """An article page, with the furniture real pages have around the text."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    direction = ' dir="rtl"' if lang == "ar" else ""
    return (
        f'<!doctype html><html lang="{lang}"{direction}><head><meta charset="utf-8"><title>{title}</title></head>'
        "<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>© Test Desk. All rights reserved.</footer></body></html>"
    )
