"""Editors' decisions: the verdict an editor settles on for a claim, shown beside the automatic one, and
published as schema.org ClaimReview.

::

    store = Store.open()
    text = resolve_claim_ref("article.txt#c3", registry)           # or the claim's text itself
    record_decision(store, text, "disputed", "Yonhap reports 12,000, not 10,000", editor="lh")
    report = check_text(read_input("article.txt"), registry, StoreMatcher(store, registry))
    report_dict(report, registry, decisions_for_report(store, report))   # each claim: "decision": {...} | null
    export_claimreview(store, registry, publisher_name="Al-Wafd Fact Check")

A decision is keyed by the hash of the claim's normalised text (:func:`claims.store.db.text_hash`), so a
decision made on one article applies wherever the same claim appears again; the newest decision on a text
is the one that counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from claims.errors import DatabaseError, InputError, UsageError
from claims.store.db import EditorDecision, Store, text_hash
from claims.store.validate import check_string
from claims.text.read import DEFAULT_MAX_BYTES
from claims.types import ANONYMOUS, UNATTRIBUTED, UNREGISTERED, VERDICTS, Report

if TYPE_CHECKING:
    from claims.registry import Registry

__all__ = [
    "RATINGS",
    "EditorDecision",
    "decisions_for_report",
    "export_claimreview",
    "record_decision",
    "resolve_claim_ref",
]

# ClaimReview ratings: best 3, worst 1.
RATINGS = {"corroborated": 3, "single-source": 2, "disputed": 1}
_BEST, _WORST = 3, 1
_EDITOR_MAX = 200  # the width of decision.editor
# FILE#cN: a claim of an article, by its id in the report.
_FILE_REF = re.compile(r"(?P<path>.+)#(?P<claim>c\d+)", re.DOTALL)
# Sources that name nobody: a ClaimReview of their claims has no claim author.
_NOBODY = {UNATTRIBUTED, ANONYMOUS, UNREGISTERED}


# -- deciding ---------------------------------------------------------------------------------------


def record_decision(
    store: Store,
    claim_text: str,
    verdict: str,
    note: str,
    editor: str | None = None,
    *,
    claim_id: int | None = None,
) -> EditorDecision:
    """Record an editor's verdict on a claim, with the note that says why; returns the stored decision.

    ``verdict`` is one of ``corroborated``, ``disputed``, ``single-source``; the note is required. When
    ``claim_id`` is not given and a stored claim has the same (normalised) text, the decision is tied to it,
    so that :func:`export_claimreview` can name the claim's author and date.
    """
    for what, value in (("claim", claim_text), ("note", note), ("editor", editor)):
        check_string(value, what, "the decision", UsageError)
    text = claim_text.strip() if isinstance(claim_text, str) else ""
    if not text:
        raise UsageError("the claim text is empty; give the claim's text or FILE#cN")
    verdict = (verdict or "").strip().lower()
    if verdict not in VERDICTS:
        raise UsageError(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
    note = (note or "").strip()
    if not note:
        raise UsageError("a decision needs a note saying why (e.g. the source that confirms or refutes it)")
    editor = (editor or "").strip() or None
    if editor is not None and len(editor) > _EDITOR_MAX:
        raise UsageError(f"the editor's name is longer than {_EDITOR_MAX} characters")
    key = text_hash(text)
    if claim_id is None:
        claim_id = _stored_claim_with_text(store, text, key)
    decision_id = store.record_decision(key, verdict, note=note, editor=editor, claim_id=claim_id)
    for decision in store.decisions_for(key):
        if decision.id == decision_id:
            return decision
    raise DatabaseError(f"{store.url}: decision {decision_id} was recorded but cannot be read back")


def _stored_claim_with_text(store: Store, text: str, key: str) -> int | None:
    """The id of a stored claim whose normalised text is ``text``'s, if the index finds one."""
    try:
        hits = store.search(text, limit=10)
    except DatabaseError:  # no full-text index on this backend: the decision is kept without the link
        return None
    return next((hit.id for hit in hits if text_hash(hit.text) == key), None)


def decisions_for_report(store: Store, report: Report) -> dict[str, EditorDecision]:
    """The newest editor's decision on each claim of ``report`` that has one, by claim id (``c3``).

    Pass the result to ``claims.report.json.report_dict(report, registry, decisions)``."""
    newest: dict[str, EditorDecision | None] = {}
    out: dict[str, EditorDecision] = {}
    for item in report.claims:
        key = text_hash(item.claim.span.text)
        if key not in newest:
            found = store.decisions_for(key)
            newest[key] = found[0] if found else None
        if (decision := newest[key]) is not None:
            out[item.claim.id] = decision
    return out


