"""One poll of the newsroom's feeds: read each feed that is due, fetch the articles that are new or
changed, extract their claims with attribution and store each under its attributed source with its
provenance (claims/store/sightings.py). What failed is recorded in the feed's status; nothing stored
before a failure is lost, and the next poll continues where this one stopped."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from claims.errors import InputError
from claims.feeds.fetch import Fetcher, FetchError, Response
from claims.feeds.newsroom import Feed, Newsroom
from claims.feeds.parse import FeedFormatError, Item, canonical_url, head_is_html, parse_feed

if TYPE_CHECKING:
    from claims.registry import Registry
    from claims.store.db import Store
    from claims.store.sightings import ArticleClaim, FeedLedger, SeenItem

# How long a follower holds a feed (renewed before each item) or an item it works on: another follower
# sharing the database skips them meanwhile, and takes them over when a follower died holding them.
LEASE_SECONDS = 300
# An extracted page with fewer words than this is not an article (an index page, a photo, a login wall).
MIN_ARTICLE_WORDS = 25
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


class NotAnArticle(Exception):
    """The page was fetched but holds no article text; ``str()`` says what it is."""


@dataclass
class FeedRun:
    """What one poll of one feed did."""

    name: str
    due: bool = True
    busy: bool = False  # another follower sharing the database was polling it
    error: str | None = None  # the feed could not be read (nothing of it was stored)
    not_modified: bool = False
    items: int = 0  # items in the feed
    new: int = 0  # articles stored for the first time
    changed: int = 0  # articles read again because they changed
    claims_added: int = 0
    claims_known: int = 0  # claims already stored: a sighting added (relays, copies)
    claims_removed: int = 0
    elsewhere: int = 0  # items another follower was storing at the same time
    skipped: list[str] = field(default_factory=list)  # items not read, and why (not articles, 404, ...)
    failed: list[str] = field(default_factory=list)  # items to try again at the next poll, and why

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failed


def follow(
    store: Store,
    newsroom: Newsroom,
    registry: Registry,
    *,
    names: Sequence[str] = (),
    force: bool = False,
    vectors: bool = True,
    fetcher: Fetcher | None = None,
    now: datetime | None = None,
    on_feed: Callable[[FeedRun], None] | None = None,
) -> list[FeedRun]:
    """Poll the feeds of ``newsroom`` (only ``names`` when given) that are due (all with ``force``)."""
    from claims.store.sightings import FeedLedger

    ledger = FeedLedger(store)
    now = now or datetime.now(UTC)
    feeds = [f for f in newsroom.feeds if not names or f.name in names]
    runs = []
    own = fetcher is None
    fetcher = fetcher or Fetcher(newsroom.settings)
    owner = follower_id()
    try:
        for feed in feeds:
            key = f"feed:{feed.name}"
            if not ledger.take_lease(key, owner, LEASE_SECONDS):
                run = FeedRun(feed.name, due=False, busy=True)
            else:
                try:
                    last = ledger.last_polled(feed.name)
                    if not force and last is not None and last + timedelta(seconds=feed.every) > now:
                        run = FeedRun(feed.name, due=False)
                    else:
                        run = poll_feed(feed, ledger, registry, fetcher, vectors=vectors, owner=owner)
                finally:
                    ledger.release_lease(key, owner)
            runs.append(run)
            if on_feed:
                on_feed(run)
    finally:
        if own:
            fetcher.close()
    return runs


def follower_id() -> str:
    """This follower, as the leases name it: host, process, and a random part (two runs in one process)."""
    import os
    import socket
    import uuid

    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def poll_feed(
    feed: Feed,
    ledger: FeedLedger,
    registry: Registry,
    fetcher: Fetcher,
    *,
    vectors: bool = True,
    owner: str | None = None,
) -> FeedRun:
    run = FeedRun(feed.name)
    etag, last_modified = ledger.validators(feed.name, feed.url)
    try:
        response = fetcher.get(feed.url, etag=etag, last_modified=last_modified)
        if response.not_modified:
            run.not_modified = True
            ledger.record_poll(feed.name, feed.url, keep_validators=True)
            return run
        items = parse_feed(response.body, response.url, response.content_type, feed.kind)
    except (FetchError, FeedFormatError) as exc:
        run.error = str(exc)
        ledger.record_poll(feed.name, feed.url, error=run.error)
        return run
    run.items = len(items)
    done: set[str] = set()
    for item in items:
        if item.url in done:  # listed twice in one feed
            continue
        done.add(item.url)
        if owner is not None:
            ledger.take_lease(f"feed:{feed.name}", owner, LEASE_SECONDS)  # still polling it
        try:
            _read_item(feed, item, ledger, registry, fetcher, run, vectors, owner)
        except FetchError as exc:
            if exc.transient:
                run.failed.append(f"{item.url}: {exc}")
            else:
                _skip(feed, item, str(exc), ledger, registry, run)
        except NotAnArticle as exc:
            _skip(feed, item, str(exc), ledger, registry, run)
        except InputError as exc:  # the article's text could not be read (checked) as it is
            _skip(feed, item, f"cannot be read: {exc.message}", ledger, registry, run)
    stored = run.new + run.changed
    if run.failed:
        # The feed's validators are not kept: the next poll reads the feed whole and tries these again.
        more = f" and {len(run.failed) - 1} more" if len(run.failed) > 1 else ""
        error = f"{len(run.failed)} item(s) to try again: {run.failed[0]}{more}"
        ledger.record_poll(feed.name, feed.url, error=error, items=stored, claims=run.claims_added)
    else:
        # Items another follower was storing: the feed is read whole next time, in case it did not finish.
        ledger.record_poll(
            feed.name,
            feed.url,
            etag=None if run.elsewhere else response.etag,
            last_modified=None if run.elsewhere else response.last_modified,
            items=stored,
            claims=run.claims_added,
        )
    return run


def _skip(feed: Feed, item: Item, why: str, ledger: FeedLedger, registry: Registry, run: FeedRun) -> None:
    """An item that will not be read (a 404, not an article): kept with why, not fetched again until the
    feed changes it."""
    run.skipped.append(f"{item.url}: {why}")
    ledger.note_item(
        feed=feed.name,
        outlet=feed.source,
        guid=item.guid,
        url=item.url,
        fingerprint=item.fingerprint,
        published=item.published,
        note=why,
        registry=registry,
    )


def _read_item(
    feed: Feed,
    item: Item,
    ledger: FeedLedger,
    registry: Registry,
    fetcher: Fetcher,
    run: FeedRun,
    vectors: bool,
    owner: str | None = None,
) -> None:
    seen = ledger.seen(feed.name, item.guid, item.url)
    if _known(seen, feed, item):
        return
    if owner is None:
        _fetch_item(feed, item, seen, ledger, registry, fetcher, run, vectors)
        return
    key = f"item:{item.url}"
    if not ledger.take_lease(key, owner, LEASE_SECONDS):
        run.elsewhere += 1  # another follower is fetching it (from another feed that lists it)
        return
    try:
        seen = ledger.seen(feed.name, item.guid, item.url)  # it may have stored it just before
        if _known(seen, feed, item):
            return
        _fetch_item(feed, item, seen, ledger, registry, fetcher, run, vectors)
    finally:
        ledger.release_lease(key, owner)


def _known(seen: SeenItem | None, feed: Feed, item: Item) -> bool:
    """Seen before and unchanged, or listed by another feed too (each feed describes it its own way; the
    feed it came from says when it changes): not fetched again."""
    return seen is not None and (seen.fingerprint == item.fingerprint or seen.feed != feed.name)


def _fetch_item(
    feed: Feed,
    item: Item,
    seen: SeenItem | None,
    ledger: FeedLedger,
    registry: Registry,
    fetcher: Fetcher,
    run: FeedRun,
    vectors: bool,
) -> None:
    page = fetcher.get(
        item.url,
        etag=seen.etag if seen else None,
        last_modified=seen.last_modified if seen else None,
    )
    common = dict(
        feed=feed.name,
        outlet=feed.source,
        guid=item.guid,
        fingerprint=item.fingerprint,
        published=item.published,
        registry=registry,
    )
    if page.not_modified:
        ledger.note_item(url=seen.url if seen else item.url, **common)  # type: ignore[arg-type]
        return
    text, fmt = article_text(page)
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if seen is not None and seen.content_hash == content_hash:
        ledger.note_item(url=seen.url, etag=page.etag, last_modified=page.last_modified, **common)  # type: ignore[arg-type]
        return
    claims, language = article_claims(text, page.url, feed.source, item.published, registry, fmt)
    result = ledger.store_article(
        feed=feed.name,
        outlet=feed.source,
        guid=item.guid,
        url=seen.url if seen else item.url,
        fingerprint=item.fingerprint,
        published=item.published,
        etag=page.etag,
        last_modified=page.last_modified,
        text=text,
        content_hash=content_hash,
        language=language or feed.language,
        claims=claims,
        registry=registry,
        vectors=vectors,
        same_statement=same_statement,
    )
    if seen is None:
        run.new += 1
    else:
        run.changed += 1
    run.claims_added += result.added
    run.claims_known += result.known
    run.claims_removed += result.removed


def same_statement(text: str, stored: str, language: str | None) -> bool:
    """Whether a claim read in an article states what a near-identical stored claim of the same source
    states, by the relation rules (numbers, negation, antonyms; no learned model): a relay or a copy."""
    from claims.match.relation import SUPPORTS, relate

    return relate(text, stored, language, learned=False).label == SUPPORTS


def article_text(page: Response) -> tuple[str, str]:
    """The article text of a fetched page (as ``claims check`` reads an HTML file) and its format;
    :class:`NotAnArticle` when there is none."""
    from claims.text.read import decode_bytes

    kind = page.content_type.split(";")[0].strip().lower()
    if kind and kind not in _TEXT_TYPES:
        raise NotAnArticle(f"not an article: the page is {kind}")
    is_html = kind != "text/plain" and (kind in _TEXT_TYPES[:2] or head_is_html(page.body))
    try:
        source = decode_bytes(
            page.body, path="page.html" if is_html else "page.txt", max_bytes=len(page.body) + 1
        )
    except InputError as exc:
        raise NotAnArticle(
            f"not an article: {exc.message.removeprefix('page.html: ').removeprefix('page.txt: ')}"
        ) from None
    text = source.text
    if len(text.split()) < MIN_ARTICLE_WORDS:
        raise NotAnArticle(f"not an article: {len(text.split())} words of text on the page")
    return text, source.format


def article_claims(
    text: str, url: str, outlet: str, published: str | None, registry: Registry, fmt: str = "html"
) -> tuple[list[ArticleClaim], str | None]:
    """The claims of an article worth storing, each with the sentence it was read in; and the article's
    language. Dated by the feed, else by the article's dateline."""
    from claims.checker import check_text
    from claims.ingest import claim_record
    from claims.store.sightings import ArticleClaim
    from claims.types import InputText

    report = check_text(InputText(text=text, path=url, encoding="utf-8", format=fmt), registry)
    date = (published or "")[:10] or report.document.published
    out = []
    for item in report.claims:
        record = claim_record(item, outlet, date, canonical_url(url))
        if record is not None:
            span = item.claim.span
            out.append(ArticleClaim(record, span.start, span.end, span.text))
    return out, report.document.language
