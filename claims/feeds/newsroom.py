"""The newsroom file: the feeds a desk follows, and how politely to fetch them.

A TOML file, ``$CLAIMS_NEWSROOM`` or ``<data_dir>/newsroom.toml`` (``--newsroom FILE`` on the commands)::

    [settings]               # all optional
    timeout = 20             # seconds a request may take
    per_host_interval = 1.0  # seconds between two requests to one host
    retries = 2              # after a failed request (connection, timeout, 429, 5xx)
    max_bytes = 10485760     # largest answer read; a larger one is refused

    [[feed]]
    name = "kcna-en"         # default: source-language
    url = "https://kcnawatch.example/feed/rss"
    source = "kcna"          # registry id of the outlet
    language = "en"
    every = "30m"            # poll interval: 90s, 15m, 2h, 1d
    kind = "feed"            # or "sitemap"
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from claims.errors import DataError, UsageError

if TYPE_CHECKING:
    from claims.registry import Registry

KINDS = ("feed", "sitemap")
DEFAULT_EVERY = 15 * 60
_INTERVAL = re.compile(r"(\d+)\s*(s|m|h|d)?")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")


@dataclass(frozen=True)
class Settings:
    timeout: float = 20.0
    per_host_interval: float = 1.0
    retries: int = 2
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = "claims-follow (+https://github.com/claims)"


@dataclass(frozen=True)
class Feed:
    name: str
    url: str
    source: str
    language: str | None = None
    every: int = DEFAULT_EVERY  # seconds
    kind: str = "feed"


@dataclass(frozen=True)
class Newsroom:
    path: Path
    feeds: tuple[Feed, ...] = ()
    settings: Settings = field(default_factory=Settings)

    def get(self, name_or_url: str) -> Feed | None:
        return next((f for f in self.feeds if name_or_url in (f.name, f.url)), None)


def newsroom_path(explicit: str | Path | None = None) -> Path:
    """``explicit``, else ``$CLAIMS_NEWSROOM``, else ``<data_dir>/newsroom.toml``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("CLAIMS_NEWSROOM")
    if env:
        return Path(env).expanduser()
    from claims.config import data_dir

    return data_dir() / "newsroom.toml"


def parse_interval(value: str | int, what: str = "interval", error: type[Exception] = UsageError) -> int:
    """Seconds in ``90``, ``90s``, ``15m``, ``2h``, ``1d`` (at least one second)."""
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    else:
        m = _INTERVAL.fullmatch(str(value).strip().lower())
        if not m:
            raise error(f"{what}: {value!r} is not an interval (like 90s, 15m, 2h, 1d)")
        seconds = int(m.group(1)) * _UNITS[m.group(2)]
    if seconds < 1:
        raise error(f"{what}: {value!r} must be at least one second")
    return seconds


