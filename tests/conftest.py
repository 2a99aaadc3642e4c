from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """No test touches the user's real data directory or sources file."""
    home = tmp_path_factory.mktemp("claims-home")
    monkeypatch.setenv("CLAIMS_HOME", str(home))
    monkeypatch.delenv("CLAIMS_DB", raising=False)
    monkeypatch.delenv("CLAIMS_SOURCES", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(scope="session")
def founding_text() -> str:
    return (EXAMPLES / "ar-russia-dprk-treaty.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def registry():
    from claims.attribution.registry import Registry

    return Registry.load()


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/data/{'/'.join(parts)} is not present")
    return path
