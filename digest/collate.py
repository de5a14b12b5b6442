"""Articles -> Stories -> Entries -> Index: sections, editions by day, tags and outlets, in a
stable order. The Index names stories by URL; the renderer fetches the Stories it shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

from digest import routes
from digest.config import Config
from digest.errors import Diagnostic, error
from digest.markdown import excerpt_paragraphs, paragraphs_html, render
from digest.model import Article, Index, IndexEdition, IndexListing, Story, Term
from digest.text import reading_minutes, slugify, truncate_chars

SUMMARY_CHARS = 160
OTHER_SECTION = {"ko": "기타", "ja": "その他", "zh": "其他"}


def make_story(article: Article, config: Config, fingerprint: str) -> Story:
    """Article, config and a hash of what they were made from -> the Story as published:
    URL, local times, HTML, summary."""
    published = article.date.astimezone(config.timezone)
    rendered = render(article.body)
    full_text = (article.publish or config.publish) == "full"
    if full_text:
        html = rendered.html
    else:
        html = paragraphs_html(excerpt_paragraphs(rendered.paragraphs, config.excerpt_length))
    summary = article.summary or article.subtitle or truncate_chars(rendered.text, SUMMARY_CHARS)
    return Story(
        article=article,
        url=routes.article(published.date(), article.slug),
        day=published.date(),
        published=published,
        updated=article.updated.astimezone(config.timezone) if article.updated else None,
        section=section_term(article.section, config),
        tags=tuple(_term(tag) for tag in article.tags),
        outlet=_term(article.outlet) if article.outlet else None,
        html=html,
        summary=summary,
        reading_minutes=reading_minutes(rendered.text),
        full_text=full_text,
        fingerprint=fingerprint,
    )


def section_term(name: str | None, config: Config) -> Term:
    """A section name as written in front matter -> its configured (or derived) Term."""
    if not name:
        return Term(key="other", name=OTHER_SECTION.get(config.language[:2], "Other"))
    section = config.section_for(name)
    return Term(key=section.key, name=section.name) if section else _term(name)


@lru_cache(maxsize=4096)  # tags recur across articles; slugify costs ~4 us
def _term(name: str) -> Term:
    return Term(key=slugify(name), name=name)


class Entry(NamedTuple):
    """What collation needs of a Story, in plain values: cheap to keep, store and sort."""

    url: str
    path: str
    timestamp: float  # published, as seconds since the epoch
    day: date
    section: Term
    tags: tuple[Term, ...]
    outlet: Term | None
    draft: bool
    written: float  # the article's own date (for --future), as seconds since the epoch
    lastmod: str  # updated, else published, in ISO 8601
    fingerprint: str


def entry(story: Story) -> Entry:
    """Story -> its Entry."""
    return Entry(url=story.url, path=story.path, timestamp=story.published.timestamp(),
                 day=story.day, section=story.section, tags=story.tags, outlet=story.outlet,
                 draft=story.draft, written=story.article.date.timestamp(),
                 lastmod=(story.updated or story.published).isoformat(),
                 fingerprint=story.fingerprint)


def select(entries: Iterable[Entry], *, now: datetime, drafts: bool,
           future: bool) -> list[Entry]:
    """Entries -> those to publish: drafts only with `drafts`, future-dated only with `future`."""
    limit = now.timestamp()
    return [e for e in entries if (drafts or not e.draft) and (future or e.written <= limit)]


def next_reveal(entries: Iterable[Entry], *, now: datetime, future: bool) -> float | None:
    """The moment the earliest future-dated entry becomes due (None: none waits)."""
    if future:
        return None
    limit = now.timestamp()
    return min((e.written for e in entries if e.written > limit), default=None)


def collate(entries: Iterable[Entry], config: Config) -> tuple[Index, list[Diagnostic]]:
    """Published entries -> the site's Index, plus an error for each pair sharing a URL."""
    unique, problems = _drop_url_collisions(entries)
    unique.sort(key=lambda e: (-e.timestamp, e.url))
    section_order = {s.key: s.order for s in config.sections}
    index = Index(
        config=config,
        entries={e.url: e for e in unique},
        urls=tuple(e.url for e in unique),
        editions=_editions(unique, section_order),
        listings={
            "sections": _listings(unique, lambda e: (e.section,), section_order),
            "tags": _listings(unique, lambda e: e.tags),
            "outlets": _listings(unique, lambda e: (e.outlet,) if e.outlet else ()),
        },
    )
    return index, problems


def _drop_url_collisions(entries: Iterable[Entry]) -> tuple[list[Entry], list[Diagnostic]]:
    by_url: dict[str, Entry] = {}
    problems = []
    for item in sorted(entries, key=lambda e: e.path):
        first = by_url.setdefault(item.url, item)
        if first is not item:
            problems.append(error(f"same output path /{item.url} as {first.path}; "
                                  "give one of them another slug", item.path))
    return list(by_url.values()), problems


def _listings(entries: list[Entry], terms_of: Callable[[Entry], Iterable[Term]],
              order: dict[str, int] | None = None) -> tuple[IndexListing, ...]:
    """Entries (newest first) -> one listing per term, configured order first, then by name."""
    grouped: dict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    for item in entries:
        for term in terms_of(item):
            urls = grouped[term.key]
            if not urls or urls[-1] != item.url:
                urls.append(item.url)
            names.setdefault(term.key, term.name)
    order = order or {}
    keys = sorted(grouped, key=lambda k: (k not in order, order.get(k, 0), names[k], k))
    return tuple(IndexListing(Term(key=k, name=names[k]), tuple(grouped[k])) for k in keys)


def _editions(entries: list[Entry], section_order: dict[str, int]) -> tuple[IndexEdition, ...]:
    """Entries (newest first) -> one edition per day, newest day first."""
    by_day: dict[date, list[Entry]] = defaultdict(list)
    for item in entries:
        by_day[item.day].append(item)
    days = sorted(by_day, reverse=True)
    editions = []
    for number, day in enumerate(days):
        day_entries = sorted(by_day[day], key=lambda e: (e.timestamp, e.url))
        editions.append(IndexEdition(
            day=day,
            groups=_listings(day_entries, lambda e: (e.section,), section_order),
            previous=days[number + 1] if number + 1 < len(days) else None,
            next=days[number - 1] if number > 0 else None,
        ))
    return tuple(editions)
