"""Following feeds: a test server on 127.0.0.1 serves feeds and articles written for these tests (Arabic
and English, RSS and Atom); `claims follow` stores each item once with its provenance, folds relays of one
statement into one claim, reads a changed article again without duplicating it, and says what failed."""

from __future__ import annotations

import json
import socket

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from claims.cli import app
from claims.feeds import newsroom as nr
from claims.feeds.fetch import Fetcher
from claims.feeds.follow import follow
from claims.store.db import Store
from claims.store.sightings import FeedLedger
from tests.feed_server import FeedServer, Page, article, atom, rss

runner = CliRunner()

SATELLITE_KCNA = article(
    "Satellite placed in orbit",
    [
        "The Korean Central News Agency said on Thursday that the country had placed a new reconnaissance "
        "satellite into orbit from the western coast.",
        "The agency said the launch was watched by senior officials and that more launches were planned for "
        "next year.",
        "Crowds gathered in the main square of the capital in the afternoon despite the cold weather.",
    ],
)
SATELLITE_YONHAP = article(
    "North Korea says it launched a spy satellite",
    [
        "North Korea's state news agency KCNA said on Thursday that the country had placed a new "
        "reconnaissance satellite into orbit from its western coast.",
        "South Korea's military said it was analysing the launch with the United States and Japan and gave "
        "no details of its own.",
    ],
)
SATELLITE_AR = article(
    "قمر صناعي كوري شمالي جديد",
    [
        "نقلت وكالة يونهاب الكورية الجنوبية عن وكالة الأنباء المركزية الكورية قولها إن البلاد وضعت قمرا "
        "صناعيا جديدا للاستطلاع في المدار انطلاقا من الساحل الغربي.",
        "وكان الطقس في العاصمة الكورية الجنوبية باردا وصافيا صباح الخميس مع رياح خفيفة قادمة من الشمال.",
    ],
    lang="ar",
)
SATELLITE_AR_COPY = article(
    "كوريا الشمالية تطلق قمرا للاستطلاع",
    [
        "نقلت وكالة يونهاب الكورية الجنوبية عن وكالة الأنباء المركزية الكورية قولها إن البلاد وضعت قمرا "
        "صناعيا جديدا للاستطلاع في المدار انطلاقا من الساحل الغربي.",
        "ويأتي الإطلاق بعد أسابيع من اجتماع حزبي ناقش خطط الفضاء، بحسب ما ذكرته الصحيفة في عددها الصادر صباحا.",
    ],
    lang="ar",
)


def ships(n: str) -> str:
    return article(
        "Exercise in the Sea of Japan",
        [
            f"The Russian Defence Ministry said on Friday that {n} warships had taken part in a joint exercise "
            "in the Sea of Japan.",
            "The ministry said the crews practised searching for submarines and defending the ships from attack "
            "by air.",
        ],
    )


@pytest.fixture
def server():
    s = FeedServer().start()
    yield s
    s.stop()


def _desk(server: FeedServer) -> None:
    """Four feeds: KCNA (RSS, English), Yonhap (Atom), Al-Wafd and Al-Ahram (RSS, Arabic)."""
    p = server.pages
    p["/kcna/a1"] = Page(SATELLITE_KCNA)
    p["/yonhap/a1"] = Page(SATELLITE_YONHAP)
    p["/wafd/a1"] = Page(SATELLITE_AR)
    p["/ahram/a1"] = Page(SATELLITE_AR_COPY)
    p["/tass/a1"] = Page(ships("three"))
    date = "Thu, 05 Dec 2024 08:00:00 GMT"
    p["/kcna/rss"] = Page(
        rss([{"title": "Satellite", "link": server.url("/kcna/a1"), "guid": "kcna-1", "date": date}]),
        "application/rss+xml",
    )
    p["/yonhap/atom"] = Page(
        atom(
            [
                {
                    "title": "Spy satellite",
                    "link": server.url("/yonhap/a1?utm_source=rss"),
                    "date": "2024-12-05T10:00:00Z",
                }
            ]
        ),
        "application/atom+xml",
    )
    p["/wafd/rss"] = Page(
        rss([{"title": "قمر", "link": server.url("/wafd/a1"), "date": "Fri, 06 Dec 2024 07:00:00 GMT"}]),
        "application/rss+xml",
    )
    p["/ahram/rss"] = Page(
        rss([{"title": "قمر", "link": server.url("/ahram/a1"), "date": "Fri, 06 Dec 2024 09:00:00 GMT"}]),
        "application/rss+xml",
    )
    p["/tass/rss"] = Page(
        rss(
            [
                {
                    "title": "Exercise",
                    "link": server.url("/tass/a1"),
                    "guid": "tass-1",
                    "date": date,
                    "description": "three warships",
                }
            ]
        ),
        "application/rss+xml",
    )


