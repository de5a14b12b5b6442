"""content/ -> Articles and Diagnostics. The build's only reader of the content folder."""

from __future__ import annotations

import os
from pathlib import Path

from digest.config import Config
from digest.errors import Diagnostic, error
from digest.model import Article
from digest.store import loads

MAX_ARTICLE_BYTES = 20 * 1024 * 1024


def find_sources(content_dir: Path) -> list[Path]:
    """Content folder -> its Markdown files in a stable order, skipping hidden files and folders."""
    return [content_dir.parent / shown for shown in scan_sources(content_dir, content_dir.parent)]


def scan_sources(content_dir: Path, project: Path) -> dict[str, tuple[int, ...]]:
    """Content folder -> {path shown relative to the project: stat stamp} for its Markdown
    files (not hidden ones, nor those in hidden or `_` folders), files before subfolders, by
    name, without building a Path per file."""
    found: dict[str, tuple[int, ...]] = {}
    prefix = content_dir.relative_to(project).as_posix() if content_dir.is_relative_to(project) \
        else str(content_dir)
    _scan(str(content_dir), prefix, found)
    return found


def _scan(folder: str, shown: str, found: dict[str, tuple[int, ...]]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    folders = []
    for item in entries:
        name = item.name
        try:
            is_folder = item.is_dir()
        except OSError:  # a symlink loop: not a folder; as an .md file, reading reports it
            is_folder = False
        if is_folder:
            if not name.startswith((".", "_")) and not item.is_symlink():
                folders.append(item)
        elif name.endswith((".md", ".markdown")) and not name.startswith("."):
            try:
                stat = item.stat()
            except OSError:
                found[f"{shown}/{name}"] = ()  # gone or a broken link: reading reports it
                continue
            found[f"{shown}/{name}"] = (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size,
                                        stat.st_ino)
    for item in folders:  # files first, then folders: the order os.walk gives
        _scan(item.path, f"{shown}/{item.name}", found)


def load_article(path: Path, shown: str, config: Config,
                 data: bytes | None = None) -> tuple[Article | None, list[Diagnostic]]:
    """One Markdown file (its bytes, when already read) -> (Article or None, diagnostics naming
    it as `shown`)."""
    if data is None:
        try:
            size = path.stat().st_size
            if size > MAX_ARTICLE_BYTES:
                return None, [error(f"file is {size // 1024 // 1024} MB; the limit for one "
                                    f"article is {MAX_ARTICLE_BYTES // 1024 // 1024} MB", shown)]
            data = path.read_bytes()
        except OSError as exc:
            return None, [error(f"cannot read: {exc.strerror or exc}", shown)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [error("not UTF-8 text (convert it, or bring it in with `digest ingest`)",
                            shown, line)]
    if "\x00" in text:
        return None, [error("binary file, not Markdown", shown)]
    return loads(text, shown, config.timezone)
