"""Saved HTML pages -> Extracted: trafilatura for the main text; JSON-LD, OpenGraph and meta
tags for the metadata; the scraped-text rules on the visible text for what those lack."""

from __future__ import annotations

import html as entities
import json
import re
from datetime import datetime
from typing import Any

import htmldate
import trafilatura
from bs4 import BeautifulSoup

from digest.ingest import chrome, korean
from digest.ingest.embedded import embedded_body
from digest.ingest.extracted import Extracted
from digest.ingest.filing import meta_sections, url_section
from digest.ingest.text import extract_text
from digest.ingest.vocabulary import GENERIC_SECTIONS, Vocabulary, fold, vocabulary
from digest.text import nfc

_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
                  "BlogPosting", "OpinionNewsArticle", "WebPage", "Report"}
_META_PUBLISHED = ("article:published_time", "og:article:published_time", "datePublished",
                   "pubdate", "publishdate", "publish-date", "date", "dc.date", "dcterms.created",
                   "article:published", "ptime", "sailthru.date", "parsely-pub-date")
_META_UPDATED = ("article:modified_time", "og:updated_time", "dateModified", "lastmod",
                 "dcterms.modified", "utime")
_META_AUTHOR = ("author", "article:author", "dable:author", "byl", "sailthru.author",
                "parsely-author", "dc.creator")


def extract_html(text: str, vocab: Vocabulary | None = None) -> Extracted | None:
    """HTML text -> Extracted, or None when the page holds no article text; `vocab` (default:
    the built-in one) tells section and outlet names."""
    vocab = vocab or vocabulary()
    soup = BeautifulSoup(text, "lxml")
    meta = _meta_tags(soup)
    ld_items = _json_ld_items(soup)
    ld = _json_ld_article(ld_items)
    url = _canonical(soup, meta, ld)
    data_body = embedded_body(soup, ld)  # before _visible_text drops the scripts
    visible = _visible_text(soup)
    fallback = extract_text(visible, vocab)
    rules: dict[str, str] = {}
    body = _body(text, data_body, fallback, meta, rules)
    if not body:
        return None
    lang = _lang(soup) or (fallback.lang if fallback else None)
    korean_page = (lang or "").startswith("ko") or bool(fallback and fallback.lang == "ko")
    site_name = meta.get("og:site_name") or _name(ld.get("publisher"))
    names = {_fold(n) for n in (site_name, fallback and fallback.outlet) if n}
    fields = {
        "title": _first(rules, "title", [
            (rule, title) for rule, title in [
                ("og:title", _strip_site(meta.get("og:title"), site_name)),
                ("JSON-LD headline", _text(ld.get("headline"))),
                ("first <h1>", _h1(soup)),
                ("scraped-text rules", fallback.title if fallback else None),
                ("<title>", _strip_site(soup.title.string if soup.title else None, site_name))]
            if title and _fold(title) not in names]),
        "published": _first(rules, "published", [
            ("JSON-LD datePublished", _date(ld.get("datePublished"), korean_page)),
            ("meta published time", _date(_meta_any(meta, _META_PUBLISHED), korean_page)),
            ("scraped-text rules", fallback.published if fallback else None),
            ("<time datetime>", _date(_time_tag(soup), korean_page)),
            ("htmldate (date only)", _htmldate(text, korean_page))]),
        "updated": _first(rules, "updated", [
            ("JSON-LD dateModified", _date(ld.get("dateModified"), korean_page)),
            ("meta modified time", _date(_meta_any(meta, _META_UPDATED), korean_page)),
            ("scraped-text rules", fallback.updated if fallback else None)]),
        "authors": _first(rules, "authors", [
            ("JSON-LD author", _names(ld.get("author"))),
            ("byline in the text", _byline_authors(body)),
            ("scraped-text rules", fallback.authors if fallback else None),
            ("meta author", _names(_meta_any(meta, _META_AUTHOR)))]) or (),
        "section": _known_first(rules, vocab.section, [
            *meta_sections(meta),
            ("JSON-LD articleSection", _text(ld.get("articleSection"))),
            ("JSON-LD breadcrumbs", _breadcrumb_section(ld_items)),
            ("the article's URL", url_section(url, vocab)),
            ("scraped-text rules", fallback.section if fallback else None)]),
        "outlet": _first(rules, "outlet", [(rule, name) for rule, name in [
            ("og:site_name", meta.get("og:site_name")),
            ("JSON-LD publisher", _name(ld.get("publisher"))),
            ("the article's web domain", vocab.outlet_of_host(url)),
            ("scraped-text rules", fallback.outlet if fallback else None)]
            if name and not vocab.is_portal(name)]),
    }
    body = _without_headline(body, fields["title"])
    if korean_page:  # the chrome and layout rules know Korean pages
        body = _korean_body(body, fallback, meta.get("og:description") or meta.get(
            "description"), rules)
    if fallback and fallback.title and fields["title"] and fallback.title != fields["title"] \
            and len(fallback.title) >= 8 and fallback.title in fields["title"]:
        fields["title"] = fallback.title  # the headline without the site's decoration
        rules["title"] += ", trimmed to the headline shown on the page"
    byline = korean.parse_byline(body.split("\n", 1)[0])
    return Extracted(
        body=body, lang=lang, **fields,
        subtitle=(fallback.subtitle if fallback else None),
        dateline=byline.dateline if byline else None,
        email=(byline.email if byline and byline.email else None) or (
            fallback.email if fallback else None),
        source_url=url,
        image=meta.get("og:image") or _image(ld.get("image")),
        summary=chrome.without_copyright(meta.get("og:description") or meta.get("description")),
        tags=_tags(meta, ld),
        related=fallback.related if fallback else (),
        rules=rules)


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


