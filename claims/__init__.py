"""claims — claim and attribution checker for newsrooms (Arabic and English).

>>> import claims
>>> report = claims.check("data/examples/ar-russia-dprk-treaty.txt")
>>> report.claims[0].claim.attribution.source_id
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "check"]


def check(path, **kwargs):  # type: ignore[no-untyped-def]
    """Read and check one article; see :func:`claims.checker.check`."""
    from claims.checker import check as _check

    return _check(path, **kwargs)
