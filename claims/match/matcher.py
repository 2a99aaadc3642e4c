"""Matching an article's claims against the store: retrieve → relate → verdict, one batch per article.

The claims database gives candidates (``retrieve.candidates``: one batched full-text query and one
rapidfuzz ``cdist`` for the whole article); each candidate is related to the claim (``relate``); claims
of the same article by other sources count as evidence too. ``verdict.verdict_for`` turns the evidence into
a verdict. Nothing here writes to the store.

When the store holds sentence vectors, the article's claims are encoded once (``claims.encoder``): their
vectors go to retrieval, which then also finds stored claims in other languages, and each pair's cosine
goes to ``relate`` with the evidence's language. Without vectors the encoder is never loaded, and a claim
meets only stored claims in its own script. ``same_language`` keeps each claim to stored claims in its
own language.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from claims.lang.tokens import tokenize
from claims.match.relation import CONTRADICTS, UNRELATED, relate
from claims.match.relation.polarity import find_negations, negates_a_shared_word
from claims.match.relation.statement import analyse
from claims.match.retrieve import candidates
from claims.match.verdict import Policy, origin_of, verdict_for
from claims.registry import Registry
from claims.types import UNATTRIBUTED, Claim, DocumentInfo, Evidence, Verdict, same_language

if TYPE_CHECKING:
    import numpy as np

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


def _best_relation(
    texts: Sequence[str],
    evidence: str,
    language: str,
    rating: str | None = None,
    *,
    evidence_language: str | None = None,
    similarities: Sequence[float] | None = None,
):  # type: ignore[no-untyped-def]
    """The usable relation of ``evidence`` to the claim or to one of its clauses (``texts``: the claim's
    compared text, then its :func:`clauses`), the strongest first, and whether the two were compared at
    all (another language without vectors is not). ``similarities`` are the encoder's cosines of each
    of ``texts`` with the evidence."""
    best = None
    compared = False
    for k, candidate in enumerate(texts):
        similarity = similarities[k] if similarities is not None else None
        rel = _relate(candidate, evidence, language, rating, evidence_language, similarity)
        compared = compared or not (rel.label == UNRELATED and rel.cue == "language")
        if _usable(rel) and (best is None or rel.score > best.score):
            best = rel
    return best, compared


@cache
def _keywords(function: Callable[..., object]) -> frozenset[str]:
    """The parameter names ``function`` accepts: ``relate`` and ``candidates`` take the vector-era keywords
    (``similarity``, ``vectors``, ...) only once those parts are in."""
    return frozenset(inspect.signature(function).parameters)


def _relate(
    claim: str,
    evidence: str,
    language: str,
    rating: str | None,
    evidence_language: str | None,
    similarity: float | None,
):  # type: ignore[no-untyped-def]
    accepts = _keywords(relate)
    extra: dict[str, object] = {}
    if "evidence_language" in accepts:
        extra["evidence_language"] = evidence_language
    if "similarity" in accepts and similarity is not None:
        extra["similarity"] = similarity
    return relate(claim, evidence, language, rating, **extra)


def _has_vectors(store: object) -> bool:
    has = getattr(store, "has_vectors", None)
    return bool(has()) if callable(has) else False


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
    # Compare only stored claims (and lines of the article) in the claim's own language, as before
    # matching across languages: `claims check --same-language`.
    same_language: bool = False

    def __post_init__(self) -> None:
        # The encoder is needed only when the store holds vectors; it then loads while spaCy does.
        self._vectors = _has_vectors(self.store)
        if self._vectors:
            from claims import encoder

            encoder.preload()

    def judge(self, claims: Sequence[Claim], document: DocumentInfo) -> list[Verdict]:
        texts = [compared_text(c) for c in claims]
        parts = [[t, *clauses(t)] for t in texts]
        vectors = self._encode(parts)
        found = self._candidates(texts, vectors)
        if self.same_language:
            found = [
                [h for h in hits if same_language(h.language, c.language)]
                for c, hits in zip(claims, found, strict=True)
            ]
        stored = self._stored_vectors(found) if vectors is not None else {}
        origins = [origin_of(c, document) for c in claims]
        usable = [c.attribution.source_id != UNATTRIBUTED for c in claims]
        neighbours = _closest_others(texts, origins, usable)
        verdicts = []
        for i, (claim, hits) in enumerate(zip(claims, found, strict=True)):
            evidence: list[Evidence] = []
            compared: list[str] = []
            for hit in hits:
                sims = _cosines(vectors[i], stored.get(hit.id)) if vectors is not None else None
                rel, was_compared = _best_relation(
                    parts[i],
                    hit.text,
                    claim.language,
                    hit.rating,
                    evidence_language=hit.language,
                    similarities=sims,
                )
                if was_compared:
                    compared.append(hit.language)
                if rel is not None:
                    evidence.append(self._stored_evidence(hit, rel))
            evidence += self._same_article(i, neighbours[i], claims, parts, texts, origins, document, vectors)
            verdicts.append(
                verdict_for(
                    claim,
                    origins[i],
                    evidence,
                    self.registry,
                    self.policy,
                    self.as_of,
                    languages_compared=compared,
                )
            )
        return verdicts

    def _encode(self, parts: Sequence[Sequence[str]]) -> list[np.ndarray] | None:
        """The encoder's vectors of each claim's compared text and clauses (one batch for the article), or
        None when the store holds no vectors."""
        if not self._vectors or not parts:
            return None
        from claims import encoder

        flat = encoder.encode([t for p in parts for t in p])
        out, start = [], 0
        for p in parts:
            out.append(flat[start : start + len(p)])
            start += len(p)
        return out

    def _candidates(self, texts: Sequence[str], vectors: Sequence[np.ndarray] | None):  # type: ignore[no-untyped-def]
        accepts = _keywords(candidates)
        extra: dict[str, object] = {}
        if vectors is not None and "vectors" in accepts:
            import numpy as np

            extra["vectors"] = np.stack([v[0] for v in vectors])
        if self.same_language and "same_language" in accepts:
            extra["same_language"] = True
        return candidates(
            self.store,  # type: ignore[arg-type]
            texts,
            limit=self.limit,
            as_of=self.as_of,
            registry=self.registry,
            **extra,  # type: ignore[arg-type]
        )

    def _stored_vectors(self, found: Sequence[Sequence]) -> dict[int, np.ndarray]:  # type: ignore[type-arg]
        """The stored vectors of the candidates (claims stored before their vectors have none)."""
        ids = list(dict.fromkeys(h.id for hits in found for h in hits))
        vectors_for = getattr(self.store, "vectors_for", None)
        if not ids or not callable(vectors_for):
            return {}
        return vectors_for(ids)

    def _stored_evidence(self, hit, rel) -> Evidence:  # type: ignore[no-untyped-def]
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
            hit.language,
        )

    def _same_article(
        self,
        i: int,
        others: Sequence[int],
        claims: Sequence[Claim],
        parts: Sequence[Sequence[str]],
        texts: Sequence[str],
        origins: Sequence[str],
        document: DocumentInfo,
        vectors: Sequence[np.ndarray] | None,
    ) -> list[Evidence]:
        """Other claims of the article by other sources: a "read also" item may contradict the body."""
        out = []
        for j in others:
            other = claims[j]
            language = other.language or document.language
            if self.same_language and not same_language(language, claims[i].language):
                continue
            sims = _cosines(vectors[i], vectors[j][0]) if vectors is not None else None
            rel, _ = _best_relation(
                parts[i], texts[j], claims[i].language, evidence_language=language, similarities=sims
            )
            if rel is None or rel.cue == "names":
                continue
            if not _disputes_within_an_article(rel, parts[i][0], texts[j], claims[i].language):
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
                    language,
                )
            )
        return out


def _disputes_within_an_article(rel, claim: str, evidence: str, language: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether a relation between two lines of one article may stand. Their lines say different things,
    so a negation or an antonym somewhere in two of them is not a dispute; figures, dates, a denial or a
    word calling the other line false are («قتل 4» / «قتل 8»; «ونفى الكرملين …»), and so is a negation on
    the very act the other line states («لم يستهدف الجيش المدنيين» / «استهدف الجيش المدنيين»)."""
    if rel.label != CONTRADICTS or rel.cue in ("numbers", "dates", "rating"):
        return True
    if rel.cue != "polarity":
        return False
    if rel.why.startswith(("denial:", "called false:")):
        return True
    return negates_a_shared_word(analyse(claim, language), analyse(evidence, language))


def _cosines(texts: np.ndarray, evidence: np.ndarray | None) -> list[float] | None:
    """The cosine of each of a claim's text vectors with the evidence's vector (None without one)."""
    if evidence is None:
        return None
    from claims.encoder import cosine

    return [float(x) for x in cosine(texts, evidence)[:, 0]]