def _first(rules: dict[str, str], field: str, candidates: list[tuple[str, Any]]) -> Any:
    """The first candidate with a value; records which rule gave it."""
    for rule, value in candidates:
        if value:
            rules[field] = rule
            return value
    return None


def _known_first(rules: dict[str, str], known, candidates: list[tuple[str, Any]]):
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


def _meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        value = tag.get("content")
        if key and value and value.strip():
            found.setdefault(key.strip().lower() if ":" not in key else key.strip(),
                             _decoded(value))
    return found


def _decoded(value: str) -> str:
    """A meta or JSON-LD string -> NFC text; a page that escaped its entities twice
    ('&amp;#039;') has them decoded once more, so '&#039;' never reaches a reader."""
    value = nfc(value.strip())
    return nfc(entities.unescape(value)) if _ENTITY.search(value) else value


_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.IGNORECASE)


def _meta_any(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    lowered = {k.lower(): v for k, v in meta.items()}
    return next((lowered[k.lower()] for k in keys if lowered.get(k.lower())), None)


def _json_ld_items(soup: BeautifulSoup) -> list[dict]:
    """Every JSON-LD object on the page, @graph members included; broken blocks skipped."""
    items = []
    for script in soup.find_all("script", type=re.compile(r"ld\+json", re.I)):
        try:
            items += _ld_items(json.loads(script.string or "", strict=False))
        except ValueError:
            continue
    return items


def _json_ld_article(items: list[dict]) -> dict[str, Any]:
    for item in items:
        kinds = item.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if _ARTICLE_TYPES & set(map(str, kinds)) and (item.get("headline")
                                                      or item.get("datePublished")):
            return item
    return {}


def _ld_items(data: Any) -> list[dict]:
    if isinstance(data, list):
        return [x for item in data for x in _ld_items(item)]
    if isinstance(data, dict):
        return [data, *_ld_items(data.get("@graph", []))]
    return []


def _breadcrumb_section(items: list[dict]) -> str | None:
    """A BreadcrumbList in JSON-LD -> its last crumb above the article itself."""
    for item in items:
        if item.get("@type") != "BreadcrumbList":
            continue
        crumbs = [c for c in item.get("itemListElement") or [] if isinstance(c, dict)]
        crumbs.sort(key=lambda c: c.get("position", 0))
        names = [_name(c) or _name(c.get("item")) for c in crumbs]
        names = [n for n in names if n and "/" not in n and fold(n) not in GENERIC_SECTIONS]
        if names:
            return names[-2] if len(names) > 1 else names[0]
    return None


# Interface elements: buttons, form controls, players, and what the page hides.
_INTERFACE_TAGS = ["script", "style", "noscript", "template", "svg", "button", "select",
                   "textarea", "video", "audio", "iframe"]
_INTERFACE_ROLES = {"button", "dialog", "alertdialog", "tooltip", "toolbar"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _visible_text(soup: BeautifulSoup) -> str:
    for tag in soup(_INTERFACE_TAGS):
        tag.decompose()
    for tag in soup.find_all(_is_interface):
        tag.decompose()
    return soup.get_text("\n")


def _is_interface(tag: Any) -> bool:
    attrs = tag.attrs
    return bool(attrs) and ("hidden" in attrs or attrs.get("aria-hidden") == "true"
                            or attrs.get("role") in _INTERFACE_ROLES
                            or bool(_HIDDEN_STYLE.search(attrs.get("style") or "")))


def _lang(soup: BeautifulSoup) -> str | None:
    html = soup.find("html")
    lang = html.get("lang") if html else None
    return lang.split("-")[0].lower() if lang else None


def _h1(soup: BeautifulSoup) -> str | None:
    h1 = soup.find("h1")
    return " ".join(h1.get_text(" ").split()) if h1 else None


def _time_tag(soup: BeautifulSoup) -> str | None:
    tag = soup.find("time", attrs={"datetime": True})
    return tag["datetime"] if tag else None


def _strip_site(title: str | None, site_name: str | None) -> str | None:
    """'Headline - Site' or 'Headline | Site' -> 'Headline'."""
    if not title:
        return None
    title = " ".join(nfc(title).split())
    if site_name:
        title = re.sub(rf"\s*[-|:·–—]\s*{re.escape(site_name)}\s*$", "", title)
    return title or None


def _date(value: Any, korean_page: bool) -> datetime | None:
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


def _htmldate(html: str, korean_page: bool) -> datetime | None:
    found = htmldate.find_date(html, extensive_search=True, original_date=True)
    return _date(found, korean_page) if found else None


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return _decoded(str(value)) or None if value else None


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return _text(value)


def _names(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = _name(item)
        if name and not name.startswith("http"):
            names += [n.strip() for n in re.split(r"\s*[,·/]\s*", name) if n.strip()]
    cleaned = [re.sub(r"\s*(기자|특파원|선임기자|객원기자)$", "", n) for n in names]
    return tuple(dict.fromkeys(n for n in cleaned if n))


def _byline_authors(body: str) -> tuple[str, ...]:
    byline = korean.parse_byline(body.split("\n", 1)[0])
    return byline.authors if byline else ()


def _canonical(soup: BeautifulSoup, meta: dict[str, str], ld: dict) -> str | None:
    link = soup.find("link", rel="canonical")
    url = (link.get("href") if link else None) or meta.get("og:url") or _text(ld.get("url"))
    return url if url and url.startswith(("http://", "https://")) else None


def _image(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url")
    return value if isinstance(value, str) and value.startswith("http") else None


def _tags(meta: dict[str, str], ld: dict) -> tuple[str, ...]:
    raw = meta.get("news_keywords") or meta.get("article:tag") or ld.get("keywords") or ""
    if isinstance(raw, list):
        raw = ",".join(map(str, raw))
    tags = [t.strip() for t in str(raw).split(",") if 1 < len(t.strip()) <= 30]
    return tuple(dict.fromkeys(tags))  # normalize keeps the first ten that say something
