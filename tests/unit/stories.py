"""Small hand-made articles and indexes for the stage tests (collate, plan, render context)."""

from __future__ import annotations

from datetime import datetime

from digest.collate import Entry, collate, entry, make_story
from digest.config import Config, parse_config
from digest.model import Article, Index, Story

# Listed politics first but ordered economy first: the order key, not the list, decides.
SECTIONS = [{"key": "politics", "name": "정치", "order": 2},
            {"key": "economy", "name": "경제", "order": 1}]


def config(**values) -> Config:
    """digest.yaml values -> Config (two configured sections unless given); fails on a problem."""
    problems: list = []
    made = parse_config({"sections": SECTIONS, **values}, problems)
    assert not problems, problems
    return made


def article(slug: str, date: str, **fields) -> Article:
    """A slug, an ISO date and any other front matter fields -> an Article."""
    fields.setdefault("title", f"기사 {slug}")
    fields.setdefault("body", f"{slug} 기사의 본문입니다.")
    return Article(path=f"content/{slug}.md", slug=slug, date=datetime.fromisoformat(date),
                   **fields)


def story(item: Article, site: Config) -> Story:
    """Article -> its Story, fingerprinted by its path."""
    return make_story(item, site, fingerprint=f"fp:{item.path}")


def index_of(articles: list[Article], site: Config) -> tuple[Index, dict[str, Story]]:
    """Articles -> the collated Index (no collision expected) and its Stories by URL."""
    stories = {s.url: s for s in (story(a, site) for a in articles)}
    entries: list[Entry] = [entry(s) for s in stories.values()]
    index, problems = collate(entries, site)
    assert not problems, problems
    return index, stories