def _room(tmp_path, server: FeedServer, registry, names=("kcna", "yonhap", "wafd", "ahram", "tass")):
    feeds = {
        "kcna": nr.Feed("kcna-en", server.url("/kcna/rss"), "kcna", "en"),
        "yonhap": nr.Feed("yonhap-en", server.url("/yonhap/atom"), "yonhap", "en"),
        "wafd": nr.Feed("al-wafd-ar", server.url("/wafd/rss"), "al-wafd", "ar"),
        "ahram": nr.Feed("al-ahram-ar", server.url("/ahram/rss"), "al-ahram", "ar"),
        "tass": nr.Feed("tass-en", server.url("/tass/rss"), "tass", "en"),
    }
    room = nr.Newsroom(tmp_path / "newsroom.toml", tuple(feeds[n] for n in names), _fast())
    nr.save(room)
    return nr.load(room.path, registry)


def _fast(**kw) -> nr.Settings:
    return nr.Settings(
        per_host_interval=0, timeout=kw.pop("timeout", 5.0), retries=kw.pop("retries", 0), **kw
    )


@pytest.fixture
def store(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'claims.db'}") as s:
        yield s


def _poll(store, room, registry, **kw):
    with Fetcher(room.settings) as fetcher:
        runs = follow(store, room, registry, force=True, vectors=False, fetcher=fetcher, **kw)
    return runs, fetcher.requests


def _claims(store) -> list[tuple[str, str]]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text("SELECT source_id, text FROM claim ORDER BY id"))]


def test_follow_stores_each_item_once_and_a_second_poll_makes_only_conditional_requests(
    tmp_path, server, registry, store
):
    _desk(server)
    room = _room(tmp_path, server, registry)
    runs, requests = _poll(store, room, registry)
    assert [r.error for r in runs] == [None] * 5
    assert [r.new for r in runs] == [1, 1, 1, 1, 1]
    assert len(requests) == 10  # five feeds, five articles
    counts = FeedLedger(store).counts()
    assert counts["items"] == 5
    stored = counts["claims"]

    runs, requests = _poll(store, room, registry)
    assert [r.not_modified for r in runs] == [True] * 5
    assert len(requests) == 5 and all(conditional for _, conditional in requests)
    assert FeedLedger(store).counts() == counts
    assert len(_claims(store)) == stored


def test_a_relay_chain_is_one_claim_with_a_sighting_per_outlet(tmp_path, server, registry, store):
    _desk(server)
    room = _room(tmp_path, server, registry)
    _poll(store, room, registry)
    claims = _claims(store)
    satellite_en = [t for s, t in claims if s == "kcna" and "reconnaissance satellite" in t]
    satellite_ar = [t for s, t in claims if s == "kcna" and "قمرا صناعيا" in t]
    # KCNA's own words and Yonhap's relay of them: one English claim; the two Arabic copies: one Arabic claim
    assert len(satellite_en) == 1 and len(satellite_ar) == 1
    with store.engine.connect() as conn:
        en_id, ar_id = (
            conn.execute(sa.text("SELECT id FROM claim WHERE text = :t"), {"t": t}).scalar_one()
            for t in (satellite_en[0], satellite_ar[0])
        )
    ledger = FeedLedger(store)
    assert sorted(s.outlet for s in ledger.sightings(en_id)) == ["kcna", "yonhap"]
    ar = ledger.sightings(ar_id)
    assert sorted(s.outlet for s in ar) == ["al-ahram", "al-wafd"]
    assert all(s.via == ("yonhap",) for s in ar)


def test_the_offsets_of_a_sighting_point_at_its_sentence_in_the_article(tmp_path, server, registry, store):
    from claims.feeds.fetch import Response
    from claims.feeds.follow import article_text

    _desk(server)
    _poll(store, _room(tmp_path, server, registry, names=("wafd",)), registry)
    text, _ = article_text(Response(server.url("/wafd/a1"), 200, SATELLITE_AR.encode(), "text/html"))
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT start_offset, end_offset, text FROM sighting")).all()
    assert rows and all(text[s:e] == t for s, e, t in rows)


def test_a_relayed_statement_counts_once_in_a_verdict(tmp_path, server, registry, store):
    """KCNA's statement seen in four outlets is still one voice: a fifth outlet repeating it is not
    corroborated by those sightings."""
    from claims.service import check_source
    from claims.types import InputText

    _desk(server)
    _poll(store, _room(tmp_path, server, registry), registry)
    text = (
        "Pyongyang, Dec. 6\nKCNA said on Thursday that the country had placed a new reconnaissance satellite "
        "into orbit from its western coast."
    )
    report, _ = check_source(InputText(text, "wire.txt", "utf-8", "txt"), registry, store)
    [item] = [c for c in report.claims if c.claim.attribution.source_id == "kcna"]
    assert item.verdict.label == "single-source"
    assert [e.source_id for e in item.verdict.evidence if e.relation == "supports"].count("kcna") <= 1


