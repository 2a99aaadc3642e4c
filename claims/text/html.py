"""Main-text extraction from HTML pages (trafilatura: boilerplate removal we should not write ourselves)."""

from __future__ import annotations

from claims.errors import InputError


def extract_article(html: str) -> str:
    """The article's title and body as plain text, one paragraph per line; '' when the page has none."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, favor_precision=True
        )
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        raise InputError(f"HTML could not be parsed ({type(exc).__name__})") from None
    if doc is None:
        return ""
    title = (getattr(doc, "title", None) or "").strip()
    body = (getattr(doc, "text", None) or "").strip()
    date = (getattr(doc, "date", None) or "").strip()
    lines = []
    if title and not body.startswith(title):
        lines.append(title)
    if date:
        lines.append(f"Published: {date}")
    if body:
        lines.append(body)
    return "\n".join(lines)
