"""Articles -> Stories -> Site: sections, editions by day, tags and outlets, in a stable order."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from digest import routes
from digest.config import Config
from digest.errors import Diagnostic, error
from digest.markdown import excerpt_paragraphs, paragraphs_html, render
from digest.model import Article, Edition, Listing, Site, Story, Term
from digest.text import reading_minutes, slugify, truncate_chars

SUMMARY_CHARS = 160
OTHER_SECTION = {"ko": "기타", "ja": "その他", "zh": "其他"}


def make_story(article: Article, config: Config) -> Story:
    """Article and config -> the Story as published: URL, local times, HTML, summary."""
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
        fingerprint=hashlib.blake2b(repr(article).encode(), digest_size=12).hexdigest(),
    )


def section_term(name: str | None, config: Config) -> Term:
    """A section name as written in front matter -> its configured (or derived) Term."""
    if not name:
        return Term(key="other", name=OTHER_SECTION.get(config.language[:2], "Other"))
    section = config.section_for(name)
    return Term(key=section.key, name=section.name) if section else _term(name)


def _term(name: str) -> Term:
    return Term(key=slugify(name), name=name)


def select(stories: Iterable[Story], *, now: datetime, drafts: bool,
           future: bool) -> list[Story]:
    """Stories -> those to publish: drafts only with `drafts`, future-dated only with `future`."""
    return [s for s in stories
            if (drafts or not s.draft) and (future or s.article.date <= now)]


def collate(stories: Iterable[Story], config: Config) -> tuple[Site, list[Diagnostic]]:
    """Published stories -> Site, plus an error for each pair that would share a URL."""
    unique, problems = _drop_url_collisions(stories)
    ordered = tuple(sorted(unique, key=lambda s: (-s.published.timestamp(), s.url)))
    section_order = {s.key: s.order for s in config.sections}
    sections = _listings(ordered, lambda s: [s.section], section_order)
    site = Site(
        config=config,
        stories=ordered,
        editions=_editions(ordered, section_order),
        sections=sections,
        tags=_listings(ordered, lambda s: s.tags),
        outlets=_listings(ordered, lambda s: [s.outlet] if s.outlet else []),
        story_index={story.url: index for index, story in enumerate(ordered)},
    )
    return site, problems


def _drop_url_collisions(stories: Iterable[Story]) -> tuple[list[Story], list[Diagnostic]]:
    by_url: dict[str, Story] = {}
    problems = []
    for story in sorted(stories, key=lambda s: s.path):
        first = by_url.setdefault(story.url, story)
        if first is not story:
            problems.append(error(f"same output path /{story.url} as {first.path}; "
                                  "give one of them another slug", story.path))
    return list(by_url.values()), problems


def _listings(stories: tuple[Story, ...], terms_of,
              order: dict[str, int] | None = None) -> tuple[Listing, ...]:
    """Stories (newest first) -> one Listing per term, configured order first, then by name."""
    grouped: dict[str, list[Story]] = defaultdict(list)
    names: dict[str, str] = {}
    for story in stories:
        for term in terms_of(story):
            if not grouped[term.key] or grouped[term.key][-1] is not story:
                grouped[term.key].append(story)
            names.setdefault(term.key, term.name)
    order = order or {}
    keys = sorted(grouped, key=lambda k: (k not in order, order.get(k, 0), names[k], k))
    return tuple(Listing(term=Term(key=k, name=names[k]), stories=tuple(grouped[k]))
                 for k in keys)


def _editions(stories: tuple[Story, ...], section_order: dict[str, int]) -> tuple[Edition, ...]:
    """Stories (newest first) -> one Edition per day, newest day first."""
    by_day: dict = defaultdict(list)
    for story in stories:
        by_day[story.day].append(story)
    days = sorted(by_day, reverse=True)
    editions = []
    for index, day in enumerate(days):
        day_stories = tuple(sorted(by_day[day], key=lambda s: (s.published, s.url)))
        editions.append(Edition(
            day=day,
            groups=_listings(day_stories, lambda s: [s.section], section_order),
            previous=days[index + 1] if index + 1 < len(days) else None,
            next=days[index - 1] if index > 0 else None,
        ))
    return tuple(editions)
