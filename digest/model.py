"""The records that flow between stages. Frozen values, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from digest.config import Config

RECORD = {"frozen": True, "slots": True, "kw_only": True}


@dataclass(**RECORD)
class Related:
    title: str
    url: str | None = None


@dataclass(**RECORD)
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


@dataclass(**RECORD)
class Term:
    """A section, tag or outlet as a listing: a stable URL key and a display name."""

    key: str
    name: str


@dataclass(**RECORD)
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
    fingerprint: str = ""  # a hash of the Article: pages showing this story change with it

    def __getattr__(self, name: str) -> Any:
        if name == "article":
            raise AttributeError(name)
        return getattr(self.article, name)


@dataclass(**RECORD)
class Listing:
    """Stories under one term (section, tag or outlet), newest first."""

    term: Term
    stories: tuple[Story, ...]


@dataclass(**RECORD)
class Edition:
    """One day's digest: its stories grouped by section in configured order."""

    day: date
    groups: tuple[Listing, ...]
    previous: date | None
    next: date | None

    @property
    def stories(self) -> tuple[Story, ...]:
        return tuple(story for group in self.groups for story in group.stories)


@dataclass(**RECORD)
class Site:
    """Everything the renderer needs, collated from the articles and the config."""

    config: Config
    stories: tuple[Story, ...]
    editions: tuple[Edition, ...]
    sections: tuple[Listing, ...]
    tags: tuple[Listing, ...]
    outlets: tuple[Listing, ...]
    story_index: dict[str, int]

    def story(self, url: str) -> Story:
        return self.stories[self.story_index[url]]


@dataclass(**RECORD)
class Page:
    """One planned output: which template renders it, for which part of the site."""

    kind: str
    url: str
    template: str
    key: str = ""
    number: int = 1
    count: int = 1


@dataclass(**RECORD)
class RenderedPage:
    path: str
    data: bytes
