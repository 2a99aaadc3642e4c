"""Database engines for the store: URL checks, SQLite and PostgreSQL connection settings, read-only
opening, and database errors turned into one line (:class:`~claims.errors.DatabaseError`)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from claims.errors import DatabaseError, UsageError

# How long an SQLite writer waits for another one to finish (``$CLAIMS_BUSY_TIMEOUT_MS`` overrides it).
BUSY_TIMEOUT_MS = 15_000
# How long opening a PostgreSQL connection may take (a ``connect_timeout`` in the URL overrides it):
# a server that accepts the connection and never answers would otherwise hang the command.
CONNECT_TIMEOUT_S = 10
_CACHE_KIB = -65_536  # negative: KiB, not pages


#: A value with no scheme ending like this is an SQLite file: ``--db claims.db``.
_SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


def parse_url(raw: str, *, read_only: bool = False) -> URL:
    """The URL parsed, refused in one line if it is not one, names a directory, or (``read_only``) names an
    SQLite file that does not exist. A path with no scheme that ends in .db, .sqlite or .sqlite3 (or names
    an existing file) is an SQLite file: ``claims.db`` is ``sqlite:///claims.db``."""
    if "://" not in raw and (raw.lower().endswith(_SQLITE_SUFFIXES) or Path(raw).expanduser().is_file()):
        raw = f"sqlite:///{Path(raw).expanduser().resolve()}"
    try:
        url = make_url(raw)
    except ArgumentError:
        raise DatabaseError(
            f"{raw!r} is not a database URL or a .db file (e.g. claims.db, sqlite:///path/claims.db, "
            "postgresql+psycopg://host/db)"
        ) from None
    path = sqlite_file(url)
    shown = url.render_as_string(hide_password=True)
    if path is not None and path.is_dir():
        raise DatabaseError(f"{shown}: is a directory, not a database file")
    if read_only and path is not None and not path.exists():
        raise DatabaseError(
            f"{shown}: no such database file (create one with 'claims db init' or 'claims import FILE')"
        )
    return url


def sqlite_file(url: URL) -> Path | None:
    """The file of an SQLite URL; None for other databases, in-memory ones and ``file:`` URIs."""
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    return Path(database).expanduser()


def file_uri(path: Path) -> str:
    """An SQLite ``file:`` URI for the path (its query, e.g. ``?mode=ro``, follows)."""
    from urllib.parse import quote

    return f"file:{quote(str(path.resolve()))}"


def busy_timeout_ms() -> int:
    """How long an SQLite writer waits for another one: ``$CLAIMS_BUSY_TIMEOUT_MS``, else 15 s."""
    raw = os.environ.get("CLAIMS_BUSY_TIMEOUT_MS", "").strip()
    if not raw:
        return BUSY_TIMEOUT_MS
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise UsageError(f"CLAIMS_BUSY_TIMEOUT_MS: {raw!r} is not a number of milliseconds (e.g. 15000)")
    return value


def create_engine(url: URL, *, read_only: bool = False) -> Engine:
    """An engine with the store's settings: SQLite read-only by its own ``mode=ro`` or with a busy timeout
    and its directory created; PostgreSQL with a connect timeout, its sessions read-only if asked."""
    sqlite = url.get_backend_name() == "sqlite"
    path = sqlite_file(url)
    if path is not None and read_only:
        # The file opened read-only by SQLite itself: no page of it can change, nothing is created.
        url = url.set(database=file_uri(path), query={**url.query, "mode": "ro", "uri": "true"})
    elif path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                f"cannot create the database directory {path.parent}: {exc.strerror}"
            ) from None
    busy_ms = busy_timeout_ms() if sqlite else 0
    connect_args: dict[str, Any] = {}
    if sqlite:
        # The driver's own busy handler, so that even the first PRAGMA waits for another writer.
        connect_args = {"isolation_level": None, "timeout": busy_ms / 1000}
    elif url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        if url.get_driver_name() in ("psycopg", "psycopg2", "psycopg2cffi", ""):
            connect_args = {"connect_timeout": CONNECT_TIMEOUT_S}
    engine = _engine(url, connect_args)
    if sqlite:
        event.listen(engine, "connect", lambda conn, _record: _sqlite_pragmas(conn, busy_ms, read_only))
        event.listen(engine, "begin", _sqlite_begin)
    elif read_only and url.get_backend_name() == "postgresql":
        event.listen(engine, "connect", lambda conn, _record: _postgresql_read_only(conn))
    return engine