def show_interval(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def check_url(url: str, what: str, error: type[Exception] = UsageError) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise error(f"{what}: {url!r} is not an http(s) URL")
    return url


def load(path: Path, registry: Registry) -> Newsroom:
    """The newsroom file at ``path`` (a missing file: no feeds yet). Anything wrong in it is a
    :class:`DataError` naming the file and the feed."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Newsroom(path)
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, not a newsroom file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not a valid TOML newsroom file ({exc})") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    settings = _settings(data.get("settings", {}), path)
    entries = data.get("feed", [])
    if not isinstance(entries, list):
        raise DataError(f"{path}: 'feed' must be an array of tables ([[feed]])")
    feeds: list[Feed] = []
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise DataError(f"{path}: feed #{n} is not a table")
        feed = make_feed(entry, registry, f"{path}: feed #{n}", DataError)
        if any(f.name == feed.name for f in feeds):
            raise DataError(f"{path}: feed #{n}: the name {feed.name!r} is used twice")
        feeds.append(feed)
    return Newsroom(path, tuple(feeds), settings)


def make_feed(entry: dict[str, Any], registry: Registry, where: str, error: type[Exception]) -> Feed:
    unknown = set(entry) - {"name", "url", "source", "language", "every", "kind"}
    if unknown:
        raise error(f"{where}: unknown field {sorted(unknown)[0]!r}")
    url = entry.get("url")
    if not isinstance(url, str):
        raise error(f"{where}: no url")
    url = check_url(url, where, error)
    source = entry.get("source")
    if not isinstance(source, str) or not source:
        raise error(f"{where}: no source (the registry id of the outlet, see `claims sources`)")
    if registry.get(source) is None:
        raise error(f"{where}: source {source!r} is not in the registry (see `claims sources`)")
    language = entry.get("language")
    if language is not None and (not isinstance(language, str) or not _LANGUAGE.fullmatch(language)):
        raise error(f"{where}: {language!r} is not a language code (ar, en, ...)")
    kind = entry.get("kind", "feed")
    if kind not in KINDS:
        raise error(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    every = parse_interval(entry.get("every", DEFAULT_EVERY), f"{where}: every", error)
    name = entry.get("name") or "-".join(p for p in (source, language) if p)
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise error(f"{where}: name {name!r}: use lowercase letters, digits, '.', '_' and '-'")
    return Feed(name=name, url=url, source=source, language=language, every=every, kind=kind)


def _settings(raw: Any, path: Path) -> Settings:
    if not isinstance(raw, dict):
        raise DataError(f"{path}: [settings] must be a table")
    defaults = Settings()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if not hasattr(defaults, key):
            raise DataError(f"{path}: [settings]: unknown setting {key!r}")
        want = type(getattr(defaults, key))
        ok = isinstance(value, want) or (want is float and isinstance(value, int))
        if not ok or isinstance(value, bool) or (want in (int, float) and value < 0):
            raise DataError(f"{path}: [settings]: {key} = {value!r} is not a {want.__name__} of 0 or more")
        values[key] = want(value)
    return replace(defaults, **values)


def add(newsroom: Newsroom, feed: Feed) -> Newsroom:
    if newsroom.get(feed.name) is not None:
        raise UsageError(f"{newsroom.path}: a feed named {feed.name!r} is already there (--name another)")
    if any(f.url == feed.url for f in newsroom.feeds):
        raise UsageError(f"{newsroom.path}: {feed.url} is already followed")
    return replace(newsroom, feeds=(*newsroom.feeds, feed))


def remove(newsroom: Newsroom, name_or_url: str) -> tuple[Newsroom, Feed]:
    feed = newsroom.get(name_or_url)
    if feed is None:
        raise UsageError(f"{newsroom.path}: no feed named {name_or_url!r} (see `claims feeds list`)")
    return replace(newsroom, feeds=tuple(f for f in newsroom.feeds if f is not feed)), feed


def save(newsroom: Newsroom) -> None:
    """Write the file whole, through a temporary file renamed over it: a crash leaves the old one."""
    lines = ["# The feeds `claims follow` reads (docs/feeds.md). Edited by `claims feeds add|remove`.", ""]
    defaults = Settings()
    changed = {k: v for k, v in vars(newsroom.settings).items() if getattr(defaults, k) != v}
    if changed:
        lines.append("[settings]")
        lines += [f"{k} = {_toml(v)}" for k, v in changed.items()]
        lines.append("")
    for f in newsroom.feeds:
        lines.append("[[feed]]")
        lines.append(f"name = {_toml(f.name)}")
        lines.append(f"url = {_toml(f.url)}")
        lines.append(f"source = {_toml(f.source)}")
        if f.language:
            lines.append(f"language = {_toml(f.language)}")
        lines.append(f"every = {_toml(show_interval(f.every))}")
        if f.kind != "feed":
            lines.append(f"kind = {_toml(f.kind)}")
        lines.append("")
    path = newsroom.path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_text("\n".join(lines), encoding="utf-8")
    os.replace(partial, path)


def _toml(value: Any) -> str:
    """A TOML value: JSON's string escapes are TOML's basic-string escapes."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)
