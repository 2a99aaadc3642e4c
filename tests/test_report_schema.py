"""Every report the checker makes validates against the published JSON Schema (docs/report.schema.json)."""

import json

import pytest

from claims.checker import check_text
from claims.report.json import report_dict
from claims.types import InputText

from .conftest import EXAMPLES, ROOT

jsonschema = pytest.importorskip("jsonschema")
SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA)


TEXTS = {
    "founding": (EXAMPLES / "ar-russia-dprk-treaty.txt").read_text(encoding="utf-8"),
    "english": (EXAMPLES / "en-dprk-troops-wire.txt").read_text(encoding="utf-8"),
    "empty": "",
    "hostile": 'قال المتحدث إن <script>alert(1)</script>.\n"[bold]x[/bold]," officials said.\n',
}


@pytest.mark.parametrize("name", TEXTS)
def test_report_validates_without_a_database(name, validator, registry):
    report = check_text(InputText(TEXTS[name], f"{name}.txt", "utf-8", "txt"), registry)
    validator.validate(report_dict(report, registry))


def test_report_validates_with_evidence_and_decisions(validator, registry, tmp_path):
    from claims.decisions import decisions_for_report, record_decision
    from claims.match.matcher import StoreMatcher
    from claims.store.db import Store
    from claims.store.importers import read_records

    with Store.open(f"sqlite:///{tmp_path / 'c.db'}") as store:
        store.add_claims(read_records(EXAMPLES / "demo-claims.jsonl", registry), registry)
        report = check_text(
            InputText(TEXTS["founding"], "a.txt", "utf-8", "txt"), registry, StoreMatcher(store, registry)
        )
        record_decision(
            store, report.claims[1].claim.span.text, "corroborated", "TASS and KCNA report it", "desk"
        )
        data = report_dict(report, registry, decisions_for_report(store, report))
    assert any(c["evidence"] for c in data["claims"])
    validator.validate(data)
