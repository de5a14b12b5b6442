"""A fetched feed or sitemap (bytes) -> the article pages it lists. Parses; never fetches.

feedparser and lxml are handed the bytes the polite client fetched, so no library makes a
request behind robots.txt and the per-host pause.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree

from digest.ingest.feed import html_to_paragraphs

SUBSTANTIAL = 400  # characters of text: an entry holding the article, not only a teaser


class NotAList(Exception):
    """The bytes are no feed or sitemap (the message says what they are instead)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One article a feed or sitemap lists; `updated` as the source wrote it, normalised."""

    url: str
    updated: str | None = None
    title: str | None = None
    has_article: bool = False  # the entry's own content is the article (a fallback)


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    entries: tuple[Entry, ...] = ()
    sitemaps: tuple[str, ...] = ()  # a sitemap index's children


def feed_entries(data: bytes, url: str) -> Listing:
    """RSS, Atom or RDF bytes -> its entries with links (relative links resolved)."""
    # A file object: given bytes or text, feedparser may open them as a path or a URL.
    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": url})
    if not parsed.entries and not parsed.get("version"):
        raise NotAList(f"not a feed: {_why(parsed.get('bozo_exception'))}")
    entries = []
    for item in parsed.entries:
        link = item.get("link")
        if not link or urlsplit(urljoin(url, link)).scheme not in ("http", "https"):
            continue
        entries.append(Entry(url=urljoin(url, link), title=item.get("title"),
                             updated=_feed_time(item), has_article=_substantial(item)))
    return Listing(entries=tuple(_unique(entries)))


def _feed_time(item: feedparser.FeedParserDict) -> str | None:
    present = item.keys()  # item.get("updated_parsed") would fall back to the published time
    for key in ("updated_parsed", "published_parsed"):
        if key in present and item[key]:
            year, month, day, hour, minute, second = item[key][:6]
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat()
    return None


def _substantial(item: feedparser.FeedParserDict) -> bool:
    html = item.content[0].get("value", "") if item.get("content") else item.get("summary", "")
    return len(html_to_paragraphs(html or "")) >= SUBSTANTIAL


def _why(exc: Exception | None) -> str:
    return str(getattr(exc, "getMessage", lambda: exc)()) if exc else "no entries"


_GZIP_CAP = 50_000_000  # sitemaps may hold 50,000 URLs in at most 50 MB (sitemaps.org)


def sitemap_entries(data: bytes, url: str) -> Listing:
    """A sitemap or sitemap index (maybe gzipped) -> its pages, or its child sitemaps."""
    root = _xml_root(_gunzipped(data))
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise NotAList(f"not a sitemap: the document is <{kind}>")
    children = [c for c in root if etree.QName(c).localname in ("url", "sitemap")]
    if kind == "sitemapindex":
        return Listing(sitemaps=tuple(_unique(
            u for c in children if (u := _loc(c, url)) is not None)))
    entries = [Entry(url=u, updated=_lastmod(c), title=_child_text(c, "title", deep=True))
               for c in children if (u := _loc(c, url)) is not None]
    return Listing(entries=tuple(_unique(entries)))


def _gunzipped(data: bytes) -> bytes:
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unpacked:
            inflated = unpacked.read(_GZIP_CAP + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise NotAList(f"a damaged gzip file: {exc}") from None
    if len(inflated) > _GZIP_CAP:
        raise NotAList("a gzipped sitemap over 50 MB unpacked")
    return inflated


def _xml_root(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             recover=False, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise NotAList(f"not XML: {exc}") from None
    if root is None:
        raise NotAList("an empty document")
    return root


def _child_text(element: etree._Element, name: str, deep: bool = False) -> str | None:
    """The text of a child named `name` (any namespace); `deep`: of any descendant."""
    for child in (element.iter() if deep else element):
        if isinstance(child.tag, str) and etree.QName(child).localname == name and child.text:
            return child.text.strip() or None
    return None


def _loc(element: etree._Element, base: str) -> str | None:
    loc = _child_text(element, "loc")
    if not loc:
        return None
    absolute = urljoin(base, loc)
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def _lastmod(element: etree._Element) -> str | None:
    text = (_child_text(element, "lastmod")
            or _child_text(element, "publication_date", deep=True))
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


Listed = TypeVar("Listed", str, Entry)


def _unique(items: Iterable[Listed]) -> Iterator[Listed]:
    seen: set[str] = set()
    for item in items:
        key = item if isinstance(item, str) else item.url
        if key not in seen:
            seen.add(key)
            yield item
