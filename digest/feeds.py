"""Machine-readable files: Atom, RSS 2.0, JSON Feed 1.1, sitemap, robots.txt, CNAME."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime as rfc822

from digest import routes
from digest.config import Config
from digest.model import Index, Page, PageKind, Story

SITEMAP_LIMIT = 50_000
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """Text -> XML character data ('&', '<', '>' escaped)."""
    return text.translate(_ESCAPES)


def quoteattr(text: str) -> str:
    """Text -> a double-quoted XML attribute value."""
    return '"' + escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace(
        "\r", "&#13;").replace("\t", "&#9;") + '"'

_XML_DECL = '<?xml version="1.0" encoding="utf-8"?>\n'


def sitemap_urls(page_count: int) -> list[str]:
    """Number of HTML pages -> sitemap file URLs: one file, or an index and its parts."""
    if page_count <= SITEMAP_LIMIT:
        return [routes.SITEMAP]
    parts = -(-page_count // SITEMAP_LIMIT)
    return [routes.SITEMAP, *(routes.sitemap_part(n) for n in range(1, parts + 1))]


def sources(page: Page, index: Index, pages: Sequence[Page],
            stand_in: Callable[[str], str]) -> tuple[tuple[str, str], ...] | tuple[str, ...]:
    """A non-template Page -> what its bytes are made from, beside the config (for its key),
    each story it shows given as `stand_in(url)`."""
    if page.kind == PageKind.SITEMAP:
        return tuple((p.url, index.entries[p.key].lastmod if p.kind == PageKind.ARTICLE else "")
                     for p in _html_pages(pages))
    if page.kind == PageKind.FEED:
        _, _, section_key = page.key.partition(":")
        return tuple(stand_in(url) for url in _feed_urls(index, section_key or None))
    return ()


def render_file(page: Page, index: Index, story: Callable[[str], Story],
                pages: Sequence[Page]) -> bytes:
    """A non-template Page -> its bytes, fetching the Stories it shows through `story`."""
    config = index.config
    if page.kind == PageKind.ROBOTS:
        sitemap = routes.absolute(routes.SITEMAP, config.base_url)
        return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()
    if page.kind == PageKind.NOJEKYLL:
        return b""
    if page.kind == PageKind.CNAME:
        return f"{config.cname}\n".encode()
    if page.kind == PageKind.SITEMAP:
        return _sitemap(page, index, pages).encode()
    kind, _, section_key = page.key.partition(":")
    return _feed(kind, index, story, section_key or None).encode()


def _html_pages(pages: Sequence[Page]) -> list[Page]:
    return [p for p in pages if p.template and p.kind not in (PageKind.NOT_FOUND, PageKind.SOURCES)]


def _sitemap(page: Page, index: Index, pages: Sequence[Page]) -> str:
    base = index.config.base_url
    html_pages = _html_pages(pages)
    files = sitemap_urls(len(html_pages))
    if len(files) > 1 and page.key == "0":
        entries = "".join(f"<sitemap><loc>{escape(routes.absolute(f, base))}</loc></sitemap>\n"
                          for f in files[1:])
        return (f"{_XML_DECL}<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                f"\n{entries}</sitemapindex>\n")
    part = max(0, int(page.key) - 1)
    chunk = html_pages[part * SITEMAP_LIMIT:(part + 1) * SITEMAP_LIMIT]
    lines = []
    for p in chunk:
        lastmod = ""
        if p.kind == PageKind.ARTICLE:
            lastmod = f"<lastmod>{index.entries[p.key].lastmod}</lastmod>"
        lines.append(f"<url><loc>{escape(routes.absolute(p.url, base))}</loc>{lastmod}</url>\n")
    return (f"{_XML_DECL}<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            f"{''.join(lines)}</urlset>\n")


def _feed_urls(index: Index, section_key: str | None) -> tuple[str, ...]:
    urls = index.urls
    if section_key:
        urls = next(s.urls for s in index.listings["sections"] if s.term.key == section_key)
    return urls[: index.config.feed_size]


def _feed(kind: str, index: Index, story: Callable[[str], Story],
          section_key: str | None) -> str:
    config = index.config
    stories = [story(url) for url in _feed_urls(index, section_key)]
    title = config.title
    if section_key:
        section = next(s for s in index.listings["sections"] if s.term.key == section_key)
        title = f"{section.term.name} · {config.title}"
    feed_url = routes.absolute(routes.feed(kind, section_key), config.base_url)
    home = routes.absolute(routes.listing("sections", section_key) if section_key else "",
                           config.base_url)
    writer = {"atom": _atom, "rss": _rss, "json": _json_feed}[kind]
    return writer(stories, title, feed_url, home, config)


def _updated(stories: Sequence[Story]) -> datetime | None:
    return max(((s.updated or s.published) for s in stories), default=None)


def _atom(stories: Sequence[Story], title: str, feed_url: str, home: str,
          config: Config) -> str:
    updated = _updated(stories)
    out = [_XML_DECL, f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang='
           f'{quoteattr(config.language)}>\n',
           f"<title>{escape(title)}</title>\n<id>{escape(feed_url)}</id>\n",
           f'<link rel="self" href={quoteattr(feed_url)}/>\n',
           f'<link rel="alternate" type="text/html" href={quoteattr(home)}/>\n',
           f"<updated>{(updated or datetime(1970, 1, 1, tzinfo=UTC)).isoformat()}</updated>\n"]
    if config.description:
        out.append(f"<subtitle>{escape(config.description)}</subtitle>\n")
    for story in stories:
        url = routes.absolute(story.url, config.base_url)
        authors = "".join(f"<author><name>{escape(a)}</name></author>" for a in story.authors)
        out.append(
            f"<entry>\n<title>{escape(story.title)}</title>\n<id>{escape(url)}</id>\n"
            f'<link rel="alternate" type="text/html" href={quoteattr(url)}/>\n'
            f"<published>{story.published.isoformat()}</published>\n"
            f"<updated>{(story.updated or story.published).isoformat()}</updated>\n"
            f"{authors}<category term={quoteattr(story.section.name)}/>\n"
            f"<summary>{escape(story.summary)}</summary>\n"
            f'<content type="html">{escape(story.html)}</content>\n</entry>\n')
    out.append("</feed>\n")
    return "".join(out)


def _rss(stories: Sequence[Story], title: str, feed_url: str, home: str,
         config: Config) -> str:
    updated = _updated(stories)
    out = [_XML_DECL, '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n',
           f"<title>{escape(title)}</title>\n<link>{escape(home)}</link>\n",
           f"<description>{escape(config.description or title)}</description>\n",
           f"<language>{escape(config.language)}</language>\n",
           f'<atom:link href={quoteattr(feed_url)} rel="self" type="application/rss+xml"/>\n']
    if updated:
        out.append(f"<lastBuildDate>{rfc822(updated)}</lastBuildDate>\n")
    for story in stories:
        url = routes.absolute(story.url, config.base_url)
        creators = "".join(f"<dc:creator>{escape(a)}</dc:creator>" for a in story.authors)
        out.append(
            f"<item>\n<title>{escape(story.title)}</title>\n<link>{escape(url)}</link>\n"
            f'<guid isPermaLink="true">{escape(url)}</guid>\n'
            f"<pubDate>{rfc822(story.published)}</pubDate>\n{creators}"
            f"<category>{escape(story.section.name)}</category>\n"
            f"<description>{escape(story.html)}</description>\n</item>\n")
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def _json_feed(stories: Sequence[Story], title: str, feed_url: str, home: str,
               config: Config) -> str:
    feed: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1", "title": title,
        "home_page_url": home, "feed_url": feed_url, "language": config.language,
        "items": [{
            "id": routes.absolute(s.url, config.base_url),
            "url": routes.absolute(s.url, config.base_url),
            "title": s.title, "content_html": s.html, "summary": s.summary,
            "date_published": s.published.isoformat(),
            **({"date_modified": s.updated.isoformat()} if s.updated else {}),
            **({"authors": [{"name": a} for a in s.authors]} if s.authors else {}),
            **({"external_url": s.source_url} if s.source_url else {}),
            "tags": [t.name for t in s.tags],
        } for s in stories],
    }
    if config.description:
        feed["description"] = config.description
    # Escaping '<' keeps the JSON safe even if a file is ever inlined into a page.
    return json.dumps(feed, ensure_ascii=False, indent=1).replace("<", "\\u003c") + "\n"
