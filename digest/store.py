"""Front-mattered Markdown text <-> Article. The one contract between ingest and build."""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time, tzinfo
from typing import Any

import yaml

from digest.errors import Diagnostic, error, warning
from digest.model import Article, Related
from digest.text import nfc, slugify
from digest.yamlsafe import load as load_yaml
from digest.yamlsafe import shape_problem, yaml_diagnostic

KNOWN_KEYS = (
    "title", "date", "updated", "subtitle", "section", "authors", "dateline", "outlet",
    "source_url", "email", "lang", "tags", "slug", "draft", "publish", "summary", "related",
    "image", "provenance", "extra",
)
ALIASES = {
    "author": "authors", "lastmod": "updated", "modified": "updated",
    "last_modified_at": "updated", "category": "section", "categories": "section",
    "source": "outlet", "url": "source_url", "language": "lang",
}
_FENCE = re.compile(r"^---[ \t]*\r?\n", re.ASCII)
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_TEXT_FIELDS = ("subtitle", "dateline", "outlet", "source_url", "email", "lang", "summary",
                "image")


class _Problems:
    """Diagnostics about one file, placing each at the line of the key it is about."""

    def __init__(self, path: str, front_matter: str):
        self.path = path
        self.items: list[Diagnostic] = []
        self._lines: dict[str, int] = {}
        for number, line in enumerate(front_matter.splitlines(), start=2):
            match = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
            if match:
                self._lines.setdefault(match.group(1), number)

    def line(self, key: str) -> int | None:
        return self._lines.get(key)

    def error(self, key: str, message: str) -> None:
        self.items.append(error(message, self.path, self.line(key) or 1))

    def warning(self, key: str, message: str) -> None:
        self.items.append(warning(message, self.path, self.line(key) or 1))


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """File text -> (front matter YAML, body, body's first line), or None without front matter."""
    text = text.removeprefix("\ufeff")
    opening = _FENCE.match(text)
    if not opening:
        return None
    closing = _CLOSE.search(text, opening.end())
    if not closing:
        return None
    front = text[opening.end():closing.start()]
    body_start = closing.end() + 1
    if text.startswith("\n", body_start):  # the blank line dumps() writes after the fence
        body_start += 1
    body_line = text.count("\n", 0, body_start) + 1
    return front, text[body_start:], body_line


def loads(text: str, path: str, site_tz: tzinfo) -> tuple[Article | None, list[Diagnostic]]:
    """Markdown file text -> (Article or None, diagnostics located as path:line)."""
    parts = split_front_matter(text)
    if parts is None:
        return None, [error("no front matter: the file must start with a '---' line, then "
                            "YAML with at least title and date, then '---'", path, 1)]
    front, body, body_line = parts
    refused = shape_problem(front)
    if refused:
        return None, [error(f"front matter refused: {refused[0]}", path, refused[1] + 2)]
    problems = _Problems(path, front)
    data = simple_front_matter(front)
    if data is None:
        try:
            data = load_yaml(front)
        except yaml.YAMLError as exc:
            return None, [yaml_diagnostic(exc, path, first_line=2, where="front matter")]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [error("front matter must be a mapping of keys to values", path, 2)]
    fields = _canonical_keys(data, problems)
    article = _article(fields, body, body_line, path, site_tz, problems)
    if any(d.is_error for d in problems.items):
        return None, problems.items
    return article, problems.items


# The front matter dumps() writes, and most hand-written front matter, is one `key: value` per
# line with quoted strings, plain words, lists of those, timestamps, dates and booleans. Read
# directly, that is ten times faster than building it through PyYAML; anything else (or anything
# in doubt) goes to PyYAML. tests/unit/test_store_roundtrip.py checks that both agree.
_KEY_VALUE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*): (.+)")
# What YAML keeps as it is inside quotes on one line: printable, no line break, no quote mark.
_PRINTABLE = r"\t\x20-\x21\x23-\x26\x28-\x5b\x5d-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd" \
             r"\U00010000-\U0010ffff"
_SCALAR = (rf'"([{_PRINTABLE}\x27]*)"'  # double-quoted, without '"' or '\'
           rf"|'([{_PRINTABLE}\x22\x5c]*)'"  # single-quoted, without "'"
           r"|([^\W\d_][\w.@/-]*(?: [\w.@/-]+)*)")  # words: never a number, date or null
