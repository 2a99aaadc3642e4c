"""Package data (registry, lexicons) loaded with importlib.resources, so a wheel carries it."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from typing import Any

from claims.errors import DataError


@cache
def load_toml(name: str) -> dict[str, Any]:
    """Load ``claims/data/<name>`` (e.g. ``lexicons/layout.toml``)."""
    resource = files("claims") / "data" / name
    try:
        return tomllib.loads(resource.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"package data file {name} is missing; reinstall claims") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"package data file {name} is malformed: {exc}") from None
