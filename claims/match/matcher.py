"""Matching an article's claims against the store: retrieve → relate → verdict, one batch per article.

The claims database gives candidates (``retrieve.candidates``: one batched full-text query and one
rapidfuzz ``cdist`` for the whole article); each candidate is related to the claim (``relate``); claims
of the same article by other sources count as evidence too. ``verdict.verdict_for`` turns the evidence into
a verdict. Nothing here writes to the store.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from claims.lang.tokens import tokenize
from claims.match.relation import UNRELATED, relate
from claims.match.relation.polarity import find_negations
from claims.match.retrieve import candidates
from claims.match.verdict import Policy, origin_of, verdict_for
from claims.registry import Registry
from claims.types import UNATTRIBUTED, Claim, DocumentInfo, Evidence, Verdict

# A contradiction that rests only on a different name (Iran instead of North Korea) may just be another
# event; it needs a near-identical statement to count.
_NAMES_ONLY_MIN_SCORE = 80.0


def _usable(rel) -> bool:  # type: ignore[no-untyped-def]
    """Relations a verdict may rest on. The learned model's contradictions are left out: it was trained on
    ANS, where 6 pairs in 10 contradict, and it over-calls on newsroom evidence, which mostly agrees; a
    dispute shown to an editor needs a reason that can be pointed at (a negation, a number, a date, a
    rating)."""
    if rel.label == UNRELATED:
        return False
    if rel.label == "contradicts" and rel.cue == "learned":
        return False
    return not (rel.cue == "names" and rel.score < _NAMES_ONLY_MIN_SCORE)


def claim_text(claim: Claim) -> str:
    """What a claim says: the attributed content when there is one worth comparing (four words or more),
    else the whole claim. This is what ``claims ingest`` stores."""
    content = claim.content
    if content is not None and len(content.text.split()) >= 4:
        return content.text
    return claim.span.text


def compared_text(claim: Claim) -> str:
    """What is compared: :func:`claim_text`, except when the cue itself negates the content ("the Kremlin
    *denied* that troops were sent", «نفى»): the content alone would say the opposite of the claim, so the
    whole claim is compared."""
    return claim.span.text if _negating_cue(claim) else claim_text(claim)


def _negating_cue(claim: Claim) -> bool:
    cue = claim.attribution.cue
    if cue is None:
        return False
    language = claim.language[:2]
    return any(
        c.kind in ("denial", "negation") for c in find_negations(tokenize(cue.text, language), language)
    )


# «…، ولم تؤكد موسكو ولا بيونغ يانغ وجود الجنود»: a long sentence often joins two statements; each is compared
_CLAUSE_BREAK = re.compile(r"\s*[،,؛;]\s+(?=(?:و|and\s|but\s|while\s))")


def clauses(text: str) -> list[str]:
    """The statements a sentence joins with a comma and a conjunction, when there are several."""
    parts = [p for p in _CLAUSE_BREAK.split(text) if len(p.split()) >= 4]
    return parts if len(parts) > 1 else []


def _best_relation(text: str, evidence: str, language: str, rating: str | None = None):  # type: ignore[no-untyped-def]
    """The usable relation of ``evidence`` to the claim or to one of its clauses, the strongest first."""
    best = None
    for candidate in [text, *clauses(text)]:
        rel = relate(candidate, evidence, language, rating)
        if _usable(rel) and (best is None or rel.score > best.score):
            best = rel
    return best


# Claims of the same article compared with each claim: the closest few by wording among the claims of
# other sources, so an article of a thousand claims costs a thousand small comparisons, not a million.
SAME_ARTICLE_OTHERS = 20
_SAME_ARTICLE_MIN_SIMILARITY = 30.0
# How many entries of the article's word index one claim may read, rarest words first, to find the
# claims that share its words; the most common words ("said", the country's name) are read last or not
# at all. This bounds each claim's cost, whatever the article's length.
_SAME_ARTICLE_POSTINGS = 2_000


def _closest_others(texts: Sequence[str], origins: Sequence[str], usable: Sequence[bool]) -> list[list[int]]:
    """For each text, the indices of the most similar usable texts of another origin in the article.

    An inverted index of the article's index words (``claims.store.index.analyze``) finds the claims that
    share the rarest words with each claim; those sharing most are scored with ``token_set_ratio``, and
    the best :data:`SAME_ARTICLE_OTHERS` that reach :data:`_SAME_ARTICLE_MIN_SIMILARITY` are kept. Claims
    that cannot be evidence (same origin, not usable) are left out before choosing, so they never crowd
    out those that can."""
    from rapidfuzz import fuzz

    from claims.store.index import analyze
    from claims.text.normalize import normalize

    norm = [normalize(t) for t in texts]
    words = [{form for forms in analyze(n) for form in forms} for n in norm]
    postings: dict[str, list[int]] = defaultdict(list)
    for j, forms in enumerate(words):
        if usable[j]:
            for form in forms:
                postings[form].append(j)
    out: list[list[int]] = []
    for i, forms in enumerate(words):
        shared: Counter[int] = Counter()
        budget = _SAME_ARTICLE_POSTINGS
        for form in sorted(forms, key=lambda f: len(postings.get(f, ()))):
            others = postings.get(form, ())
            if len(others) > budget:
                break
            budget -= len(others)
            shared.update(j for j in others if j != i and origins[j] != origins[i])
        scored = [
            (score, j)
            for j, _ in shared.most_common(3 * SAME_ARTICLE_OTHERS)
            if (score := fuzz.token_set_ratio(norm[i], norm[j])) >= _SAME_ARTICLE_MIN_SIMILARITY
        ]
        scored.sort(key=lambda sj: (-sj[0], sj[1]))
        out.append([j for _, j in scored[:SAME_ARTICLE_OTHERS]])
    return out


@dataclass
class StoreMatcher:
    store: object  # claims.store.db.Store (kept loose: this module never imports the store)
    registry: Registry
    policy: Policy = field(default_factory=Policy)
    as_of: str | None = None
    limit: int = 10

    def judge(self, claims: Sequence[Claim], document: DocumentInfo) -> list[Verdict]:
        texts = [compared_text(c) for c in claims]
        found = candidates(self.store, texts, limit=self.limit, as_of=self.as_of, registry=self.registry)  # type: ignore[arg-type]
        origins = [origin_of(c, document) for c in claims]
        usable = [c.attribution.source_id != UNATTRIBUTED for c in claims]
        neighbours = _closest_others(texts, origins, usable)
        verdicts = []
        for i, (claim, text, hits) in enumerate(zip(claims, texts, found, strict=True)):
            evidence = [e for h in hits if (e := self._stored_evidence(claim, text, h)) is not None]
            evidence += self._same_article(i, neighbours[i], claims, texts, origins, document)
            verdicts.append(verdict_for(claim, origins[i], evidence, self.registry, self.policy, self.as_of))
        return verdicts

    def _stored_evidence(self, claim: Claim, text: str, hit) -> Evidence | None:  # type: ignore[no-untyped-def]
        rel = _best_relation(text, hit.text, claim.language, hit.rating)
        if rel is None:
            return None
        name = self.registry.name_of
        source, why = hit.source, rel.why
        if rel.cue == "rating" and hit.publisher:
            # A finding that rests on a fact-checker's rating is the fact-checker's voice, not the
            # speaker's: a claim that contradicts Peskov's denial rated false is backed by the fact-checker.
            source, why = hit.publisher, f"{why} (said by {name(hit.source)}, rated by {name(hit.publisher)})"
        elif hit.publisher:
            why += f" (publisher: {name(hit.publisher)})"
        return Evidence(
            hit.id,
            hit.text,
            source,
            name(source),
            hit.published,
            hit.url,
            rel.score,
            rel.label,
            why,
        )

    def _same_article(
        self,
        i: int,
        others: Sequence[int],
        claims: Sequence[Claim],
        texts: Sequence[str],
        origins: Sequence[str],
        document: DocumentInfo,
    ) -> list[Evidence]:
        """Other claims of the article by other sources: a "read also" item may contradict the body."""
        out = []
        for j in others:
            other = claims[j]
            rel = _best_relation(texts[i], texts[j], claims[i].language)
            if rel is None or rel.cue == "names":
                continue
            out.append(
                Evidence(
                    other.id,
                    other.span.text,
                    origins[j],
                    self.registry.name_of(origins[j]),
                    document.published,
                    None,
                    rel.score,
                    rel.label,
                    f"{rel.why} (same article, line {other.line})",
                )
            )
        return out
