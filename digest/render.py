"""plan(site) -> Pages; Renderer.render(page) -> RenderedPage. Pure apart from reading templates."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from math import ceil
from typing import Any

import jinja2

from digest import feeds, routes
from digest.model import Edition, Listing, Page, RenderedPage, Site, Story
from digest.templates import day_label, month_label, render_template, web_url, year_label

LISTING_KINDS = {"sections": "section.html", "tags": "tag.html", "outlets": "outlet.html"}
MORE_FROM_SECTION = 5
PAGE_TEMPLATES = ["front.html", "edition.html", "month.html", "year.html", "article.html",
                  "terms.html", "404.html", "search.html", *LISTING_KINDS.values()]


def news_article(story: Story, site: Site) -> dict[str, Any]:
    """Story -> schema.org NewsArticle data for the article page."""
    config = site.config
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


def site_fingerprint(site: Site, template_generation: int) -> str:
    """What every page shows beside its own data: config, templates, section menu, years."""
    navigation = [(s.term.key, s.term.name) for s in site.sections]
    years = sorted({e.day.year for e in site.editions})
    return repr((site.config, template_generation, navigation, years))


def _collect(value: Any, parts: list[str], memo: dict[int, str]) -> None:
    """Flatten a template context into `parts`: stories by fingerprint, the rest by value.
    Editions and listings recur on many pages, so each is flattened once (`memo`)."""
    if isinstance(value, Story):
        parts.append(value.fingerprint)
    elif isinstance(value, dict):
        for key in sorted(value):
            parts.append(key)
            _collect(value[key], parts, memo)
    elif isinstance(value, list | tuple):
        parts.append(f"[{len(value)}")
        for item in value:
            _collect(item, parts, memo)
    elif isinstance(value, Edition | Listing):
        if id(value) not in memo:
            inner = [repr(value.day) + repr(value.previous) + repr(value.next)
                     if isinstance(value, Edition) else repr(value.term)]
            _collect(value.groups if isinstance(value, Edition) else value.stories, inner, memo)
            memo[id(value)] = hashlib.blake2b("\x1f".join(inner).encode()).hexdigest()
        parts.append(memo[id(value)])
    else:
        parts.append(repr(value))


def plan(site: Site) -> list[Page]:
    """Site -> every page to write, in a stable order."""
    pages = [Page(kind="front", url=routes.FRONT, template="front.html"),
             Page(kind="404", url=routes.NOT_FOUND, template="404.html"),
             Page(kind="search", url=routes.SEARCH, template="search.html")]
    pages += [Page(kind="edition", url=routes.edition(e.day), template="edition.html",
                   key=e.day.isoformat()) for e in site.editions]
    months = sorted({(e.day.year, e.day.month) for e in site.editions})
    pages += [Page(kind="month", url=routes.month(y, m), template="month.html",
                   key=f"{y:04d}-{m:02d}") for y, m in months]
    pages += [Page(kind="year", url=routes.year(y), template="year.html", key=str(y))
              for y in sorted({y for y, _ in months})]
    for kind, template in LISTING_KINDS.items():
        pages.append(Page(kind=f"{kind}-index", url=f"{kind}/", template="terms.html", key=kind))
        for listing in getattr(site, kind):
            count = max(1, ceil(len(listing.stories) / site.config.page_size))
            pages += [Page(kind=kind, url=routes.listing(kind, listing.term.key, n),
                           template=template, key=listing.term.key, number=n, count=count)
                      for n in range(1, count + 1)]
    pages += [Page(kind="article", url=s.url, template="article.html", key=s.url)
              for s in site.stories]
    return pages + _file_pages(site, html_count=len(pages) - 1)


def _file_pages(site: Site, html_count: int) -> list[Page]:
    config = site.config
    pages = [Page(kind="robots", url="robots.txt", template=""),
             Page(kind="nojekyll", url=".nojekyll", template="")]
    pages += [Page(kind="sitemap", url=url, template="", key=str(n))
              for n, url in enumerate(feeds.sitemap_urls(html_count))]
    if config.cname:
        pages.append(Page(kind="cname", url="CNAME", template=""))
    if config.feeds:
        for kind in routes.FEED_FILES:
            pages.append(Page(kind="feed", url=routes.feed(kind), template="", key=kind))
            pages += [Page(kind="feed", url=routes.feed(kind, s.term.key), template="",
                           key=f"{kind}:{s.term.key}") for s in site.sections]
    return pages


@dataclass(frozen=True, slots=True)
class Lookups:
    """Indexes over a Site that every page render needs, built once per process."""

    editions: dict[str, Edition]
    months: dict[str, tuple[Edition, ...]]
    years: dict[int, tuple[tuple[int, int], ...]]
    listings: dict[tuple[str, str], Listing]
    section_position: dict[str, int]

    @classmethod
    def of(cls, site: Site) -> Lookups:
        months: dict[str, list[Edition]] = defaultdict(list)
        for edition in site.editions:
            months[f"{edition.day:%Y-%m}"].append(edition)
        years: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for key in sorted(months, reverse=True):
            years[int(key[:4])].append((int(key[:4]), int(key[5:])))
        listings = {(kind, listing.term.key): listing for kind in LISTING_KINDS
                    for listing in getattr(site, kind)}
        positions = {story.url: index for listing in site.sections
                     for index, story in enumerate(listing.stories)}
        return cls(editions={e.day.isoformat(): e for e in site.editions},
                   months={k: tuple(v) for k, v in months.items()},
                   years={k: tuple(v) for k, v in years.items()},
                   listings=listings, section_position=positions)


class Renderer:
    """Renders planned pages of one Site with one Jinja environment."""

    def __init__(self, site: Site, env: jinja2.Environment, pages: tuple[Page, ...]):
        self.site = site
        self.env = env
        self.pages = pages
        self.lookups = Lookups.of(site)
        self._memo: dict[int, str] = {}  # fingerprints of editions and listings

    def render(self, page: Page) -> RenderedPage:
        """Page -> its output path and bytes; template errors raise TemplateError."""
        if not page.template:
            data = feeds.render_file(page, self.site, self.pages)
        else:
            text = render_template(self.env, page.template, self.context(page), page.url)
            data = text.encode("utf-8")
        return RenderedPage(path=routes.output_path(page.url), data=data)

    def fingerprint(self, page: Page, site_part: str) -> str:
        """Page -> a hash of everything its template receives; equal hashes, equal pages."""
        parts = [site_part, page.kind, page.url, str(page.number), str(page.count)]
        if page.template:
            context = getattr(self, f"_{page.kind.replace('-', '_')}")(page)
            _collect(context, parts, self._memo)
        return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()

    def context(self, page: Page) -> dict[str, Any]:
        """Page -> the variables its template receives (documented in the README)."""
        site, config = self.site, self.site.config
        base = config.base_path
        if page.kind == "404":
            def link(url: str) -> str:
                return base + routes.href(url)
        else:
            def link(url: str) -> str:
                return routes.relative(url, page.url)
        context = {
            "site": site, "config": config, "extra": config.extra, "page": page,
            "link": link, "url_of": routes, "lang": config.language,
            # Absolute when base_url is; else under the base path, which browsers resolve.
            "canonical": routes.absolute(page.url, config.base_url)
            if config.has_absolute_base else config.base_path + routes.href(page.url),
            "years": sorted(self.lookups.years, reverse=True),
            "feeds": config.feeds,
        }
        context.update(getattr(self, f"_{page.kind.replace('-', '_')}")(page))
        return context

    def _front(self, page: Page) -> dict[str, Any]:
        editions = self.site.editions[: self.site.config.front_page_editions]
        return {"title": self.site.config.title, "editions": editions}

    def _404(self, page: Page) -> dict[str, Any]:
        return {"title": "404", "editions": self.site.editions[:1]}

    def _search(self, page: Page) -> dict[str, Any]:
        return {"title": "검색" if self.site.config.language.startswith("ko") else "Search"}

    def _edition(self, page: Page) -> dict[str, Any]:
        edition = self.lookups.editions[page.key]
        return {"title": day_label(edition.day, self.site.config.language), "edition": edition}

    def _month(self, page: Page) -> dict[str, Any]:
        editions = self.lookups.months[page.key]
        year, month = int(page.key[:4]), int(page.key[5:])
        return {"title": month_label(year, month, self.site.config.language),
                "year": year, "month": month, "editions": editions}

    def _year(self, page: Page) -> dict[str, Any]:
        year = int(page.key)
        months = [(m, self.lookups.months[f"{y:04d}-{m:02d}"]) for y, m in
                  self.lookups.years[year]]
        return {"title": year_label(year, self.site.config.language), "year": year,
                "months": months}

    def _listing(self, page: Page) -> dict[str, Any]:
        listing = self.lookups.listings[(page.kind, page.key)]
        size = self.site.config.page_size
        stories = listing.stories[(page.number - 1) * size: page.number * size]
        previous = routes.listing(page.kind, page.key, page.number - 1) \
            if page.number > 1 else None
        following = routes.listing(page.kind, page.key, page.number + 1) \
            if page.number < page.count else None
        return {"title": listing.term.name, "listing": listing, "term": listing.term,
                "stories": stories, "previous_page": previous, "next_page": following,
                "first_page": routes.listing(page.kind, page.key)}

    _sections = _tags = _outlets = _listing

    def _terms(self, page: Page) -> dict[str, Any]:
        return {"title": page.key, "kind": page.key, "listings": getattr(self.site, page.key)}

    _sections_index = _tags_index = _outlets_index = _terms

    def _article(self, page: Page) -> dict[str, Any]:
        story = self.site.story(page.key)
        section = self.lookups.listings[("sections", story.section.key)].stories
        position = self.lookups.section_position[story.url]
        more = [s for s in section[:MORE_FROM_SECTION + 1] if s is not story]
        return {
            "title": story.title, "story": story, "json_ld": news_article(story, self.site),
            "newer": section[position - 1] if position > 0 else None,
            "older": section[position + 1] if position + 1 < len(section) else None,
            "more_from_section": more[:MORE_FROM_SECTION],
        }