def test_a_changed_article_is_read_again_and_its_claims_replaced_not_duplicated(
    tmp_path, server, registry, store
):
    _desk(server)
    room = _room(tmp_path, server, registry, names=("tass",))
    _poll(store, room, registry)
    assert any("three warships" in t for _, t in _claims(store))
    server.pages["/tass/a1"] = Page(ships("four"))
    server.pages["/tass/rss"] = Page(
        rss(
            [
                {
                    "title": "Exercise (updated)",
                    "link": server.url("/tass/a1"),
                    "guid": "tass-1",
                    "date": "Thu, 05 Dec 2024 08:00:00 GMT",
                    "description": "four warships",
                }
            ]
        ),
        "application/rss+xml",
    )
    [run], _ = _poll(store, room, registry)
    assert (run.new, run.changed, run.claims_added, run.claims_removed) == (0, 1, 1, 1)
    texts = [t for _, t in _claims(store)]
    assert any("four warships" in t for t in texts) and not any("three warships" in t for t in texts)
    assert sum("searching for submarines" in t for t in texts) == 1
    assert FeedLedger(store).counts()["items"] == 1


def test_an_item_seen_under_another_guid_with_the_same_canonical_url_is_not_fetched_again(
    tmp_path, server, registry, store
):
    _desk(server)
    room = _room(tmp_path, server, registry, names=("kcna",))
    _poll(store, room, registry)
    server.pages["/kcna/rss"] = Page(
        rss(
            [
                {
                    "title": "Satellite",
                    "link": server.url("/kcna/a1#top"),
                    "guid": "kcna-1",
                    "date": "Thu, 05 Dec 2024 08:00:00 GMT",
                }
            ]
        ),
        "application/rss+xml",
    )
    [run], requests = _poll(store, room, registry)
    assert run.error is None and [u for u, _ in requests] == [server.url("/kcna/rss")]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            Page("<html><head><title>Home</title></head><body><p>Latest news</p></body></html>"),
            "not a feed: an HTML page",
        ),
        (
            Page(
                '<?xml version="1.0"?><rss version="2.0"><channel><title>x<item><title', "application/rss+xml"
            ),
            "malformed XML",
        ),
        (Page(rss([]) + "x" * 3000, "application/rss+xml"), "too large"),
        (Page("", status=503), "HTTP 503"),
        (Page("gone", status=404), "HTTP 404"),
        (Page("", status=302, headers={"Location": "/feed"}, etag=False), "redirected more than"),
        (Page(rss([]), delay=1.0), "timed out"),
    ],
    ids=["html", "malformed", "oversized", "server-error", "missing", "redirect-loop", "timeout"],
)
def test_a_feed_that_cannot_be_read_is_reported_and_nothing_stored_is_lost(
    tmp_path, server, registry, store, page, expected
):
    _desk(server)
    room = _room(tmp_path, server, registry, names=("kcna",))
    _poll(store, room, registry)
    before = (FeedLedger(store).counts(), _claims(store))
    server.pages["/feed"] = page
    bad = nr.Newsroom(
        room.path, (nr.Feed("broken", server.url("/feed"), "kcna"),), _fast(max_bytes=2000, timeout=0.3)
    )
    [run], _ = _poll(store, bad, registry)
    assert run.error is not None and expected in run.error
    [status] = FeedLedger(store).status("broken")
    assert expected in status.last_error and status.last_success is None
    assert (FeedLedger(store).counts(), _claims(store)) == before


def test_an_unreachable_host_is_reported(tmp_path, registry, store):
    room = nr.Newsroom(
        tmp_path / "n.toml", (nr.Feed("down", f"http://127.0.0.1:{_closed_port()}/rss", "kcna"),), _fast()
    )
    [run], _ = _poll(store, room, registry)
    assert run.error.startswith("cannot connect to 127.0.0.1")


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (Page(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png"), "not an article: the page is image/png"),
        (Page("<html><body><p>Subscribe to read.</p></body></html>"), "not an article: 3 words"),
        (Page("", stream=3_000_000), "too large"),
        (Page("gone", status=404), "HTTP 404"),
    ],
    ids=["image", "paywall", "oversized", "missing"],
)
def test_a_page_that_is_not_an_article_is_skipped_and_not_fetched_again(
    tmp_path, server, registry, store, page, expected
):
    _desk(server)
    server.pages["/kcna/a2"] = page
    server.pages["/kcna/rss"] = Page(
        rss(
            [
                {"title": "Satellite", "link": server.url("/kcna/a1")},
                {"title": "Photo", "link": server.url("/kcna/a2")},
            ]
        ),
        "application/rss+xml",
        etag=False,
    )
    room = nr.Newsroom(
        tmp_path / "n.toml",
        (nr.Feed("kcna-en", server.url("/kcna/rss"), "kcna"),),
        _fast(max_bytes=1_000_000),
    )
    [run], _ = _poll(store, room, registry)
    assert run.new == 1 and len(run.skipped) == 1 and expected in run.skipped[0]
    assert run.ok
    [run], requests = _poll(store, room, registry)
    assert [u for u, _ in requests] == [server.url("/kcna/rss")]


