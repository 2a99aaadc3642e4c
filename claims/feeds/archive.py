"""A newsroom's saved pages in WARC files (ISO 28500, read with warcio): each archived HTML response is
an article, stored as a followed one is (claims/store/sightings.py): its claims under their attributed
sources, each with a sighting that names the archived URL, the publisher, the WARC file and the sentence's
offsets. Resumable: a page whose URL is already stored from that archive is not read again, so a run that
was interrupted continues where it stopped."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from claims.errors import InputError
from claims.feeds.fetch import Response
from claims.feeds.follow import NotAnArticle, article_claims, article_text, same_statement
from claims.feeds.parse import canonical_url

if TYPE_CHECKING:
    from claims.registry import Registry
    from claims.store.db import Store


@dataclass
class ArchiveRun:
    path: str
    pages: int = 0  # archived HTML responses
    stored: int = 0
    already: int = 0  # stored by an earlier run
    claims_added: int = 0
    claims_known: int = 0
    skipped: list[str] = field(default_factory=list)


def is_warc(name: str) -> bool:
    return name.lower().endswith((".warc", ".warc.gz"))


def ingest_warc(
    store: Store,
    path: str,
    registry: Registry,
    *,
    publisher: str,
    vectors: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> ArchiveRun:
    """Store the articles of the WARC file at ``path`` (see the module); ``progress`` is called with the
    bytes of the file read so far and the claims added."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from claims.store.sightings import FeedLedger

    ledger = FeedLedger(store)
    feed = f"warc:{Path(path).name}"[:200]
    run = ArchiveRun(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed below, after the iterator)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    with handle:
        _check_warc(handle, path)
        records = ArchiveIterator(handle)
        try:
            for record in records:
                if progress:
                    progress(handle.tell(), run.claims_added)
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                kind = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
                if kind not in ("text/html", "application/xhtml+xml"):
                    continue
                status = record.http_headers.get_statuscode()
                target = record.rec_headers.get_header("WARC-Target-URI") or ""
                if status != "200" or not target.startswith(("http://", "https://")):
                    continue
                run.pages += 1
                url = canonical_url(target)
                body = record.content_stream().read()
                _store_page(ledger, run, feed, url, body, kind, record, publisher, registry, vectors)
        except ArchiveLoadFailed as exc:
            raise InputError(
                f"{path}: not a WARC file, or damaged ({' '.join(str(exc).split())[:200]})"
            ) from None
    return run


def _check_warc(handle, path: str) -> None:  # type: ignore[no-untyped-def]
    """A WARC file begins with a record's version line, ``WARC/1.0`` (gzip: once decompressed); warcio
    alone reads almost anything as an old ARC record."""
    import gzip
    import zlib

    head = handle.read(2)
    handle.seek(0)
    start = b""
    try:
        if head == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=handle) as unzipped:
                start = unzipped.read(5)
        else:
            start = handle.read(5)
    except (OSError, EOFError, zlib.error):
        pass
    handle.seek(0)
    if start != b"WARC/":
        raise InputError(f"{path}: not a WARC file (it does not begin with a WARC record)")


def _store_page(ledger, run, feed, url, body, kind, record, publisher, registry, vectors) -> None:  # type: ignore[no-untyped-def]
    fingerprint = hashlib.sha256(body).hexdigest()
    seen = ledger.seen(feed, None, url)
    if seen is not None:
        run.already += 1
        return
    published = None  # the archive's date is when the page was saved, not when it was published
    try:
        text, fmt = article_text(Response(url, 200, body, kind))
    except NotAnArticle as exc:
        run.skipped.append(f"{url}: {exc}")
        ledger.note_item(
            feed=feed,
            outlet=publisher,
            guid=None,
            url=url,
            fingerprint=fingerprint,
            published=published,
            note=str(exc),
            registry=registry,
        )
        return
    claims, language = article_claims(text, url, publisher, None, registry, fmt)
    result = ledger.store_article(
        feed=feed,
        outlet=publisher,
        guid=None,
        url=url,
        fingerprint=fingerprint,
        published=published,
        etag=None,
        last_modified=None,
        text=text,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        language=language,
        claims=claims,
        registry=registry,
        vectors=vectors,
        same_statement=same_statement,
    )
    run.stored += 1
    run.claims_added += result.added
    run.claims_known += result.known
