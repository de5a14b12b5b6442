"""Saved HTML pages -> Extracted: trafilatura for the main text; JSON-LD, OpenGraph and meta
tags for the metadata (digest.ingest.metadata); the scraped-text rules on the visible text for
what those lack."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import trafilatura
from bs4 import BeautifulSoup

from digest.ingest import chrome, korean
from digest.ingest.embedded import embedded_body
from digest.ingest.extracted import Extracted
from digest.ingest.filing import meta_sections, url_section
from digest.ingest.metadata import (
    META_AUTHOR,
    META_PUBLISHED,
    META_UPDATED,
    breadcrumb_section,
    canonical_url,
    first_h1,
    htmldate_date,
    json_ld_article,
    json_ld_items,
    ld_image,
    ld_name,
    ld_names,
    ld_text,
    meta_any,
    meta_tags,
    page_lang,
    page_tags,
    parse_date,
    strip_site,
    time_tag,
    visible_text,
)
from digest.ingest.pagetext import extract_text
from digest.ingest.vocabulary import GENERIC_SECTIONS, Vocabulary, fold, vocabulary
from digest.text import nfc

Value = TypeVar("Value")


def extract_html(text: str, vocab: Vocabulary | None = None) -> Extracted | None:
    """HTML text -> Extracted, or None when the page holds no article text; `vocab` (default:
    the built-in one) tells section and outlet names."""
    vocab = vocab or vocabulary()
    page = _read_page(text, vocab)
    meta, ld, fallback = page.meta, page.ld, page.fallback
    rules: dict[str, str] = {}
    body = _body(text, page.data_body, fallback, meta, rules)
    if not body:
        return None
    title = _title(page, rules)
    published, updated = _published(page, text, rules), _updated(page, rules)
    authors, section = _authors(page, body, rules), _section(page, vocab, rules)
    outlet = _outlet(page, vocab, rules)
    body = _without_headline(body, title)
    if page.korean:  # the chrome and layout rules know Korean pages
        body = _korean_body(body, fallback, meta.get("og:description") or meta.get(
            "description"), rules)
    title = _headline(title, fallback, rules)
    byline = korean.parse_byline(body.split("\n", 1)[0])
    return Extracted(
        body=body, lang=page.lang, title=title, published=published, updated=updated,
        authors=authors, section=section, outlet=outlet,
        subtitle=(fallback.subtitle if fallback else None),
        dateline=byline.dateline if byline else None,
        email=(byline.email if byline and byline.email else None) or (
            fallback.email if fallback else None),
        source_url=page.url,
        image=meta.get("og:image") or ld_image(ld.get("image")),
        summary=chrome.without_copyright(meta.get("og:description") or meta.get("description")),
        tags=page_tags(meta, ld),
        related=fallback.related if fallback else (),
        rules=rules)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Page:
    """What one page says besides its main text: its tags and data, and what the scraped-text
    rules read in its visible text (`fallback`)."""

    soup: BeautifulSoup  # without its interface elements (scripts, buttons, hidden parts)
    meta: dict[str, str]
    ld_items: list[dict[str, Any]]
    ld: dict[str, Any]  # the JSON-LD object describing the article ({} when none does)
    url: str | None
    data_body: str | None  # article text kept in the page's data
    fallback: Extracted | None
    lang: str | None
    korean: bool
    site_name: str | None


def _read_page(text: str, vocab: Vocabulary) -> _Page:
    soup = BeautifulSoup(text, "lxml")
    meta = meta_tags(soup)
    ld_items = json_ld_items(soup)
    ld = json_ld_article(ld_items)
    url = canonical_url(soup, meta, ld)
    data_body = embedded_body(soup, ld)  # before visible_text drops the scripts
    fallback = extract_text(visible_text(soup), vocab)
    lang = page_lang(soup) or (fallback.lang if fallback else None)
    return _Page(soup=soup, meta=meta, ld_items=ld_items, ld=ld, url=url, data_body=data_body,
                 fallback=fallback, lang=lang,
                 korean=(lang or "").startswith("ko") or bool(fallback and fallback.lang == "ko"),
                 site_name=meta.get("og:site_name") or ld_name(ld.get("publisher")))


def _title(page: _Page, rules: dict[str, str]) -> str | None:
    fallback, soup, site_name = page.fallback, page.soup, page.site_name
    names = {_fold(n) for n in (site_name, fallback and fallback.outlet) if n}
    return _first(rules, "title", [(rule, title) for rule, title in [
        ("og:title", strip_site(page.meta.get("og:title"), site_name)),
        ("JSON-LD headline", ld_text(page.ld.get("headline"))),
        ("first <h1>", first_h1(soup)),
        ("scraped-text rules", fallback.title if fallback else None),
        ("<title>", strip_site(soup.title.string if soup.title else None, site_name))]
        if title and _fold(title) not in names])


def _published(page: _Page, text: str, rules: dict[str, str]) -> datetime | None:
    fallback, korean_page = page.fallback, page.korean
    return _first(rules, "published", [
        ("JSON-LD datePublished", parse_date(page.ld.get("datePublished"), korean_page)),
        ("meta published time", parse_date(meta_any(page.meta, META_PUBLISHED), korean_page)),
        ("scraped-text rules", fallback.published if fallback else None),
        ("<time datetime>", parse_date(time_tag(page.soup), korean_page)),
        ("htmldate (date only)", htmldate_date(text, korean_page))])


def _updated(page: _Page, rules: dict[str, str]) -> datetime | None:
    fallback, korean_page = page.fallback, page.korean
    return _first(rules, "updated", [
        ("JSON-LD dateModified", parse_date(page.ld.get("dateModified"), korean_page)),
        ("meta modified time", parse_date(meta_any(page.meta, META_UPDATED), korean_page)),
        ("scraped-text rules", fallback.updated if fallback else None)])


def _authors(page: _Page, body: str, rules: dict[str, str]) -> tuple[str, ...]:
    fallback = page.fallback
    return _first(rules, "authors", [
        ("JSON-LD author", ld_names(page.ld.get("author"))),
        ("byline in the text", _byline_authors(body)),
        ("scraped-text rules", fallback.authors if fallback else None),
        ("meta author", ld_names(meta_any(page.meta, META_AUTHOR)))]) or ()


def _section(page: _Page, vocab: Vocabulary, rules: dict[str, str]) -> str | None:
    fallback = page.fallback
    return _known_first(rules, vocab.section, [
        *meta_sections(page.meta),
        ("JSON-LD articleSection", ld_text(page.ld.get("articleSection"))),
        ("JSON-LD breadcrumbs", breadcrumb_section(page.ld_items)),
        ("the article's URL", url_section(page.url, vocab)),
        ("scraped-text rules", fallback.section if fallback else None)])


def _outlet(page: _Page, vocab: Vocabulary, rules: dict[str, str]) -> str | None:
    fallback = page.fallback
    return _first(rules, "outlet", [(rule, name) for rule, name in [
        ("og:site_name", page.meta.get("og:site_name")),
        ("JSON-LD publisher", ld_name(page.ld.get("publisher"))),
        ("the article's web domain", vocab.outlet_of_host(page.url)),
        ("scraped-text rules", fallback.outlet if fallback else None)]
        if name and not vocab.is_portal(name)])


def _headline(title: str | None, fallback: Extracted | None, rules: dict[str, str]) -> str | None:
    """The title, or the headline the page shows when the title is it with the site's
    decoration."""
    if fallback and fallback.title and title and fallback.title != title \
            and len(fallback.title) >= 8 and fallback.title in title:
        rules["title"] += ", trimmed to the headline shown on the page"
        return fallback.title
    return title


def _without_headline(body: str, title: str | None) -> str:
    """A body that opens with the page's header (trafilatura keeps the <h1>, and sometimes the
    blocks above it and the date line) -> the body after the headline or date line."""
    paragraphs = body.split("\n\n")
    header = 0
    for index, paragraph in enumerate(paragraphs[:8]):
        line = paragraph.lstrip("-\\ ")
        dated = len(line) <= 60 and any(d.label for d in korean.find_dates(line))
        if dated or (title and _fold(line) == _fold(title)):
            header = index + 1
    return "\n\n".join(paragraphs[header:]) if paragraphs[header:] else body


def _body(html: str, data_body: str | None, fallback: Extracted | None, meta: dict[str, str],
          rules: dict[str, str]) -> str:
    """The article text: trafilatura's main text, else the visible text's; the page's own
    data when the visible text is empty, partial or flattened; else the meta description."""
    body, rules["body"] = _main_text(html), "trafilatura main text"
    if not body and fallback:
        body, rules["body"] = fallback.body, "scraped-text rules on the visible text"
    if data_body and (len(data_body) > 2 * len(body) or (
            "\n\n" not in body and "\n\n" in data_body and _fold(body) in _fold(data_body))):
        body, rules["body"] = data_body, "the page's own data (JSON-LD or application state)"
    if not body and (meta.get("og:description") or meta.get("description")):
        # Pages that render their text with scripts hold only a summary in the HTML.
        body = meta.get("og:description") or meta.get("description") or ""
        rules["body"] = "meta description (the page has no article text without scripts)"
    return body


def _korean_body(body: str, fallback: Extracted | None, described: str | None,
                 rules: dict[str, str]) -> str:
    """A Korean page's body without chrome, set against the text after its date line."""
    body = "\n\n".join(chrome.clean_body(body.split("\n\n")))
    if fallback and rules["body"].startswith("trafilatura"):
        body = _aligned(body, fallback.body, rules, described)
    return body


