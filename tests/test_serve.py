"""The HTTP API (claims/serve.py): every endpoint through TestClient, and once through a real uvicorn."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import threading
import time
import typing
import urllib.error
import urllib.request
import warnings

import pytest

pytest.importorskip("fastapi")
# python-multipart (imported as python_multipart, or multipart before 0.0.13) reads /v1/check uploads
if not (importlib.util.find_spec("python_multipart") or importlib.util.find_spec("multipart")):
    pytest.skip("python-multipart is not installed (pip install -e '.[server]')", allow_module_level=True)

with warnings.catch_warnings():  # newer Starlette prefers httpx2 for its TestClient; httpx still works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from typer.testing import CliRunner  # noqa: E402

from claims.checker import check_text  # noqa: E402
from claims.cli import app as cli_app  # noqa: E402
from claims.decisions import decisions_for_report, record_decision  # noqa: E402
from claims.errors import UsageError  # noqa: E402
from claims.match.matcher import StoreMatcher  # noqa: E402
from claims.report.json import report_dict  # noqa: E402
from claims.serve import LARGE_CHECK_BYTES, DecisionIn, create_app  # noqa: E402
from claims.store.db import Store  # noqa: E402
from claims.store.importers import read_records  # noqa: E402
from claims.text.read import read_input  # noqa: E402
from claims.types import VERDICTS  # noqa: E402

from .conftest import EXAMPLES  # noqa: E402

FOUNDING = str(EXAMPLES / "ar-russia-dprk-treaty.txt")
TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
KCNA_SAID = "قالت وكالة الأنباء المركزية الكورية إن المعاهدة دخلت حيز التنفيذ."


@pytest.fixture
def db_url(store_url, registry):
    url = store_url
    with Store.open(url) as store:
        store.add_claims(read_records(EXAMPLES / "demo-claims.jsonl", registry), registry)
    return url


@pytest.fixture
def client(db_url):
    with TestClient(create_app(db_url=db_url, token=TOKEN)) as c:
        yield c


def _client(**kwargs: typing.Any) -> TestClient:
    return TestClient(create_app(**kwargs))


def _stored(client: TestClient, text: str) -> bool:
    found = client.get("/v1/claims", params={"q": text, "limit": 5}).json()["claims"]
    return any(c["text"] == text for c in found)


# -- /health, docs, errors --------------------------------------------------------------------------


def test_serve_health(client):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "version": r.json()["version"], "database": "ok", "writes": True}


def test_serve_openapi_docs_describe_every_endpoint_and_the_bearer_token(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/v1/check", "/v1/claims", "/v1/sources", "/v1/decisions", "/health"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    check_body = spec["paths"]["/v1/check"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(check_body)
    assert "security" in spec["paths"]["/v1/decisions"]["post"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", "/nope", 404), ("get", "/v1/check", 405), ("delete", "/v1/claims", 405)],
)
def test_serve_errors_are_json(client, method, path, status):
    r = client.request(method.upper(), path)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    assert isinstance(r.json()["error"], str)


def test_serve_database_error_is_503_and_does_not_show_where_the_database_is(client, db_url, monkeypatch):
    from claims.errors import DatabaseError

    def broken(*_args: typing.Any) -> None:
        raise DatabaseError(f"{db_url}: the database is locked by another process; try again")

    monkeypatch.setattr(client.app.state.service, "search", broken)
    r = client.get("/v1/claims", params={"q": "treaty"})
    assert r.status_code == 503
    assert r.json() == {"error": "the database is locked by another process; try again"}


def test_serve_refuses_an_empty_token():
    with pytest.raises(UsageError, match="token is empty"):
        create_app(db_url=None, token="  ")


# -- /v1/check --------------------------------------------------------------------------------------


def test_serve_check_without_a_database_is_what_the_cli_prints(founding_text):
    # No --db and no default database: both check without a store ("no database yet").
    cli = CliRunner().invoke(cli_app, ["check", FOUNDING, "--format", "json"])
    assert cli.exit_code == 0, cli.output
    with _client(db_url=None, token=None) as c:
        assert c.get("/health").json()["database"] == "none"
        r = c.post("/v1/check", json={"text": founding_text, "path": FOUNDING})
    assert r.status_code == 200
    assert r.json() == json.loads(cli.stdout)


def test_serve_check_with_a_store_is_the_library_report_with_decisions(
    client, db_url, registry, founding_text
):
    source = read_input(FOUNDING)
    with Store.open(db_url) as store:
        c2 = check_text(source, registry).claims[1].claim.span.text
        record_decision(store, c2, "corroborated", "TASS and KCNA report the exchange of instruments", "desk")
        report = check_text(source, registry, StoreMatcher(store, registry))
        expected = report_dict(report, registry, decisions_for_report(store, report))
    r = client.post("/v1/check", json={"text": founding_text, "path": FOUNDING})
    assert r.status_code == 200
    got = r.json()
    assert got == expected
    decided = [c for c in got["claims"] if c["decision"] is not None]
    assert [c["id"] for c in decided] == ["c2"]
    assert decided[0]["decision"]["verdict"] == "corroborated"
    assert decided[0]["decision"]["editor"] == "desk"


def test_serve_check_multipart_upload(client):
    page = b"<html><body><article><p>Reuters said the talks in Geneva failed on Monday.</p></article></body></html>"
    r = client.post("/v1/check", files={"file": ("dir/story.html", page, "text/html")})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["document"]["path"] == "story.html"
    assert report["claims"][0]["source"]["id"] == "reuters"
    r = client.post("/v1/check", files={"other": ("a.txt", b"x")})
    assert r.status_code == 400
    assert "file" in r.json()["error"]


def test_serve_check_as_of_from_the_query_or_the_body(client):
    for kwargs in ({"params": {"as_of": "2024-12-01"}}, {"json_extra": {"as_of": "2024-12-01"}}):
        body = {"text": KCNA_SAID, **kwargs.get("json_extra", {})}
        r = client.post("/v1/check", json=body, params=kwargs.get("params"))
        assert r.status_code == 200
        assert all(e["published"] <= "2024-12-01" for c in r.json()["claims"] for e in c["evidence"])
    r = client.post("/v1/check", json={"text": KCNA_SAID, "as_of": "5/12/2024"})
    assert r.status_code == 422
    assert "as_of" in r.json()["error"]


@pytest.mark.parametrize(
    ("kwargs", "status", "says"),
    [
        ({"json": {"text": "a\x00b"}}, 400, "NUL"),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "not valid JSON"),
        ({"json": {"path": "a.txt"}}, 422, "text"),
        ({"json": {"text": "x", "unknown": 1}}, 422, "unknown"),
        ({"json": ["text"]}, 422, "body"),
        ({"content": b"Reuters said so.", "headers": {"content-type": "text/plain"}}, 415, "JSON"),
    ],
)
def test_serve_check_bad_input(client, kwargs, status, says):
    r = client.post("/v1/check", **kwargs)
    assert r.status_code == status
    assert says in r.json()["error"]


def test_serve_check_hostile_text_comes_back_as_plain_json(client):
    hostile = (
        'Reuters said "</script><script>alert(1)</script>" was posted.\n'
        'قالت وكالة الأنباء المركزية الكورية إن {"error": 1} \u202egnp.exe <img src=x onerror=alert(1)>.\n'
    )
    r = client.post("/v1/check", json={"text": hostile, "path": "/etc/passwd"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-content-type-options"] == "nosniff"
    report = r.json()
    assert report["document"]["path"] == "/etc/passwd"  # a label only: the server never reads it
    assert "root:" not in r.text
    assert report["claims"], report
    for item in report["claims"] + report["skipped"]:
        assert hostile[item["start"] : item["end"]] == item["text"]
    assert any("</script><script>alert(1)</script>" in c["text"] for c in report["claims"])


# -- request size -----------------------------------------------------------------------------------


def test_serve_oversize_body_is_413_before_parsing(db_url):
    with _client(db_url=db_url, token=TOKEN, max_body=1_000) as c:
        big = {"text": "Reuters said so. " * 100}
        r = c.post("/v1/check", json=big)
        assert r.status_code == 413
        assert "1,000 bytes" in r.json()["error"]
        # no Content-Length (chunked): counted as it arrives
        r = c.post(
            "/v1/check",
            content=iter([b'{"text": "', b"x" * 600, b"y" * 600, b'"}']),
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 413
        # an upload, and a write before its token is looked at
        assert c.post("/v1/check", files={"file": ("a.txt", b"x" * 2_000)}).status_code == 413
        assert c.post("/v1/claims", content=b"[" + b" " * 2_000 + b"]").status_code == 413
        # under the limit, chunked: passes
        r = c.post(
            "/v1/check",
            content=iter([b'{"text": "Reuters said ', b'the talks failed."}']),
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 200
        assert r.json()["claims"][0]["source"]["id"] == "reuters"


# -- /v1/claims, /v1/sources ------------------------------------------------------------------------


def test_serve_search_claims(client):
    r = client.get("/v1/claims", params={"q": "معاهدة الشراكة الاستراتيجية الشاملة", "limit": 3})
    assert r.status_code == 200
    found = r.json()["claims"]
    assert 0 < len(found) <= 3
    assert set(found[0]) == {
        "id", "text", "language", "source", "published", "url", "publisher", "via", "rating", "hedged", "score",
    }  # fmt: skip
    assert isinstance(found[0]["via"], list)
    assert client.get("/v1/claims").status_code == 422
    assert client.get("/v1/claims", params={"q": "x", "limit": 0}).status_code == 422
    assert client.get("/v1/claims", params={"q": "x", "as_of": "yesterday"}).status_code == 422


def test_serve_sources(client):
    r = client.get("/v1/sources", params={"q": "وكالة الأنباء المركزية الكورية"})
    assert r.status_code == 200
    assert r.json()["sources"][0]["id"] == "kcna"
    assert len(client.get("/v1/sources", params={"limit": 5}).json()["sources"]) == 5


RECORD = {"text": "Pyongyang and Moscow exchanged ratification instruments.", "source": "yonhap",
          "published": "2024-12-04", "via": ["reuters"]}  # fmt: skip


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong-token"}, 401),
        ({"Authorization": f"Basic {TOKEN}"}, 401),
        ({"Authorization": "Bearer"}, 401),
        ({"Authorization": "Bearer tést".encode("latin-1")}, 401),
    ],
)
def test_serve_writes_need_the_token(client, headers, status):
    for path, body in (("/v1/claims", [RECORD]), ("/v1/decisions", {"text": "x", "verdict": "disputed"})):
        r = client.post(path, json=body, headers=headers)
        assert r.status_code == status, (path, r.text)
        assert "token" in r.json()["error"].lower() or "Bearer" in r.json()["error"]
    assert not _stored(client, RECORD["text"])


# Bodies that are JSON but not claims: the same checks as `claims import` (claims.store.validate), never a 500.
_DEEP = b"[" * 100_000 + b"]" * 100_000
_BAD_BODIES = [
    (
        "/v1/claims",
        b'[{"text": "Missiles \\ud800 were fired.", "source": "yonhap"}]',
        422,
        "not valid Unicode",
    ),
    ("/v1/claims", b'[{"text": "Troops crossed.", "source": "yonhap", "via": "tass"}]', 422, "not a list"),
    ("/v1/claims", b'[{"text": "\\u200b \\u2060\\ufeff", "source": "yonhap"}]', 422, "claim text is empty"),
    ("/v1/claims", _DEEP, 400, "nested too deeply"),
    ("/v1/check", b'{"text": "Kim said \\udc80 the treaty took effect."}', 422, "not valid Unicode"),
    ("/v1/check", b'{"text": ' + _DEEP + b"}", 400, "nested too deeply"),
    (
        "/v1/decisions",
        b'{"text": "Troops crossed.", "verdict": "disputed", "note": "Seoul \\ud800 denies it"}',
        422,
        "body.note",
    ),
]


@pytest.mark.parametrize(("path", "body", "status", "message"), _BAD_BODIES)
def test_serve_bodies_that_are_not_text_are_refused_not_500(client, path, body, status, message):
    headers = {**AUTH, "content-type": "application/json"}
    r = client.post(path, content=body, headers=headers)
    assert r.status_code == status, r.text
    assert message in r.json()["error"]
    assert r.json()["error"].startswith(("the body", "body.note")) or "claims#1" in r.json()["error"]


def test_serve_writes_are_refused_when_no_token_is_configured(db_url):
    with _client(db_url=db_url, token=None) as c:
        assert c.get("/health").json()["writes"] is False
        for path in ("/v1/claims", "/v1/decisions"):
            r = c.post(path, json=[RECORD], headers=AUTH)
            assert r.status_code == 403
            assert "without an API token" in r.json()["error"]


def test_serve_add_claims(client):
    r = client.post("/v1/claims", json=[RECORD], headers=AUTH)
    assert r.status_code == 200
    assert r.json() == {"added": 1, "skipped": 0, "created_sources": []}
    assert client.post("/v1/claims", json=[RECORD], headers=AUTH).json()["skipped"] == 1
    found = client.get("/v1/claims", params={"q": RECORD["text"], "limit": 1}).json()["claims"]
    assert found[0]["text"] == RECORD["text"]
    assert found[0]["via"] == ["reuters"]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ([RECORD, {**RECORD, "text": "Another.", "published": "5/12/2024"}], "claims#2: published"),
        ([{**RECORD, "text": "A third.", "source": "no-such-source"}], "?create_sources=true"),
        ({"text": "not a list"}, "JSON array"),
        ([RECORD, "not an object"], "JSON array"),
    ],
)
def test_serve_add_claims_bad_records_store_nothing(client, body, says):
    r = client.post("/v1/claims", json=body, headers=AUTH)
    assert r.status_code == 422
    assert says in r.json()["error"]
    assert not _stored(client, RECORD["text"])


def test_serve_add_claims_creates_the_default_store(tmp_path):
    with _client(db_url=None, token=TOKEN) as c:
        assert c.get("/v1/claims", params={"q": "ratification"}).json() == {"claims": []}
        assert c.post("/v1/claims", json=[RECORD], headers=AUTH).json()["added"] == 1
        assert c.get("/health").json()["database"] == "ok"
        assert c.get("/v1/claims", params={"q": "ratification"}).json()["claims"][0]["source"] == "yonhap"


# -- /v1/decisions ----------------------------------------------------------------------------------


def test_serve_decision_literal_is_the_verdicts():
    assert typing.get_args(DecisionIn.model_fields["verdict"].annotation) == VERDICTS


def test_serve_decisions_show_in_later_checks(client):
    body = {"text": KCNA_SAID, "verdict": "disputed", "note": "Yonhap: not yet in force", "editor": "lh"}
    r = client.post("/v1/decisions", json=body, headers=AUTH)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["verdict"] == "disputed" and made["note"] == body["note"] and made["editor"] == "lh"
    assert len(made["text_hash"]) == 32
    claim = client.post("/v1/check", json={"text": KCNA_SAID}).json()["claims"][0]
    assert claim["decision"] == {
        "verdict": "disputed",
        "note": body["note"],
        "editor": "lh",
        "at": made["at"],
    }
    assert claim["verdict"] in VERDICTS  # the automatic verdict is still there, beside it


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": KCNA_SAID, "verdict": "false", "note": "n"}, 422),
        ({"text": KCNA_SAID, "verdict": "disputed", "note": ""}, 422),
        ({"text": KCNA_SAID, "verdict": "disputed"}, 422),
        ({"text": "", "verdict": "disputed", "note": "n"}, 422),
        ({"text": KCNA_SAID, "verdict": "disputed", "note": "n", "claim_id": 999_999}, 422),
    ],
)
def test_serve_decisions_bad_input(client, body, status):
    r = client.post("/v1/decisions", json=body, headers=AUTH)
    assert r.status_code == status
    assert r.json()["error"]


# -- a real server ----------------------------------------------------------------------------------


def test_serve_real_uvicorn_on_loopback(db_url):
    uvicorn = pytest.importorskip("uvicorn")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(db_url=db_url, token=TOKEN), log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/health", timeout=10) as response:
            assert json.load(response)["status"] == "ok"
        request = urllib.request.Request(
            f"{base}/v1/check",
            data=json.dumps({"text": KCNA_SAID}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert json.load(response)["claims"][0]["source"]["id"] == "kcna"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(
                urllib.request.Request(f"{base}/v1/claims", data=b"[]", method="POST"), timeout=10
            )
        assert refused.value.code == 401
        assert "Bearer" in json.load(refused.value)["error"]
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
    assert not thread.is_alive()


# -- checks run in worker processes, with limits ------------------------------------------------------
# A scripted worker (tests/serve_workers.py) takes the real check's place: a job whose path is "wait"
# announces itself and waits for the test to open a gate, so a test knows a check is in flight.


def _scripted(db_url: str, folder: typing.Any, **limits: typing.Any) -> typing.Any:
    from claims.pool import WorkerPool

    from .serve_workers import ScriptedCheck

    app = create_app(db_url=db_url, token=TOKEN)
    settings = {"workers": 1, "queue": 0, "timeout": 120.0, "memory_mb": 0, **limits}
    app.state.service.checks = WorkerPool(ScriptedCheck(str(folder)), **settings)
    return app


def _wait_for(predicate: typing.Callable[[], typing.Any], what: str) -> None:
    deadline = time.monotonic() + 60
    while not predicate():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.02)


def _post_in_background(
    c: TestClient, path: str, results: list[typing.Any], text: str = KCNA_SAID
) -> threading.Thread:
    thread = threading.Thread(
        target=lambda: results.append(c.post("/v1/check", json={"text": text, "path": path})),
        daemon=True,
    )
    thread.start()
    return thread


def _started(folder: typing.Any) -> list[int]:
    return [int(p.name.removeprefix("started-")) for p in folder.glob("started-*")]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_reads_answer_while_a_check_is_running(db_url, tmp_path):
    with TestClient(_scripted(db_url, tmp_path, workers=1)) as c:
        results: list[typing.Any] = []
        check = _post_in_background(c, "wait", results)
        _wait_for(lambda: _started(tmp_path), "the check to start")
        assert c.get("/health").json()["status"] == "ok"
        assert c.get("/v1/claims", params={"q": "معاهدة الشراكة"}).json()["claims"]
        assert c.get("/v1/sources", params={"q": "kcna"}).status_code == 200
        assert check.is_alive() and not results  # the check is still running
        (tmp_path / "open").touch()
        check.join(60)
    assert results[0].status_code == 200
    assert results[0].json()["path"] == "wait"
    assert results[0].json()["pid"] != os.getpid()  # it ran in a worker process


def test_serve_checks_run_at_once_up_to_the_worker_count(db_url, tmp_path):
    with TestClient(_scripted(db_url, tmp_path, workers=2)) as c:
        results: list[typing.Any] = []
        checks = [_post_in_background(c, "wait", results) for _ in range(2)]
        _wait_for(lambda: len(_started(tmp_path)) == 2, "both checks to start in two workers")
        (tmp_path / "open").touch()
        for check in checks:
            check.join(60)
    assert [r.status_code for r in results] == [200, 200]
    assert len({r.json()["pid"] for r in results}) == 2


def test_serve_large_checks_leave_a_worker_for_small_ones(db_url, tmp_path):
    article = "\n\n".join([KCNA_SAID] * (LARGE_CHECK_BYTES // len(KCNA_SAID.encode("utf-8")) + 1))
    with TestClient(_scripted(db_url, tmp_path, workers=2, queue=2)) as c:
        pool = c.app.state.service.checks
        results: list[typing.Any] = []
        first = _post_in_background(c, "wait", results, article)
        _wait_for(lambda: _started(tmp_path), "the first large check to start")
        second = _post_in_background(c, "wait", results, article)
        _wait_for(lambda: pool.waiting == 1, "the second large check to queue")
        small = c.post("/v1/check", json={"text": KCNA_SAID})
        assert small.status_code == 200  # on the worker the large checks leave free
        assert pool.waiting == 1 and not results
        (tmp_path / "open").touch()
        first.join(60)
        second.join(60)
    assert [r.status_code for r in results] == [200, 200]


def test_serve_a_full_queue_is_503_with_retry_after(db_url, tmp_path):
    with TestClient(_scripted(db_url, tmp_path, workers=1, queue=1)) as c:
        pool = c.app.state.service.checks
        results: list[typing.Any] = []
        running = _post_in_background(c, "wait", results)
        _wait_for(lambda: _started(tmp_path), "the first check to start")
        waiting = _post_in_background(c, "wait", results)
        _wait_for(lambda: pool.waiting == 1, "the second check to queue")
        refused = c.post("/v1/check", json={"text": KCNA_SAID})
        assert refused.status_code == 503
        assert int(refused.headers["retry-after"]) >= 1
        assert "busy" in refused.json()["error"] and "--queue" in refused.json()["error"]
        assert c.get("/health").status_code == 200
        (tmp_path / "open").touch()
        running.join(60)
        waiting.join(60)
    assert [r.status_code for r in results] == [200, 200]


def test_serve_a_check_over_the_time_limit_is_504_and_its_worker_is_stopped(db_url, tmp_path):
    with TestClient(_scripted(db_url, tmp_path, timeout=1.0)) as c:
        r = c.post("/v1/check", json={"text": KCNA_SAID, "path": "wait"})  # the gate stays shut
        assert r.status_code == 504
        assert "--check-timeout" in r.json()["error"]
        [stopped] = _started(tmp_path)
        _wait_for(lambda: not _alive(stopped), "the timed-out worker to exit")
        r = c.post("/v1/check", json={"text": KCNA_SAID})
        assert r.status_code == 200
        assert r.json()["pid"] != stopped  # a new worker took its place


def test_serve_a_check_over_the_memory_limit_is_413_and_its_worker_is_replaced(db_url, tmp_path):
    with TestClient(_scripted(db_url, tmp_path, memory_mb=1024)) as c:
        first = c.post("/v1/check", json={"text": KCNA_SAID}).json()["pid"]
        r = c.post("/v1/check", json={"text": KCNA_SAID, "path": "greedy"})
        assert r.status_code == 413
        assert "--worker-memory" in r.json()["error"]
        second = c.post("/v1/check", json={"text": KCNA_SAID}).json()["pid"]
        assert second != first
        # a worker left holding more than half its limit after a check is replaced too
        assert c.post("/v1/check", json={"text": KCNA_SAID, "path": "hoard"}).json()["pid"] == second
        assert c.post("/v1/check", json={"text": KCNA_SAID}).json()["pid"] != second


@pytest.mark.parametrize(
    ("limits", "says"),
    [
        ({"workers": 0}, "workers must be at least 1"),
        ({"queue": -1}, "the queue 0 or more"),
        ({"check_timeout": 0}, "timeout above 0"),
        ({"worker_memory": -1}, "at least 512 MB"),
        ({"worker_memory": 50}, "at least 512 MB"),
    ],
)
def test_serve_refuses_impossible_limits(limits, says):
    with pytest.raises(UsageError, match=says):
        create_app(db_url=None, token=None, **limits)


# -- malformed HTTP, on a real server ---------------------------------------------------------------


@pytest.mark.parametrize(
    "request_head",
    [
        b"POST /v1/check HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n",
        b"POST /v1/check HTTP/1.1\r\nHost: localhost\r\nContent-Length: ten\r\n\r\n",
        b"GET /health HTTP/1.1\r\nHost: localhost\r\nno colon in this header\r\n\r\n",
    ],
)
def test_serve_malformed_http_gets_the_json_error(db_url, request_head):
    uvicorn = pytest.importorskip("uvicorn")
    from claims.serve_http import uvicorn_config

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn_config(create_app(db_url=db_url, token=TOKEN, workers=1), "127.0.0.1", port)
    config.log_level = "critical"
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        _wait_for(lambda: server.started or not thread.is_alive(), "uvicorn to start")
        assert server.started
        with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
            raw.sendall(request_head + b"{}")
            answer = b""
            while chunk := raw.recv(65536):
                answer += chunk
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"content-type: application/json" in head.lower()
    assert "not valid HTTP" in json.loads(body)["error"]
