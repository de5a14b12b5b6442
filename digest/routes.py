"""The only place URL patterns live: site URLs, output paths and links between pages.

A site URL is relative to the site root and has no leading slash: '' is the front page,
'2020/06/03/' an edition, 'sections/economy/page/2/' a listing page.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from urllib.parse import quote

FRONT = ""
NOT_FOUND = "404.html"
SOURCES = "sources/status/"  # the owner's page of fetch sources (off by default)
SECTIONS = "sections/"
TAGS = "tags/"
OUTLETS = "outlets/"
SEARCH = "search/"
FEED_FILES = {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}
ROBOTS = "robots.txt"
NOJEKYLL = ".nojekyll"  # tells GitHub Pages not to run Jekyll
CNAME = "CNAME"
SITEMAP = "sitemap.xml"  # the sitemap, or the index of its parts when it needs several


def edition(day: date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}/"  # strftime is 5x slower


def month(year: int, month_number: int) -> str:
    return f"{year:04d}/{month_number:02d}/"


def year(year_number: int) -> str:
    return f"{year_number:04d}/"


def article(day: date, slug: str) -> str:
    return f"{edition(day)}{slug}/"


def terms(kind: str) -> str:
    """'sections'|'tags'|'outlets' -> the URL of the page listing every such term."""
    return f"{kind}/"


def listing(kind: str, key: str, number: int = 1) -> str:
    """('sections'|'tags'|'outlets', key, page number) -> its URL."""
    base = f"{kind}/{key}/"
    return base if number == 1 else f"{base}page/{number}/"


def feed(kind: str, section_key: str | None = None) -> str:
    """('atom'|'rss'|'json', optional section key) -> the feed's URL."""
    prefix = f"sections/{section_key}/" if section_key else ""
    return prefix + FEED_FILES[kind]


def sitemap_part(number: int) -> str:
    """1, 2 … -> the URL of that part of a sitemap too large for one file."""
    return f"sitemap-{number}.xml"


def output_path(url: str) -> str:
    """Site URL -> the file path it is written to inside the output directory."""
    return url + "index.html" if url == "" or url.endswith("/") else url


@lru_cache(maxsize=65536)
def href(url: str) -> str:
    """Site URL -> the same URL percent-encoded for an href or a feed."""
    return quote(url, safe="/:#?=&%")


def root_prefix(source: str) -> str:
    """Site URL of a page -> the relative path from it back to the site root ('' or '../..')."""
    return "../" * source.count("/")


def relative(target: str, source: str) -> str:
    """Link from the page at `source` to `target`, both site URLs, that works at any base path."""
    return (root_prefix(source) + href(target)) or "./"


def absolute(url: str, base_url: str) -> str:
    """Site URL and the site's base_url -> an absolute URL for feeds, sitemaps and canonicals."""
    return base_url + href(url)
