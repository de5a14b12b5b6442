"""The `sources:` and `fetch:` keys of digest.yaml -> SourceConfig and FetchConfig records."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from digest import __version__
from digest.text import nfc

if TYPE_CHECKING:
    from digest.config import Config, _Checker

SOURCE_KINDS = ("feed", "sitemap", "page")
STORE_MODES = ("excerpt", "full")
_SOURCE_KEYS = {*SOURCE_KINDS, "name", "section", "outlet"}


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceConfig:
    kind: str  # "feed" | "sitemap" | "page"
    url: str  # http(s) URL, as written
    name: str  # default: the URL
    section: str | None = None  # default section for what it brings
    outlet: str | None = None  # default outlet


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchConfig:
    user_agent: str | None = None  # None: default_user_agent(config)
    pause: float = 1.0  # seconds between two requests to one host (0 allowed)
    timeout: float = 10.0  # connect and read timeout, seconds
    deadline: float = 30.0  # whole response, seconds
    max_bytes: int = 5_000_000  # decompressed body cap
    retries: int = 2  # on network errors and 5xx
    store: str = "excerpt"  # what a fetch stores in content/: excerpt | full
    status_page: bool = False  # build a page listing failing sources (for the owner)


def default_user_agent(config: Config) -> str:
    """A config -> the user agent that names digest and, when it has one, the site's URL."""
    if config.has_absolute_base:
        return f"digest/{__version__} (+{config.base_url})"
    return f"digest/{__version__}"


def find_source(config: Config, name_or_url: str) -> SourceConfig | None:
    """A source's name or URL, as a person types it -> that configured source, or None."""
    wanted = _fold(name_or_url)
    return next((s for s in config.sources if wanted in (_fold(s.name), _fold(s.url))), None)


def _fold(text: str) -> str:
    from digest.config import fold_name  # config imports this module

    return fold_name(text)


def parse_fetch(check: _Checker,
                data: dict[str, Any]) -> tuple[tuple[SourceConfig, ...], FetchConfig]:
    """A loaded config mapping -> its sources and fetch settings, each problem told to
    `check` with its key path."""
    return _sources(check, data.get("sources")), _fetch(check, data.get("fetch"))


def _sources(check: _Checker, raw: Any) -> tuple[SourceConfig, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        check.fail("sources", "expected a list of {feed | sitemap | page, name, section, "
                   "outlet}")
        return ()
    found = [(index, source) for index, item in enumerate(raw)
             if (source := _source(check, item, f"sources[{index}]")) is not None]
    _once(check, found)
    return tuple(source for _, source in found)


def _source(check: _Checker, item: Any, where: str) -> SourceConfig | None:
    if not isinstance(item, dict):
        check.fail(where, "expected a mapping with one of feed:, sitemap:, page: (a URL)")
        return None
    check.unknown_keys(item, _SOURCE_KEYS, f"{where}.")
    kinds = [kind for kind in SOURCE_KINDS if kind in item]
    if len(kinds) != 1:
        said = "has " + " and ".join(f"{k}:" for k in kinds) if kinds else "has none"
        check.fail(where, f"needs exactly one of feed:, sitemap:, page: (a URL); it {said}")
        return None
    kind = kinds[0]
    url = check.typed(item, kind, str, None, f"{where}.")
    if url is None:
        return None
    if not is_web_url(url):
        check.fail(f"{where}.{kind}", f"expected an http:// or https:// URL, got {url!r}")
        return None
    name = _text(check, item, "name", where)
    return SourceConfig(kind=kind, url=url, name=name or url,
                        section=_text(check, item, "section", where),
                        outlet=_text(check, item, "outlet", where))


def is_web_url(url: str) -> bool:
    """Text -> whether it is an http(s) URL with a host, printable, without spaces."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) \
        and url.isprintable() and not any(c.isspace() for c in url)


def _text(check: _Checker, item: dict[str, Any], key: str, where: str) -> str | None:
    """An optional text key -> NFC, single-spaced text; empty text is a problem."""
    value = check.typed(item, key, str, None, f"{where}.")
    if value is None:
        return None
    value = " ".join(nfc(value).split())
    if not value:
        check.fail(f"{where}.{key}", "must not be empty (leave the key out instead)")
        return None
    return value


def _once(check: _Checker, found: list[tuple[int, SourceConfig]]) -> None:
    """Each URL and name (compared as find_source compares them) may mean one source only."""
    owners: dict[str, int] = {}
    for index, source in found:
        for key, value in ((source.kind, source.url), ("name", source.name)):
            seen = owners.setdefault(_fold(value), index)
            if seen != index:
                where = f"sources[{index}].{key}"
                check.fail(where if where in check.lines else f"sources[{index}]",
                           f"{value!r} already names sources[{seen}]; each source once")
                break


def _fetch(check: _Checker, raw: Any) -> FetchConfig:
    defaults = FetchConfig()
    if raw is None:
        return defaults
    if not isinstance(raw, dict):
        check.fail("fetch", "expected a mapping (user_agent, pause, timeout, deadline, "
                   "max_bytes, retries, store, status_page)")
        return defaults
    check.unknown_keys(raw, {f.name for f in fields(FetchConfig)}, "fetch.")
    agent = _text(check, raw, "user_agent", "fetch")
    store = check.typed(raw, "store", str, defaults.store, "fetch.")
    if store not in STORE_MODES:
        check.fail("fetch.store", f"expected one of {', '.join(STORE_MODES)}, got {store!r}")
        store = defaults.store
    return FetchConfig(
        user_agent=agent,
        pause=_number(check, raw, "pause", defaults.pause, 0, float, at_least=True),
        timeout=_number(check, raw, "timeout", defaults.timeout, 0, float),
        deadline=_number(check, raw, "deadline", defaults.deadline, 0, float),
        max_bytes=_number(check, raw, "max_bytes", defaults.max_bytes, 1, int, at_least=True),
        retries=_number(check, raw, "retries", defaults.retries, 0, int, at_least=True),
        store=store,
        status_page=check.typed(raw, "status_page", bool, defaults.status_page, "fetch."),
    )


Number = TypeVar("Number", int, float)


def _number(check: _Checker, raw: dict[str, Any], key: str, default: Number, low: float,
            kind: type[Number], at_least: bool = False) -> Number:
    """A number under fetch: (a whole one when kind is int) above `low`, or at least it."""
    value = raw.get(key, default)
    wanted = "a whole number" if kind is int else "a number"
    if isinstance(value, bool) or not isinstance(value, (int,) if kind is int else (int, float)) \
            or not math.isfinite(value):
        check.fail(f"fetch.{key}", f"expected {wanted}, got {value!r}")
        return default
    if value < low or (value == low and not at_least):
        bound = f"at least {low}" if at_least else f"more than {low}"
        check.fail(f"fetch.{key}", f"must be {bound}, got {value!r}")
        return default
    return kind(value)
