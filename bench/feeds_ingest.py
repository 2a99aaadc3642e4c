"""Following a local mirror of many feeds: articles/s and claims/s of `claims follow`, and what a second
poll does.

Usage::

    python bench/feeds_ingest.py [--feeds 20] [--items 50] [--db URL] [--vectors] [--workers 2]

A test HTTP server on 127.0.0.1 (tests/feed_server.py) serves ``--feeds`` RSS feeds of ``--items``
articles each, written here from templates (our own words; half the feeds English, half Arabic). The first
half of the feeds are origins: each article states a fact in the outlet's own voice. The second half relay
them: each article reports the origin's statement in the origin's name ("KCNA reported on Thursday that
..."), so that every relayed statement must fold into the origin's claim. The script polls every feed
once and checks that every item was stored once and every relay folded, then polls again and checks that
it added nothing and sent only conditional requests. ``--workers N`` runs the first poll in N processes
sharing the database (as N `claims follow` would: each feed and item is taken by one of them). Prints the
figures (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.feed_server import FeedServer, Page, article, rss  # noqa: E402

# (registry id, name as an article cites it)
ORIGINS_EN = [("kcna", "KCNA"), ("tass", "TASS"), ("xinhua", "Xinhua"), ("kyodo", "Kyodo"), ("nhk", "NHK")]
ORIGINS_AR = [
    ("al-jazeera", "قناة الجزيرة"),
    ("al-ahram", "صحيفة الأهرام"),
    ("al-arabiya", "قناة العربية"),
    ("sky-news-arabia", "سكاي نيوز عربية"),
    ("al-wafd", "صحيفة الوفد"),
]
RELAYS_EN = ["ap", "afp", "reuters", "yonhap", "kbs"]
RELAYS_AR = ["al-hadath", "al-alam", "al-manar", "al-ekhbariya", "al-watan-syria"]
DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAYS_AR = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]


def statement(lang: str, feed: int, item: int) -> str:
    """The fact of origin ``feed``'s ``item``-th article (numbers unique to it)."""
    n, m, district = 100 + 13 * item + feed, 2 + (item % 7), 1 + item + 50 * feed
    if lang == "en":
        return (
            f"rescue teams moved {n} people from district {district} on {DAYS_EN[item % 7]} after the river "
            f"rose by {m} metres"
        )
    return (
        f"فرق الإنقاذ نقلت {n} شخصا من الحي رقم {district} يوم {DAYS_AR[item % 7]} بعد ارتفاع النهر {m} أمتار"
    )


def origin_page(lang: str, feed: int, item: int) -> str:
    fact = statement(lang, feed, item)
    if lang == "en":
        paragraphs = [
            fact[0].upper() + fact[1:] + ".",
            f"Roads to district {item + 7} were closed for {item % 9 + 2} hours while {feed + 3} bridges were "
            "inspected by engineers from the regional authority.",
        ]
    else:
        paragraphs = [
            fact + ".",
            f"وأغلقت الطرق المؤدية إلى الحي رقم {item + 7} لمدة {item % 9 + 2} ساعات بينما فحص مهندسون من "
            f"الهيئة الإقليمية {feed + 3} جسور.",
        ]
    return article(f"Floods {feed}-{item}", paragraphs, lang)


def relay_page(lang: str, origin_name: str, feed: int, item: int) -> str:
    fact = statement(lang, feed, item)
    if lang == "en":
        paragraphs = [
            f"{origin_name} reported on Thursday that {fact}.",
            f"The report could not be checked independently, and {item + 2} aid groups working in the "
            f"region of desk {feed} gave no figures of their own.",
        ]
    else:
        paragraphs = [
            f"وقالت {origin_name} يوم الخميس إن {fact}.",
            f"ولم يتسن التحقق من التقرير بشكل مستقل، ولم تقدم {item + 2} منظمات إغاثة تعمل في منطقة المكتب "
            f"{feed} أي أرقام خاصة بها.",
        ]
    return article(f"Relay {feed}-{item}", paragraphs, lang)