def resolve_claim_ref(ref: str, registry: Registry, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text of the claim ``ref`` names: ``FILE#cN`` (claim ``cN`` of the article FILE, as ``claims
    check FILE`` numbers them), or the claim's text itself.

    A ref of the form ``FILE#cN`` whose FILE does not exist is an error when it has no spaces (it was
    meant as a file); with spaces it is taken as a claim's text.
    """
    ref = ref.strip() if isinstance(ref, str) else ""
    if not ref:
        raise UsageError(
            "the claim reference is empty; give the claim's text or FILE#cN (e.g. article.txt#c3)"
        )
    m = _FILE_REF.fullmatch(ref)
    if m is None:
        return ref
    path, claim_id = m["path"], m["claim"]
    if not Path(path).is_file():
        if any(ch.isspace() for ch in ref):
            return ref
        raise InputError(f"{path}: no such file (in claim reference {ref!r})")
    from claims.checker import check_text
    from claims.text.read import read_input

    report = check_text(read_input(path, max_bytes=max_bytes), registry)
    for item in report.claims:
        if item.claim.id == claim_id:
            return item.claim.span.text
    if not report.claims:
        raise UsageError(f"{path} has no claims")
    raise UsageError(
        f"{path} has no claim {claim_id}; its claims are c1 to c{len(report.claims)} (see claims check {path})"
    )


# -- ClaimReview ------------------------------------------------------------------------------------


class _Reviewed(NamedTuple):
    """What a ClaimReview says about the claim itself."""

    text: str
    source: str  # a source id
    source_name: str  # the words naming an unregistered source
    published: str | None
    url: str | None
    language: str | None


def export_claimreview(
    store: Store,
    registry: Registry,
    *,
    publisher_name: str,
    publisher_url: str | None = None,
    reports: Iterable[Report] = (),
    warnings: list[str] | None = None,
    review_url: str | None = None,
    article_urls: Sequence[str | None] = (),
) -> list[dict[str, Any]]:
    """schema.org ClaimReview JSON-LD for every decided claim, newest decision first.

    Each review states the newest decision on a claim: ``reviewRating.alternateName`` is the verdict,
    ``ratingValue`` 3 (corroborated), 2 (single-source) or 1 (disputed) of 1–3, ``ratingExplanation`` the
    editor's note; ``author`` is the publishing newsroom. The claim itself (``claimReviewed``,
    ``itemReviewed`` with the claim's author and date) comes from the stored claim the decision is tied to,
    or from the claims of ``reports`` (checked articles) that have a decision. A decision on a text that is
    neither stored nor in ``reports`` cannot be exported, since the store keeps only its hash; each one is
    counted in ``warnings``.

    ``url`` (the page of the review, which Google's Fact Check markup requires) is ``review_url`` with
    ``{key}`` replaced by the claim's key (the hash its decisions are stored under; without ``{key}`` every
    review is on that one page); without ``review_url`` it is the page where the claim appeared: the
    stored claim's URL, or ``article_urls[i]`` for the claims of ``reports[i]``, which is also the claim's
    ``appearance``. A review with neither has no ``url``, and is counted in ``warnings``.
    """
    publisher = _publisher(publisher_name, publisher_url)
    review_url = _checked_url(review_url, "the review URL")
    if review_url is not None and review_url.count("{key}") > 1:
        raise UsageError(f"the review URL {review_url!r} has more than one {{key}}")
    reviewed = _claims_of_reports(reports, article_urls)

    out: list[tuple[tuple[str, int], dict[str, Any]]] = []
    untied = unlocated = 0
    for key in _decided_hashes(store):
        decisions = store.decisions_for(key)
        if not decisions:
            continue
        newest = decisions[0]
        item = _reviewed_item(store, reviewed.get(key), decisions)
        if item is None:
            untied += 1
            continue
        review = _claimreview(item, newest, publisher, registry)
        page = review_url.replace("{key}", key) if review_url else item.url
        if page:
            review = {**review, "url": page}
        else:
            unlocated += 1
        out.append(((newest.created_at, newest.id), review))
    if untied and warnings is not None:
        warnings.append(
            f"{untied} decision(s) on claims that are neither stored nor in the articles given were not "
            "exported (the store keeps only a hash of their text); export with the articles they came from"
        )
    if unlocated and warnings is not None:
        warnings.append(
            f"{unlocated} ClaimReview(s) have no url (neither a review page nor the article's URL is known); "
            "Google's Fact Check markup needs it: give --review-url"
        )
    out.sort(key=lambda pair: pair[0], reverse=True)
    return [review for _, review in out]


def _publisher(name: str, url: str | None) -> dict[str, Any]:
    name = (name or "").strip()
    if not name:
        raise UsageError("ClaimReview needs the publisher's name (the newsroom that reviewed the claims)")
    publisher: dict[str, Any] = {"@type": "Organization", "name": name}
    if url:
        publisher["url"] = url.strip()
    return publisher


def _claims_of_reports(reports: Iterable[Report], article_urls: Sequence[str | None]) -> dict[str, _Reviewed]:
    """The claims of checked articles by text hash, each with its article's URL when known."""
    reviewed: dict[str, _Reviewed] = {}
    for n, report in enumerate(reports):
        article_url = _checked_url(article_urls[n] if n < len(article_urls) else None, "the article URL")
        for checked in report.claims:
            claim = checked.claim
            key = text_hash(claim.span.text)
            if key in reviewed:
                continue
            source = claim.attribution.source_id
            if source == UNATTRIBUTED and report.document.publisher_id:
                source = report.document.publisher_id  # the author's own voice: the outlet's claim
            reviewed[key] = _Reviewed(
                text=claim.span.text,
                source=source,
                source_name=claim.attribution.source_name,
                published=report.document.published,
                url=article_url,
                language=claim.language,
            )
    return reviewed


