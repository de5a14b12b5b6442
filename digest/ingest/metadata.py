"""What a saved HTML page says about itself besides its text: meta tags, JSON-LD, <time>, its
canonical link, its language, and its visible text for the scraped-text rules."""

from __future__ import annotations

import html as entities
import json
import re
from datetime import datetime
from typing import Any

import htmldate
from bs4 import BeautifulSoup, Tag

from digest.ingest import korean
from digest.ingest.vocabulary import GENERIC_SECTIONS, fold
from digest.text import nfc

_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
                  "BlogPosting", "OpinionNewsArticle", "WebPage", "Report"}
META_PUBLISHED = ("article:published_time", "og:article:published_time", "datePublished",
                  "pubdate", "publishdate", "publish-date", "date", "dc.date", "dcterms.created",
                  "article:published", "ptime", "sailthru.date", "parsely-pub-date")
META_UPDATED = ("article:modified_time", "og:updated_time", "dateModified", "lastmod",
                "dcterms.modified", "utime")
META_AUTHOR = ("author", "article:author", "dable:author", "byl", "sailthru.author",
               "parsely-author", "dc.creator")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.IGNORECASE)
# Interface elements: buttons, form controls, players, and what the page hides.
_INTERFACE_TAGS = ["script", "style", "noscript", "template", "svg", "button", "select",
                   "textarea", "video", "audio", "iframe"]
