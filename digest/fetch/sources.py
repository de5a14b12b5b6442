"""One due source -> the pages it brings: its feed or sitemap fetched conditionally, the new
entries' pages fetched and read. Network and parsing only; placing in content/ is ingest's."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from digest.config import Config
from digest.fetch.discover import Entry, Listing, NotAList, feed_entries, sitemap_entries
from digest.fetch.http import Client, Failure, Response
from digest.fetch.pages import fetch_page, read_page
from digest.fetch.settings import SourceConfig
from digest.fetch.state import UNCHANGED, FetchState, SourceState, failed, is_new, succeeded
from digest.ingest.library import url_key
from digest.ingest.sources import Found, read_articles

PAGES_PER_RUN = 100  # newest first; the rest come on the next runs
CHILD_SITEMAPS = 20  # of a sitemap index, in its order (news indexes list the newest first)


@dataclass(frozen=True, slots=True, kw_only=True)
class Brought:
    """What one source's run gave: the new state of the source, each entry's article (or
    why not), and how many due entries wait for a later run."""

    state: SourceState
    found: tuple[tuple[Entry, Found], ...] = ()
    left: int = 0
    listed: int = 0


@dataclass(slots=True)
class _Run:
    source: SourceConfig
    before: SourceState | None
    memory: FetchState
    client: Client
    config: Config
    now: datetime
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


def bring(source: SourceConfig, before: SourceState | None, memory: FetchState,
          client: Client, config: Config, now: datetime) -> Brought:
    """Run one source: never raises for what a server sends."""
    run = _Run(source, before, memory, client, config, now)
    if source.kind == "page":
        return _page_source(run)
    before = before or SourceState()
    got = client.get(source.url, etag=before.etag, last_modified=before.last_modified)
    if isinstance(got, Failure):
        return Brought(state=failed(run.before, now, got.reason, got.retry_after))
    if got.status == 304:
        return Brought(state=succeeded(run.before, now, UNCHANGED))
    try:
        listing = _listing(run, got)
    except NotAList as exc:
        return Brought(state=failed(run.before, now, str(exc)))
    return _entries(run, got, listing)


def _listing(run: _Run, got: Response) -> Listing:
    if run.source.kind == "feed":
        return feed_entries(got.body, got.final_url)
    listing = sitemap_entries(got.body, got.final_url)
    if not listing.sitemaps:
        return listing
    entries: list[Entry] = []
    for child in listing.sitemaps[:CHILD_SITEMAPS]:
        entries += _child_sitemap(run, child)
    return Listing(entries=tuple(entries))


def _child_sitemap(run: _Run, url: str) -> list[Entry]:
    """A sitemap index's child, fetched conditionally (its validators kept with the source);
    one that fails or is unchanged adds nothing this run."""
    etag, modified = (run.before.validators.get(url) if run.before else None) or (None, None)
    got = run.client.get(url, etag=etag, last_modified=modified)
    if isinstance(got, Failure):
        return []
    run.validators[url] = (etag, modified) if got.status == 304 else (got.etag,
                                                                        got.last_modified)
    if got.status == 304:
        return []
    try:
        return list(sitemap_entries(got.body, got.final_url).entries)
    except NotAList:
        return []


def _entries(run: _Run, got: Response, listing: Listing) -> Brought:
    due = [e for e in listing.entries if is_new(run.memory, e.url, e.updated)]
    if run.source.kind == "sitemap":
        due.sort(key=lambda e: e.updated or "", reverse=True)
    fallbacks = _feed_articles(run, got, listing) if run.source.kind == "feed" else {}
    found = tuple((entry, fetch_page(entry.url, run.client, run.config, run.now, run.source,
                                     fallbacks.get(url_key(entry.url)) if entry.has_article
                                     else None))
                  for entry in due[:PAGES_PER_RUN])
    state = succeeded(run.before, run.now, etag=got.etag, last_modified=got.last_modified,
                      validators=run.validators)
    return Brought(state=state, found=found, left=max(0, len(due) - PAGES_PER_RUN),
                   listed=len(listing.entries))


def _feed_articles(run: _Run, got: Response, listing: Listing) -> dict[str | None, Found]:
    """The feed's entries read as articles, by URL: the fallback for entries whose own
    content holds the article when their page cannot be fetched."""
    if not any(e.has_article for e in listing.entries):
        return {}
    founds = read_articles(got.final_url, got.body, run.config, run.now)
    return {url_key(f.article.source_url): f for f in founds if f.article is not None}


def _page_source(run: _Run) -> Brought:
    before = run.before or SourceState()
    got = run.client.get(run.source.url, etag=before.etag, last_modified=before.last_modified)
    if isinstance(got, Failure):
        return Brought(state=failed(run.before, run.now, got.reason, got.retry_after))
    if got.status == 304:
        return Brought(state=succeeded(run.before, run.now, UNCHANGED))
    state = succeeded(run.before, run.now, etag=got.etag, last_modified=got.last_modified)
    entry = Entry(url=run.source.url)
    return Brought(state=state, found=((entry, read_page(got, run.config, run.now, run.source)),),
                   listed=1)
