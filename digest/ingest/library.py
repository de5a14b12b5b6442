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
from digest.ingest.normalize import content_path
from digest.model import Article
from digest.store import dumps

NEAR_DUPLICATE = 0.7  # Jaccard similarity of character 5-gram sketches
SAME_TEXT_TWO_URLS = 0.9  # two source URLs: syndicated copies of one text, not a template
HEADLINE_AND_TEXT = 0.5  # same headline: share of the shorter text the longer holds
TOO_SHORT_TO_COMPARE = 20  # sketch hashes (~80 characters): too little text to tell apart
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
        self.config = config
        self.items: dict[str, Known] = {}
        self.taken: set[str] = set()  # every file name and '<day>-<slug>' in use
        self._by_url: dict[str, list[str]] = {}
        self._by_title: dict[str, list[str]] = {}
        self._by_minhash: dict[int, set[str]] = {}
        for path in find_sources(project / "content"):
            shown = path.relative_to(project).as_posix()
            self.taken.add(shown)
            article, _ = load_article(path, shown, config)
            if article is not None:
                self.add(shown, article)

    def add(self, path: str, article: Article) -> None:
        recorded = article.provenance.get("checksum")
        known = Known(path=path, article=article, url=url_key(article.source_url),
                      title=title_key(article.title), sketch=sketch(article.body),
                      edited=recorded != checksum(article))
        self.items[path] = known
        self.taken |= {path, _stem(content_path(article, self.config))}
        if known.url:
            self._by_url.setdefault(known.url, []).append(path)
        self._by_title.setdefault(known.title, []).append(path)
        for key in minhash_keys(known.sketch):
            self._by_minhash.setdefault(key, set()).add(path)

    def remove(self, path: str) -> None:
        """Forget a stored article (its file was replaced by one at another path)."""
        known = self.items.pop(path, None)
        if known is not None:
            self.taken -= {path, _stem(content_path(known.article, self.config))}

    def match(self, article: Article, target: str) -> tuple[Known | None, str]:
        """New article -> the stored article of the same story, and the evidence for it."""
        body = sketch(article.body)
        for known in self._candidates(article, target, body):
            why = same_story(article, body, known)
            if why:
                return known, why
        return None, ""

    def _candidates(self, article: Article, target: str, body: frozenset[int]) -> list[Known]:
        url = url_key(article.source_url)
        paths = [*(self._by_url.get(url, ()) if url else ()), target,
                 *self._by_title.get(title_key(article.title), ())]
        near = {p for key in minhash_keys(body) for p in self._by_minhash.get(key, ())
                if p in self.items}  # only the closest text can be the same story by text
        paths += [max(sorted(near), key=lambda p: similarity(self.items[p].sketch, body))
                  ] if near else []
        return [self.items[p] for p in dict.fromkeys(paths) if p in self.items]

    def free_slug(self, article: Article) -> Article:
        """Article -> itself, or with '-2', '-3'... on its slug when its file name or its URL
        (day and slug) belongs to another story."""
        candidate, n = article, 1
        while content_path(candidate, self.config) in self.taken or \
                _stem(content_path(candidate, self.config)) in self.taken:
            n += 1
            candidate = replace(article, slug=f"{article.slug}-{n}")
        return candidate


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".md")


def same_story(article: Article, body: frozenset[int], known: Known) -> str:
    """Why a new article is the stored one's story ('' when it is not): the same source URL,
    near-identical text, or the same headline backed by the text (or, when one text is too
    short to compare, by the same publication minute and no other outlet)."""
    url = url_key(article.source_url)
    if url and url == known.url:
        return "same source URL"
    text = similarity(known.sketch, body)
    if url and known.url:  # two addresses: only the same text makes them one story
        return "near-identical text" if text >= SAME_TEXT_TWO_URLS else ""
    if text >= NEAR_DUPLICATE:
        return "near-identical text"
    old = known.article
    if title_key(article.title) != known.title or not _close_in_time(old.date, article.date):
        return ""
    if containment(known.sketch, body) >= HEADLINE_AND_TEXT:
        return "same headline and text"
    too_short = min(len(known.sketch), len(body)) < TOO_SHORT_TO_COMPARE
    if too_short and _same_minute(old.date, article.date) and \
            not _different_outlets(old.outlet, article.outlet):
        return "same headline and publication time"  # a capture that kept only a scrap
    return ""


def containment(a: frozenset[int], b: frozenset[int]) -> float:
    """How much of the smaller sketch the larger holds (a short capture inside a long one)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _same_minute(a: datetime, b: datetime) -> bool:
    try:
        return abs((a - b).total_seconds()) < 60
    except TypeError:
        return False


def _different_outlets(a: str | None, b: str | None) -> bool:
    a, b = ("".join((x or "").split()).casefold() for x in (a, b))
    return bool(a and b) and a not in b and b not in a


def _close_in_time(a: datetime, b: datetime) -> bool:
    try:
        return abs((a - b).total_seconds()) <= 3 * 86400
    except TypeError:  # one naive, one aware
        return a.date() == b.date()
