"""Extracted -> Article: required fields checked, NFC text, slug, section key, provenance."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from digest.config import Config
from digest.ingest.extracted import Extracted
from digest.ingest.filing import clean_tags
from digest.ingest.korean import KST
from digest.ingest.vocabulary import vocabulary
from digest.model import Article
from digest.text import nfc, slugify

# Markdown that plain scraped text must not turn into: headings, quotes, lists, tables, HTML.
_MARKDOWN_START = re.compile(
    r"^(\s*)(#{1,6}(?=\s|$)|>|[*+\-](?=\s)|\d{1,9}[.)](?=\s)|[=\-]+\s*$|\|)")


class Rejected(Exception):
    """The source holds nothing we can publish as an article; the message says why."""


def to_article(extracted: Extracted, *, source: str, kind: str, encoding: str, now: datetime,
               config: Config) -> Article:
    """Extracted fields of one source -> the Article to store (raises Rejected)."""
    title = _one_line(extracted.title)
    if not title:
        raise Rejected("no title found")
    if extracted.published is None:
        raise Rejected("no publication date found (undated article)")
    body = escape_markdown(extracted.body)
    if not body.strip():
        raise Rejected("no article text found")
    published, updated = extracted.published, extracted.updated
    if (extracted.lang or "").startswith("ko"):  # a Korean outlet's times are told in KST
        published, updated = _in_kst(published), _in_kst(updated) if updated else None
    rules = dict(extracted.rules)
    section, outlet = _names(extracted, config, rules)
    tags = clean_tags(extracted.tags, outlet=outlet, section=section, vocab=vocabulary(config))
    provenance = {"source": source, "kind": kind, "encoding": encoding,
                  "ingested": ingested_at(now, config), "rules": dict(sorted(rules.items()))}
    return Article(
        path="", title=title, date=published, updated=updated,
        body=body + "\n", subtitle=_one_line(extracted.subtitle),
        section=section, authors=extracted.authors,
        dateline=extracted.dateline, outlet=outlet,
        source_url=extracted.source_url, email=extracted.email, lang=extracted.lang,
        tags=tags, slug=slugify(title), summary=_one_line(extracted.summary),
        related=extracted.related, image=extracted.image, provenance=provenance)


def _names(extracted: Extracted, config: Config,
           rules: dict[str, str]) -> tuple[str | None, str | None]:
    """The section and outlet found -> the names digest writes: the project's, else the built-in
    vocabulary's (politics -> 정치, MBC NEWS -> MBC), else as found; rules note each renaming."""
    vocab = vocabulary(config)
    found_section, found_outlet = _one_line(extracted.section), _one_line(extracted.outlet)
    section = vocab.section_name(found_section)
    outlet = vocab.outlet(found_outlet) or found_outlet
    if not outlet and (host_outlet := vocab.outlet_of_host(extracted.source_url)):
        outlet, rules["outlet"] = host_outlet, "source URL"
    for field, found, named in (("section", found_section, section),
                                ("outlet", found_outlet, outlet)):
        if found and named != found:
            rules[field] = f"{rules.get(field, 'found')}: {found!r}" + (
                f" named {named}" if named else ", not a section")
    return section, outlet


def ingested_at(now: datetime, config: Config) -> str:
    """The moment of an ingest -> how provenance records it: in the site's time zone."""
    return now.astimezone(config.timezone).isoformat(timespec="seconds")


def _in_kst(moment: datetime) -> datetime:
    return moment.astimezone(KST) if moment.tzinfo else moment


def section_key(article: Article, config: Config) -> str:
    """Article -> the content/ sub-folder for it: the configured key, else one from its name."""
    if not article.section:
        return "other"
    configured = config.section_for(article.section)
    return configured.key if configured else slugify(article.section)


def content_path(article: Article, config: Config) -> str:
    """Article -> 'content/<section-key>/<yyyy-mm-dd>-<slug>.md' (the day in the site zone)."""
    day = article.date.astimezone(config.timezone).date() if article.date.tzinfo else \
        article.date.date()
    return f"content/{section_key(article, config)}/{day.isoformat()}-{article.slug}.md"


def with_path(article: Article, path: str) -> Article:
    return replace(article, path=path)


def escape_markdown(text: str) -> str:
    """Plain text paragraphs -> Markdown that renders as the same plain text."""
    lines = []
    for line in nfc(text).splitlines():
        lines.append(_MARKDOWN_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line))
    return "\n".join(lines).strip()


_PRIMES_AS_QUOTES = str.maketrans({"″": '"', "′": "'", "〃": '"'})


def _one_line(value: str | None) -> str | None:
    """A field value -> one NFC line; prime marks that pages use as quotes become quotes."""
    return " ".join(nfc(value).translate(_PRIMES_AS_QUOTES).split()) or None if value else None