def _engine(url: URL, connect_args: dict[str, Any]) -> Engine:
    shown = url.render_as_string(hide_password=True)
    try:
        return sa.create_engine(url, connect_args=connect_args)
    except NoSuchModuleError:
        raise DatabaseError(
            f"no database driver for {url.drivername!r}; install it (e.g. pip install 'psycopg[binary]')"
        ) from None
    except ImportError as exc:
        module = getattr(exc, "name", None) or str(exc)
        raise DatabaseError(
            f"cannot use {shown}: its driver ({module}) is not installed; install it "
            f"(PostgreSQL: pip install 'psycopg[binary]')"
        ) from None
    except ArgumentError as exc:
        raise DatabaseError(f"cannot use {shown}: {exc}") from None


def _sqlite_pragmas(dbapi_connection: Any, busy_ms: int, read_only: bool = False) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        # A 64 MiB page cache (allocated as used; the default is 2 MiB): a large import updates the
        # dedupe-key index at random places, and a search of a million claims reads many index pages.
        pragmas = ["foreign_keys=ON", f"cache_size={_CACHE_KIB}"]
        pragmas += ["query_only=ON"] if read_only else ["synchronous=NORMAL"]
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # pysqlite runs in autocommit mode (isolation_level=None) and the store says when a transaction
    # begins: writers take the write lock at once rather than upgrading a read lock, which can fail.
    mode = "IMMEDIATE" if conn.get_execution_options().get("claims_write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def _postgresql_read_only(dbapi_connection: Any) -> None:
    """Every transaction of the session read-only: the server refuses any write."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    finally:
        cursor.close()
        dbapi_connection.autocommit = autocommit


def switch_to_wal(dbapi_connection: Any, busy_ms: int) -> None:
    """Switch an SQLite database to WAL (a no-op once done: the mode is stored in the file).

    Two processes opening a new database at once can both try to switch; SQLite then answers "database is
    locked" at once instead of waiting, so the switch is retried until the busy timeout."""
    deadline = time.monotonic() + busy_ms / 1000
    pause = 0.005
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as exc:  # sqlite3.OperationalError; SQLAlchemy wraps it for the caller
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def check_postgresql(conn: Connection, url: URL) -> None:
    """Refuse a database whose text Arabic would suffer in: not UTF-8, or a ``C`` / ``POSIX`` ctype
    (there, PostgreSQL's text functions, pg_trgm, regular expressions and lower/upper, see no letter
    outside ASCII)."""
    encoding, ctype = conn.execute(
        sa.text(
            "SELECT pg_encoding_to_char(encoding), datctype FROM pg_database "
            "WHERE datname = current_database()"
        )
    ).one()
    if encoding != "UTF8":
        problem = f"its encoding is {encoding}, not UTF8"
    elif ctype in ("C", "POSIX"):
        problem = f"its ctype locale is {ctype}, in which PostgreSQL's text functions see no Arabic letters"
    else:
        return
    raise DatabaseError(
        f"{url.render_as_string(hide_password=True)}: {problem}; create the database with "
        f"`createdb -T template0 -E UTF8 --locale=C.UTF-8 {url.database or 'claims'}`"
    )


@contextmanager
def database_errors(shown: str) -> Iterator[None]:
    """Database and file failures inside the block raised as one-line :class:`DatabaseError` naming ``shown``
    (the URL, password hidden)."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise DatabaseError(describe(exc, shown)) from exc
    except OSError as exc:
        raise DatabaseError(f"{shown}: {exc.strerror or exc}") from exc


def describe(exc: SQLAlchemyError, shown: str) -> str:
    """One line for a database failure, with advice for the common ones."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    message = lines[0] if lines else type(orig).__name__
    if "database is locked" in message:
        try:
            waited = f"{busy_timeout_ms() / 1000:g} s"
        except UsageError:
            waited = "too long"
        return (
            f"{shown}: the database is locked by another process (waited {waited}, see "
            "CLAIMS_BUSY_TIMEOUT_MS); try again when it is done"
        )
    if "unable to open database file" in message:
        return f"{shown}: cannot open the database file (does its directory exist and is it writable?)"
    if "no such module: fts5" in message:
        return f"{shown}: this SQLite has no FTS5 full-text search; use a Python built with FTS5"
    return f"{shown}: {type(orig).__name__}: {message}"
