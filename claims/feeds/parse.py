"""Reading a feed's answer into items: RSS 0.9x/1.0/2.0 and Atom with feedparser (which knows their
dialects and broken dates), JSON Feed 1.0/1.1 and XML sitemaps (for outlets without a feed) here.

An item is what the follower needs to decide whether to fetch an article: its GUID, its canonical URL,
its date and a fingerprint of what the feed says about it (changed when the outlet updates the item)."""

from __future__ import annotations

import calendar
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Query parameters that track readers and do not change the article.
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref_src")


class FeedFormatError(Exception):
    """The answer is not a feed (an HTML page, malformed XML, an empty document); ``str()`` says which."""


@dataclass(frozen=True)
class Item:
    url: str  # canonical (see :func:`canonical_url`)
    guid: str | None
    title: str
    published: str | None  # ISO 8601 UTC, seconds
    fingerprint: str  # hash of what the feed says about the item (title, update time, summary)


def canonical_url(url: str, base: str | None = None) -> str:
    """``url`` made absolute and canonical: scheme and host lowercase, default port, fragment and
    tracking parameters dropped, path '/' when empty. Two links to one article compare equal."""
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith(_TRACKING)
        ]
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def parse_feed(body: bytes, url: str, content_type: str = "", kind: str = "feed") -> list[Item]:
    """The items of a feed (``kind`` "feed") or a sitemap; :class:`FeedFormatError` when there are none
    because the answer is not one."""
    head = body.lstrip()[:512].lower()
    if kind == "sitemap" or b"<urlset" in head or b"<sitemapindex" in head:
        return _sitemap(body, url)
    if "json" in content_type.lower() or head.startswith(b"{"):
        return _json_feed(body, url)
    return _xml_feed(body, url, content_type)


def _xml_feed(body: bytes, url: str, content_type: str) -> list[Item]:
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-type": content_type or "application/xml"})
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or _alternate(entry)
        guid = entry.get("id") or None
        if not link and guid and guid.startswith(("http://", "https://")):
            link = guid
        if not link:
            continue
        # dict.get: feedparser's own get maps a missing "updated" to "published", with a warning
        stamp = entry.get("published_parsed") or dict.get(entry, "updated_parsed")
        published = _iso(calendar.timegm(stamp)) if stamp else None
        said = [entry.get("title"), dict.get(entry, "updated"), entry.get("summary")]
        items.append(
            Item(
                url=canonical_url(link, url),
                guid=guid,
                title=" ".join((entry.get("title") or "").split()),
                published=published,
                fingerprint=_fingerprint(said),
            )
        )
    if items:
        return items
    if head_is_html(body):
        raise FeedFormatError("not a feed: an HTML page (give the page's RSS or Atom address)")
    problem = parsed.get("bozo_exception")
    if parsed.bozo and problem is not None:
        line = getattr(problem, "getLineNumber", lambda: None)()
        where = f" at line {line}" if line else ""
        raise FeedFormatError(f"malformed XML{where} ({_short(problem)}); no item could be read")
    if not parsed.version:
        raise FeedFormatError("not a feed (no RSS, Atom or JSON Feed in the answer)")
    return []  # a feed with no items yet


def head_is_html(body: bytes) -> bool:
    head = body.lstrip()[:1024].lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def _alternate(entry: Any) -> str | None:
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    return None


def _json_feed(body: bytes, url: str) -> list[Item]:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedFormatError(f"malformed JSON Feed ({_short(exc)})") from None
    if not isinstance(data, dict) or "jsonfeed.org/version" not in str(data.get("version", "")):
        raise FeedFormatError("not a feed: JSON without a JSON Feed version")
    items = []
    for entry in data.get("items") or []:
        if not isinstance(entry, dict):
            continue
        link = entry.get("url") or entry.get("external_url")
        guid = str(entry["id"]) if entry.get("id") is not None else None
        if not isinstance(link, str) or not link:
            continue
        published = _parse_iso(entry.get("date_published") or entry.get("date_modified"))
        said = [entry.get("title"), entry.get("date_modified"), entry.get("summary")]
        title = entry.get("title") if isinstance(entry.get("title"), str) else ""
        items.append(
            Item(canonical_url(link, url), guid, " ".join(title.split()), published, _fingerprint(said))
        )
    return items


def _sitemap(body: bytes, url: str) -> list[Item]:
    """A sitemap's pages (``<urlset>``; a news sitemap's titles and dates too). A sitemap index is read as
    a list of its sitemaps' addresses: those are not articles, so it is refused with a hint."""
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise FeedFormatError(f"malformed sitemap XML ({_short(exc)})") from None
    if root.tag.endswith("sitemapindex"):
        raise FeedFormatError("a sitemap index: add one of the sitemaps it lists instead")
    if not root.tag.endswith("urlset"):
        raise FeedFormatError("not a sitemap (no <urlset>)")
    items = []
    for node in root:
        loc = _child_text(node, "loc")
        if not loc:
            continue
        lastmod = _child_text(node, "lastmod")
        news_date = _child_text(node, "publication_date")
        title = _child_text(node, "title") or ""
        published = _parse_iso(news_date or lastmod)
        items.append(Item(canonical_url(loc, url), None, title, published, _fingerprint([title, lastmod])))
    return items


def _child_text(node: Any, local: str) -> str | None:
    for child in node.iter():
        if child.tag.rsplit("}", 1)[-1] == local and child.text and child.text.strip():
            return child.text.strip()
    return None


def _parse_iso(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="seconds")


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def _fingerprint(parts: list[Any]) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:119] + "…"
