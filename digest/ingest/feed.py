"""RSS, Atom and RDF feeds -> one Extracted per entry, via feedparser."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import feedparser
from bs4 import BeautifulSoup

from digest.ingest.extracted import Extracted
from digest.text import nfc

_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "blockquote", "tr")


def extract_feed(text: str) -> list[Extracted]:
    """Decoded feed text -> an Extracted per entry (undated entries keep published=None)."""
    parsed = feedparser.parse(text)  # text, not bytes: we already decoded it correctly
    outlet = _clean(parsed.feed.get("title"))
    lang = (parsed.feed.get("language") or "").split("-")[0].lower() or None
    return [_entry(entry, outlet, lang) for entry in parsed.entries]


def _entry(entry: feedparser.FeedParserDict, outlet: str | None, lang: str | None) -> Extracted:
    html = ""
    if entry.get("content"):
        html = entry.content[0].get("value", "")
    html = html or entry.get("summary", "")
    tags = tuple(dict.fromkeys(t.term.strip() for t in entry.get("tags", []) if t.get("term")))
    author = entry.get("author_detail", {}).get("name") or entry.get("author")
    return Extracted(
        title=_clean(entry.get("title")),
        body=html_to_paragraphs(html),
        published=_when(entry, "published") or _when(entry, "updated"),
        updated=_when(entry, "updated"),
        authors=(nfc(author.strip()),) if author and "@" not in author else (),
        outlet=outlet, lang=lang, source_url=entry.get("link"),
        section=tags[0] if tags else None, tags=tags[1:],
        rules={"title": "feed entry title", "published": "feed entry date",
               "body": "feed entry content", "outlet": "feed title"})


def _when(entry: feedparser.FeedParserDict, key: str) -> datetime | None:
    present = entry.keys()  # entry.get("updated") would fall back to "published"
    raw = entry[key] if key in present else None
    if raw:
        for parse in (parsedate_to_datetime, _iso):
            try:
                moment = parse(re.sub(r"(\d)([+-]\d{4})$", r"\1 \2", raw.strip()))
                if moment.tzinfo:
                    return moment
            except (TypeError, ValueError, IndexError):
                continue
    parsed = entry[f"{key}_parsed"] if f"{key}_parsed" in present else None
    return datetime.fromtimestamp(time.mktime(parsed) - time.timezone, UTC) if parsed else None


def _iso(raw: str) -> datetime:
    return datetime.fromisoformat(raw.replace("Z", "+00:00"))


def _clean(value: str | None) -> str | None:
    return " ".join(nfc(value).split()) if value and value.strip() else None


def html_to_paragraphs(html: str) -> str:
    """An HTML fragment -> plain paragraphs separated by blank lines (markup dropped)."""
    if "<" not in html:
        return "\n\n".join(p.strip() for p in nfc(html).split("\n\n") if p.strip())
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "iframe", "object", "svg"]):
        tag.decompose()
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n\n")
    paragraphs = (" ".join(p.split()) for p in soup.get_text().split("\n\n"))
    return "\n\n".join(nfc(p) for p in paragraphs if p)
