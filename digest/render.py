"""plan(index) -> Pages; Renderer.render(page) -> RenderedPage. Pure but for reading templates."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from math import ceil
from typing import Any, NamedTuple, cast

from digest import feeds, routes
from digest.config import Config
from digest.model import (
    Edition,
    Index,
    IndexEdition,
    IndexListing,
    Listing,
    Page,
    PageKind,
    RenderedPage,
    Site,
    Story,
    Term,
    edition_of,
)
from digest.templates import SiteEnvironment, clear_fragments, render_template, web_url


class ListingPages(NamedTuple):
    """The pages of one kind of term: a listing per term, and the page of them all."""

    listing: PageKind
    terms: PageKind
    template: str  # the listing's


LISTING_KINDS = {  # keyed as Index.listings
    "sections": ListingPages(PageKind.SECTIONS, PageKind.SECTIONS_INDEX, "section.html"),
    "tags": ListingPages(PageKind.TAGS, PageKind.TAGS_INDEX, "tag.html"),
    "outlets": ListingPages(PageKind.OUTLETS, PageKind.OUTLETS_INDEX, "outlet.html"),
}
MORE_FROM_SECTION = 5
Fetch = Callable[[str], Story]  # URL -> its Story
PAGE_TEMPLATES = ["front.html", "edition.html", "month.html", "year.html", "article.html",
                  "terms.html", "404.html", "search.html", "sources.html",
                  *(pages.template for pages in LISTING_KINDS.values())]


def news_article(story: Story, config: Config) -> dict[str, Any]:
    """Story -> schema.org NewsArticle data for the article page."""
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
        "datePublished": story.published.isoformat(),
        "dateModified": (story.updated or story.published).isoformat(),
        "articleSection": story.section.name, "inLanguage": story.lang or config.language,
        "author": [{"@type": "Person", "name": name} for name in story.authors],
    }
    if story.outlet:
        data["publisher"] = {"@type": "Organization", "name": story.outlet.name}
    if config.has_absolute_base:
        data["mainEntityOfPage"] = routes.absolute(story.url, config.base_url)
    if web_url(story.source_url):
        data["isBasedOn"] = web_url(story.source_url)
    if web_url(story.image):
        data["image"] = [web_url(story.image)]
    return data


def plan(index: Index) -> list[Page]:
    """Index -> every page to write, in a stable order."""
    pages = [Page(kind=PageKind.FRONT, url=routes.FRONT, template="front.html"),
             Page(kind=PageKind.NOT_FOUND, url=routes.NOT_FOUND, template="404.html"),
             Page(kind=PageKind.SEARCH, url=routes.SEARCH, template="search.html")]
    if index.config.fetch.status_page:
        pages.append(Page(kind=PageKind.SOURCES, url=routes.SOURCES, template="sources.html"))
    pages += [Page(kind=PageKind.EDITION, url=routes.edition(e.day), template="edition.html",
                   key=e.day.isoformat()) for e in index.editions]
    months = sorted({(e.day.year, e.day.month) for e in index.editions})
    pages += [Page(kind=PageKind.MONTH, url=routes.month(y, m), template="month.html",
                   key=f"{y:04d}-{m:02d}") for y, m in months]
    pages += [Page(kind=PageKind.YEAR, url=routes.year(y), template="year.html", key=str(y))
              for y in sorted({y for y, _ in months})]
    for kind, listed in LISTING_KINDS.items():
        pages.append(Page(kind=listed.terms, url=routes.terms(kind), template="terms.html",
                          key=kind))
        for listing in index.listings[kind]:
            count = max(1, ceil(len(listing.urls) / index.config.page_size))
            pages += [Page(kind=listed.listing, url=routes.listing(kind, listing.term.key, n),
                           template=listed.template, key=listing.term.key, number=n,
                           count=count) for n in range(1, count + 1)]
    pages += [Page(kind=PageKind.ARTICLE, url=url, template="article.html", key=url)
              for url in index.urls]
    return pages + _file_pages(index, html_count=len(pages) - 1)


def _file_pages(index: Index, html_count: int) -> list[Page]:
    config = index.config
    pages = [Page(kind=PageKind.ROBOTS, url=routes.ROBOTS, template=""),
             Page(kind=PageKind.NOJEKYLL, url=routes.NOJEKYLL, template="")]
    pages += [Page(kind=PageKind.SITEMAP, url=url, template="", key=str(n))
              for n, url in enumerate(feeds.sitemap_urls(html_count))]
    if config.cname:
        pages.append(Page(kind=PageKind.CNAME, url=routes.CNAME, template=""))
    if config.feeds:
        for kind in routes.FEED_FILES:
            pages.append(Page(kind=PageKind.FEED, url=routes.feed(kind), template="", key=kind))
            pages += [Page(kind=PageKind.FEED, url=routes.feed(kind, item.term.key), template="",
                           key=f"{kind}:{item.term.key}") for item in index.listings["sections"]]
    return pages


class TermCount(NamedTuple):
    """A term on a terms page, with how many stories it lists."""

    term: Term
    count: int  # type: ignore[assignment]  # shadows tuple.count: terms.html reads .count


@dataclass(frozen=True, slots=True)
class Lookups:
    """Indexes over an Index that page contexts need, built once per process."""

    editions: dict[str, IndexEdition]
    months: dict[str, tuple[IndexEdition, ...]]
    years: dict[int, tuple[tuple[int, int], ...]]
    listings: dict[tuple[str, str], IndexListing]
    section_position: dict[str, int]

    @classmethod
    def of(cls, index: Index) -> Lookups:
        months: dict[str, list[IndexEdition]] = defaultdict(list)
        for edition in index.editions:
            months[f"{edition.day:%Y-%m}"].append(edition)
        years: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for key in sorted(months, reverse=True):
            years[int(key[:4])].append((int(key[:4]), int(key[5:])))
        listings = {(kind, listing.term.key): listing for kind in LISTING_KINDS
                    for listing in index.listings[kind]}
        positions = {url: position for listing in index.listings["sections"]
                     for position, url in enumerate(listing.urls)}
        return cls(editions={e.day.isoformat(): e for e in index.editions},
                   months={k: tuple(v) for k, v in months.items()},
                   years={k: tuple(v) for k, v in years.items()},
                   listings=listings, section_position=positions)


class Renderer:
    """Renders planned pages of one Index with one Jinja environment, fetching the Stories
    each page shows through `fetch` (URL -> Story)."""

    def __init__(self, index: Index, env: SiteEnvironment, pages: tuple[Page, ...],
                 fetch: Callable[[str], Story]):
        self.index = index
        self.env = env
        self.ui = env.ui  # the site language's words
        self.pages = pages
        self.lookups = Lookups.of(index)
        self.site = Site(index, self.story)
        self.sections = tuple(item.term for item in index.listings["sections"])
        self._fetch = fetch
        self._stories: dict[str, Story] = {}
        clear_fragments(env)

    def story(self, url: str) -> Story:
        """URL -> its Story, fetched once per process."""
        found = self._stories.get(url)
        if found is None:
            found = self._stories[url] = self._fetch(url)
        return found

    def render(self, page: Page) -> RenderedPage:
        """Page -> its output path and bytes; template errors raise TemplateError."""
        if not page.template:
            data = feeds.render_file(page, self.index, self.story, self.pages)
        else:
            text = render_template(self.env, page.template, self.context(page), page.url)
            data = text.encode("utf-8")
        return RenderedPage(path=routes.output_path(page.url), data=data)

    def fingerprint(self, page: Page, site_part: str,
                    shown: list[str] | None = None) -> str:
        """Page -> a hash of everything it is made from; equal hashes, equal pages.

        It hashes the page's own template variables as the page would get them, with each
        story stood in for by its URL and fingerprint, so no Story is fetched for it. The URLs
        of the stories it shows are appended to `shown`.
        """
        parts = [site_part, page.kind, page.url, str(page.number), str(page.count)]
        entries = self.index.entries

        def stand_in(url: str) -> str:
            if shown is not None:
                shown.append(url)
            return url + " " + entries[url].fingerprint

        if page.template:
            # The contexts take the stand-in text where a Story would be: _flatten reads it.
            _flatten(self._own_context(page, cast(Callable[[str], Story], stand_in)), parts)
        else:
            _flatten(feeds.sources(page, self.index, self.pages, stand_in), parts)
        return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()

    def context(self, page: Page) -> dict[str, Any]:
        """Page -> the variables its template receives (documented in the README)."""
        index, config = self.index, self.index.config
        base = config.base_path
        if page.kind == PageKind.NOT_FOUND:
            def link(url: str) -> str:
                return base + routes.href(url)
        else:
            def link(url: str) -> str:
                return routes.relative(url, page.url)
        context: dict[str, Any] = {
            "site": self.site, "config": config, "extra": config.extra, "page": page,
            "link": link, "url_of": routes, "lang": config.language,
            # What link() puts before a site URL: a cache key for fragments full of links.
            "root": base if page.kind == PageKind.NOT_FOUND else routes.root_prefix(page.url),
            # Absolute when base_url is; else under the base path, which browsers resolve.
            "canonical": routes.absolute(page.url, config.base_url)
            if config.has_absolute_base else config.base_path + routes.href(page.url),
            "years": sorted(self.lookups.years, reverse=True),
            "sections": self.sections,
            "feeds": config.feeds,
        }
        context.update(self._own_context(page, self.story))
        if page.kind == PageKind.ARTICLE:
            context["json_ld"] = news_article(context["story"], index.config)
        return context

    def _own_context(self, page: Page, story: Fetch) -> dict[str, Any]:
        """The variables that are the page's own (not site-wide), stories fetched by `story`."""
        own: Callable[[Page, Fetch], dict[str, Any]] = \
            getattr(self, f"_{page.kind.replace('-', '_')}")
        return own(page, story)

    def _front(self, page: Page, story: Fetch) -> dict[str, Any]:
        editions = self.index.editions[: self.index.config.front_page_editions]
        return {"title": self.index.config.title,
                "editions": [edition_of(e, story) for e in editions]}

    def _404(self, page: Page, story: Fetch) -> dict[str, Any]:
        return {"title": "404", "editions": [edition_of(e, story)
                                             for e in self.index.editions[:1]]}

    def _search(self, page: Page, story: Fetch) -> dict[str, Any]:
        return {"title": self.ui.t("search"), "searchable": bool(self.index.urls)}

    def _sources(self, page: Page, story: Fetch) -> dict[str, Any]:
        failing = [s for s in self.index.health if s.failures]
        return {"title": self.ui.t("source_status"), "health": self.index.health,
                "failing": failing}

    def _edition(self, page: Page, story: Fetch) -> dict[str, Any]:
        edition = self.lookups.editions[page.key]
        return {"title": self.ui.day(edition.day),
                "edition": edition_of(edition, story)}

    def _month(self, page: Page, story: Fetch) -> dict[str, Any]:
        editions = self.lookups.months[page.key]
        year, month = int(page.key[:4]), int(page.key[5:])
        return {"title": self.ui.t("month", year=year, month=month),
                "year": year, "month": month,
                "editions": [edition_of(e, story) for e in editions]}

    def _year(self, page: Page, story: Fetch) -> dict[str, Any]:
        year = int(page.key)
        months = [(m, tuple(e.day for e in self.lookups.months[f"{y:04d}-{m:02d}"]))
                  for y, m in self.lookups.years[year]]
        return {"title": self.ui.t("year", year=year), "year": year,
                "months": months}

    def _listing(self, page: Page, story: Fetch) -> dict[str, Any]:
        listing = self.lookups.listings[(page.kind, page.key)]
        size = self.index.config.page_size
        urls = listing.urls[(page.number - 1) * size: page.number * size]
        previous = routes.listing(page.kind, page.key, page.number - 1) \
            if page.number > 1 else None
        following = routes.listing(page.kind, page.key, page.number + 1) \
            if page.number < page.count else None
        return {"title": listing.term.name, "term": listing.term, "total": len(listing.urls),
                "stories": [story(url) for url in urls], "previous_page": previous,
                "next_page": following, "first_page": routes.listing(page.kind, page.key)}

    _sections = _tags = _outlets = _listing

    def _terms(self, page: Page, story: Fetch) -> dict[str, Any]:
        return {"title": self.ui.t(page.key), "kind": page.key,  # a LISTING_KINDS key
                "listings": [TermCount(item.term, len(item.urls))
                             for item in self.index.listings[page.key]]}

    _sections_index = _tags_index = _outlets_index = _terms

    def _article(self, page: Page, story: Fetch) -> dict[str, Any]:
        entry = self.index.entries[page.key]
        section = self.lookups.listings[("sections", entry.section.key)].urls
        position = self.lookups.section_position[page.key]
        more = [url for url in section[:MORE_FROM_SECTION + 1] if url != page.key]
        shown = story(page.key)
        return {
            "title": shown.title if isinstance(shown, Story) else shown, "story": shown,
            "newer": story(section[position - 1]) if position > 0 else None,
            "older": story(section[position + 1]) if position + 1 < len(section) else None,
            "more_from_section": [story(url) for url in more[:MORE_FROM_SECTION]],
        }


def _flatten(value: object, parts: list[str]) -> None:
    """Append a stable text form of a template context (of stand-ins) to `parts`."""
    if isinstance(value, str):
        parts.append(value)
    elif isinstance(value, dict):
        for key, item in value.items():  # insertion order: fixed by the code that built it
            parts.append(key)
            _flatten(item, parts)
    elif isinstance(value, list | tuple) and not isinstance(value, Term | TermCount):
        parts.append(f"[{len(value)}")
        for item in value:
            _flatten(item, parts)
    elif isinstance(value, Edition):
        parts.append(f"{value.day} {value.previous} {value.next}")
        _flatten(value.groups, parts)
    elif isinstance(value, Listing):
        parts.append(f"{value.term.key}\x1e{value.term.name}")
        _flatten(value.stories, parts)
    else:
        parts.append(repr(value))
