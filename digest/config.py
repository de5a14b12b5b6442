"""digest.yaml -> a frozen Config; every problem is collected and reported at once."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest.config_file import CONFIG_FILE, find_config, read_config_file
from digest.errors import ConfigError, Diagnostic, Location, Severity, error
from digest.fetch.settings import FetchConfig, SourceConfig, parse_fetch
from digest.text import nfc, slugify

__all__ = ["CONFIG_FILE", "Config", "find_config", "load_config", "relative_base_url"]
Item = TypeVar("Item")
PUBLISH_MODES = ("full", "excerpt")
SEARCH_MODES = ("shown", "full")
KOREAN_DATE_FORMAT = "{year}년 {month}월 {day}일 {hour:02d}:{minute:02d}"
ISO_DATE_FORMAT = "{year}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionConfig:
    key: str
    name: str
    order: int
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class OutletConfig:
    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    title: str = "Digest"
    description: str = ""
    base_url: str = "/"
    language: str = "ko"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Seoul"))
    publish: str = "excerpt"
    sections: tuple[SectionConfig, ...] = ()
    outlets: tuple[OutletConfig, ...] = ()
    page_size: int = 20
    date_format: str = KOREAN_DATE_FORMAT
    excerpt_length: int = 300
    front_page_editions: int = 7
    feeds: bool = True
    feed_size: int = 50
    cname: str | None = None
    search: str = "shown"  # in excerpt mode, what search finds: what pages show, or full text
    extra: dict[str, Any] = field(default_factory=dict)
    sources: tuple[SourceConfig, ...] = ()
    fetch: FetchConfig = FetchConfig()

    @property
    def base_path(self) -> str:
        """The path part of base_url, always starting and ending with '/'."""
        path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", self.base_url, flags=re.I)
        return "/" + path.strip("/") + "/" if path.strip("/") else "/"

    @property
    def has_absolute_base(self) -> bool:
        return "://" in self.base_url

    def section_for(self, name: str) -> SectionConfig | None:
        """A section name, key or alias as written in an article -> its configured section."""
        wanted = fold_name(name)
        for section in self.sections:
            if wanted in {fold_name(n) for n in (section.key, section.name, *section.aliases)}:
                return section
        return None


def fold_name(name: str) -> str:
    """A name -> NFC, case-folded, single-spaced: how section names are compared."""
    return " ".join(nfc(name).casefold().split())


_KEYS = {
    "title", "description", "base_url", "language", "timezone", "publish", "sections",
    "outlets", "page_size", "date_format", "excerpt_length", "front_page_editions", "feeds",
    "feed_size", "cname", "extra", "sources", "fetch", "search",
}
_SECTION_KEYS = {"key", "name", "order", "aliases"}
_OUTLET_KEYS = {"name", "aliases", "domains"}
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}")


def relative_base_url(config: Config, path: Path | None, project: Path,
                      severity: Severity) -> list[Diagnostic]:
    """A problem, placed at the config file (shown relative to the project), when the site has
    no absolute base URL (what feeds, the sitemap, robots.txt and the 404 page need to point
    anywhere), else none."""
    if config.has_absolute_base:
        return []
    if path is not None and path.is_relative_to(project):
        path = path.relative_to(project)
    message = (f"base_url is {config.base_url!r}, not an absolute URL: feeds, the sitemap and "
               "robots.txt will hold addresses without a site, which feed readers and search "
               "engines cannot follow, and the 404 page works only at a domain root; set "
               "base_url: https://USER.github.io/REPO/ in digest.yaml or pass --base-url")
    where = Location(path=str(path)) if path else None
    return [Diagnostic(message=message, location=where, severity=severity)]


def load_config(path: Path | None, *, base_url: str | None = None) -> Config:
    """digest.yaml path (None: defaults) -> Config; raises ConfigError with every problem."""
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    shown = str(path) if path else CONFIG_FILE
    if path is not None:
        data, lines = read_config_file(path)
    if base_url is not None:
        data = {**data, "base_url": base_url}
    problems: list[Diagnostic] = []
    config = parse_config(data, problems, shown, lines)
    if problems:
        raise ConfigError(problems)
    return config


class _Checker:
    """Collects problems about one config file, each with its key path and line."""

    def __init__(self, problems: list[Diagnostic], path: str, lines: dict[str, int]):
        self.problems, self.path, self.lines = problems, path, lines

    def fail(self, key_path: str, message: str) -> None:
        self.problems.append(error(f"{key_path}: {message}", self.path, self.lines.get(key_path)))

    def unknown_keys(self, data: dict, allowed: set[str], prefix: str = "") -> None:
        for key in data:
            if key in allowed:
                continue
            near = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.6)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            self.fail(f"{prefix}{key}", f"unknown key{hint}")

    def typed(self, data: dict[str, Any], key: str, kind: type | tuple[type, ...], default: Any,
              prefix: str = "") -> Any:
        """data[key] when it is of `kind` (YAML before validation: any value), else default."""
        value = data.get(key, default)
        if value is default:
            return default
        if isinstance(value, bool) and kind in (int, (int,)):
            self.fail(prefix + key, f"expected {_kind_name(kind)}, got {value!r}")
            return default
        if not isinstance(value, kind):
            self.fail(prefix + key, f"expected {_kind_name(kind)}, got {type(value).__name__}")
            return default
        return value

    def positive(self, data: dict, key: str, default: int) -> int:
        value = self.typed(data, key, int, default)
        if value < 1:
            self.fail(key, f"must be at least 1, got {value}")
            return default
        return value


def _kind_name(kind: type | tuple) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "text", int: "a whole number", bool: "true or false", dict: "a mapping",
             list: "a list"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def parse_config(data: dict, problems: list[Diagnostic], path: str = CONFIG_FILE,
                 lines: dict[str, int] | None = None) -> Config:
    """Loaded YAML mapping -> Config, appending each problem found to `problems`."""
    check = _Checker(problems, path, lines or {})
    check.unknown_keys(data, _KEYS)
    defaults = Config()
    language = check.typed(data, "language", str, defaults.language)
    date_format = check.typed(data, "date_format", str, _default_date_format(language))
    _check_date_format(check, date_format)
    sources, fetch = parse_fetch(check, data)
    return Config(
        title=nfc(check.typed(data, "title", str, defaults.title)),
        description=nfc(check.typed(data, "description", str, defaults.description)),
        base_url=_base_url(check, data),
        language=language,
        timezone=_timezone(check, data),
        publish=_publish(check, data),
        sections=_sections(check, data.get("sections")),
        outlets=_outlets(check, data.get("outlets")),
        page_size=check.positive(data, "page_size", defaults.page_size),
        date_format=date_format,
        excerpt_length=check.positive(data, "excerpt_length", defaults.excerpt_length),
        front_page_editions=check.positive(data, "front_page_editions",
                                           defaults.front_page_editions),
        feeds=check.typed(data, "feeds", bool, defaults.feeds),
        feed_size=check.positive(data, "feed_size", defaults.feed_size),
        cname=_cname(check, data),
        search=_choice(check, data, "search", SEARCH_MODES),
        extra=check.typed(data, "extra", dict, {}),
        sources=sources,
        fetch=fetch,
    )


def _default_date_format(language: str) -> str:
    return KOREAN_DATE_FORMAT if language.startswith("ko") else ISO_DATE_FORMAT


def _check_date_format(check: _Checker, date_format: str) -> None:
    try:
        format_datetime(datetime(2020, 6, 3, 10, 38), date_format)
    except (KeyError, ValueError, IndexError) as exc:
        check.fail("date_format", f"cannot format a date with {date_format!r}: {exc!r}; "
                   "use fields {year} {month} {day} {hour} {minute} {weekday}")


def format_datetime(moment: datetime, date_format: str) -> str:
    """A datetime and a str.format pattern with named fields -> display text."""
    weekdays = "월화수목금토일"
    return date_format.format(year=moment.year, month=moment.month, day=moment.day,
                              hour=moment.hour, minute=moment.minute, second=moment.second,
                              weekday=weekdays[moment.weekday()])


def _base_url(check: _Checker, data: dict) -> str:
    value = check.typed(data, "base_url", str, "/")
    if not re.match(r"^(https?://[^/\s]+)?(/[^\s]*)?$", value):
        check.fail("base_url", f"expected https://host/path/ or /path/, got {value!r}")
        return "/"
    return value if value.endswith("/") else value + "/"


def _timezone(check: _Checker, data: dict) -> ZoneInfo:
    name = check.typed(data, "timezone", str, "Asia/Seoul")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        check.fail("timezone", f"unknown time zone {name!r} (use an IANA name like Asia/Seoul)")
        return ZoneInfo("Asia/Seoul")


def _choice(check: _Checker, data: dict, key: str, choices: tuple[str, ...]) -> str:
    value = check.typed(data, key, str, choices[0])
    if value not in choices:
        check.fail(key, f"expected one of {', '.join(choices)}, got {value!r}")
        return choices[0]
    return value


def _publish(check: _Checker, data: dict) -> str:
    value = check.typed(data, "publish", str, "excerpt")
    if value not in PUBLISH_MODES:
        check.fail("publish", f"expected one of {', '.join(PUBLISH_MODES)}, got {value!r}")
        return "excerpt"
    return value


def _cname(check: _Checker, data: dict) -> str | None:
    value = check.typed(data, "cname", str, None)
    if value is not None and not re.fullmatch(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}", value):
        check.fail("cname", f"expected a domain name like news.example.com, got {value!r}")
        return None
    return value


def _sections(check: _Checker, raw: Any) -> tuple[SectionConfig, ...]:
    sections = _items(check, raw, "sections", _section, "{key, name, aliases}")
    _named_once(check, "sections", "section",
                [(s.key, (s.key, s.name, *s.aliases)) for s in sections])
    return tuple(sorted(sections, key=lambda s: (s.order, s.key)))


def _items(check: _Checker, raw: Any, key: str,
           parse: Callable[[_Checker, Any, int], Item | None], shape: str) -> list[Item]:
    """A config list -> each item parsed (None: a problem, already reported, leaves it out)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        check.fail(key, f"expected a list of {shape}")
        return []
    return [x for index, item in enumerate(raw) if (x := parse(check, item, index)) is not None]


