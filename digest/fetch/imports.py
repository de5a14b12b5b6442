"""`digest sources import`: the feeds of an OPML file appended to digest.yaml's `sources:`.

The file is edited as text at the places PyYAML's composer marks, so every byte around the new
lines (comments, blank lines, quoting, indentation) stays as the user wrote it; a round-trip
YAML library re-spaces what it re-emits and moves comments that follow a list's last item."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from digest.config import Config, fold_name, load_config
from digest.errors import ConfigError, DigestError, error
from digest.fetch.opml import OpmlFeed
from digest.fetch.settings import is_web_url

NEW_FILE = "# digest.yaml: settings for this digest (`digest init` writes one explaining all)\n"


@dataclass(frozen=True, slots=True, kw_only=True)
class Skipped:
    feed: OpmlFeed
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportPlan:
    added: tuple[dict[str, str], ...]  # each new source as written: {"feed": URL, "name": …}
    skipped: tuple[Skipped, ...]


def plan_import(config: Config, feeds: tuple[OpmlFeed, ...]) -> ImportPlan:
    """The configured sources and an OPML file's feeds -> which to add, which to skip and why."""
    why = {fold_name(s.url): f"already in the config as {s.name}" for s in config.sources}
    taken = set(why) | {fold_name(s.name) for s in config.sources}  # URLs and names
    added: list[dict[str, str]] = []
    skipped: list[Skipped] = []
    for feed in feeds:
        key = fold_name(feed.url)
        reason = why.get(key) or ("a source is named so" if key in taken else None) or (
            None if is_web_url(feed.url) else "not an http:// or https:// URL")
        if reason:
            skipped.append(Skipped(feed=feed, reason=reason))
            continue
        why[key] = f"in the OPML file before, at line {feed.line}"
        taken.add(key)
        entry = {"feed": feed.url}
        name = _free_name(feed, taken)
        if name:
            taken.add(fold_name(name))
            entry["name"] = name
        added.append(entry)
    return ImportPlan(added=tuple(added), skipped=tuple(skipped))


def _free_name(feed: OpmlFeed, taken: set[str]) -> str | None:
    """The feed's name, or with its host when another source has it, or None (its URL then
    names it)."""
    if not feed.name or feed.name == feed.url:
        return None
    for name in (feed.name, f"{feed.name} ({urlsplit(feed.url).hostname})"):
        if fold_name(name) not in taken:
            return name
    return None


def import_feeds(path: Path, feeds: tuple[OpmlFeed, ...]) -> ImportPlan:
    """digest.yaml (created when absent) and an OPML file's feeds -> what was added and
    skipped; the file is rewritten atomically, and only when it loads before and after."""
    exists = path.exists()
    try:
        config = load_config(path) if exists else Config()
    except ConfigError as exc:
        raise DigestError([error(f"{path} has problems, so nothing was imported; fix them "
                                 "first:"), *exc.diagnostics]) from None
    plan = plan_import(config, feeds)
    if plan.added:
        text = path.read_bytes().decode("utf-8") if exists else NEW_FILE  # CRLF kept
        _replace_checked(path, add_sources(path, text, plan.added),
                         {entry["feed"] for entry in plan.added})
    return plan


def add_sources(path: Path, text: str, entries: tuple[dict[str, str], ...]) -> str:
    """digest.yaml's text and new sources -> the text with them at the end of `sources:`
    (which is made when missing); every other byte as it was."""
    newline = "\r\n" if "\r\n" in text else "\n"
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None:  # empty, or only comments
        return _new_key(text, len(text), 0, entries, newline)
    if not isinstance(root, yaml.MappingNode):  # load_config has refused it already
        raise DigestError([error("the config is not a mapping of settings", str(path), 1)])
    if root.flow_style:
        raise DigestError([error("the config is one {…} mapping; add the sources to it by "
                                 "hand", str(path), 1)])
    value = next((v for k, v in root.value if k.value == "sources"), None)
    if value is None:
        return _new_key(text, _new_key_place(text, root), root.start_mark.column, entries,
                        newline)
    if isinstance(value, yaml.ScalarNode):  # `sources:` (or `sources: null`), nothing under
        text = text[:value.start_mark.index] + text[value.end_mark.index:]
        at = _line_after(text, value.start_mark.index)
        dash = root.start_mark.column + 2
        return text[:at] + _block_items(entries, dash, dash + 2, newline) + text[at:]
    if value.flow_style:  # sources: [ … ]
        at = value.end_mark.index - 1
        comma = ", " if value.value and not text[:at].rstrip().endswith(",") else ""
        return text[:at] + comma + ", ".join(map(_flow_item, entries)) + text[at:]
    at = _line_after(text, _deep_end(value))
    items = _block_items(entries, value.start_mark.column, value.value[0].start_mark.column,
                         newline)
    return text[:at] + items + text[at:]


def _new_key(text: str, at: int, column: int, entries: tuple[dict[str, str], ...],
             newline: str) -> str:
    before = text[:at]
    if before and not before.endswith("\n"):
        before += newline
    if before.strip() and not before.endswith(newline * 2):
        before += newline
    block = " " * column + "sources:" + newline + _block_items(entries, column + 2,
                                                                 column + 4, newline)
    return before + block + text[at:]


def _new_key_place(text: str, root: yaml.MappingNode) -> int:
    """Where a new top-level key goes: the end of the file, unless a document end (`...`)
    follows the last value; then right after that value's line."""
    at = _line_after(text, _deep_end(root))
    rest = [line.strip() for line in text[at:].splitlines()]
    if all(not line or line.startswith("#") for line in rest):
        return len(text)
    return at


def _deep_end(node: yaml.Node) -> int:
    """Where the last value inside a block collection ends (the collection's own end mark lies
    after the comments that follow it)."""
    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style \
            and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node.end_mark.index


def _line_after(text: str, index: int) -> int:
    """The start of the line after the one `index` is on (a block scalar ends on a line
    start: that one)."""
    if index > 0 and text[index - 1] == "\n":
        return index
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _block_items(entries: tuple[dict[str, str], ...], dash: int, column: int,
                 newline: str) -> str:
    column = max(column, dash + 2)
    lines = []
    for entry in entries:
        for number, (key, value) in enumerate(entry.items()):
            lead = " " * dash + "-" + " " * (column - dash - 1) if number == 0 else " " * column
            lines.append(f"{lead}{key}: {_scalar(value)}")
    return newline.join(lines) + newline


def _flow_item(entry: dict[str, str]) -> str:
    return "{" + ", ".join(f"{key}: {json.dumps(value, ensure_ascii=False)}"
                           for key, value in entry.items()) + "}"


def _scalar(value: str) -> str:
    """Text -> itself when YAML reads it back as that text, else a double-quoted scalar."""
    try:
        plain = value == value.strip() and yaml.safe_load(f"k: {value}\n") == {"k": value}
    except yaml.YAMLError:
        plain = False
    return value if plain else json.dumps(value, ensure_ascii=False)


def _replace_checked(path: Path, text: str, urls: set[str]) -> None:
    """Write `text` over `path` atomically, once it loads as a config holding `urls`."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        try:
            loaded = {s.url for s in load_config(Path(temporary)).sources}
        except ConfigError as exc:
            raise DigestError([error("the edited config would not load (a bug in digest: "
                                     f"please report it); {path} was left as it was"),
                               *exc.diagnostics]) from None
        if not urls <= loaded:
            raise DigestError([error(f"the edited config lost sources; {path} was left as "
                                     "it was (a bug in digest: please report it)")])
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
