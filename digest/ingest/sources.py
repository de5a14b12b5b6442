"""One source file -> the Articles in it (or why there are none). Reads; never writes."""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from digest.config import Config
from digest.ingest.extracted import Extracted
from digest.ingest.feed import extract_feed
from digest.ingest.html import extract_html
from digest.ingest.normalize import Rejected, ingested_at, to_article
from digest.ingest.pagetext import extract_text
from digest.ingest.read import UnreadableSource, read_source
from digest.ingest.vocabulary import vocabulary
from digest.model import Article
from digest.store import loads

STDIN = "-"


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """What one source (or one feed entry) yielded: an Article, or the reason it failed."""

    source: str
    article: Article | None = None
    reason: str | None = None
    entry: int | None = None


def expand(inputs: list[str]) -> tuple[list[str], list[Found]]:
    """Paths, folders, globs and '-' -> source paths in a stable order, plus inputs not found."""
    sources: list[str] = []
    missing: list[Found] = []
    for raw in inputs:
        if raw == STDIN:
            sources.append(STDIN)
        elif os.path.isdir(raw):
            sources += sorted(str(p) for p in Path(raw).rglob("*")
                              if p.is_file() and not _hidden(p.relative_to(raw)))
        elif os.path.exists(raw):
            sources.append(raw)
        elif glob.has_magic(raw) and glob.glob(raw, recursive=True):
            sources += sorted(p for p in glob.glob(raw, recursive=True) if os.path.isfile(p))
        elif is_web_address(raw):
            sources.append(raw)
        else:
            missing.append(Found(source=raw, reason="no such file or folder"))
    return list(dict.fromkeys(sources)), missing


_WEB_ADDRESS = re.compile(r"(?i)https?://[^/\s]")


def is_web_address(raw: str) -> bool:
    """An input naming a page on the web (fetched politely), not a file."""
    return bool(_WEB_ADDRESS.match(raw))


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def read_articles(source: str, data: bytes, config: Config, now: datetime,
                  origin: str | None = None) -> list[Found]:
    """A source's bytes -> one Found per article in it (a feed has many); `origin` is the name
    its provenance records (default: `source`)."""
    origin = origin or source
    try:
        decoded = read_source(data)
    except UnreadableSource as exc:
        return [Found(source=source, reason=str(exc))]
    if decoded.kind == "markdown":
        return [_markdown(source, origin, decoded.text, config, now)]
    if decoded.kind == "feed":
        entries = extract_feed(decoded.text)
        if not entries:
            return [Found(source=source, reason="feed has no entries")]
        return [_found(source, origin, e, "feed", decoded.encoding, config, now, entry=n)
                for n, e in enumerate(entries, start=1)]
    reader = extract_html if decoded.kind == "html" else extract_text
    try:
        extracted = reader(decoded.text, vocabulary(config))
    except Exception as exc:  # a parser bug on one page must not stop the batch
        return [Found(source=source, reason=f"cannot parse {decoded.kind}: {exc!r}")]
    if extracted is None:
        what = "HTML page" if decoded.kind == "html" else "page text"
        return [Found(source=source, reason=f"nothing recognizable as a dated article in this "
                                            f"{what}")]
    return [_found(source, origin, extracted, decoded.kind, decoded.encoding, config, now)]


def _found(source: str, origin: str, extracted: Extracted, kind: str, encoding: str,
           config: Config, now: datetime, entry: int | None = None) -> Found:
    try:
        article = to_article(extracted, source=origin, kind=kind, encoding=encoding, now=now,
                             config=config)
    except Rejected as exc:
        return Found(source=source, reason=str(exc), entry=entry)
    return Found(source=source, article=article, entry=entry)


def _markdown(source: str, origin: str, text: str, config: Config, now: datetime) -> Found:
    article, problems = loads(text, source, config.timezone)
    errors = [str(p) for p in problems if p.is_error]
    if article is None or errors:
        return Found(source=source, reason="; ".join(errors) or "invalid front matter")
    provenance = {**article.provenance} or {"source": origin, "kind": "markdown",
                                            "ingested": ingested_at(now, config)}
    return Found(source=source, article=replace(article, provenance=provenance))