def _aligned(body: str, anchored: str, rules: dict[str, str], described: str | None) -> str:
    """trafilatura's body set against the text found after the page's date line: a body
    flattened into one block gives way to it, a body that starts before it (menus, teasers)
    is cut to where it starts, and one that lost its opening lines gets them back."""
    ours, theirs = body.split("\n\n"), anchored.split("\n\n")
    keys, their_keys = [_fold(p) for p in ours], [_fold(p) for p in theirs]
    if not their_keys[0] or len(their_keys[0]) < 10:
        return body
    if len(ours) == 1 and len(theirs) > 1 and their_keys[0] in keys[0]:
        rules["body"] = "scraped-text rules on the visible text (main text was one flat block)"
        return anchored
    whole, summary = "".join(keys), _fold(described or "")[:15]
    if summary and summary in "".join(their_keys) and not any(
            k in whole for k in their_keys if len(k) >= 10):  # the page's summary agrees
        rules["body"] = "scraped-text rules on the visible text (main text held none of it)"
        return anchored
    start = next((i for i, k in enumerate(keys[:10]) if their_keys[0] in k), None)
    if start:
        rules["body"] += ", from where the text after the date line starts"
        ours, keys = ours[start:], keys[start:]
    lost = next((i for i, k in enumerate(their_keys[:6]) if k == keys[0]), None)
    if lost:
        rules["body"] += ", with the opening lines it missed"
        ours, keys = theirs[:lost] + ours, their_keys[:lost] + keys
    return "\n\n".join(_with_lost_end(ours, keys, theirs, their_keys, rules))


