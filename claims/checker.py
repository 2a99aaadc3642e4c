"""The whole check of one article: read → layout → attribution → match → verdict → Report."""

from __future__ import annotations

from pathlib import Path

from claims.attribution.extract import extract
from claims.errors import InputError
from claims.match.verdict import Matcher, NoStore
from claims.registry import Registry
from claims.text.layout import analyse
from claims.text.read import DEFAULT_MAX_BYTES, read_input
from claims.types import CheckedClaim, DocumentInfo, InputText, Report


def check_text(source: InputText, registry: Registry, matcher: Matcher | None = None) -> Report:
    """Check decoded input against the store (or, with no store, mark every claim single-source)."""
    text = source.text
    layout = analyse(text)
    try:
        extraction = extract(text, layout, registry)
    except InputError as exc:  # a paragraph too long for the pipeline: say which file
        raise InputError(f"{source.path}: {exc}") from None
    publisher = registry.lookup(layout.publisher_text) if layout.publisher_text else None
    document = DocumentInfo(
        path=source.path,
        language=layout.language,
        published=layout.published,
        publisher_id=publisher.id if publisher else None,
        publisher_name=publisher.name if publisher else None,
        publisher_text=layout.publisher_text,
    )
    matcher = matcher or NoStore()
    verdicts = matcher.judge(extraction.claims, document)
    checked = tuple(CheckedClaim(c, v) for c, v in zip(extraction.claims, verdicts, strict=True))
    skipped = tuple(sorted(layout.skipped + extraction.skipped, key=lambda s: s.span.start))
    return Report(document, text, checked, skipped)


def check(
    path: str | Path, *, registry: Registry | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Report:
    """Read and check one article file (``-`` for stdin)."""
    return check_text(read_input(path, max_bytes=max_bytes), registry or Registry.load())
