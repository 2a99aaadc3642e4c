"""Imported once by the fork server that starts ``claims serve``'s check workers: it loads the default
registry and builds its pipelines, so that each worker forked from it starts with them built (about 2 s
of CPU saved per worker started or replaced)."""

from __future__ import annotations

from functools import cache

from claims.registry import Registry

_WARM_UP = (
    "Reuters said the talks in Geneva failed on Monday.",
    "قالت وكالة الأنباء المركزية الكورية إن المعاهدة دخلت حيز التنفيذ.",
)


@cache
def registry(sources: str | None = None) -> Registry:
    """The registry (with an extra sources file), its Arabic and English pipelines built."""
    from claims.checker import check_text
    from claims.text.read import decode_bytes

    loaded = Registry.load(sources)
    for text in _WARM_UP:
        check_text(decode_bytes(text.encode("utf-8")), loaded)
    return loaded


try:  # a failure here must not stop the fork server: the worker then meets it, and reports it
    registry(None)
    import claims.match.matcher  # noqa: F401
    import claims.store.db  # noqa: F401
except Exception:  # pragma: no cover
    pass
