from __future__ import annotations

import os
import uuid
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
    monkeypatch.delenv("CLAIMS_LANG_PATH", raising=False)
    monkeypatch.delenv("CLAIMS_NEWSROOM", raising=False)


@pytest.fixture(scope="session")
def founding_text() -> str:
    return (EXAMPLES / "ar-russia-dprk-treaty.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def registry():
    from claims.registry import Registry

    return Registry.load()


def terminal_text(renderable, *, color: bool, width: int = 100) -> str:
    """What a terminal of ``width`` columns receives for ``renderable``, with or without colour codes."""
    import io

    from rich.console import Console

    from claims.report.terminal import THEME

    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        theme=THEME,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    console.print(renderable)
    return buf.getvalue()


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/data/{'/'.join(parts)} is not present")
    return path


# The PostgreSQL server the store tests also run against (an SQLAlchemy URL of a database the user may
# create databases from, e.g. postgresql+psycopg://claims@127.0.0.1:5433/postgres); unset: they skip.
POSTGRES_ENV = "CLAIMS_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def postgres_database():
    """A fresh UTF-8 database for this test session on $CLAIMS_TEST_POSTGRES_URL's server, dropped at the
    end; each test gets its own schema in it (see ``store_url``)."""
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    pytest.importorskip("psycopg")
    import sqlalchemy as sa

    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"claims_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'")
    yield admin.url.set(database=name)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """The URL of an empty store: an SQLite file, or a new schema in the session's PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'claims.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def postgres_url(postgres_database) -> str:
    """The URL of an empty store in a new schema of the session's PostgreSQL database."""
    database = postgres_database
    schema = f"t_{uuid.uuid4().hex[:12]}"
    import sqlalchemy as sa

    engine = sa.create_engine(database)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine.dispose()
    return database.set(query={"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
