"""Verdicts: corroborated, disputed or single-source, with the reason in one sentence.

Until a claims database is configured, every claim is single-source: nothing independent has been
checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from claims.types import Claim, DocumentInfo, Verdict


class Matcher(Protocol):
    def judge(self, claims: Sequence[Claim], document: DocumentInfo) -> list[Verdict]: ...


class NoStore:
    """The matcher used when no database is given."""

    def judge(self, claims: Sequence[Claim], document: DocumentInfo) -> list[Verdict]:
        return [Verdict("single-source", "no database yet: no other source has been checked") for _ in claims]