_INTERFACE_ROLES = {"button", "dialog", "alertdialog", "tooltip", "toolbar"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _attribute(tag: Tag, name: str) -> str | None:
    """An attribute's text (bs4 gives a list for the multi-valued ones, such as class)."""
    value = tag.get(name)
    return " ".join(value) if isinstance(value, list) else value


def meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    """A page -> its meta tags' names (lower case unless namespaced) and decoded contents."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = _attribute(tag, "property") or _attribute(tag, "name") or _attribute(tag, "itemprop")
        value = _attribute(tag, "content")
        if key and value and value.strip():
            found.setdefault(key.strip().lower() if ":" not in key else key.strip(),
                             decoded(value))
    return found


def decoded(value: str) -> str:
    """A meta or JSON-LD string -> NFC text; a page that escaped its entities twice
    ('&amp;#039;') has them decoded once more, so '&#039;' never reaches a reader."""
    value = nfc(value.strip())
    return nfc(entities.unescape(value)) if _ENTITY.search(value) else value


def meta_any(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    """Meta tags and names to try in order -> the first one's content, in any case."""
    lowered = {k.lower(): v for k, v in meta.items()}
    return next((lowered[k.lower()] for k in keys if lowered.get(k.lower())), None)


def json_ld_items(soup: BeautifulSoup) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, @graph members included; broken blocks skipped."""
    items = []
    for script in soup.find_all("script", type=re.compile(r"ld\+json", re.I)):
        try:
            items += _ld_items(json.loads(script.string or "", strict=False))
        except ValueError:
            continue
    return items


def json_ld_article(items: list[dict[str, Any]]) -> dict[str, Any]:
    """JSON-LD objects -> the one describing the article ({} when none does)."""
    for item in items:
        kinds = item.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if _ARTICLE_TYPES & set(map(str, kinds)) and (item.get("headline")
                                                      or item.get("datePublished")):
            return item
    return {}


def _ld_items(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [x for item in data for x in _ld_items(item)]
    if isinstance(data, dict):
        return [data, *_ld_items(data.get("@graph", []))]
    return []


def breadcrumb_section(items: list[dict[str, Any]]) -> str | None:
    """A BreadcrumbList in JSON-LD -> its last crumb above the article itself."""
    for item in items:
        if item.get("@type") != "BreadcrumbList":
            continue
        crumbs = [c for c in item.get("itemListElement") or [] if isinstance(c, dict)]
        crumbs.sort(key=lambda c: c.get("position", 0))
        found = [ld_name(c) or ld_name(c.get("item")) for c in crumbs]
        names = [n for n in found if n and "/" not in n and fold(n) not in GENERIC_SECTIONS]
        if names:
            return names[-2] if len(names) > 1 else names[0]
    return None


def visible_text(soup: BeautifulSoup) -> str:
    """A page -> the text a reader sees, interface elements removed (from `soup` itself)."""
    for tag in soup(_INTERFACE_TAGS):
        tag.decompose()
    for tag in soup.find_all(_is_interface):
        tag.decompose()
    return soup.get_text("\n")


def _is_interface(tag: Tag) -> bool:
    attrs = tag.attrs
    return bool(attrs) and ("hidden" in attrs or attrs.get("aria-hidden") == "true"
                            or attrs.get("role") in _INTERFACE_ROLES
                            or bool(_HIDDEN_STYLE.search(_attribute(tag, "style") or "")))


def page_lang(soup: BeautifulSoup) -> str | None:
    """A page -> the language code of its <html lang> ('ko'), if it has one."""
    html = soup.find("html")
    lang = _attribute(html, "lang") if isinstance(html, Tag) else None
    return lang.split("-")[0].lower() if lang else None


def first_h1(soup: BeautifulSoup) -> str | None:
    """A page -> the text of its first <h1>, single-spaced."""
    h1 = soup.find("h1")
    return " ".join(h1.get_text(" ").split()) if h1 else None


def time_tag(soup: BeautifulSoup) -> str | None:
    """A page -> the datetime of its first <time datetime=…>."""
    tag = soup.find("time", attrs={"datetime": True})
    return _attribute(tag, "datetime") if isinstance(tag, Tag) else None


def strip_site(title: str | None, site_name: str | None) -> str | None:
    """'Headline - Site' or 'Headline | Site' -> 'Headline'."""
    if not title:
        return None
    title = " ".join(nfc(title).split())
    if site_name:
        title = re.sub(rf"\s*[-|:·–—]\s*{re.escape(site_name)}\s*$", "", title)
    return title or None


def parse_date(value: object, korean_page: bool) -> datetime | None:
    """An ISO 8601 or Korean date text -> its moment (in KST on a Korean page when it has no
    offset); None for anything else."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        found = korean.find_dates(value)
        if not found:
            return None
        moment = found[0].moment.replace(tzinfo=None)
    if moment.tzinfo is None and korean_page:
        moment = moment.replace(tzinfo=korean.KST)
    return moment


def htmldate_date(html: str, korean_page: bool) -> datetime | None:
    """A page -> the publication date htmldate finds in it (a date only)."""
    found = htmldate.find_date(html, extensive_search=True, original_date=True)
    return parse_date(found, korean_page) if found else None


def ld_text(value: object) -> str | None:
    """A JSON-LD value (the first, when a list) -> decoded text, or None when empty."""
    if isinstance(value, list):
        value = value[0] if value else None
    return decoded(str(value)) or None if value else None


def ld_name(value: object) -> str | None:
    """A JSON-LD person, organisation or thing (or its name) -> its name."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return ld_text(value)


def ld_names(value: object) -> tuple[str, ...]:
    """JSON-LD authors or a meta author -> the people's names, without '기자' and the like."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = ld_name(item)
        if name and not name.startswith("http"):
            names += [n.strip() for n in re.split(r"\s*[,·/]\s*", name) if n.strip()]
    cleaned = [re.sub(r"\s*(기자|특파원|선임기자|객원기자)$", "", n) for n in names]
    return tuple(dict.fromkeys(n for n in cleaned if n))


def canonical_url(soup: BeautifulSoup, meta: dict[str, str], ld: dict[str, Any]) -> str | None:
    """A page -> its own http(s) URL: the canonical link, og:url or JSON-LD url."""
    link = soup.find("link", rel="canonical")
    url = (_attribute(link, "href") if isinstance(link, Tag) else None) or meta.get(
        "og:url") or ld_text(ld.get("url"))
    return url if url and url.startswith(("http://", "https://")) else None


def ld_image(value: object) -> str | None:
    """A JSON-LD image (URL, ImageObject or a list of them) -> the first http(s) URL."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url")
    return value if isinstance(value, str) and value.startswith("http") else None


def page_tags(meta: dict[str, str], ld: dict[str, Any]) -> tuple[str, ...]:
    """News keywords, article tags or JSON-LD keywords -> the tags, each once."""
    raw = meta.get("news_keywords") or meta.get("article:tag") or ld.get("keywords") or ""
    if isinstance(raw, list):
        raw = ",".join(map(str, raw))
    tags = [t.strip() for t in str(raw).split(",") if 1 < len(t.strip()) <= 30]
    return tuple(dict.fromkeys(tags))  # normalize keeps the first ten that say something
