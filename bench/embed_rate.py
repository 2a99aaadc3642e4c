"""`claims db embed`'s rate on real sentences, as a user runs it.

    python bench/embed_rate.py [--claims 5000] [--language ar|en|both] [--code DIR]

Real sentences of the shared KCNA stories (English) and UnifiedFC articles (Arabic), 40-400 characters, as
bench/scale.py reads them (``both``: as they come, nine in ten Arabic), are imported with ``--no-vectors``
into a new SQLite file; then ``claims db embed`` runs in a new process. Printed: its own summary line, its
wall time, the CPU seconds it used (user + system, from ``getrusage``), the CPU milliseconds per claim and
the load average. On a machine shared with other jobs the wall rate depends on what they take; the CPU per
claim does much less: ``cores / CPU-seconds per claim`` is the rate on that many free cores (when the work
is spread over them). ``--code DIR`` runs the claims package of another source tree (``git archive main |
tar -x -C DIR``) with this environment, to compare versions at the same load. A missing shared folder prints
one line and exits 0.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from scale import real_sentences, write_jsonl  # noqa: E402

# Runs `claims ARGS` from the tree in argv[1], past this environment's editable install of claims.
_FROM_TREE = (
    "import sys\n"
    "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f)]\n"
    "sys.path.insert(0, sys.argv.pop(1))\n"
    "from claims.cli import main\n"
    "sys.argv[0] = 'claims'\n"
    "main()\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=5000)
    parser.add_argument("--language", choices=["ar", "en", "both"], default="both")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--code", type=Path, help="the source tree whose claims package to run")
    args = parser.parse_args()
    if not (args.shared / "data").is_dir():
        print(f"{args.shared}/data is not present: nothing to measure")
        return
    sentences = [s for s in real_sentences(args.shared / "data") if args.language in ("both", s.language)]
    sentences = sentences[: args.claims]
    chars = sum(len(s.text) for s in sentences) / len(sentences)
    claims = [shutil.which("claims", path=str(Path(sys.executable).parent)) or "claims"]
    if args.code:
        claims = [sys.executable, "-c", _FROM_TREE, str(args.code.resolve())]
    work = Path(tempfile.mkdtemp(prefix="claims-embed-"))
    try:
        url = f"sqlite:///{work / 'claims.db'}"
        write_jsonl(work / "claims.jsonl", sentences)
        subprocess.run(
            [*claims, "import", str(work / "claims.jsonl"), "--no-vectors", "--db", url],
            check=True,
            capture_output=True,
        )
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [*claims, "db", "embed", "--db", url], check=True, capture_output=True, text=True
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    per_claim = cpu / len(sentences)
    print(done.stdout.strip() or done.stderr.strip())
    print(
        f"{len(sentences):,} claims ({args.language}, {chars:.0f} characters on average): {wall:.1f} s wall "
        f"({len(sentences) / wall:,.0f}/s, start-up included), {cpu:.1f} CPU-s ({per_claim * 1000:.2f} ms a "
        f"claim: {2 / per_claim:,.0f}/s on 2 free cores), load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
