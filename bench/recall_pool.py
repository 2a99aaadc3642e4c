"""Where our top-10 parts from the naive top-10: the candidate pool, or the ranking of it?

    python bench/recall_pool.py --db sqlite:///scale-1m.db [--queries 20] [--shared ../shared]

Run it on a database that ``bench/scale.py`` built (the same sentences: the held-out queries are not
stored). For each query (half held-out sentences, half stored sentences lightly edited, as in scale.py),
the naive top-10 is rapidfuzz ``process.extract`` with ``token_set_ratio`` over every stored claim's
re-ranking text. Then the share of it found in:

* ``ours``: our top-10 (``retrieve.candidates``), from a pool of 50 (what the checker uses) and of 200;
* ``pool ranked naively``: the same pool ranked by the naive scorer itself: the best our candidate pool can
  do against this reference, whatever the ranking;
* ``BM25 top-10``: the index search alone.

Prints the shares for all queries, held-out ones and edited ones.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path

import sqlalchemy as sa
from rapidfuzz import fuzz, process

from claims.match.retrieve import candidates
from claims.registry import Registry
from claims.store.db import Store
from claims.store.index import match_text
from claims.text.normalize import normalize

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale  # noqa: E402  (the benchmark's own sentences and queries)

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    store = Store.open(args.db)
    sentences = scale.real_sentences(args.shared / "data")
    rng = random.Random(7)
    held = [s.text for s in sentences if scale.held_out(s)][: args.queries // 2]
    stored = [s for s in sentences if not scale.held_out(s)]
    edited = [scale.edited(s, rng) for s in rng.sample(stored[:10_000], args.queries - len(held))]
    registry = Registry.load()
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, norm_text FROM claim ORDER BY id")).all()
    ids = [r[0] for r in rows]
    choices = [match_text(r[1]) for r in rows]
    del rows

    found: dict[str, list[float]] = {}
    for text in held + edited:
        query = match_text(normalize(text))
        naive = {ids[i] for _, _, i in process.extract(query, choices, scorer=fuzz.token_set_ratio, limit=10)}

        def share(top: list[int], naive: set[int] = naive) -> float:
            return len(naive & set(top[:10])) / len(naive)

        for pool in (50, 200):
            ours = candidates(store, [text], limit=pool, registry=registry, pool=pool)[0]
            found.setdefault(f"ours, pool {pool}", []).append(share([c.id for c in ours]))
            by_naive = sorted(ours, key=lambda c: -fuzz.token_set_ratio(query, match_text(normalize(c.text))))
            found.setdefault(f"pool {pool} ranked naively", []).append(share([c.id for c in by_naive]))
        found.setdefault("BM25 top-10", []).append(share([c.id for c in store.search(text, limit=10)]))

    n = len(held)
    print(
        f"{len(ids):,} stored claims; {n} held-out and {len(edited)} edited queries; share of the naive top-10"
    )
    print(f"{'':28} {'all':>6} {'held-out':>9} {'edited':>7}")
    for label, values in found.items():
        print(
            f"{label:28} {statistics.mean(values):6.2f} {statistics.mean(values[:n]):9.2f} "
            f"{statistics.mean(values[n:]):7.2f}"
        )


if __name__ == "__main__":
    main()
