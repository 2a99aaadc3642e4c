"""Where the start-up of a `claims check` against a database goes, step by step, in one new process.

    python bench/startup_parts.py [ARTICLE] [--db sqlite:///empty.db]

Run it in a fresh process (each step's imports are counted in the first step that needs them). Prints the
wall time of each step as `claims check ARTICLE --db URL` takes them: the command line, spaCy, the checker,
the registry, the pipeline of the article's language, the store (SQLAlchemy, SQLModel, the schema check),
the matcher, attributing the article (cold, then warm), and attributing it once more with the store's
matching (search and relating the claims to each other): that step less the warm one is the matching. ARTICLE defaults to the founding article in ../shared, else the bundled example; without --db, a
new empty database in a temporary folder (then the store step includes creating its schema: give an
initialised one, `claims db init --db URL`, to time what a check pays).
"""

from __future__ import annotations

import time

_start = time.perf_counter()


def lap(label: str) -> None:
    global _start
    now = time.perf_counter()
    print(f"{label:42} {now - _start:6.3f} s")
    _start = now


import argparse  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import claims.cli  # noqa: E402, F401

lap("command line (claims.cli)")
import spacy  # noqa: E402, F401

lap("import spacy")
from claims.checker import check_text  # noqa: E402

lap("the checker's modules")

ROOT = Path(__file__).resolve().parent.parent
FOUNDING = ROOT.parent / "shared" / "data" / "articles" / "ar-russia-dprk-treaty-2024-12-05.txt"
EXAMPLE = ROOT / "data" / "examples" / "ar-russia-dprk-treaty.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", nargs="?", default=str(FOUNDING if FOUNDING.exists() else EXAMPLE))
    parser.add_argument("--db")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'empty.db'}"

    from claims.registry import Registry

    registry = Registry.load()
    lap("the registry")
    from claims.text.read import read_input

    source = read_input(args.article)
    from claims.attribution.extract import attribution_pipeline
    from claims.text.layout import analyse

    layout = analyse(source.text)
    for language in sorted({p.language for p in layout.paragraphs}):
        attribution_pipeline(language, registry)
    lap("the pipelines (" + ", ".join(sorted({p.language for p in layout.paragraphs})) + ")")
    from claims.store.db import Store

    store = Store.open(url)
    lap("the store (SQLAlchemy, SQLModel, schema)")
    from claims.match.matcher import StoreMatcher
    from claims.match.verdict import Policy

    matcher = StoreMatcher(store, registry, Policy())
    lap("the matcher")
    report = check_text(source, registry)
    lap(f"attributing the article ({len(report.claims)} claims)")
    check_text(source, registry)
    lap("attributing it again (warm)")
    check_text(source, registry, matcher)
    lap("again, with the store's matching")


if __name__ == "__main__":
    main()
