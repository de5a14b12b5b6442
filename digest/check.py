"""digest check: every problem in config and content, then every link of the built site."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from digest.build import Builder, BuildOptions
from digest.config import find_config, relative_base_url
from digest.errors import Diagnostic, DigestError, Severity, error

_SITE = "http://site.invalid"  # a stand-in origin for resolving relative links
_SKIPPED_SCHEMES = ("mailto:", "tel:", "data:")


class PageLinks(HTMLParser):
    """Collects the links (href, src, form action) and the ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if found := attributes.get("id"):
            self.ids.add(found)
        for name in ("href", "src", "action"):
            if link := attributes.get(name):
                self.links.append(link.strip())


def check(options: BuildOptions, external: bool = False) -> list[Diagnostic]:
    """Build in memory -> every content, template and link problem found (empty when clean)."""
    builder = Builder(replace(options, write=False, search=False))
    try:
        result = builder.build_site()
    except DigestError as exc:
        return list(exc.diagnostics)
    problems = list(result.diagnostics)
    config = result.config
    problems += relative_base_url(config, find_config(options.project, options.config_path),
                                  options.project, Severity.ERROR)
    if config.sources:
        from digest.fetch.health import failing_problems

        problems += failing_problems(config, options.project, datetime.now(UTC))
    links, outside = site_links(result.files, config.base_path)
    problems += links
    if external:
        problems += external_links(outside)
    return problems


def site_links(files: dict[str, bytes], base_path: str) -> tuple[list[Diagnostic], set[str]]:
    """Built files -> (a problem per broken internal link or anchor, the external URLs)."""
    pages = {name: parse_page(data.decode("utf-8", errors="replace"))
             for name, data in files.items() if name.endswith(".html")}
    problems, external = [], set()
    for name, page in sorted(pages.items()):
        page_url = _SITE + base_path + name
        for link in page.links:
            if link.startswith(_SKIPPED_SCHEMES):
                continue
            if link.lower().startswith("javascript:"):
                problems.append(error(f"script link {link!r}", name))
                continue
            absolute, fragment = urldefrag(urljoin(page_url, link))
            if not absolute.startswith(_SITE):
                external.add(absolute)
                continue
            path = unquote(urlsplit(absolute).path)
            target = _target(files, path[len(base_path):]) if path.startswith(base_path) \
                else None
            if target is None:
                problems.append(error(f"broken link {link!r}: no such file in the site", name))
            elif fragment and target in pages and fragment not in pages[target].ids:
                problems.append(error(f"broken link {link!r}: no id {fragment!r} there", name))
    return problems, external


def parse_page(html: str) -> PageLinks:
    """HTML text -> its links (href, src, form action) and the ids it defines."""
    page = PageLinks()
    page.feed(html)
    return page


def _target(files: dict[str, bytes], relative: str) -> str | None:
    """A site-relative path -> the file GitHub Pages would serve for it, if any."""
    for candidate in (relative, relative + "index.html", relative + "/index.html"):
        if candidate in files and (candidate == relative or not relative.endswith(".html")):
            return candidate
    return None


def external_links(urls: set[str]) -> list[Diagnostic]:
    """External URLs -> a problem for each that does not answer with success (network!)."""
    problems = []
    for url in sorted(urls):
        request = urllib.request.Request(url, method="HEAD",
                                         headers={"User-Agent": "digest-check"})
        try:
            with urllib.request.urlopen(request, timeout=10):
                pass
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            problems.append(error(f"external link {url} fails: {exc}"))
    return problems