def test_a_page_that_times_out_is_tried_again_at_the_next_poll(tmp_path, server, registry, store):
    _desk(server)
    server.pages["/kcna/a1"] = Page(SATELLITE_KCNA, delay=1.0)
    room = nr.Newsroom(
        tmp_path / "n.toml", (nr.Feed("kcna-en", server.url("/kcna/rss"), "kcna"),), _fast(timeout=0.3)
    )
    [run], _ = _poll(store, room, registry)
    assert not run.ok and "timed out" in run.failed[0]
    [status] = FeedLedger(store).status()
    assert "1 item(s) to try again" in status.last_error
    server.pages["/kcna/a1"] = Page(SATELLITE_KCNA)
    [run], requests = _poll(store, room, registry)
    assert run.ok and run.new == 1
    assert not requests[0][1]  # the feed is read whole again (its ETag was not kept)


def test_a_process_killed_mid_item_leaves_nothing_of_it_and_the_next_run_stores_it(
    tmp_path, server, registry, store, monkeypatch
):
    from claims.store import sightings

    _desk(server)
    room = _room(tmp_path, server, registry, names=("tass",))

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sightings, "_drop_orphans", killed)  # after the claims and sightings were written
    with pytest.raises(KeyboardInterrupt):
        _poll(store, room, registry)
    assert FeedLedger(store).counts() == {"items": 0, "sightings": 0, "claims": 0}
    monkeypatch.undo()
    [run], _ = _poll(store, room, registry)
    assert run.new == 1 and FeedLedger(store).counts()["claims"] == 2


def test_feeds_are_polled_when_due_unless_forced(tmp_path, server, registry, store):
    _desk(server)
    room = _room(tmp_path, server, registry, names=("kcna",))
    with Fetcher(room.settings) as fetcher:
        follow(store, room, registry, vectors=False, fetcher=fetcher)
        [run] = follow(store, room, registry, vectors=False, fetcher=fetcher)
    assert not run.due and len(fetcher.requests) == 2


# -- the newsroom file and the commands ----------------------------------------------------------------


def test_feeds_add_list_remove_edit_the_newsroom_file(tmp_path):
    path = tmp_path / "newsroom.toml"
    add = [
        "feeds",
        "add",
        "https://kcnawatch.example/feed",
        "--source",
        "kcna",
        "--language",
        "en",
        "--every",
        "30m",
        "--newsroom",
        str(path),
    ]
    assert runner.invoke(app, add).exit_code == 0
    result = runner.invoke(
        app, ["feeds", "add", "https://tass.example/rss", "--source", "tass", "--newsroom", str(path)]
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(app, ["feeds", "list", "--json", "--newsroom", str(path)]).stdout)
    assert [(f["name"], f["source"], f["every"]) for f in listed] == [
        ("kcna-en", "kcna", "30m"),
        ("tass", "tass", "15m"),
    ]
    assert runner.invoke(app, ["feeds", "remove", "kcna-en", "--newsroom", str(path)]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["feeds", "list", "--json", "--newsroom", str(path)]).stdout)
    assert [f["name"] for f in listed] == ["tass"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "no-such-outlet"], "source 'no-such-outlet' is not in the registry"),
        (["--source", "kcna", "--every", "soon"], "'soon' is not an interval"),
        (["--source", "kcna", "--language", "Arabic!"], "is not a language code"),
    ],
)
def test_feeds_add_refuses_bad_values_with_one_line(tmp_path, args, message):
    result = runner.invoke(
        app, ["feeds", "add", "https://x.example/rss", *args, "--newsroom", str(tmp_path / "n.toml")]
    )
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_newsroom_file_with_an_unknown_source_is_a_clear_error(tmp_path):
    path = tmp_path / "newsroom.toml"
    path.write_text('[[feed]]\nurl = "https://x.example/rss"\nsource = "kcnaa"\n', encoding="utf-8")
    result = runner.invoke(app, ["feeds", "list", "--newsroom", str(path)])
    assert result.exit_code == 2
    assert f"{path}: feed #1: source 'kcnaa' is not in the registry" in result.stderr


