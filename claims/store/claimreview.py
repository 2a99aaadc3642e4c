"""ClaimReview readers: schema.org ``ClaimReview`` objects as fact-checkers publish them (any nesting, or
JSON-LD blocks of a page) and the Google Fact Check Tools API shape, as claim records. How a
ClaimReview becomes a record:

* ``text``: ``claimReviewed`` (API: ``text``). Reviews without it are skipped, with a warning.
* ``source``: the claimant (``itemReviewed.author.name``; API: ``claimant``) when the registry knows the
  name (``Registry.lookup``), else ``fallback_source`` (default ``unregistered``: a named source not in
  the registry); ``anonymous`` when no claimant is given.
* ``publisher``: the fact-checker (``author``, else ``publisher``; API: ``publisher``), looked up in the
  registry by name and web site, else an id made from its site's host name (``misbar.com`` → ``misbar-com``),
  which ``claims import --create-sources`` creates (or add it to your sources file).
* ``rating``: the textual rating as published (``reviewRating.alternateName`` or ``name``; API:
  ``textualRating``): ``false``, ``مضلل``, ``Falso`` ...
* ``published``: the date of the claim (``itemReviewed.datePublished``; API: ``claimDate``), else of the
  review. ``url``: the fact-check's URL. ``language``: ``inLanguage`` (API: ``languageCode``) when it is a
  language code, else detected by the store.

The store takes one record per text + source + date, so when two fact-checkers review the same claim of
the same claimant on the same day, the first review read is kept."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from claims.errors import InputError
from claims.store.fields import DATE, LANGUAGE, located
from claims.store.files import parse_json, read_text
from claims.text.dates import parse_date
from claims.types import ANONYMOUS, UNREGISTERED, ClaimRecord

if TYPE_CHECKING:
    from claims.registry import Registry

_HOST_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def read_claimreview(
    path: str | Path,
    registry: Registry | None = None,
    *,
    fallback_source: str = UNREGISTERED,
    warnings: list[str] | None = None,
    on_read: Callable[[int], None] | None = None,
) -> Iterator[ClaimRecord]:
    """Records of a ClaimReview JSON / JSON-LD file, a page embedding JSON-LD, or a Fact Check Tools file."""
    content = read_text(path)
    if on_read is not None:  # read whole: every record comes after all of its bytes
        on_read(len(content.encode("utf-8")))
    stripped = content.lstrip()
    if stripped.startswith("<"):
        documents = []
        for n, block in enumerate(jsonld_blocks(content), start=1):
            try:
                documents.append(json.loads(block))
            except json.JSONDecodeError as exc:
                if warnings is not None:
                    warnings.append(f"{path}: JSON-LD block {n} is not valid JSON ({exc.msg}); skipped")
            except RecursionError:
                if warnings is not None:
                    warnings.append(f"{path}: JSON-LD block {n} is nested too deeply to read; skipped")
        data: Any = documents
    else:
        data = parse_json(content, str(path), whole_file=True)
    found = 0
    for record in claimreview_records(
        data, registry, fallback_source=fallback_source, warnings=warnings, origin=str(path)
    ):
        found += 1
        yield record
    if not found:
        raise InputError(f"{path}: no ClaimReview or Fact Check Tools claims with a claim text found")


def jsonld_blocks(html: str) -> list[str]:
    """The contents of the ``<script type="application/ld+json">`` elements of an HTML page."""
    parser = _JsonLdScripts()
    parser.feed(html)
    parser.close()
    return parser.blocks


class _JsonLdScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._parts: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and any(
            name == "type" and value and value.split(";")[0].strip().lower() == "application/ld+json"
            for name, value in attrs
        ):
            self._parts = []

    def handle_data(self, data: str) -> None:
        if self._parts is not None:
            self._parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._parts is not None:
            self.blocks.append("".join(self._parts))
            self._parts = None


def claimreview_records(
    data: Any,
    registry: Registry | None = None,
    *,
    fallback_source: str = UNREGISTERED,
    warnings: list[str] | None = None,
    origin: str = "",
) -> Iterator[ClaimRecord]:
    """Records of parsed JSON holding ClaimReview objects or Fact Check Tools claims, at any depth."""
    mapper = _Mapper(registry, fallback_source)
    for n, (kind, node) in enumerate(_factchecks(data), start=1):
        records = list(mapper.from_claimreview(node) if kind == "claimreview" else mapper.from_api(node))
        what = "ClaimReview" if kind == "claimreview" else "Fact Check Tools claim"
        if not records and warnings is not None:
            warnings.append(f"{origin or 'input'}: {what} #{n} has no claim text; skipped")
        for record in records:
            yield located(record, f"{origin}: {what} #{n}") if origin else record


def _factchecks(data: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """The ClaimReview objects and Fact Check Tools claims in ``data``, in document order.

    A walk with its own stack: JSON as deep as the decoder accepts must not exhaust Python's."""
    stack: list[Iterator[Any]] = [iter((data,))]
    while stack:
        node = next(stack[-1], _END)
        if node is _END:
            stack.pop()
        elif isinstance(node, list):
            stack.append(iter(node))
        elif isinstance(node, dict):
            if _has_type(node, "ClaimReview"):
                yield "claimreview", node
            elif isinstance(node.get("claimReview"), list) and ("text" in node or "claimant" in node):
                yield "api", node
            else:
                stack.append(v for v in node.values() if isinstance(v, list | dict))


