"""Wall time of `claims check` on the founding article, start-up included, as a user runs it.

    python bench/check_wall.py [--runs 7]

Runs the console script in a fresh process each time: once with no database (a temporary CLAIMS_HOME) and
once against a database holding the demo claims. Prints the median and the spread. The founding article is
the real page in ../shared/data/articles; without the shared folder, the bundled example is checked.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The founding article (the real page) from the shared folder; the bundled example where it is absent.
FOUNDING = ROOT.parent / "shared" / "data" / "articles" / "ar-russia-dprk-treaty-2024-12-05.txt"
EXAMPLE = ROOT / "data" / "examples" / "ar-russia-dprk-treaty.txt"


def timed(cmd: list[str], env: dict[str, str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    claims = shutil.which("claims", path=str(Path(sys.executable).parent)) or "claims"
    home = tempfile.mkdtemp()
    env = {**os.environ, "CLAIMS_HOME": home}
    env.pop("CLAIMS_DB", None)
    article = FOUNDING if FOUNDING.exists() else EXAMPLE
    print(f"article: {article}")
    check = [claims, "check", str(article), "--format", "json"]
    empty = timed(check, env, args.runs)
    subprocess.run(
        [claims, "import", str(ROOT / "data/examples/demo-claims.jsonl")],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    demo = timed(check, env, args.runs)
    for label, values in (("no database", empty), ("demo database", demo)):
        print(
            f"{label}: median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f}, "
            f"{args.runs} runs)"
        )
    shutil.rmtree(home)


if __name__ == "__main__":
    main()