def test_follow_and_show_on_the_command_line(tmp_path, server, registry):
    _desk(server)
    room = _room(tmp_path, server, registry)
    db = f"sqlite:///{tmp_path / 'desk.db'}"
    args = ["--newsroom", str(room.path), "--db", db, "--no-vectors"]
    result = runner.invoke(app, ["follow", *args])
    assert result.exit_code == 0, result.output
    assert "kcna-en: 1 items, 1 new" in result.stdout
    status = json.loads(
        runner.invoke(app, ["feeds", "status", "--json", "--newsroom", str(room.path), "--db", db]).stdout
    )
    assert [s["items"] for s in status] == [1, 1, 1, 1, 1] and all(s["last_error"] is None for s in status)
    with Store.open(db) as store, store.engine.connect() as conn:
        claim_id = (
            conn.execute(
                sa.text(
                    "SELECT claim_id FROM sighting GROUP BY claim_id HAVING count(*) = 2 ORDER BY claim_id"
                )
            )
            .scalars()
            .first()
        )
    shown = json.loads(runner.invoke(app, ["show", str(claim_id), "--json", "--db", db]).stdout)
    assert len(shown["sightings"]) == 2 and shown["source"] in ("kcna",)
    text = runner.invoke(app, ["show", str(claim_id), "--db", db]).stdout
    assert "2 sighting(s) in 2 outlet(s); one origin: kcna" in text
    missing = runner.invoke(app, ["show", "99999", "--db", db])
    assert missing.exit_code == 3 and "no stored claim has id 99999" in missing.stderr


def test_follow_exits_3_and_names_the_feed_that_failed(tmp_path, registry):
    room = nr.Newsroom(
        tmp_path / "n.toml", (nr.Feed("down", f"http://127.0.0.1:{_closed_port()}/rss", "kcna"),), _fast()
    )
    nr.save(room)
    result = runner.invoke(
        app, ["follow", "--newsroom", str(room.path), "--db", f"sqlite:///{tmp_path / 'd.db'}"]
    )
    assert result.exit_code == 3
    assert result.stderr.startswith("claims: down: cannot connect to 127.0.0.1")


def test_following_works_the_same_on_sqlite_and_postgresql(tmp_path, server, registry, store_url):
    _desk(server)
    room = _room(tmp_path, server, registry)
    with Store.open(store_url) as store:
        _poll(store, room, registry)
        counts = FeedLedger(store).counts()
        with store.engine.connect() as conn:
            shared = conn.execute(
                sa.text(
                    "SELECT count(*) FROM (SELECT claim_id FROM sighting GROUP BY claim_id HAVING count(*) > 1) s"
                )
            ).scalar_one()
        assert counts["items"] == 5 and shared == 2  # the English and the Arabic relay
        server.pages["/tass/a1"] = Page(ships("four"))
        server.pages["/tass/rss"] = Page(
            rss(
                [
                    {
                        "title": "Exercise",
                        "link": server.url("/tass/a1"),
                        "guid": "tass-1",
                        "description": "four",
                    }
                ]
            ),
            "application/rss+xml",
        )
        [run] = [r for r in _poll(store, room, registry)[0] if r.name == "tass-en"]
        assert (run.changed, run.claims_added, run.claims_removed) == (1, 1, 1)
        assert store.search("four warships joint exercise Sea of Japan", limit=1)[0].text.startswith(
            "that four"
        )
        assert not any("three warships" in c.text for c in store.search("warships joint exercise", limit=10))


# -- reading the formats -------------------------------------------------------------------------------

