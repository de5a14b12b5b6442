"""The records that flow between stages. Frozen values, no I/O."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from digest.config import Config

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from digest.collate import Entry

Record = TypeVar("Record", bound="DataclassInstance")


def quick_pickle(cls: type[Record]) -> type[Record]:
    """Pickle a frozen slotted dataclass as a tuple of its fields: several times faster than
    the generated __getstate__/__setstate__, and every Story crosses a pickle twice a build."""
    names = tuple(f.name for f in fields(cls))
    values = attrgetter(*names)
    _SETTERS[cls] = tuple(getattr(cls, name).__set__ for name in names)
    setattr(cls, "__reduce__", lambda self: (_rebuild, (cls, values(self))))  # noqa: B010
    return cls


_SETTERS: dict[type, tuple[Callable[[object, object], None], ...]] = {}


def _rebuild(cls: type[Record], values: tuple[object, ...]) -> Record:
    record = object.__new__(cls)
    for setter, value in zip(_SETTERS[cls], values, strict=True):
        setter(record, value)
    return record


@dataclass(frozen=True, slots=True, kw_only=True)
class Related:
    title: str
    url: str | None = None


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """A stored source document: one front-mattered Markdown file in content/."""

    path: str
    title: str
    date: datetime
    body: str
    body_line: int = 1
    updated: datetime | None = None
    subtitle: str | None = None
    section: str | None = None
    authors: tuple[str, ...] = ()
    dateline: str | None = None
    outlet: str | None = None
    source_url: str | None = None
    email: str | None = None
    lang: str | None = None
    tags: tuple[str, ...] = ()
    slug: str = ""
    draft: bool = False
    publish: str | None = None
    summary: str | None = None
    related: tuple[Related, ...] = ()
    image: str | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Term:
    """A section, tag or outlet as a listing: a stable URL key and a display name."""

    key: str
    name: str


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Story:
    """An article as published: the Article plus everything derived for the site.

    Attribute lookups that Story lacks fall through to its Article, so templates can
    write `story.title` as well as `story.article.title`.
    """

    article: Article
    url: str
    day: date
    published: datetime
    updated: datetime | None
    section: Term
    tags: tuple[Term, ...]
    outlet: Term | None
    html: str
    summary: str
    reading_minutes: int
    full_text: bool
    fingerprint: str = ""  # a hash of the source and config: pages showing it change with it

    def __getattr__(self, name: str) -> Any:
        if name == "article":
            raise AttributeError(name)
        return getattr(self.article, name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    """Stories under one term (section, tag or outlet), newest first."""

    term: Term
    stories: tuple[Story, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Edition:
    """One day's digest: its stories grouped by section in configured order."""

    day: date
    groups: tuple[Listing, ...]
    previous: date | None
    next: date | None

    @property
    def stories(self) -> tuple[Story, ...]:
        return tuple(story for group in self.groups for story in group.stories)


class IndexListing(NamedTuple):
    """A Listing by URL: one term and its stories' URLs, newest first."""

    term: Term
    urls: tuple[str, ...]


class IndexEdition(NamedTuple):
    """An Edition by URL: one day, its sections in configured order, and its neighbours."""

    day: date
    groups: tuple[IndexListing, ...]
    previous: date | None
    next: date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Index:
    """The collated site with stories named by URL: what plans pages and keys them."""

    config: Config
    entries: Mapping[str, Entry]  # URL -> Entry (a lazy mapping over the build cache)
    urls: tuple[str, ...]  # newest first
    editions: tuple[IndexEdition, ...]
    listings: dict[str, tuple[IndexListing, ...]]  # 'sections' | 'tags' | 'outlets' -> …
    health: tuple[SourceHealth, ...] = ()  # the fetch sources, when the site shows them


class SourceHealth(NamedTuple):
    """How one fetch source fared on its last run, as the owner's status page shows it."""

    name: str
    url: str
    kind: str
    status: str  # ok | unchanged | failed
    checked: datetime | None
    reason: str | None
    failures: int
    failing_since: datetime | None
    next_due: datetime | None


class Site:
    """The whole site as templates may read it through `site`: stories, editions, listings.

    Built on first use from the Index and a function fetching Stories by URL; the theme does
    not use it (pages get what they show), so a build only pays for it when a template does.
    """

    def __init__(self, index: Index, story: Callable[[str], Story]):
        self.config = index.config
        self._index, self._story = index, story

    @cached_property
    def stories(self) -> tuple[Story, ...]:
        return tuple(self._story(url) for url in self._index.urls)

    @cached_property
    def editions(self) -> tuple[Edition, ...]:
        return tuple(edition_of(e, self._story) for e in self._index.editions)

    @cached_property
    def sections(self) -> tuple[Listing, ...]:
        return self._listings("sections")

    @cached_property
    def tags(self) -> tuple[Listing, ...]:
        return self._listings("tags")

    @cached_property
    def outlets(self) -> tuple[Listing, ...]:
        return self._listings("outlets")

    def story(self, url: str) -> Story:
        return self._story(url)

    def _listings(self, kind: str) -> tuple[Listing, ...]:
        return tuple(listing_of(item, self._story) for item in self._index.listings[kind])


def listing_of(item: IndexListing, story: Callable[[str], Story]) -> Listing:
    """IndexListing -> Listing, fetching its Stories."""
    return Listing(term=item.term, stories=tuple(story(url) for url in item.urls))


def edition_of(item: IndexEdition, story: Callable[[str], Story]) -> Edition:
    """IndexEdition -> Edition, fetching its Stories."""
    return Edition(day=item.day, groups=tuple(listing_of(g, story) for g in item.groups),
                   previous=item.previous, next=item.next)


class PageKind(StrEnum):
    """What a planned page is. Templates see the text ('article', 'front', 'sections' ...):
    `page.kind == 'article'` and `page-{{ page.kind }}` work as they did with plain strings."""

    FRONT = "front"
    NOT_FOUND = "404"
    SEARCH = "search"
    SOURCES = "sources"  # the owner's status page of fetch sources
    EDITION = "edition"
    MONTH = "month"
    YEAR = "year"
    SECTIONS = "sections"  # one section's stories (a listing kind, as in Index.listings)
    TAGS = "tags"
    OUTLETS = "outlets"
    SECTIONS_INDEX = "sections-index"  # every section
    TAGS_INDEX = "tags-index"
    OUTLETS_INDEX = "outlets-index"
    ARTICLE = "article"
    # Files made without a template:
    ROBOTS = "robots"
    NOJEKYLL = "nojekyll"
    SITEMAP = "sitemap"
    CNAME = "cname"
    FEED = "feed"


class Page(NamedTuple):
    """One planned output: which template renders it, for which part of the site (a named
    tuple: a site plans one per output file, so they must be cheap to make)."""

    kind: PageKind
    url: str
    template: str
    key: str = ""
    number: int = 1
    count: int = 1  # type: ignore[assignment]  # shadows tuple.count: templates read page.count


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderedPage:
    path: str
    data: bytes
