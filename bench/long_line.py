"""Cost of one long paragraph against the same sentences one per line: the check should stay linear.

    python bench/long_line.py [--size 100000] [--runs 3]

Builds ``--size`` characters of sentences from the two bundled example articles, checks them once as a
single line and once with a line break after every sentence (in this process, without a database), and
prints the median time of each and their ratio (near 1 when a paragraph costs time linear in its
sentences); the figures are in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from claims.checker import check_text
from claims.registry import Registry
from claims.types import InputText

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "examples"


def sentences(size: int) -> str:
    en = " ".join((EXAMPLES / "en-dprk-troops-wire.txt").read_text(encoding="utf-8").split())
    ar = " ".join((EXAMPLES / "ar-russia-dprk-treaty.txt").read_text(encoding="utf-8").split())
    unit = en + " " + ar + " "
    body = (unit * (size // len(unit) + 1))[:size]
    return body[: body.rfind(". ") + 1]


def timed(text: str, registry: Registry, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        check_text(InputText(text, "bench.txt", "utf-8", "txt"), registry)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="characters of text")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    registry = Registry.load()
    check_text(InputText("Warm up, officials said.", "w.txt", "utf-8", "txt"), registry)
    body = sentences(args.size)
    one_line = statistics.median(timed(body, registry, args.runs))
    lines = statistics.median(timed(body.replace(". ", ".\n"), registry, args.runs))
    print(
        f"{len(body):,} characters: one line {one_line:.2f} s, one sentence per line {lines:.2f} s "
        f"(ratio {one_line / lines:.1f}; medians of {args.runs})"
    )


if __name__ == "__main__":
    main()