_END = object()


def is_factcheck(data: dict[str, Any]) -> bool:
    return _has_type(data, "ClaimReview") or isinstance(data.get("claimReview"), list) or "@graph" in data


def _has_type(node: dict[str, Any], name: str) -> bool:
    types = node.get("@type")
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list):
        return False
    return any(isinstance(t, str) and re.split(r"[/:#]", t)[-1] == name for t in types)


class _Mapper:
    def __init__(self, registry: Registry | None, fallback_source: str) -> None:
        self.registry = registry
        self.fallback = fallback_source

    def from_claimreview(self, review: dict[str, Any]) -> Iterator[ClaimRecord]:
        item = review.get("itemReviewed")
        item = item if isinstance(item, dict) else {}
        text = _text(review.get("claimReviewed")) or _text(item.get("text"))
        if not text:
            return
        checker = review.get("author") or review.get("publisher")
        checker_name, checker_url = _name_and_url(checker)
        yield ClaimRecord(
            text=text,
            source=self.claimant(_name_and_url(item.get("author"))[0]),
            published=_date(item.get("datePublished")) or _date(review.get("datePublished")),
            url=_text(review.get("url")) or None,
            language=_language(review.get("inLanguage")),
            publisher=self.fact_checker(checker_name, checker_url),
            rating=_rating(review.get("reviewRating")),
        )

    def from_api(self, claim: dict[str, Any]) -> Iterator[ClaimRecord]:
        text = _text(claim.get("text"))
        if not text:
            return
        source = self.claimant(_text(claim.get("claimant")))
        claim_date = _date(claim.get("claimDate"))
        for review in claim.get("claimReview") or ():
            if not isinstance(review, dict):
                continue
            publisher = review.get("publisher")
            publisher = publisher if isinstance(publisher, dict) else {}
            yield ClaimRecord(
                text=text,
                source=source,
                published=claim_date or _date(review.get("reviewDate")),
                url=_text(review.get("url")) or None,
                language=_language(review.get("languageCode")),
                publisher=self.fact_checker(_text(publisher.get("name")), _text(publisher.get("site"))),
                rating=_text(review.get("textualRating")) or None,
            )

    def claimant(self, name: str) -> str:
        if not name:
            return ANONYMOUS
        if self.registry is not None and (source := self.registry.lookup(name)) is not None:
            return source.id
        return self.fallback

    def fact_checker(self, name: str, site: str) -> str | None:
        host = _host(site)
        if self.registry is not None:
            labels = host.split(".")
            # the name, the site, then the site's own name: factcheck.afp.com → afp
            for key in (name, host, labels[-2] if len(labels) >= 2 else ""):
                if key and (source := self.registry.lookup(key)) is not None:
                    return source.id
        slug = host.replace(".", "-")
        return slug if slug and _HOST_ID.fullmatch(slug) else None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _name_and_url(node: Any) -> tuple[str, str]:
    if isinstance(node, list):
        node = next((n for n in node if isinstance(n, dict | str)), None)
    if isinstance(node, str):
        return node.strip(), ""
    if isinstance(node, dict):
        return _text(node.get("name")), _text(node.get("url")) or _text(node.get("@id"))
    return "", ""


def _host(site: str) -> str:
    if not site:
        return ""
    host = urlsplit(site if "//" in site else "//" + site).hostname or ""
    host = host.lower()
    return host[4:] if host.startswith("www.") else host


def _date(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    if m := DATE.match(text):
        return m[1]
    found = parse_date(text)
    return found.isoformat() if found else None


def _language(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    text = _text(value)
    if text and LANGUAGE.fullmatch(text) and len(text) <= 16:
        return text.lower().replace("_", "-")
    return None


def _rating(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    if not isinstance(value, dict):
        return None
    for key in ("alternateName", "name"):
        if text := _text(value.get(key)):
            return text
    rating, best = value.get("ratingValue"), value.get("bestRating")
    if rating is not None and best is not None:
        return f"{rating}/{best}"
    return None
