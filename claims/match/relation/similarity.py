"""Statement similarity: the share of content words two statements have in common (0-100), and the
pair of statements a claim and its evidence make."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from claims.lang.tokens import tokenize
from claims.match.relation.statement import Statement, analyse

#: Below this similarity (0-100) two statements are about different things: ``unrelated``. From it on,
#: two statements with nothing between them are consistent: ``supports``.
RELATED = 20.0
#: From this similarity on, a supporting statement is a paraphrase; below it, it is on the same topic
#: and nothing in it contradicts the claim. Corroboration should ask for a paraphrase.
PARAPHRASE = 50.0
#: From this similarity on, the two say the same thing in (nearly) the same words.
SAME_STATEMENT = 90.0


@dataclass(frozen=True)
class Pair:
    """A claim and its evidence (the closest sentence of a long evidence) as compared: their similarity
    (0-100, one decimal) and the content words of each that the other also has."""

    claim: Statement
    evidence: Statement
    score: float
    shared_claim: tuple[int, ...]
    shared_evidence: tuple[int, ...]


#: Similarity at which a near-spelled word counts as the same word (rapidfuzz ratio).
_NEAR_SPELLING = 80


def _matched(a: Statement, b: Statement) -> list[int]:
    """Content words of ``a`` found in ``b``: same word under clitics and endings, same rough root, another
    name of the same country (currency, company, ...), or a near spelling."""
    found: set[int] = set()
    for f in a.forms & b.forms:
        found.update(a.form_owners[f])
    if a.members and b.named:  # «واشنطن» / «الأميركي», "Kremlin" / "Russia": the same country
        found.update(i for i, member in a.members.items() if member in b.named)
    for sk in a.skeletons & b.skeletons:
        found.update(a.skeleton_owners[sk])
    b_keys = [b.toks[i].key for i in b.content]
    out = []
    for i in a.content:
        if i in found:
            out.append(i)
            continue
        tok = a.toks[i]  # a near spelling
        if len(tok.key) >= 4 and not tok.is_number and b_keys:
            if process.extractOne(tok.key, b_keys, scorer=fuzz.ratio, score_cutoff=_NEAR_SPELLING):
                out.append(i)
    return out


def _similarity(a: Statement, b: Statement) -> Pair:
    """0-100: how many content words the two share (Dice over soft matches), and which."""
    if not a.content or not b.content:
        return Pair(a, b, 0.0, (), ())
    ma, mb = _matched(a, b), _matched(b, a)
    dice = (len(ma) + len(mb)) / (len(a.content) + len(b.content))
    return Pair(a, b, 100.0 * dice, tuple(ma), tuple(mb))


#: Evidence longer than this many words is cut into sentences and the closest one is compared.
_LONG_EVIDENCE = 60
_SENTENCE_END = re.compile(r"(?<=[.!?؟\n])\s+")


def _closest_sentence(claim: Statement, evidence: str, language: str) -> Statement:
    best: tuple[Statement, float] | None = None
    for sentence in _SENTENCE_END.split(evidence):
        if not sentence.strip():
            continue
        st = analyse(sentence, language)
        score = _similarity(claim, st).score
        if best is None or score > best[1]:
            best = (st, score)
    return best[0] if best else analyse(evidence, language)


def compare(claim: str, evidence: str, language: str) -> Pair:
    """The two statements to compare (the closest sentence of a long evidence) and their similarity."""
    a = analyse(claim, language)
    if len(evidence) > 8 * _LONG_EVIDENCE or len(tokenize(evidence, language)) > _LONG_EVIDENCE:
        b = _closest_sentence(a, evidence, language)
    else:
        b = analyse(evidence, language)
    pair = _similarity(a, b)
    return replace(pair, score=round(pair.score, 1))