def _reviewed_item(
    store: Store, item: _Reviewed | None, decisions: Sequence[EditorDecision]
) -> _Reviewed | None:
    """The claim a decision reviews: from the articles given, else the stored claim it is tied to (None
    when neither); an article's claim that is also stored takes the stored URL when it has none."""
    if item is None:
        claim_id = next((d.claim_id for d in decisions if d.claim_id is not None), None)
        stored = store.get(claim_id) if claim_id is not None else None
        if stored is None:
            return None
        return _Reviewed(stored.text, stored.source, "", stored.published, stored.url, stored.language)
    if item.url is None:
        stored = next((store.get(d.claim_id) for d in decisions if d.claim_id is not None), None)
        if stored is not None and stored.url:
            return item._replace(url=stored.url)
    return item


def _checked_url(url: str | None, what: str) -> str | None:
    """``url`` stripped, or None when empty; an error unless it is an absolute http(s) URL."""
    url = (url or "").strip()
    if not url:
        return None
    if not re.match(r"https?://[^\s/]+", url) or any(ch.isspace() for ch in url):
        raise UsageError(f"{what} {url!r} is not an http(s) URL (e.g. https://desk.example/checks/{{key}})")
    return url


def _claimreview(
    item: _Reviewed, decision: EditorDecision, publisher: dict[str, Any], registry: Registry
) -> dict[str, Any]:
    claim: dict[str, Any] = {"@type": "Claim"}
    author = _claim_author(item, registry)
    if author is not None:
        claim["author"] = author
    if item.published:
        claim["datePublished"] = item.published
    if item.url:
        claim["appearance"] = {"@type": "CreativeWork", "url": item.url}
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": item.text,
        "datePublished": decision.created_at[:10],
        "author": dict(publisher),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATINGS.get(decision.verdict, 2),
            "bestRating": _BEST,
            "worstRating": _WORST,
            "alternateName": decision.verdict,
            "ratingExplanation": decision.note,
        },
        "itemReviewed": claim,
    }
    if item.language and item.language != "und":
        review["inLanguage"] = item.language
    return review


def _claim_author(item: _Reviewed, registry: Registry) -> dict[str, Any] | None:
    """The claim's author as schema.org sees it: a Person for people, else an Organization (also for a
    named source that is not in the registry: what it is, is not known)."""
    if item.source == UNREGISTERED and item.source_name:
        return {"@type": "Organization", "name": item.source_name}
    if item.source in _NOBODY:
        return None
    source = registry.get(item.source)
    if source is None:
        return {"@type": "Organization", "name": item.source}
    kind = "Person" if source.kind == "person" else "Organization"
    return {"@type": kind, "name": source.name}


def _decided_hashes(store: Store) -> Sequence[str]:
    """The text hashes that have at least one decision.

    The store has no method that lists decisions yet, so this one query reads the decision table with
    SQLAlchemy Core (bound parameters only); it belongs in ``Store`` as ``decided_hashes()``.
    """
    import sqlalchemy as sa
    from sqlalchemy.exc import SQLAlchemyError

    decision = sa.table("decision", sa.column("text_hash"))
    query = sa.select(decision.c.text_hash).distinct()
    try:
        with store.engine.connect() as conn:
            return list(conn.execute(query).scalars())
    except SQLAlchemyError as exc:
        raise DatabaseError(f"{store.url}: cannot read the decisions ({type(exc).__name__})") from exc