_ONE_SCALAR = re.compile(_SCALAR)
_SCALAR_LIST = re.compile(rf"\[(?:(?:{_SCALAR})(?:, (?:{_SCALAR}))*)?\]")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)")
_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_YAML_WORDS = {"yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
               "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL"}


def simple_front_matter(front: str) -> dict[str, Any] | None:
    """Front matter in the plain shape described above -> what PyYAML would give; else None."""
    data: dict[str, Any] = {}
    for line in front.removesuffix("\n").split("\n"):
        pair = _KEY_VALUE.fullmatch(line)
        if pair is None or pair[1] in data:
            return None
        key, value = pair[1], pair[2]
        if value in ("true", "false"):
            data[key] = value == "true"
        elif _TIMESTAMP.fullmatch(value) or _DATE.fullmatch(value):
            try:
                data[key] = (datetime if "T" in value else date).fromisoformat(value)
            except ValueError:
                return None  # an impossible date: PyYAML's error names the line
        elif (one := _ONE_SCALAR.fullmatch(value)) is not None:
            data[key] = _scalar(one)
        elif _SCALAR_LIST.fullmatch(value):
            data[key] = [_scalar(item) for item in _ONE_SCALAR.finditer(value[1:-1])]
        else:
            return None
        if data[key] is None or (isinstance(data[key], list) and None in data[key]):
            return None  # a word PyYAML would read as a boolean or null
    return data


def _scalar(found: re.Match[str]) -> str | None:
    """A matched scalar -> its text; None for a word YAML reads as something else."""
    if found[3] is not None:
        return None if found[3] in _YAML_WORDS else found[3]
    return found[1] if found[1] is not None else found[2]


def _canonical_keys(data: dict[str, Any], problems: _Problems) -> dict[str, Any]:
    """Raw front matter -> known keys under their canonical names, the rest kept under 'extra'."""
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = str(raw_key)
        canonical = ALIASES.get(key, key)
        if canonical in KNOWN_KEYS:
            if canonical in fields:
                problems.warning(key, f"'{key}' repeats '{canonical}'; the first one wins")
                continue
            fields[canonical] = value
            continue
        near = difflib.get_close_matches(key, KNOWN_KEYS + tuple(ALIASES), n=1, cutoff=0.75)
        if near:
            problems.warning(key, f"unknown key '{key}' kept in extra; did you mean '{near[0]}'?")
        extra[key] = value
    if isinstance(fields.get("extra"), dict):
        extra = {**fields["extra"], **extra}
    elif "extra" in fields:
        problems.error("extra", "extra must be a mapping")
    fields["extra"] = extra
    return fields


def _article(fields: dict[str, Any], body: str, body_line: int, path: str, site_tz: tzinfo,
             problems: _Problems) -> Article | None:
    title = _text_field(fields, "title", problems, required=True)
    published = _datetime(fields, "date", site_tz, problems, required=True)
    section = fields.get("section")
    if isinstance(section, list):
        section = section[0] if section else None
    updated = _datetime(fields, "updated", site_tz, problems, required=False)
    section = _text_field({"section": section}, "section", problems)
    authors = _text_list(fields, "authors", problems)
    tags = _text_list(fields, "tags", problems)
    draft = _flag(fields, "draft", problems)
    publish = _publish(fields, problems)
    related = _related(fields, problems)
    provenance = _mapping(fields, "provenance", problems)
    texts = {name: _text_field(fields, name, problems) for name in _TEXT_FIELDS}
    if not title or published is None:
        return None
    return Article(path=path, title=title, date=published, body=nfc(body), body_line=body_line,
                   updated=updated, section=section, authors=authors, tags=tags, draft=draft,
                   publish=publish, related=related, provenance=provenance,
                   slug=_slug(fields, title, path, problems), extra=fields["extra"], **texts)


def _text_field(fields: dict[str, Any], key: str, problems: _Problems,
                required: bool = False) -> str | None:
    """A front matter value that must be text -> it; a list or mapping is a problem (an error
    for a required field, else a warning and the value ignored)."""
    value = fields.get(key)
    if isinstance(value, dict | list):
        kind = "a list" if isinstance(value, list) else "a mapping"
        hint = " (put it in quotes if it starts with [ or {)" if key == "title" else ""
        report = problems.error if required else problems.warning
        report(key, f"'{key}' must be text, got {kind}{hint}"
               + ("" if required else "; ignored"))
        return None
    text = _text(value)
    if text is None and required:
        problems.error(key, f"missing required '{key}'")
    return text


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = nfc(str(value)).strip()
    return text or None


