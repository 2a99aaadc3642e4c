"""From a checked article to the claim records that `claims ingest` and `claims follow` store."""

from __future__ import annotations

from claims.match.matcher import compared_text
from claims.store.validate import has_words
from claims.types import UNATTRIBUTED, UNREGISTERED, CheckedClaim, ClaimRecord, Report


def article_records(
    report: Report, publisher: str, published: str | None, url: str | None
) -> list[ClaimRecord]:
    """One record per claim, under its attributed source (a stored claim's origin is who said it, not the
    outlet that carried it); the author's own claims go under the publisher. Claims by a named source that is
    not in the registry are left out: they could not be told apart from one another later; so are "claims"
    with no letter or digit (a line of dots), which the store refuses."""
    records = [claim_record(item, publisher, published, url) for item in report.claims]
    return [r for r in records if r is not None]


def claim_record(
    item: CheckedClaim, publisher: str, published: str | None, url: str | None
) -> ClaimRecord | None:
    """The record of one claim of an article (see :func:`article_records`); None when it is not stored."""
    c = item.claim
    a = c.attribution
    if a.source_id == UNREGISTERED:
        return None
    source = publisher if a.source_id == UNATTRIBUTED else a.source_id
    via = tuple(v for v in a.via if v != source)
    text = compared_text(c)  # «نفى الكرملين أن …»: the content alone would say the opposite
    if not has_words(text):
        return None
    return ClaimRecord(
        text=text,
        source=source,
        published=published,
        url=url,
        language=c.language,
        publisher=publisher if publisher != source else None,
        via=via,
        hedged=a.hedged,
    )