def _named_once(check: _Checker, key: str, what: str,
                owners: list[tuple[str, tuple[str, ...]]]) -> None:
    """Each name (key, name or alias) may mean one item only."""
    seen: dict[str, str] = {}
    for index, (owner, names) in enumerate(owners):
        for name in names:
            if seen.setdefault(fold_name(name), owner) != owner:
                check.fail(f"{key}[{index}]", f"{name!r} already names {what} "
                           f"{seen[fold_name(name)]!r}")


def _required(check: _Checker, item: Any, where: str, allowed: set[str],
              required: str) -> str | None:
    """A list item that must be a mapping with text under `required` -> that text."""
    if not isinstance(item, dict):
        check.fail(where, f"expected a mapping with {required} and "
                   f"{', '.join(sorted(allowed - {required}))}")
        return None
    check.unknown_keys(item, allowed, f"{where}.")
    value = check.typed(item, required, str, None, f"{where}.")
    if value is None or not value.strip():
        check.fail(where, f"missing '{required}'")
        return None
    return value


def _section(check: _Checker, item: Any, index: int) -> SectionConfig | None:
    prefix = f"sections[{index}]."
    key = _required(check, item, f"sections[{index}]", _SECTION_KEYS, "key")
    if key is None:
        return None
    if slugify(key) != key:
        check.fail(prefix + "key", f"{key!r} is not URL-safe; try {slugify(key)!r}")
    aliases = check.typed(item, "aliases", list, [], prefix)
    return SectionConfig(
        key=key,
        name=nfc(check.typed(item, "name", str, key, prefix)),
        order=check.typed(item, "order", int, index, prefix),
        aliases=tuple(nfc(str(a)) for a in aliases),
    )


def _outlets(check: _Checker, raw: Any) -> tuple[OutletConfig, ...]:
    outlets = _items(check, raw, "outlets", _outlet, "{name, aliases, domains}")
    _named_once(check, "outlets", "outlet",
                [(o.name, (o.name, *o.aliases, *o.domains)) for o in outlets])
    return tuple(outlets)


def _outlet(check: _Checker, item: Any, index: int) -> OutletConfig | None:
    prefix = f"outlets[{index}]."
    name = _required(check, item, f"outlets[{index}]", _OUTLET_KEYS, "name")
    if name is None:
        return None
    aliases = check.typed(item, "aliases", list, [], prefix)
    domains = [str(d).strip().lower().removeprefix("www.")
               for d in check.typed(item, "domains", list, [], prefix)]
    for domain in domains:
        if not _DOMAIN.fullmatch(domain):
            check.fail(prefix + "domains", f"expected a domain like news.example.com, "
                       f"got {domain!r}")
    return OutletConfig(name=" ".join(nfc(name).split()),
                        aliases=tuple(" ".join(nfc(str(a)).split()) for a in aliases),
                        domains=tuple(d for d in domains if _DOMAIN.fullmatch(d)))