def _text_list(fields: dict[str, Any], key: str, problems: _Problems) -> tuple[str, ...]:
    value = fields.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [part for part in re.split(r"[,;]", value)] if key == "tags" else [value]
    if not isinstance(value, list):
        problems.error(key, f"'{key}' must be a list of names")
        return ()
    items = (_text(item) for item in value)
    return tuple(dict.fromkeys(item for item in items if item))


def _datetime(fields: dict[str, Any], key: str, site_tz: tzinfo, problems: _Problems,
              required: bool) -> datetime | None:
    value = fields.get(key)
    if value is None:
        if required:
            problems.error(key, f"missing required '{key}' (the published time, ISO 8601)")
        return None
    try:
        return parse_datetime(value, site_tz)
    except ValueError as exc:
        problems.error(key, f"'{key}': {exc}")
        return None


def parse_datetime(value: Any, site_tz: tzinfo) -> datetime:
    """YAML date value (datetime, date or ISO 8601 text) -> aware datetime; naive takes site_tz."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError as exc:
            if _DATE.match(value.strip()) and "format" not in str(exc):
                raise ValueError(f"impossible date {value.strip()!r}: {exc}") from None
            raise ValueError(f"{value!r} is not an ISO 8601 date "
                             "(like 2020-06-03T10:38:00+09:00)") from None
    else:
        raise ValueError(f"expected a date, got {type(value).__name__}")
    return moment if moment.tzinfo else moment.replace(tzinfo=site_tz)


_DATED_NAME = re.compile(r"^(?:\d{4}-\d\d-\d\d)?[-_ ]*(?P<name>.*?)\.(?:md|markdown)$", re.I)


def _slug(fields: dict[str, Any], title: str, path: str, problems: _Problems) -> str:
    """The article's slug: `slug:` if given, else its file name without a leading date (as
    ingest names files, and as Jekyll, Hugo and Zola do), so that fixing a title never moves a
    published URL; else (no usable file name) the title."""
    raw = fields.get("slug")
    if raw is None:
        named = _DATED_NAME.match(path.rsplit("/", 1)[-1])
        return slugify(named["name"]) if named and named["name"].strip("-_ ") \
            else slugify(title)
    slug = slugify(str(raw), fallback=title)
    if slug != str(raw):
        problems.warning("slug", f"slug {raw!r} is not URL-safe; using {slug!r}")
    return slug


def _flag(fields: dict[str, Any], key: str, problems: _Problems) -> bool:
    value = fields.get(key, False)
    if not isinstance(value, bool):
        problems.error(key, f"'{key}' must be true or false, got {value!r}")
        return False
    return value


def _publish(fields: dict[str, Any], problems: _Problems) -> str | None:
    value = fields.get("publish")
    if value is not None and value not in ("full", "excerpt"):
        problems.error("publish", f"'publish' must be full or excerpt, got {value!r}")
        return None
    return value


def _mapping(fields: dict[str, Any], key: str, problems: _Problems) -> dict[str, Any]:
    value = fields.get(key) or {}
    if not isinstance(value, dict):
        problems.error(key, f"'{key}' must be a mapping")
        return {}
    return value


def _related(fields: dict[str, Any], problems: _Problems) -> tuple[Related, ...]:
    value = fields.get("related") or []
    if not isinstance(value, list):
        problems.error("related", "'related' must be a list of {title, url}")
        return ()
    related = []
    for item in value:
        if isinstance(item, str):
            item = {"title": item}
        title = _text(item.get("title")) if isinstance(item, dict) else None
        if not title:
            problems.error("related", "each related item needs a title")
            continue
        related.append(Related(title=title, url=_text(item.get("url"))))
    return tuple(related)


_DUMP_ORDER = ("title", "subtitle", "date", "updated", "section", "authors", "dateline", "outlet",
               "email", "source_url", "lang", "tags", "slug", "draft", "publish", "summary",
               "image", "related", "provenance", "extra")


def dumps(article: Article) -> str:
    """Article -> front-mattered Markdown text that loads() reads back to the same Article."""
    fields: dict[str, Any] = {}
    for key in _DUMP_ORDER:
        value = getattr(article, key)
        if value in (None, (), {}, False, ""):
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        elif key == "related":
            value = [{"title": r.title, **({"url": r.url} if r.url else {})} for r in value]
        elif isinstance(value, tuple):
            value = list(value)
        fields[key] = value
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=10_000,
                           default_flow_style=None)
    return f"---\n{front}---\n\n{article.body}"
