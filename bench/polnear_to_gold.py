"""Convert PolNeAR brat standoff to attribution gold JSONL (the ``claims eval attribution`` format).

Usage::

    python bench/polnear_to_gold.py [--split dev] [--shared ../shared] [--out artifacts/polnear_dev.jsonl]

Reads ``<shared>/data/polnear/<split>/text/<stem>.txt`` and ``attributions/<stem>_<annotator>.ann`` and
writes one record per article::

    {"id": stem, "text": ..., "language": "en",
     "attributions": [{"source": [s, e] | null, "cue": [s, e] | null, "content": [s, e] | null,
                       "annotator": "4e07", "relation": "E3", ...}]}

Conversion rules
----------------
* ``text`` is the .txt file read exactly as UTF-8 (no newline translation, a BOM would be dropped as the
  contract says), so brat offsets index it directly.
* Each ``E`` line (``Attribution:T4 Source:T1 Cue:T2 Content:T3``, or ``Attribution-no-source:...``
  without a Source) becomes one relation. A missing role is ``null``. ``E`` lines with no Source, Cue
  or Content argument at all (one empty duplicate exists in dev) are skipped and counted.
* A brat discontinuous span ``s1 e1;s2 e2`` becomes its outer span ``[min(s), max(e)]`` (the text
  between the fragments is included); the fragments are kept in ``"fragments": {role: [[s, e], ...]}``.
  A ``Content2`` argument (a second content span of the same relation, used three times in dev) is
  treated the same way: it is merged with ``Content`` into one outer span, fragments kept.
* Every fragment is checked: ``text[s:e]`` must equal the brat span text (brat joins the fragments of
  a discontinuous span with one space; a span crossing a line break has its raw newline in the .ann,
  so its text continues on the next .ann line). A relation with a mismatching span is skipped and
  reported.
* Some articles were annotated by several annotators (several .ann per text). The first .ann in sorted
  file-name order is used, so the choice is deterministic; the others are counted as ignored.

If the shared folder is missing, one line is printed and the script exits 0 (a user's clone has no
``../shared``). Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ROLES = ("source", "cue", "content")
# brat argument role -> contract role
# the start of a brat annotation line: T1, E1, R1, A1, M1, N1, #1, * ...
ANN_LINE = re.compile(r"^(?:[TERAMN#]\d+|\*)\t")
ARG_ROLES = {"Source": "source", "Cue": "cue", "Content": "content", "Content2": "content"}


def parse_ann(
    ann_text: str,
) -> tuple[dict[str, tuple[str, list[tuple[int, int]], str]], list[tuple[str, dict]]]:
    """Return text-bound annotations ``{T-id: (type, fragments, span text)}`` and events ``[(E-id, {role: [T-id]})]``."""
    spans: dict[str, tuple[str, list[tuple[int, int]], str]] = {}
    events: list[tuple[str, dict[str, list[str]]]] = []
    last_t: str | None = None
    for line in ann_text.rstrip("\n").split("\n"):
        if not ANN_LINE.match(line):
            # A span whose text crosses a line break is written with the raw newline, so the rest of
            # its text continues on the following line(s) of the .ann file.
            if last_t is not None:
                label, frags, span_text = spans[last_t]
                spans[last_t] = (label, frags, span_text + "\n" + line)
            continue
        last_t = None
        if line.startswith("T"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            tid, middle = parts[0], parts[1]
            span_text = parts[2] if len(parts) > 2 else ""
            label, _, offsets = middle.partition(" ")
            frags = []
            for frag in offsets.split(";"):
                s, e = frag.split()
                frags.append((int(s), int(e)))
            spans[tid] = (label, frags, span_text)
            last_t = tid
        elif line.startswith("E"):
            parts = line.split("\t")
            eid = parts[0]
            args: dict[str, list[str]] = {}
            for arg in parts[1].split() if len(parts) > 1 else []:
                role, _, ref = arg.partition(":")
                args.setdefault(role, []).append(ref)
            events.append((eid, args))
    return spans, events


def pick_ann(att_dir: Path, stem: str) -> list[Path]:
    """All .ann files of one article (``<stem>_<annotator>.ann``), sorted by name."""
    prefix = stem + "_"
    return sorted(p for p in att_dir.glob(f"{stem}_*.ann") if "_" not in p.name[len(prefix) : -len(".ann")])


def convert_document(stem: str, text: str, ann_path: Path, stats: Counter, problems: list[str]) -> dict:
    spans, events = parse_ann(ann_path.read_bytes().decode("utf-8"))
    annotator = ann_path.stem[len(stem) + 1 :]

    def check(tid: str) -> list[tuple[int, int]] | None:
        label, frags, span_text = spans[tid]
        got = " ".join(text[s:e] for s, e in frags)
        ok = all(0 <= s <= e <= len(text) for s, e in frags) and got == span_text
        if not ok:
            problems.append(
                f"{ann_path.name} {tid} {label} {frags}: brat {span_text[:40]!r} != text {got[:40]!r}"
            )
        return frags if ok else None

    relations = []
    for eid, args in events:
        rel: dict = {}
        fragments: dict[str, list[list[int]]] = {}
        bad = False
        present = False
        for arg_role, refs in args.items():
            role = ARG_ROLES.get(arg_role)
            if role is None:
                continue
            for ref in refs:
                if ref not in spans:
                    problems.append(f"{ann_path.name} {eid}: unknown annotation {ref}")
                    bad = True
                    continue
                frags = check(ref)
                if frags is None:
                    stats["mismatched spans"] += 1
                    bad = True
                    continue
                present = True
                fragments.setdefault(role, []).extend([s, e] for s, e in frags)
        if bad:
            stats["relations skipped (bad span)"] += 1
            continue
        if not present:
            stats["relations skipped (no arguments)"] += 1
            continue
        for role in ROLES:
            frags = sorted(fragments.get(role, []))
            rel[role] = [min(s for s, _ in frags), max(e for _, e in frags)] if frags else None
            if len(frags) > 1:
                rel.setdefault("fragments", {})[role] = frags
                stats[f"discontinuous {role}"] += 1
        if len(args.get("Source", [])) > 1 or len(args.get("Cue", [])) > 1:
            stats["relations with several sources/cues (merged)"] += 1
        rel["annotator"] = annotator
        rel["relation"] = eid
        relations.append(rel)
        stats["relations"] += 1
        for role in ROLES:
            stats[f"{role} spans"] += rel[role] is not None
    return {"id": stem, "text": text, "language": "en", "attributions": relations}


def convert(split_dir: Path, stats: Counter, problems: list[str]) -> list[dict]:
    text_dir, att_dir = split_dir / "text", split_dir / "attributions"
    records = []
    for txt in sorted(text_dir.glob("*.txt")):
        anns = pick_ann(att_dir, txt.stem)
        if not anns:
            stats["texts without annotations (skipped)"] += 1
            continue
        stats["annotation files ignored (other annotators)"] += len(anns) - 1
        text = txt.read_bytes().decode("utf-8")
        if text.startswith("\ufeff"):
            problems.append(f"{txt.name}: BOM removed (offsets may be off by one)")
            text = text[1:]
        records.append(convert_document(txt.stem, text, anns[0], stats, problems))
        stats["documents"] += 1
    return records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="dev", help="train or dev (default: dev)")
    ap.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="shared folder (default: <repo>/../shared)",
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output JSONL (default: <repo>/artifacts/polnear_<split>.jsonl)",
    )
    args = ap.parse_args(argv)

    split_dir = args.shared / "data" / "polnear" / args.split
    if not (split_dir / "text").is_dir():
        print(f"PolNeAR {args.split} split not found under {args.shared}; nothing to do.")
        return 0
    out = args.out or REPO / "artifacts" / f"polnear_{args.split}.jsonl"

    stats: Counter = Counter()
    problems: list[str] = []
    records = convert(split_dir, stats, problems)

    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")

    distinct = Counter()
    for rec in records:
        for role in ROLES:
            distinct[role] += len({tuple(r[role]) for r in rec["attributions"] if r[role] is not None})

    print(f"wrote {out}")
    print(f"documents: {stats['documents']}")
    print(f"relations: {stats['relations']}")
    for role in ROLES:
        print(f"{role} spans: {stats[f'{role} spans']} in relations, {distinct[role]} distinct")
    print(f"mismatched spans: {stats['mismatched spans']}")
    for key in sorted(stats):
        if key.startswith(
            ("relations skipped", "discontinuous", "annotation files", "texts without", "relations with")
        ):
            print(f"{key}: {stats[key]}")
    for p in problems:
        print(f"  ! {p}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