RSS_091 = """<?xml version="1.0"?><rss version="0.91"><channel><title>Desk</title><link>http://127.0.0.1/</link>
<description>d</description><item><title>One</title><link>http://127.0.0.1/a/1</link></item></channel></rss>"""
RSS_10 = """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://127.0.0.1/"><title>Desk</title><link>http://127.0.0.1/</link><description>d</description></channel>
<item rdf:about="http://127.0.0.1/a/1"><title>One</title><link>http://127.0.0.1/a/1</link><dc:date>2024-12-05T08:00:00Z</dc:date></item>
</rdf:RDF>"""
JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Desk",
        "items": [
            {
                "id": "1",
                "url": "http://127.0.0.1/a/1",
                "title": "One",
                "date_published": "2024-12-05T08:00:00Z",
            }
        ],
    }
)
SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>http://127.0.0.1/a/1</loc><news:news><news:publication_date>2024-12-05T08:00:00+00:00</news:publication_date>
<news:title>One</news:title></news:news></url></urlset>"""


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (RSS_091, "application/rss+xml"),
        (RSS_10, "application/rdf+xml"),
        (
            rss([{"title": "One", "link": "http://127.0.0.1/a/1", "date": "Thu, 05 Dec 2024 08:00:00 GMT"}]),
            "text/xml",
        ),
        (atom([{"title": "One", "link": "http://127.0.0.1/a/1"}]), "application/atom+xml"),
        (JSON_FEED, "application/feed+json"),
        (SITEMAP, "application/xml"),
    ],
    ids=["rss-0.91", "rss-1.0", "rss-2.0", "atom", "json-feed", "news-sitemap"],
)
def test_every_feed_format_gives_its_items(body, content_type):
    from claims.feeds.parse import parse_feed

    [item] = parse_feed(body.encode(), "http://127.0.0.1/feed", content_type)
    assert (item.url, item.title) == ("http://127.0.0.1/a/1", "One")


@pytest.mark.parametrize(
    ("link", "canonical"),
    [
        ("HTTP://Example.ORG:80/a?utm_source=rss&id=3#top", "http://example.org/a?id=3"),
        ("/news/1", "http://127.0.0.1/news/1"),
        ("https://example.org", "https://example.org/"),
    ],
)
def test_links_to_one_article_have_one_canonical_url(link, canonical):
    from claims.feeds.parse import canonical_url

    assert canonical_url(link, "http://127.0.0.1/feed") == canonical


def test_a_sitemap_index_is_refused_with_what_to_do_instead():
    from claims.feeds.parse import FeedFormatError, parse_feed

    body = b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>x</loc></sitemap></sitemapindex>'
    with pytest.raises(FeedFormatError, match="add one of the sitemaps it lists"):
        parse_feed(body, "http://127.0.0.1/sitemap.xml")


def test_an_outlet_without_a_feed_is_followed_through_its_sitemap(tmp_path, server, registry, store):
    _desk(server)
    server.pages["/sitemap.xml"] = Page(
        SITEMAP.replace("http://127.0.0.1/a/1", server.url("/tass/a1")), "application/xml"
    )
    room = nr.Newsroom(
        tmp_path / "n.toml",
        (nr.Feed("tass-sitemap", server.url("/sitemap.xml"), "tass", kind="sitemap"),),
        _fast(),
    )
    [run], _ = _poll(store, room, registry)
    assert run.ok and run.new == 1 and run.claims_added == 2


def test_a_mirror_of_feeds_is_stored_once_relays_folded_and_a_second_poll_adds_nothing(
    tmp_path, server, registry, store
):
    """bench/feeds_ingest.py at a small scale (4 feeds of 5 articles, English and Arabic, two of the feeds
    relaying the other two); the 20 x 50 figures are in docs/benchmarks.md."""
    import importlib.util

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("bench_feeds_ingest", ROOT / "bench" / "feeds_ingest.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    room = nr.Newsroom(tmp_path / "n.toml", tuple(bench.build_mirror(server, 4, 5)), _fast())
    runs, _ = _poll(store, room, registry)
    assert [r.new for r in runs] == [5, 5, 5, 5] and all(r.ok and not r.skipped for r in runs)
    counts = FeedLedger(store).counts()
    with store.engine.connect() as conn:
        outlets = (
            conn.execute(
                sa.text(
                    "SELECT count(DISTINCT outlet_id) FROM sighting GROUP BY claim_id HAVING count(*) > 1"
                )
            )
            .scalars()
            .all()
        )
    assert counts["items"] == 20 and outlets == [2] * 10  # each relayed statement: one claim, two outlets
    runs, requests = _poll(store, room, registry)
    assert all(r.not_modified for r in runs) and [c for _, c in requests] == [True] * 4
    assert FeedLedger(store).counts() == counts


@pytest.mark.parametrize(
    ("first", "second", "folded"),
    [
        (
            "Rescue teams moved 120 people from district 7 after the river rose.",
            "Rescue teams moved 120 people from district 7 after the river rose on Monday.",
            True,
        ),
        (
            "Rescue teams moved 120 people from district 7 after the river rose.",
            "Rescue teams moved 120 people from district 12 after the river rose.",
            False,
        ),
        (
            "The ministry said that three warships took part in the exercise in the Sea of Japan.",
            "The ministry said that four warships took part in the exercise in the Sea of Japan.",
            False,
        ),
        (
            "نقلت فرق الإنقاذ 120 شخصا من الحي رقم 7 بعد ارتفاع النهر.",
            "نقلت فرق الإنقاذ 120 شخصا من الحي رقم 7 بعد ارتفاع منسوب النهر.",
            True,
        ),
        (
            "نقلت فرق الإنقاذ 120 شخصا من الحي رقم 7 بعد ارتفاع النهر.",
            "نقلت فرق الإنقاذ 150 شخصا من الحي رقم 7 بعد ارتفاع النهر.",
            False,
        ),
    ],
)
def test_only_a_copy_of_the_same_statement_is_folded(store, registry, first, second, folded):
    from claims.feeds.follow import same_statement
    from claims.store.sightings import ArticleClaim
    from claims.types import ClaimRecord

    ledger = FeedLedger(store)
    for n, text in enumerate((first, second)):
        record = ClaimRecord(text=text, source="tass", published="2024-12-05")
        ledger.store_article(
            feed="tass-en",
            outlet="tass",
            guid=None,
            url=f"http://127.0.0.1/{n}",
            fingerprint=str(n),
            published="2024-12-05",
            etag=None,
            last_modified=None,
            text=text,
            content_hash=str(n),
            language=None,
            claims=[ArticleClaim(record, 0, len(text), text)],
            registry=registry,
            vectors=False,
            same_statement=same_statement,
        )
    assert len(_claims(store)) == (1 if folded else 2)


def test_two_followers_sharing_a_database_fetch_each_article_once(tmp_path, server, registry, store_url):
    """Two `claims follow` processes on one database (here two threads, each with its own connection):
    each feed is polled by one of them, each article fetched once, even one listed in two feeds."""
    import threading

    _desk(server)
    for path in ("/kcna/a1", "/yonhap/a1", "/wafd/a1", "/ahram/a1", "/tass/a1"):
        server.pages[path].delay = 0.2  # so that the two overlap
    # Yonhap's feed also lists KCNA's article
    server.pages["/yonhap/atom"] = Page(
        atom(
            [
                {"title": "Spy satellite", "link": server.url("/yonhap/a1")},
                {"title": "KCNA", "link": server.url("/kcna/a1")},
            ]
        ),
        "application/atom+xml",
    )
    room = _room(tmp_path, server, registry)
    Store.open(store_url).close()  # the schema, before the two start
    results: list = []

    def worker() -> None:
        with Store.open(store_url) as s, Fetcher(room.settings) as fetcher:
            results.append(follow(s, room, registry, vectors=False, fetcher=fetcher))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    articles = [r.path for r in server.log if "/a1" in r.path]
    assert sorted(articles) == sorted(set(articles)) and len(articles) == 5
    runs = [r for rs in results for r in rs]
    assert sum(r.new for r in runs) == 5 and not any(r.error or r.failed for r in runs)
    with Store.open(store_url) as s, s.engine.connect() as conn:
        assert FeedLedger(s).counts()["items"] == 5
        shared = conn.execute(
            sa.text(
                "SELECT count(*) FROM (SELECT claim_id FROM sighting GROUP BY claim_id HAVING count(*) > 1) s"
            )
        ).scalar_one()
    assert shared == 2  # KCNA's statement and its Yonhap relay; the two Arabic copies


def test_follow_every_polls_until_stopped_and_says_so(tmp_path, server, registry, monkeypatch):
    import time as time_module

    _desk(server)
    room = _room(tmp_path, server, registry, names=("kcna",))
    pauses = []

    def stop(seconds):
        pauses.append(seconds)
        raise KeyboardInterrupt

    monkeypatch.setattr(time_module, "sleep", stop)
    db = f"sqlite:///{tmp_path / 'd.db'}"
    result = runner.invoke(
        app, ["follow", "--every", "15m", "--newsroom", str(room.path), "--db", db, "--no-vectors"]
    )
    assert result.exit_code == 0, result.output
    assert pauses == [900] and result.stdout.splitlines()[-1] == "stopped"
    status = runner.invoke(app, ["feeds", "status", "--newsroom", str(room.path), "--db", db])
    assert "kcna-en" in status.stdout and " ok " in status.stdout


def _entity_bomb(root: str) -> str:
    """An XML document whose entities expand a billion times (the "billion laughs")."""
    entities = "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, 10))
    return f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>{root}'


def test_a_feed_whose_entities_expand_a_billion_times_is_read_without_expanding_them():
    from claims.feeds.parse import FeedFormatError, parse_feed

    feed = _entity_bomb(
        '<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
        "<link>http://127.0.0.1/a</link></item></channel></rss>"
    )
    [item] = parse_feed(feed.encode(), "http://127.0.0.1/feed", "application/rss+xml")
    assert len(item.title) < 100
    sitemap = _entity_bomb(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://127.0.0.1/a</loc>'
        "<lastmod>&lol9;</lastmod></url></urlset>"
    )
    with pytest.raises(FeedFormatError, match="malformed sitemap XML"):
        parse_feed(sitemap.encode(), "http://127.0.0.1/sitemap.xml", kind="sitemap")


def test_a_compressed_answer_that_expands_past_the_limit_is_cut_off(tmp_path, server, registry, store):
    import gzip

    bomb = gzip.compress(b"<rss>" + b" " * 20_000_000)  # 20 MB in about 20 KB
    server.pages["/feed"] = Page(bomb, "application/rss+xml", headers={"Content-Encoding": "gzip"})
    room = nr.Newsroom(
        tmp_path / "n.toml", (nr.Feed("bomb", server.url("/feed"), "kcna"),), _fast(max_bytes=1_000_000)
    )
    [run], _ = _poll(store, room, registry)
    assert run.error == "too large (more than 1,000,000 bytes, the limit)"


# -- archives ------------------------------------------------------------------------------------------


def _warc(path, pages: list[tuple[str, str, bytes, str]]) -> None:
    """A gzipped WARC file of HTTP responses (url, status, body, content type)."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, status, body, kind in pages:
            headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers)
            )


