"""A fetched article page -> the Found that ingest places: read, credited, cut to what is stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from tld import get_fld

from digest.config import Config
from digest.fetch.http import Client, Failure, Response
from digest.fetch.settings import SourceConfig
from digest.ingest.sources import Found, read_articles
from digest.markdown import excerpt_paragraphs
from digest.model import Article


def fetch_pages(urls: list[str], config: Config, now: datetime) -> list[Found]:
    """Pages named on the command line -> each one's article (or why not), fetched politely."""
    with Client.for_config(config) as client:
        return [fetch_page(url, client, config, now) for url in urls]


def fetch_page(url: str, client: Client, config: Config, now: datetime,
               source: SourceConfig | None = None, fallback: Found | None = None) -> Found:
    """Fetch one article page and read it; on failure the feed entry's own article
    (`fallback`) when it has one, else the reason."""
    got = client.get(url)
    if isinstance(got, Failure):
        return _fallen_back(fallback, config, source, f"cannot fetch the page: {got.reason}",
                            url)
    found = read_page(got, config, now, source)
    if found.article is None and fallback is not None:
        return _fallen_back(fallback, config, source, found.reason or "", url)
    return found


def read_page(got: Response, config: Config, now: datetime,
              source: SourceConfig | None = None) -> Found:
    """A fetched page -> its article, credited to the page's address."""
    found = read_articles(got.url, got.body, config, now, origin=got.url)[0]
    if found.article is None:
        return found
    article = replace(found.article, source_url=source_url(found.article.source_url,
                                                           got.final_url))
    return replace(found, article=stored(with_defaults(article, source), config))


def _fallen_back(fallback: Found | None, config: Config, source: SourceConfig | None,
                 reason: str, url: str) -> Found:
    if fallback is None or fallback.article is None:
        return Found(source=url, reason=reason)
    article = with_defaults(replace(fallback.article, source_url=url), source)
    return replace(fallback, source=url, article=stored(article, config))


def source_url(canonical: str | None, fetched: str) -> str:
    """The page's canonical URL when it is on the fetched page's site, else the URL fetched
    (after redirects): a canonical pointing elsewhere would credit the wrong page."""
    if not canonical:
        return fetched
    absolute = urljoin(fetched, canonical.strip())
    if urlsplit(absolute).scheme not in ("http", "https"):
        return fetched
    return absolute if same_site(absolute, fetched) else fetched


def same_site(a: str, b: str) -> bool:
    """Two URLs on one registrable domain (news.example.co.kr ~ www.example.co.kr)."""
    site_a = get_fld(a, fail_silently=True) or urlsplit(a).hostname
    site_b = get_fld(b, fail_silently=True) or urlsplit(b).hostname
    return bool(site_a) and site_a == site_b


def with_defaults(article: Article, source: SourceConfig | None) -> Article:
    """The source's section and outlet where the page named none."""
    if source is None:
        return article
    return replace(article, section=article.section or source.section,
                   outlet=article.outlet or source.outlet)


def stored(article: Article, config: Config) -> Article:
    """What a fetch keeps of the article in content/: by default (`fetch.store: excerpt`) only
    the leading paragraphs a page shows, since a public repository republishes content/."""
    if config.fetch.store == "full":
        return article
    paragraphs = tuple(p for p in article.body.split("\n\n") if p.strip())
    kept = excerpt_paragraphs(paragraphs, config.excerpt_length)
    body = "\n\n".join(p.strip().rstrip("\\") for p in kept) + "\n"
    provenance = {**article.provenance, "stored": "excerpt"}
    return replace(article, body=body, provenance=provenance)