def _with_lost_end(ours: list[str], keys: list[str], theirs: list[str], their_keys: list[str],
                   rules: dict[str, str]) -> list[str]:
    """A main text that stops early (an ad box cut a paragraph) -> the closing paragraphs
    found after the same paragraph in the text after the date line put back."""
    for index in range(len(ours) - 1, max(-1, len(ours) - 4), -1):
        if keys[index] in their_keys:
            after = their_keys.index(keys[index]) + 1
            missed = [p for p, k in zip(theirs[after:], their_keys[after:], strict=True)
                      if k not in keys and len(p) >= 20 and not chrome.is_credit(p)]
            if missed:
                rules["body"] += ", with the closing lines it missed"
            return ours[:index + 1] + missed + ours[index + 1:]
    return ours


def _fold(name: str) -> str:
    return re.sub(r"\s+", "", nfc(name)).casefold()


def _first(rules: dict[str, str], field: str,
           candidates: Sequence[tuple[str, Value | None]]) -> Value | None:
    """The first candidate with a value; records which rule gave it."""
    for rule, value in candidates:
        if value:
            rules[field] = rule
            return value
    return None


def _known_first(rules: dict[str, str], known: Callable[[str], str | None],
                 candidates: Sequence[tuple[str, str | None]]) -> str | None:
    """The first section the vocabulary knows, else the first that is not generic: a page's
    'article:section' of '뉴스' gives way to the '사회' of a later signal."""
    for rule, value in candidates:
        if value and known(value):
            rules["section"] = rule
            return value
    return _first(rules, "section", [(r, v) for r, v in candidates
                                     if v and fold(v) not in GENERIC_SECTIONS])


def _main_text(html: str) -> str:
    # No deduplicate=True: it remembers text across calls and empties later extractions.
    text = trafilatura.extract(html, include_comments=False, include_tables=True) or ""
    paragraphs = []
    for line in text.splitlines():
        line = " ".join(nfc(line).split())
        if korean.TEASER_RE.match(line):  # "related articles" and the like: other stories
            break
        if line:
            paragraphs.append(line)
    return "\n\n".join(paragraphs)


def _byline_authors(body: str) -> tuple[str, ...]:
    byline = korean.parse_byline(body.split("\n", 1)[0])
    return byline.authors if byline else ()