def build_mirror(server: FeedServer, feeds: int, items: int):  # type: ignore[no-untyped-def]
    """Serve the mirror; returns the newsroom's feeds (claims.feeds.newsroom.Feed). ``feeds`` is even, at
    most 20: half origins, half relays of them."""
    from claims.feeds.newsroom import Feed

    half = feeds // 2
    origins = (
        (ORIGINS_EN + ORIGINS_AR)[:half]
        if half > 5
        else ORIGINS_EN[: half - half // 2] + ORIGINS_AR[: half // 2]
    )
    relays = (
        (RELAYS_EN + RELAYS_AR)[:half] if half > 5 else RELAYS_EN[: half - half // 2] + RELAYS_AR[: half // 2]
    )
    out = []
    for f, ((source, name), relay) in enumerate(zip(origins, relays, strict=True)):
        lang = "ar" if (source, name) in ORIGINS_AR else "en"
        for kind, outlet, page in (("o", source, origin_page), ("r", relay, None)):
            entries = []
            for i in range(items):
                path = f"/{kind}{f}/a{i}"
                body = page(lang, f, i) if page else relay_page(lang, name, f, i)
                server.pages[path] = Page(body)
                entries.append(
                    {
                        "title": f"{kind}{f}-{i}",
                        "link": server.url(path),
                        "guid": f"{kind}{f}-{i}",
                        "date": "Thu, 05 Dec 2024 08:00:00 GMT",
                    }
                )
            server.pages[f"/{kind}{f}/rss"] = Page(rss(entries), "application/rss+xml")
            out.append(Feed(f"{outlet}-{lang}", server.url(f"/{kind}{f}/rss"), outlet, lang))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=20)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--db", default=None, help="default: a new SQLite file in a temporary directory")
    ap.add_argument("--vectors", action="store_true", help="store sentence vectors too")
    ap.add_argument("--workers", type=int, default=1, help="followers sharing the database (processes)")
    args = ap.parse_args()
    if args.feeds % 2 or not 2 <= args.feeds <= 20:
        ap.error("--feeds must be even, 2 to 20")

    from claims.feeds.fetch import Fetcher
    from claims.feeds.follow import follow
    from claims.feeds.newsroom import Newsroom, Settings
    from claims.registry import Registry
    from claims.store.db import Store
    from claims.store.sightings import FeedLedger

    registry = Registry.load()
    server = FeedServer().start()
    tmp = tempfile.TemporaryDirectory()
    try:
        feeds = build_mirror(server, args.feeds, args.items)
        room = Newsroom(
            Path(tmp.name) / "newsroom.toml", tuple(feeds), Settings(per_host_interval=0, retries=0)
        )
        url = args.db or f"sqlite:///{Path(tmp.name) / 'feeds.db'}"
        with Store.open(url) as store:
            started = time.perf_counter()
            if args.workers == 1:
                with Fetcher(room.settings) as fetcher:
                    runs = follow(store, room, registry, force=True, vectors=args.vectors, fetcher=fetcher)
            else:
                runs = _in_processes(args.workers, url, room, registry, args.vectors)
            first = time.perf_counter() - started
            pages = [r.path for r in server.log if not r.path.endswith("/rss")]
            articles = sum(r.new for r in runs)
            added = sum(r.claims_added for r in runs)
            known = sum(r.claims_known for r in runs)
            counts = FeedLedger(store).counts()
            with store.engine.connect() as conn:
                import sqlalchemy as sa

                multi = conn.execute(
                    sa.text(
                        "SELECT count(*) FROM (SELECT claim_id FROM sighting GROUP BY claim_id HAVING count(*) > 1) s"
                    )
                ).scalar_one()
            started = time.perf_counter()
            with Fetcher(room.settings) as again:
                runs2 = follow(store, room, registry, force=True, vectors=args.vectors, fetcher=again)
            second = time.perf_counter() - started
            counts2 = FeedLedger(store).counts()
        total = args.feeds * args.items
        print(
            f"feeds {args.feeds} x items {args.items} = {total} articles; database {store.url}; "
            f"{args.workers} follower(s); vectors {'on' if args.vectors else 'off'}"
        )
        print(f"article pages fetched: {len(pages)} ({len(set(pages))} distinct)")
        print(
            f"first poll: {first:.1f} s, {articles} articles stored ({articles / first:.1f} articles/s), "
            f"{added} claims added ({added / first:.1f} claims/s), {known} sightings of claims already stored"
        )
        print(
            f"stored: {counts['items']} items, {counts['claims']} claims, {counts['sightings']} sightings; "
            f"{multi} claims seen in more than one outlet (relays folded)"
        )
        conditional = sum(c for _, c in again.requests)
        print(
            f"second poll: {second:.2f} s, {len(again.requests)} requests ({conditional} conditional), "
            f"{sum(r.not_modified for r in runs2)} feeds not modified, added {counts2['claims'] - counts['claims']} claims"
        )
        ok = (
            articles == total == counts["items"]
            and multi == total // 2
            and counts["claims"] == total * 3 // 2  # two a origin article, one of its own a relay
            and conditional == len(again.requests) == args.feeds
            and counts2 == counts
            and not any(r.failed or r.error or r.skipped for r in runs)
            and len(pages) == len(set(pages)) == total
        )
        print("targets met" if ok else "TARGETS NOT MET")
        if not ok:
            sys.exit(1)
    finally:
        server.stop()
        tmp.cleanup()


def _in_processes(workers: int, url: str, room, registry, vectors: bool):  # type: ignore[no-untyped-def]
    """The first poll by ``workers`` forked processes at once (not forced: a feed one of them polled is
    not due for the others); their runs, gathered."""
    import multiprocessing

    from claims.feeds.fetch import Fetcher
    from claims.feeds.follow import follow
    from claims.store.db import Store

    def work(queue) -> None:  # type: ignore[no-untyped-def]
        with Store.open(url) as store, Fetcher(room.settings) as fetcher:
            queue.put([r for r in follow(store, room, registry, vectors=vectors, fetcher=fetcher) if r.due])

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    procs = [context.Process(target=work, args=(queue,)) for _ in range(workers)]
    for p in procs:
        p.start()
    runs = [r for _ in procs for r in queue.get()]
    for p in procs:
        p.join()
    return runs


if __name__ == "__main__":
    main()