def test_ingest_reads_a_warc_file_page_by_page_and_a_second_run_adds_nothing(tmp_path):
    path = tmp_path / "saved.warc.gz"
    _warc(
        path,
        [
            ("https://yonhap.example/a1", "200 OK", SATELLITE_YONHAP.encode(), "text/html; charset=utf-8"),
            ("https://yonhap.example/logo.png", "200 OK", b"\x89PNG\r\n", "image/png"),
            ("https://yonhap.example/gone", "404 Not Found", b"<html>gone</html>", "text/html"),
            ("https://yonhap.example/ar1", "200 OK", SATELLITE_AR.encode(), "text/html; charset=utf-8"),
        ],
    )
    db = f"sqlite:///{tmp_path / 'd.db'}"
    args = ["ingest", str(path), "--publisher", "yonhap", "--db", db, "--no-vectors"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "2 pages, 2 stored, 0 stored before" in first.stdout
    again = runner.invoke(app, args)
    assert "2 pages, 0 stored, 2 stored before; 0 claims added" in again.stdout
    with Store.open(db) as store:
        sightings = FeedLedger(store).counts()["sightings"]
        with store.engine.connect() as conn:
            urls = set(conn.execute(sa.text("SELECT article_url FROM sighting")).scalars())
    assert urls == {"https://yonhap.example/a1", "https://yonhap.example/ar1"} and sightings >= 3


def test_an_interrupted_warc_ingest_continues_where_it_stopped(tmp_path, registry, store, monkeypatch):
    from claims.feeds import archive
    from claims.store.sightings import FeedLedger as Ledger

    path = tmp_path / "saved.warc.gz"
    _warc(
        path,
        [
            ("https://yonhap.example/a1", "200 OK", SATELLITE_YONHAP.encode(), "text/html"),
            ("https://yonhap.example/ar1", "200 OK", SATELLITE_AR.encode(), "text/html"),
        ],
    )
    real = Ledger.store_article
    calls = []

    def dies_on_the_second(self, **kw):
        calls.append(kw["url"])
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, **kw)

    monkeypatch.setattr(Ledger, "store_article", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        archive.ingest_warc(store, str(path), registry, publisher="yonhap", vectors=False)
    monkeypatch.undo()
    run = archive.ingest_warc(store, str(path), registry, publisher="yonhap", vectors=False)
    assert (run.pages, run.stored, run.already) == (2, 1, 1)


def test_a_file_that_is_not_a_warc_is_refused_with_one_line(tmp_path):
    path = tmp_path / "notes.warc"
    path.write_text("these are my notes, not an archive\n", encoding="utf-8")
    result = runner.invoke(
        app, ["ingest", str(path), "--publisher", "yonhap", "--db", f"sqlite:///{tmp_path / 'd.db'}"]
    )
    assert result.exit_code == 3 and result.stderr.startswith(f"claims: {path}: not a WARC file")


def test_show_gives_a_claims_relations_and_a_verdict_that_counts_its_origin_once(tmp_path, server, registry):
    _desk(server)
    room = _room(tmp_path, server, registry)
    db = f"sqlite:///{tmp_path / 'desk.db'}"
    assert (
        runner.invoke(app, ["follow", "--newsroom", str(room.path), "--db", db, "--no-vectors"]).exit_code
        == 0
    )
    add = runner.invoke(
        app,
        [
            "add",
            "Japan's defence ministry said the country had placed a new reconnaissance satellite into orbit "
            "from its western coast",
            "--source",
            "japan-mod",
            "--published",
            "2024-12-05",
            "--db",
            db,
        ],
    )
    assert add.exit_code == 0, add.output
    with Store.open(db) as store, store.engine.connect() as conn:
        kcna = conn.execute(
            sa.text(
                "SELECT id FROM claim WHERE source_id = 'kcna' AND text LIKE '%reconnaissance satellite%'"
            )
        ).scalar_one()
    shown = json.loads(runner.invoke(app, ["show", str(kcna), "--json", "--db", db]).stdout)
    assert [r["source"] for r in shown["relations"] if r["relation"] == "supports"] == ["japan-mod"]
    assert shown["verdict"]["label"] == "corroborated"
    assert "confirmed by 1 independent source" in shown["verdict"]["reason"]
