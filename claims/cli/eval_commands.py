"""`claims eval`: measure the checker on annotated data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from claims.cli.common import DebugOption, SourcesOption, eval_app, guarded, load_registry


def _write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


PredictionsOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write predictions here (JSONL).")
]
ScoresJsonOption = Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")]


def _scored(debug: bool, gold: Path, output: Path | None, predict, score):  # type: ignore[no-untyped-def]
    """Read the gold records, predict (writing the predictions to ``output`` if given) and score."""
    from claims.eval.predict import read_jsonl

    def body():  # type: ignore[no-untyped-def]
        records = read_jsonl(gold)
        preds = predict(records)
        if output:
            _write_jsonl(output, preds)
        return score(records, preds)

    return guarded(debug, body)


def _input(gold: Path, fn):  # type: ignore[no-untyped-def]
    """``fn`` with a record it cannot read (ValueError) reported as bad input in ``gold`` (exit 3)."""
    from claims.errors import InputError

    def wrapped(*args):  # type: ignore[no-untyped-def]
        try:
            return fn(*args)
        except ValueError as exc:
            raise InputError(f"{gold}: {exc}") from None

    return wrapped


@eval_app.command("attribution")
def eval_attribution(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL: {id, text, language, attributions: [...]}.")],
    output: PredictionsOption = None,
    as_json: ScoresJsonOption = False,
    extra: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """Score source, cue and content spans against gold attributions.

    Example: claims eval attribution artifacts/polnear_dev.jsonl
    """
    from claims.eval.attribution import format_table, score
    from claims.eval.predict import predict_attributions

    result = _scored(
        debug, gold, output, lambda records: predict_attributions(records, load_registry(extra)), score
    )
    print(json.dumps(result, indent=2) if as_json else format_table(result))


@eval_app.command("pairs")
def eval_pairs(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL: {id, claim, evidence, language, label}.")],
    output: PredictionsOption = None,
    as_json: ScoresJsonOption = False,
    debug: DebugOption = False,
) -> None:
    """Score supports / contradicts / unrelated against gold claim–evidence pairs.

    Example: claims eval pairs artifacts/ans_dev_pairs.jsonl
    """
    from claims.eval.pairs import format_pairs_table, predict_pairs, score_pairs

    result = _scored(debug, gold, output, _input(gold, predict_pairs), _input(gold, score_pairs))
    print(json.dumps(result, indent=2) if as_json else format_pairs_table(result))


@eval_app.command("retrieval")
def eval_retrieval(
    corpus: Annotated[Path, typer.Option("--corpus", help="Corpus JSONL: {id, text, title?, language?}.")],
    queries: Annotated[Path, typer.Option("--queries", help="Queries JSONL: {id, text, language?}.")],
    qrels: Annotated[Path, typer.Option("--qrels", help="TREC qrels: qid 0 docid rel.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the TREC run here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Index into this empty database (e.g. a new PostgreSQL one) instead of a temporary SQLite file.",
        ),
    ] = None,
    no_vectors: Annotated[
        bool,
        typer.Option(
            "--no-vectors",
            help="Store the corpus without sentence vectors: retrieval by words alone (no encoding).",
        ),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Index a corpus in a temporary database and score retrieval (MAP@1/3/5, MRR, Recall@10, latency).

    Example: claims eval retrieval --corpus c.jsonl --queries q.jsonl --qrels qrels.tsv
    """
    from claims.eval.retrieval import (
        evaluate_retrieval,
        format_retrieval_table,
        load_jsonl,
        load_qrels,
        write_run,
    )

    def body():  # type: ignore[no-untyped-def]
        result = evaluate_retrieval(
            load_jsonl(corpus), load_jsonl(queries), load_qrels(qrels), store_url=db, vectors=not no_vectors
        )
        if output:
            write_run(result["run"], output)
        return result

    result = guarded(debug, body)
    if as_json:
        print(json.dumps({k: v for k, v in result.items() if k != "run"}, indent=2))
    else:
        print(format_retrieval_table(result))
