"""Where user state lives. One environment variable moves it all: ``CLAIMS_HOME``; ``CLAIMS_DB`` names
another database. Kept free of heavy imports: the CLI asks it before deciding whether to open a store."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """``$CLAIMS_HOME`` if set, else the platform's user data directory."""
    home = os.environ.get("CLAIMS_HOME")
    if home:
        return Path(home).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("claims"))


def default_url() -> str:
    """``$CLAIMS_DB`` if set, else SQLite at ``<data_dir>/claims.db``."""
    return os.environ.get("CLAIMS_DB") or f"sqlite:///{data_dir() / 'claims.db'}"
