"""Build the cross-language and Arabic-paraphrase retrieval dev sets (``claims eval retrieval`` formats).

Usage::

    python bench/xling_retrieval.py [--shared ../shared] [--out artifacts/xling-retrieval]
                                    [--distractors 12000] [--seed 15]
    claims eval retrieval --corpus artifacts/xling-retrieval/ar2en/corpus.jsonl \\
        --queries artifacts/xling-retrieval/ar2en/queries.jsonl \\
        --qrels artifacts/xling-retrieval/ar2en/qrels.tsv --output artifacts/xling-retrieval/ar2en/run.tsv
    python bench/xling_retrieval.py --compare artifacts/xling-retrieval/ar-para   # paraphrase above variant?

The queries and relevant documents come from the pair dev sets written by us (``bench/dev/``); ids follow
them: a query's id is its pair's id, a document's id is ``<pair id>/evidence``. Three sets, each in its own
folder with ``corpus.jsonl``, ``queries.jsonl`` and ``qrels.tsv``:

* ``ar2en``: the Arabic claims of the ``xl-*-s-ae`` pairs; relevant: their English equivalent. The English
  unrelated-but-close sentences of the ``xl-*-u-ae`` pairs (same people, another event) are in the corpus.
* ``en2ar``: the reverse (``xl-*-s-ea`` claims; the ``xl-*-u-ea`` sentences in the corpus).
* ``ar-para``: the Arabic paraphrases of ``ap-*-s``; relevant: the sentence they paraphrase. The
  contradicting variant (``ap-*-c``) and the close unrelated sentence (``ap-*-u``) are in the corpus, and
  ``variants.tsv`` (``qid  relevant_doc  contradicting_doc``) lets ``--compare`` count how often the
  paraphrase ranks above its contradicting variant in a run.

Every corpus also holds ``--distractors`` sentences drawn (seeded, so the build is reproducible) from the
shared data: English KCNA story sentences, Arabic UnifiedFC article sentences, English CheckThat! 2021
verified claims and the Arabic verified claims of its dev candidate list, in the proportions 4:4:3:1.
The KCNA stories and UnifiedFC articles are where our facts came from, so a distractor that restates one of
them would be an unjudged relevant document: the articles of the UnifiedFC files our facts were written
from are not used (``SOURCE_FILES``), and a sentence holding 60 % or more of the content words of any
sentence of the set is left out (the count is printed). Nothing from the shared data is copied into the
repository: the artifacts folder is git-ignored. If the shared folder is missing, one line is printed and
the script exits 0. Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEV = REPO / "bench" / "dev"
SENTENCE = re.compile(r"(?<=[.!?؟])\s+|\s+[.!?؟]\s+|\n")
WORD = re.compile(r"\w+")
SHARE = {"kcna": 4, "unifiedfc": 4, "clef-en": 3, "clef-ar": 1}
MIN_CHARS, MAX_CHARS = 40, 300
OVERLAP = 0.6
# The UnifiedFC files whose claims our Syria, Iraq, Iran and Lebanon facts were written from (or that
# report those events): their articles restate our facts in other words, which the word-overlap filter
# cannot see, so none of their sentences is used as a distractor.
SOURCE_FILES = frozenset(
    "R-10 R-117 R-136 R-150 R-170 R-209 R-234 R-270 R-320 R-346 R-349 R-367 R-435 R-440 R-454 R-475 R-539 "
    "R-563 R-654 R-94".split()
)


def read_pairs(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def content_words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if len(w) >= 4 and not w.isdigit()}


def _sentences(text: str) -> list[str]:
    out = []
    for piece in SENTENCE.split(text):
        piece = " ".join(piece.split())
        if MIN_CHARS <= len(piece) <= MAX_CHARS:
            out.append(piece)
    return out


def distractor_pools(shared: Path) -> dict[str, list[tuple[str, str, str]]]:
    """``{source: [(doc id, text, language)]}``, de-duplicated, in a stable order."""
    data = shared / "data"
    pools: dict[str, list[tuple[str, str, str]]] = {name: [] for name in SHARE}
    kcna = json.loads((data / "kcna" / "headlines_2024-11-11.json").read_text(encoding="utf-8"))
    for i, item in enumerate(kcna):
        for j, s in enumerate(_sentences(item.get("story_text") or "")):
            pools["kcna"].append((f"kcna/{i}/{j}", s, "en"))
    for path in sorted((data / "unifiedfc" / "dataset").glob("*.json")):
        if path.stem in SOURCE_FILES:
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        for a, article in enumerate(record["article"]):
            for j, s in enumerate(_sentences(article)):
                pools["unifiedfc"].append((f"unifiedfc/{path.stem}/{a}/{j}", s, "ar"))
    with (data / "clef2021-2a" / "en" / "verified_claims.tsv").open(encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            parts = line.rstrip("\r\n").split("\t")
            if n and len(parts) == 3 and MIN_CHARS <= len(parts[1].strip()) <= MAX_CHARS:
                pools["clef-en"].append((f"clef-en/{parts[0]}", parts[1].strip(), "en"))
    csv.field_size_limit(1 << 24)
    with (data / "clef2021-2a" / "ar" / "dev_top50_candidates.tsv").open(
        encoding="utf-8", newline=""
    ) as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            vid, text = (row.get("vclaim_id") or "").strip(), " ".join((row.get("vclaim") or "").split())
            if vid and MIN_CHARS <= len(text) <= MAX_CHARS and re.search("[ء-ي]", text):
                pools["clef-ar"].append((f"clef-ar/{vid}", text, "ar"))
    for name, pool in pools.items():
        seen: set[str] = set()
        pools[name] = [d for d in pool if not (d[1] in seen or seen.add(d[1]))]
    return pools


def pick_distractors(
    pools: dict[str, list[tuple[str, str, str]]], total: int, seed: int, ours: list[str]
) -> tuple[list[tuple[str, str, str]], int]:
    """``total`` distractors in the proportions of SHARE, none restating one of ``ours``; and how many
    candidates were left out for restating one."""
    rng = random.Random(seed)
    our_words = [w for w in (content_words(t) for t in ours) if w]
    dropped = 0
    picked: list[tuple[str, str, str]] = []
    weight = sum(SHARE.values())
    for name, share in SHARE.items():
        want = round(total * share / weight) if name != "clef-ar" else total - len(picked)
        pool = pools[name][:]
        rng.shuffle(pool)
        got = 0
        for doc in pool:
            if got >= want:
                break
            words = content_words(doc[1])
            if any(len(w & words) >= OVERLAP * len(w) for w in our_words):
                dropped += 1
                continue
            picked.append(doc)
            got += 1
    return picked, dropped


def write_set(out: Path, queries: list[dict], docs: list[dict], qrels: list[tuple[str, str]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        for d in docs:
            handle.write(json.dumps(d, ensure_ascii=False) + "\n")
    with (out / "queries.jsonl").open("w", encoding="utf-8") as handle:
        for q in queries:
            handle.write(json.dumps(q, ensure_ascii=False) + "\n")
    with (out / "qrels.tsv").open("w", encoding="utf-8") as handle:
        for qid, did in qrels:
            handle.write(f"{qid}\t0\t{did}\t1\n")


def build(shared: Path, out: Path, total: int, seed: int) -> dict[str, dict[str, int]]:
    xling = read_pairs(DEV / "xling_pairs.jsonl")
    para = read_pairs(DEV / "ar_paraphrase_pairs.jsonl")
    ours = [t for p in xling + para for t in (p["claim"], p["evidence"])]
    distractors, dropped = pick_distractors(distractor_pools(shared), total, seed, ours)
    extra = [{"id": i, "text": t, "language": lang} for i, t, lang in distractors]

    def doc(pair: dict) -> dict:
        lang = pair.get("evidence_language", pair["language"])
        return {"id": f"{pair['id']}/evidence", "text": pair["evidence"], "language": lang}

    summary = {}
    for name, suffix in (("ar2en", "ae"), ("en2ar", "ea")):
        same = [p for p in xling if p["id"].endswith(f"-s-{suffix}")]
        close = [p for p in xling if p["id"].endswith(f"-u-{suffix}")]
        queries = [{"id": p["id"], "text": p["claim"], "language": p["language"]} for p in same]
        docs = [doc(p) for p in same + close] + extra
        write_set(out / name, queries, docs, [(p["id"], f"{p['id']}/evidence") for p in same])
        summary[name] = {"queries": len(queries), "documents": len(docs)}
    same = [p for p in para if p["id"].endswith("-s")]
    others = [p for p in para if not p["id"].endswith("-s")]
    queries = [{"id": p["id"], "text": p["claim"], "language": "ar"} for p in same]
    docs = [doc(p) for p in same + others] + extra
    write_set(out / "ar-para", queries, docs, [(p["id"], f"{p['id']}/evidence") for p in same])
    with (out / "ar-para" / "variants.tsv").open("w", encoding="utf-8") as handle:
        for p in same:
            handle.write(f"{p['id']}\t{p['id']}/evidence\t{p['id'][:-2]}-c/evidence\n")
    summary["ar-para"] = {"queries": len(queries), "documents": len(docs)}
    summary["distractors"] = {"used": len(extra), "left out as restating a dev sentence": dropped}
    return summary


def compare(folder: Path, run: Path) -> str:
    """How often the paraphrase's sentence ranks above its contradicting variant in a TREC run."""
    ranks: dict[str, dict[str, int]] = {}
    with run.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 4:
                ranks.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    above = both_missing = total = 0
    for line in (folder / "variants.tsv").read_text(encoding="utf-8").splitlines():
        qid, good, bad = line.split("\t")
        got = ranks.get(qid, {})
        total += 1
        if good not in got and bad not in got:
            both_missing += 1
        elif got.get(good, 10**9) < got.get(bad, 10**9):
            above += 1
    return (
        f"paraphrase above its contradicting variant: {above}/{total} ({above / max(total, 1):.3f}); "
        f"neither retrieved: {both_missing}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="default: <repo>/../shared")
    ap.add_argument("--out", type=Path, default=REPO / "artifacts" / "xling-retrieval")
    ap.add_argument("--distractors", type=int, default=12000, help="distractor sentences per corpus")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--compare", type=Path, metavar="SET", help="a built ar-para folder: score its run.tsv")
    ap.add_argument("--run", type=Path, help="with --compare: the run file (default SET/run.tsv)")
    args = ap.parse_args(argv)
    if args.compare:
        print(compare(args.compare, args.run or args.compare / "run.tsv"))
        return 0
    if not (args.shared / "data" / "kcna").is_dir():
        print(f"shared data not found under {args.shared}; nothing to do.")
        return 0
    summary = build(args.shared, args.out, args.distractors, args.seed)
    for name, counts in summary.items():
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
