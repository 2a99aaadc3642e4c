"""`claims feeds list|add|remove|status`, `claims follow` and `claims show`: the newsroom's feeds, following
them into the database, and a stored claim with every sighting of it. docs/feeds.md."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from claims.cli.common import DbOption, DebugOption, SourcesOption, app, err, guarded, load_registry, say
from claims.errors import EXIT_INPUT, UsageError
from claims.report.visible import visible

feeds_app = typer.Typer(help="The feeds the newsroom follows (the newsroom file).", no_args_is_help=True)
app.add_typer(feeds_app, name="feeds")

NewsroomOption = Annotated[
    Path | None,
    typer.Option(
        "--newsroom",
        envvar="CLAIMS_NEWSROOM",
        help="The newsroom file (TOML; default: newsroom.toml in the user data directory).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _newsroom(path: Path | None, registry: Any) -> Any:
    from claims.feeds import newsroom

    return newsroom.load(newsroom.newsroom_path(path), registry)


@feeds_app.command("list")
def feeds_list(
    as_json: JsonOption = False,
    newsroom: NewsroomOption = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """List the feeds of the newsroom file.

    Example: claims feeds list --json
    """
    from claims.feeds.newsroom import show_interval

    def body():  # type: ignore[no-untyped-def]
        room = _newsroom(newsroom, load_registry(sources))
        rows = [
            {
                "name": f.name,
                "url": f.url,
                "source": f.source,
                "language": f.language,
                "every": show_interval(f.every),
                "kind": f.kind,
            }
            for f in room.feeds
        ]
        if as_json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        elif not rows:
            say(f"no feeds in {room.path} (add one with `claims feeds add URL --source ID`)")
        else:
            _table(rows, ("name", "source", "language", "every", "kind", "url"))

    guarded(debug, body)


@feeds_app.command("add")
def feeds_add(
    url: Annotated[str, typer.Argument(help="The feed's address (RSS, Atom, JSON Feed, or a sitemap).")],
    source: Annotated[
        str, typer.Option("--source", "-s", help="Registry id of the outlet (`claims sources`).")
    ],
    language: Annotated[
        str | None, typer.Option("--language", help="ar, en, … (the feed's language).")
    ] = None,
    every: Annotated[str, typer.Option("--every", help="Poll interval: 90s, 15m, 2h, 1d.")] = "15m",
    name: Annotated[
        str | None, typer.Option("--name", help="The feed's name (default: SOURCE-LANGUAGE).")
    ] = None,
    sitemap: Annotated[bool, typer.Option("--sitemap", help="The address is a sitemap, not a feed.")] = False,
    newsroom: NewsroomOption = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """Add a feed to the newsroom file (created if need be).

    Example: claims feeds add https://kcnawatch.example/feed --source kcna --language en --every 30m
    """
    from claims.feeds import newsroom as nr

    def body():  # type: ignore[no-untyped-def]
        registry = load_registry(sources)
        room = _newsroom(newsroom, registry)
        entry = {"url": url, "source": source, "every": every, "kind": "sitemap" if sitemap else "feed"}
        if language:
            entry["language"] = language
        if name:
            entry["name"] = name
        feed = nr.make_feed(entry, registry, "feeds add", UsageError)
        nr.save(nr.add(room, feed))
        say(f"{feed.name}: added to {room.path}")

    guarded(debug, body)


@feeds_app.command("remove")
def feeds_remove(
    feed: Annotated[str, typer.Argument(help="The feed's name or address.")],
    newsroom: NewsroomOption = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """Remove a feed from the newsroom file; what was stored from it stays in the database.

    Example: claims feeds remove kcna-en
    """
    from claims.feeds import newsroom as nr

    def body():  # type: ignore[no-untyped-def]
        room, gone = nr.remove(_newsroom(newsroom, load_registry(sources)), feed)
        nr.save(room)
        say(f"{gone.name}: removed from {room.path}")

    guarded(debug, body)


@feeds_app.command("status")
def feeds_status(
    as_json: JsonOption = False,
    newsroom: NewsroomOption = None,
    db: DbOption = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """Each feed's last poll: last success, last error, items and claims added.

    Example: claims feeds status
    """
    from claims.service import existing_store_url, open_store
    from claims.store.sightings import FeedLedger

    def body():  # type: ignore[no-untyped-def]
        room = _newsroom(newsroom, load_registry(sources))
        url = existing_store_url(db)
        states = {}
        if url is not None:
            with open_store(url, read_only=True) as store:
                states = {s.name: s for s in FeedLedger(store).status()}
        rows = []
        for f in room.feeds:
            s = states.get(f.name)
            rows.append(
                {
                    "name": f.name,
                    "url": f.url,
                    "last_polled": s.last_polled if s else None,
                    "last_success": s.last_success if s else None,
                    "last_error": s.last_error if s else None,
                    "last_error_at": s.last_error_at if s else None,
                    "items_added_last_poll": s.last_items if s else 0,
                    "items": s.items if s else 0,
                    "claims_added": s.claims_added if s else 0,
                }
            )
        if as_json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            say(f"no feeds in {room.path}")
            return
        for r in rows:
            r["state"] = _state(r)
        _table(
            rows,
            ("name", "state", "last_success", "items_added_last_poll", "items", "claims_added", "last_error"),
        )

    guarded(debug, body)


def _state(row: dict[str, Any]) -> str:
    """never polled, ok, or failing (the last poll ended in an error)."""
    if row["last_polled"] is None:
        return "never polled"
    failed_last = row["last_error_at"] is not None and (
        row["last_success"] is None or row["last_error_at"] > row["last_success"]
    )
    return "failing" if failed_last else "ok"


@app.command()
def follow(
    every: Annotated[
        str | None, typer.Option("--every", help="Poll again after this long (15m, 1h), until stopped.")
    ] = None,
    feed: Annotated[list[str] | None, typer.Option("--feed", help="Only this feed (repeatable).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Poll every feed, due or not.")] = False,
    no_vectors: Annotated[
        bool,
        typer.Option("--no-vectors", help="Store claims without sentence vectors (`claims db embed` later)."),
    ] = False,
    newsroom: NewsroomOption = None,
    db: DbOption = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """Poll the newsroom's feeds that are due and store the claims of new and changed articles, each under
    its attributed source, with where it was read. Exit 3 when a feed could not be read (one line each on
    stderr; `claims feeds status` keeps it); with --every, keep going.

    Example: claims follow --every 15m
    """
    from claims.feeds.follow import follow as run_follow
    from claims.feeds.newsroom import parse_interval
    from claims.service import open_store

    def body():  # type: ignore[no-untyped-def]
        pause = parse_interval(every, "--every") if every else None
        registry = load_registry(sources)
        room = _newsroom(newsroom, registry)
        unknown = [n for n in feed or () if room.get(n) is None]
        if unknown:
            raise UsageError(f"--feed {unknown[0]}: no such feed in {room.path} (see `claims feeds list`)")
        if not room.feeds:
            raise UsageError(f"no feeds in {room.path} (add one with `claims feeds add URL --source ID`)")
        with open_store(db) as store:
            while True:
                failed = 0
                for run in run_follow(
                    store,
                    room,
                    registry,
                    names=feed or (),
                    force=force,
                    vectors=not no_vectors,
                    on_feed=_said,
                ):
                    failed += not run.ok and run.due
                if pause is None:
                    return failed
                try:
                    time.sleep(pause)
                except KeyboardInterrupt:
                    say("stopped")
                    return 0

    failed = guarded(debug, body)
    if failed:
        raise typer.Exit(EXIT_INPUT)


def _said(run: Any) -> None:
    if not run.due:
        return
    if run.error:
        err(f"{run.name}: {run.error}")
        return
    if run.not_modified:
        say(f"{run.name}: not modified")
        return
    parts = [
        f"{run.items} items",
        f"{run.new} new",
        f"{run.changed} changed",
        f"{run.claims_added} claims added",
        f"{run.claims_known} already stored",
    ]
    if run.claims_removed:
        parts.append(f"{run.claims_removed} removed")
    if run.skipped:
        parts.append(f"{len(run.skipped)} skipped")
    say(f"{run.name}: {', '.join(parts)}")
    for line in run.failed[:5]:
        err(f"{run.name}: will try again: {line}")
    if len(run.failed) > 5:
        err(f"{run.name}: and {len(run.failed) - 5} more to try again")


@app.command()
def show(
    claim_id: Annotated[
        int, typer.Argument(help="The stored claim's id (as `claims check --format json` shows).")
    ],
    as_json: JsonOption = False,
    db: DbOption = None,
    sources: SourcesOption = None,
    debug: DebugOption = False,
) -> None:
    """Print a stored claim with every sighting of it (each article, outlet and feed it was read in, when,
    and where in the article) and the stored claims it relates to, with its verdict.

    Example: claims show 17
    """
    from claims.errors import InputError
    from claims.service import existing_store_url, open_store

    def body():  # type: ignore[no-untyped-def]
        url = existing_store_url(db)
        if url is None:
            raise InputError("no database yet (follow feeds or import claims first)")
        registry = load_registry(sources)
        with open_store(url, read_only=True) as store:
            out = _claim_view(store, registry, claim_id)
        if as_json:
            print(json.dumps(out, ensure_ascii=False, indent=2))
            return
        sightings = out["sightings"]
        date = f", {out['published']}" if out["published"] else ""
        say(f"claim {out['id']} [{out['language']}] {out['source']}{date}")
        say(f"  {out['text']}")
        outlets = {s["outlet"] for s in sightings}
        say(f"  {len(sightings)} sighting(s) in {len(outlets)} outlet(s); one origin: {out['source']}")
        for s in sightings:
            via = f" via {', '.join(s['via'])}" if s["via"] else ""
            say(
                f"  - {s['outlet']} ({s['feed']}) {s['published'] or 'undated'}, fetched {s['fetched_at']}{via}"
            )
            say(f"    {s['article_url']} [{s['start']}:{s['end']}]")
        say(f"  verdict: {out['verdict']['label']}: {out['verdict']['reason']}")
        for r in out["relations"]:
            say(f"  {r['relation']} claim {r['claim_id']} ({r['source']}): {r['text']}")

    guarded(debug, body)


def _claim_view(store: Any, registry: Any, claim_id: int) -> dict[str, Any]:
    """A stored claim, its sightings, and how the other stored claims bear on it (the verdict a check of
    its text by its source would give, without counting the claim itself)."""
    from dataclasses import asdict

    from claims.errors import InputError
    from claims.service import open_matcher
    from claims.store.sightings import FeedLedger
    from claims.types import Attribution, Claim, DocumentInfo, Span

    claim = store.get(claim_id)
    if claim is None:
        raise InputError(f"no stored claim has id {claim_id}")
    sightings = FeedLedger(store).sightings(claim_id)
    probe = Claim(
        id="c1",
        span=Span(0, len(claim.text), claim.text),
        line=1,
        language=claim.language,
        attribution=Attribution(source_id=claim.source, via=claim.via),
    )
    document = DocumentInfo(path=f"claim {claim_id}", language=claim.language, published=claim.published)
    [verdict] = open_matcher(store, registry).judge([probe], document)
    relations = [
        {
            "claim_id": e.claim_id,
            "relation": e.relation,
            "source": e.source_id,
            "text": e.text,
            "score": e.score,
            "why": e.why,
        }
        for e in verdict.evidence
        if e.claim_id != claim_id
    ]
    return {
        "id": claim.id,
        "text": claim.text,
        "language": claim.language,
        "source": claim.source,
        "published": claim.published,
        "url": claim.url,
        "publisher": claim.publisher,
        "via": list(claim.via),
        "sightings": [{**asdict(s), "via": list(s.via)} for s in sightings],
        "verdict": {"label": verdict.label, "reason": verdict.reason},
        "relations": relations,
    }


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> None:
    from rich.table import Table
    from rich.text import Text

    from claims.report.terminal import make_console

    table = Table(show_header=True, header_style="bold")
    for col in columns:
        table.add_column(col.replace("_", " "), no_wrap=col == "name", overflow="fold")
    for r in rows:
        table.add_row(*(Text(visible("" if r.get(c) is None else str(r.get(c)))) for c in columns))
    make_console(file=sys.stdout).print(table)
