"""docs/api.md and docs/openapi.json against the app (claims/serve.py), so the API docs cannot drift.

- docs/openapi.json must be what the app generates. After an intended API change, regenerate it with:
  CLAIMS_UPDATE_GOLDEN=1 python -m pytest tests/test_api_docs.py
- Every ```http request block in docs/api.md is sent, in order, to one app with the demo claims imported
  and the token `example-token`; the ```http response block right after it is what must come back: the
  status, each header shown, and each field of the JSON body shown. In the body, a list ending in "…" may
  go on, a string "…" stands for any value and a string ending in "…" for any text that starts so; a field
  left out is not compared. Multipart bodies are sent with CRLF line ends, as the format requires.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import warnings
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import EXAMPLES, ROOT

pytest.importorskip("fastapi")
if not (importlib.util.find_spec("python_multipart") or importlib.util.find_spec("multipart")):
    pytest.skip("python-multipart is not installed (pip install -e '.[server]')", allow_module_level=True)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from claims.serve import create_app  # noqa: E402
from claims.store.db import Store  # noqa: E402
from claims.store.importers import read_records  # noqa: E402

API_DOC = ROOT / "docs" / "api.md"
OPENAPI = ROOT / "docs" / "openapi.json"
TOKEN = "example-token"
_HTTP_BLOCK = re.compile(r"```http\n(.*?)```", re.S)
_ANY = "…"


@dataclass(frozen=True)
class Exchange:
    request: str
    response: str
    line: int


def exchanges() -> list[Exchange]:
    """Request blocks, each with the response block that follows it."""
    text = API_DOC.read_text(encoding="utf-8")
    found = [(m.group(1), text.count("\n", 0, m.start()) + 1) for m in _HTTP_BLOCK.finditer(text)]
    pairs = []
    for (request, line), (response, _) in zip(found[::2], found[1::2], strict=False):
        pairs.append(Exchange(request, response, line))
    return pairs


def _parse(block: str) -> tuple[str, dict[str, str], str]:
    head, _, body = block.partition("\n\n")
    first, *header_lines = head.splitlines()
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    return first, headers, body


def matches(shown: Any, got: Any) -> bool:
    """Whether ``got`` has every field ``shown`` has, with the same values (see the module doc)."""
    if shown == _ANY:
        return True
    if isinstance(shown, str) and shown.endswith(_ANY) and isinstance(got, str):
        return got.startswith(shown[: -len(_ANY)])
    if isinstance(shown, dict):
        return isinstance(got, dict) and all(k in got and matches(v, got[k]) for k, v in shown.items())
    if isinstance(shown, list):
        if not isinstance(got, list):
            return False
        if shown and shown[-1] == _ANY:
            shown = shown[:-1]
            got = got[: len(shown)]
        return len(shown) == len(got) and all(matches(s, g) for s, g in zip(shown, got, strict=True))
    return shown == got and type(shown) is type(got)


@pytest.mark.parametrize(
    ("shown", "got", "expected"),
    [
        ({"a": 1}, {"a": 1, "b": 2}, True),
        ({"a": 1}, {"a": 2}, False),
        ({"a": [1, "…"]}, {"a": [1, 2, 3]}, True),
        ({"a": [1]}, {"a": [1, 2]}, False),
        ({"t": "confirmed by …"}, {"t": "confirmed by 1 independent source"}, True),
        ({"t": "…"}, {"t": None}, True),
        ({"x": 1}, {"x": True}, False),
    ],
)
def test_api_docs_partial_comparison(shown, got, expected):
    assert matches(shown, got) is expected


def interface(spec: dict) -> dict:
    """What an integrator relies on in an OpenAPI document: each operation's parameters, body, statuses and
    the fields of each schema. Left out: what the generator words or lays out its own way (titles,
    descriptions, how nullable types are spelled), which changes with the FastAPI and pydantic releases."""
    operations = {}
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            params = sorted((p["name"], p["in"], p.get("required", False)) for p in op.get("parameters", []))
            body = sorted(op.get("requestBody", {}).get("content", {}))
            operations[f"{method.upper()} {path}"] = (params, body, sorted(op.get("responses", {})))
    schemas = {
        name: (sorted(schema.get("properties", {})), sorted(schema.get("required", [])))
        for name, schema in spec.get("components", {}).get("schemas", {}).items()
    }
    return {"operations": operations, "schemas": schemas}


def test_api_docs_openapi_document_is_current():
    with TestClient(create_app(db_url=None, token=None)) as client:
        generated = client.get("/openapi.json").json()
    text = json.dumps(generated, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("CLAIMS_UPDATE_GOLDEN"):
        OPENAPI.write_text(text, encoding="utf-8")
    committed = json.loads(OPENAPI.read_text(encoding="utf-8"))
    assert interface(committed) == interface(generated), (
        "docs/openapi.json is not what the app generates; after an intended API change regenerate it: "
        "CLAIMS_UPDATE_GOLDEN=1 python -m pytest tests/test_api_docs.py"
    )
    assert interface(generated)["operations"] and interface(generated)["schemas"]


def test_api_docs_show_every_endpoint():
    spec = json.loads(OPENAPI.read_text(encoding="utf-8"))
    endpoints = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    shown = set()
    for exchange in exchanges():
        first, _, _ = _parse(exchange.request)
        method, target, _ = first.split(" ", 2)
        shown.add((method, target.split("?")[0]))
    assert endpoints <= shown, f"endpoints without an example in docs/api.md: {sorted(endpoints - shown)}"
    text = API_DOC.read_text(encoding="utf-8")
    assert len(_HTTP_BLOCK.findall(text)) == 2 * len(exchanges()), "an http block without its pair"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from claims.registry import Registry

    registry = Registry.load()
    url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'claims.db'}"
    with Store.open(url) as store:
        store.add_claims(read_records(EXAMPLES / "demo-claims.jsonl", registry), registry)
    with TestClient(create_app(db_url=url, token=TOKEN)) as c:
        yield c


def test_api_docs_examples_replay(client):
    assert exchanges(), "docs/api.md has no examples"
    for exchange in exchanges():
        first, headers, body = _parse(exchange.request)
        method, target, _ = first.split(" ", 2)
        if headers.get("Content-Type", "").startswith("multipart/"):
            body = body.replace("\n", "\r\n")
        got = client.request(method, target, headers=headers, content=body.encode("utf-8"))
        status_line, want_headers, want_body = _parse(exchange.response)
        where = f"docs/api.md:{exchange.line}: {first}"
        shown = json.dumps(got.json(), ensure_ascii=False, indent=2)
        assert got.status_code == int(status_line.split()[1]), f"{where}\n{shown}"
        for name, value in want_headers.items():
            assert got.headers.get(name) == value, f"{where}: header {name}: {got.headers.get(name)!r}"
        if want_body.strip():
            assert matches(json.loads(want_body), got.json()), f"{where}: the response is\n{shown}"
