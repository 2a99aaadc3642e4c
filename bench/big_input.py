"""Wall time and peak memory of reading and checking one big article, shape by shape.

    python bench/big_input.py [--mb 20] [--shapes one-line-no-stops,one-line-sentences,...]

Writes an article of ``--mb`` megabytes (default 20, just under the default --max-bytes of 20 MiB) in each
shape, from the sentences of the two bundled example articles (Arabic and English mixed):

* ``one-line-no-stops``: one line, words only, no punctuation at all;
* ``one-line-sentences``: one line of sentences;
* ``short-lines``: one sentence per line;
* ``deep-html``: an HTML page whose paragraphs sit inside 100,000 nested ``<div>`` (fewer below 4 MB);
* ``one-word``: one run without a space (an inlined image, base64).

Each is read and checked (``read_input``, ``check_text`` without a database, the JSON report built) in a
fresh process, which prints its wall time (from before the imports), CPU time, peak RSS (``getrusage``), the number of claims and the longest
claim. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "examples"
SHAPES = ("one-line-no-stops", "one-line-sentences", "short-lines", "deep-html", "one-word")

_CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from claims.registry import Registry
from claims.checker import check_text
from claims.report.json import report_dict
from claims.text.read import read_input
registry = Registry.load()
report = check_text(read_input(sys.argv[1]), registry)
out = json.dumps(report_dict(report, registry), ensure_ascii=False)
print(json.dumps({
    "seconds": time.perf_counter() - start,
    "cpu": resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_SELF).ru_stime,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "claims": len(report.claims),
    "longest": max((len(c.claim.span.text) for c in report.claims), default=0),
    "skipped": len(report.skipped),
}))
"""


def sentences() -> list[str]:
    out = []
    for name in ("en-dprk-troops-wire.txt", "ar-russia-dprk-treaty.txt"):
        text = " ".join((EXAMPLES / name).read_text(encoding="utf-8").split())
        out += [s.strip() + "." for s in text.split(". ") if len(s.split()) > 4]
    return out


def article(shape: str, size: int) -> tuple[str, str]:
    """(file suffix, content of about ``size`` UTF-8 bytes) for ``shape``."""
    sents = sentences()
    unit = " ".join(sents)

    def fill(piece: str, budget: int = size) -> str:
        return piece * max(1, budget // len(piece.encode("utf-8")))

    if shape == "one-line-no-stops":
        words = "".join(ch if ch.isalnum() or ch == " " else " " for ch in unit)
        return ".txt", fill(" ".join(words.split()) + " ")
    if shape == "one-line-sentences":
        return ".txt", fill(unit + " ")
    if shape == "short-lines":
        return ".txt", fill("\n".join(sents) + "\n")
    if shape == "deep-html":
        depth = min(100_000, size // 40)
        body = fill("".join(f"<p>{s}</p>" for s in sents), size - 11 * depth - 100)
        return ".html", "<html><body>" + "<div>" * depth + body + "</div>" * depth + "</body></html>"
    if shape == "one-word":
        return ".txt", "data:image/png;base64," + fill("iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB")
    raise SystemExit(f"unknown shape {shape!r}; one of {', '.join(SHAPES)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="size of each article, in MB (10^6 bytes)")
    parser.add_argument("--shapes", default=",".join(SHAPES))
    args = parser.parse_args()
    size = int(args.mb * 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        for shape in args.shapes.split(","):
            suffix, content = article(shape, size)
            path = Path(tmp) / f"{shape}{suffix}"
            path.write_text(content, encoding="utf-8")
            del content
            done = subprocess.run(
                [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                print(f"{shape}: failed ({done.stderr.strip().splitlines()[-1:]})")
                continue
            r = json.loads(done.stdout)
            print(
                f"{shape:20} {path.stat().st_size / 1e6:6.1f} MB  {r['seconds']:7.1f} s ({r['cpu']:.1f} s CPU)  "
                f"peak {r['peak_mb']:7.0f} MB  {r['claims']:8,} claims (longest {r['longest']:,} characters)  "
                f"{r['skipped']:,} skipped"
            )


if __name__ == "__main__":
    main()
