"""What content/ already holds, indexed to tell a new article from a duplicate or an update."""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from digest.config import Config
from digest.content import find_sources, load_article
from digest.model import Article
from digest.store import dumps

NEAR_DUPLICATE = 0.7  # Jaccard similarity of character 5-gram sketches
_VERSION_MARK = re.compile(
    r"\s*[\[(]\s*(?:종합\s*\d*\s*보?|\d+\s*보|속보|1보|2보|3보|상보|update\s*\d*)\s*[\])]\s*",
    re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Known:
    """One stored article, reduced to what matching needs."""

    path: str
    article: Article
    url: str | None
    title: str
    sketch: frozenset[int]
    edited: bool  # changed by a person since digest wrote it (or written by a person)


def checksum(article: Article) -> str:
    """Article -> a hash of what digest would write for it, ignoring when it was ingested."""
    provenance = {k: v for k, v in article.provenance.items() if k not in ("checksum",
                                                                             "ingested")}
    text = dumps(replace(article, path="", provenance=provenance))
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def with_checksum(article: Article) -> Article:
    return replace(article, provenance={**article.provenance, "checksum": checksum(article)})


def same_content(a: Article, b: Article) -> bool:
    return checksum(a) == checksum(b)


def url_key(url: str | None) -> str | None:
    """A source URL -> a form that ignores scheme, 'www.', a trailing slash and the fragment."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{parts.path.rstrip('/')}{query}" or None


def title_key(title: str) -> str:
    """A headline -> itself without version marks like (종합2보) or [속보], for matching."""
    return " ".join(_VERSION_MARK.sub(" ", title).split()).casefold()


def sketch(body: str) -> frozenset[int]:
    """Body text -> hashes of a sample of its character 5-grams (whitespace ignored)."""
    text = re.sub(r"\s+", "", body)
    grams = (zlib.crc32(text[i:i + 5].encode()) for i in range(max(0, len(text) - 4)))
    return frozenset(g for g in grams if g % 4 == 0)


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


MINHASH_KEYS = 12  # the smallest sketch hashes: articles sharing one are compared in full


def minhash_keys(body_sketch: frozenset[int]) -> list[int]:
    return sorted(body_sketch)[:MINHASH_KEYS]


class Library:
    """The articles in content/, indexed by URL, headline and text, updated as the batch writes."""

    def __init__(self, project: Path, config: Config):
        self.project = project
        self.items: dict[str, Known] = {}
        self._by_url: dict[str, str] = {}
        self._by_title: dict[str, list[str]] = {}
        self._by_minhash: dict[int, set[str]] = {}
        for path in find_sources(project / "content"):
            shown = path.relative_to(project).as_posix()
            article, _ = load_article(path, shown, config)
            if article is not None:
                self.add(shown, article)

    def add(self, path: str, article: Article) -> None:
        recorded = article.provenance.get("checksum")
        known = Known(path=path, article=article, url=url_key(article.source_url),
                      title=title_key(article.title), sketch=sketch(article.body),
                      edited=recorded != checksum(article))
        self.items[path] = known
        if known.url:
            self._by_url.setdefault(known.url, path)
        self._by_title.setdefault(known.title, []).append(path)
        for key in minhash_keys(known.sketch):
            self._by_minhash.setdefault(key, set()).add(path)

    def match(self, article: Article, target: str) -> tuple[Known | None, str]:
        """New article -> the stored article it repeats (or updates), and why they match."""
        if target in self.items:
            return self.items[target], "same file name"
        url = url_key(article.source_url)
        if url and url in self._by_url:
            return self.items[self._by_url[url]], "same source URL"
        for path in self._by_title.get(title_key(article.title), ()):
            if _close_in_time(self.items[path].article.date, article.date):
                return self.items[path], "same headline"
        body = sketch(article.body)
        candidates = {p for key in minhash_keys(body) for p in self._by_minhash.get(key, ())}
        best = max((self.items[p] for p in sorted(candidates)),
                   key=lambda k: similarity(k.sketch, body), default=None)
        if best is not None and similarity(best.sketch, body) >= NEAR_DUPLICATE:
            return best, "near-identical text"
        return None, ""


def _close_in_time(a: datetime, b: datetime) -> bool:
    try:
        return abs((a - b).total_seconds()) <= 3 * 86400
    except TypeError:  # one naive, one aware
        return a.date() == b.date()


def is_newer_version(new: Article, old: Article) -> bool:
    """Whether `new` is a later version of the story in `old` (a later update or version mark)."""
    new_time, old_time = new.updated or new.date, old.updated or old.date
    try:
        if new_time > old_time:
            return True
    except TypeError:
        pass
    return _version_number(new.title) > _version_number(old.title)


def _version_number(title: str) -> int:
    match = re.search(r"종합\s*(\d*)\s*보?|(\d+)\s*보", title)
    if not match:
        return 0
    return int(match.group(1) or match.group(2) or 1) + 1
