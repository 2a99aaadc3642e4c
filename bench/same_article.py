"""How often `claims check` disputes a claim with another line of the same real article.

Usage::

    python bench/same_article.py [--shared ../shared] [--articles 116] [--show]

Writes the first article (at least 200 characters) of each UnifiedFC file, in file order, to a temporary
folder, checks them all against an empty database (no stored claims: every dispute comes from the
article's own lines) and prints the counts; ``--show`` lists each disputed claim with its evidence and
why. These are real Arabic news pages; a dispute between two of their lines is almost always false
(docs/relations.md, "Within one article"). Nothing from the shared data is written to the repository.
If the shared folder is missing, one line is printed and the script exits 0.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--articles", type=int, default=116)
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args(argv)
    files = sorted((args.shared / "data" / "unifiedfc" / "dataset").glob("*.json"))
    if not files:
        print(f"{args.shared}/data/unifiedfc is not present; nothing to measure")
        return 0
    with tempfile.TemporaryDirectory(prefix="claims-same-article-") as tmp:
        paths = []
        for f in files:
            for article in json.loads(f.read_text(encoding="utf-8"))["article"][:1]:
                text = article if isinstance(article, str) else article.get("text", "")
                if len(text) >= 200:
                    path = Path(tmp) / f"{f.stem}.txt"
                    path.write_text(text, encoding="utf-8")
                    paths.append(str(path))
            if len(paths) >= args.articles:
                break
        db = f"sqlite:///{Path(tmp) / 'empty.db'}"
        claims = [sys.executable, "-m", "claims"]
        subprocess.run([*claims, "db", "init", "--db", db], check=True, capture_output=True)
        run = subprocess.run(
            [*claims, "check", *paths, "--db", db, "-f", "jsonl"], capture_output=True, text=True, check=False
        )
    if run.returncode not in (0, 1):
        print(run.stderr.strip())
        return run.returncode
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    disputed = [r for r in rows if r["verdict"] == "disputed"]
    print(
        f"{len(paths)} articles, {len(rows)} claims, {len(disputed)} disputed by a line of the same article"
    )
    if args.show:
        for r in disputed:
            e = next(x for x in r["evidence"] if x["relation"] == "contradicts")
            print(f"- {Path(r['path']).name}#{r['id']}: {r['text'][:100]}")
            print(f"  vs {e['text'][:100]}")
            print(f"  why: {e['why']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
