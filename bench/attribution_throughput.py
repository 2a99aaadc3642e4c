"""Throughput of the attribution pipeline: sentences per second, Arabic and English.

    python bench/attribution_throughput.py [--shared ../shared] [--repeat 5]

Arabic: the lines of the UnifiedFC articles (real Arabic news, pre-tokenised); English: the PolNeAR dev
texts. Each corpus goes through the whole check (layout, segmentation, mentions, cues, rules) with no
database; the figure is the median of --repeat runs of sentences per second.
"""

from __future__ import annotations

import argparse
import glob
import json
import statistics
import time
from pathlib import Path

from claims.checker import check_text
from claims.registry import Registry
from claims.types import InputText

ROOT = Path(__file__).resolve().parent.parent


def arabic_texts(shared: Path, limit: int) -> list[str]:
    texts = []
    for path in sorted(glob.glob(str(shared / "data/unifiedfc/dataset/*.json"))):
        for article in json.loads(Path(path).read_text(encoding="utf-8"))["article"]:
            texts.append(article)
            if len(texts) >= limit:
                return texts
    return texts


def english_texts(shared: Path, limit: int) -> list[str]:
    paths = sorted(glob.glob(str(shared / "data/polnear/dev/text/*.txt")))[:limit]
    return [Path(p).read_text(encoding="utf-8") for p in paths]


def run(texts: list[str], registry: Registry) -> tuple[int, float]:
    sentences = 0
    start = time.perf_counter()
    for text in texts:
        report = check_text(InputText(text, "-", "utf-8", "txt"), registry)
        sentences += len({(c.claim.line, c.claim.span.start) for c in report.claims}) + sum(
            1 for s in report.skipped if s.reason == "question"
        )
    return sentences, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    if not (args.shared / "data").exists():
        print(f"{args.shared}/data not found; nothing to measure")
        return
    registry = Registry.load()
    check_text(InputText("تمهيد. Warm-up.", "-", "utf-8", "txt"), registry)  # load pipelines once
    for language, texts in (
        ("ar", arabic_texts(args.shared, args.articles)),
        ("en", english_texts(args.shared, args.articles)),
    ):
        rates = []
        for _ in range(args.repeat):
            n, seconds = run(texts, registry)
            rates.append(n / seconds)
        print(
            f"{language}: {len(texts)} articles, {n} claims/questions, median {statistics.median(rates):,.0f} "
            f"sentences/s (min {min(rates):,.0f}, max {max(rates):,.0f}, {args.repeat} runs)"
        )


if __name__ == "__main__":
    main()
