"""The Korean demo in Chromium speaks Korean: no Latin word of the theme's own on any page, in
what it shows or in what Chromium's accessibility tree names, outside the articles' content,
the site's own configured text and the names of the feed formats."""

from __future__ import annotations

import re
import urllib.request
from datetime import date

from digest.collate import make_story
from digest.config import load_config
from digest.content import load_article
from digest.i18n import load_table
from digest.templates import theme_dir
from tests.conftest import REPO, Project, serve_built

ALLOWED = ("JSON Feed", "RSS", "Atom")  # names of formats, not words to translate
LATIN = re.compile(r"[A-Za-z]+")
# What a page shows and names, with the articles' bodies and summaries taken out first.
COLLECT = """() => {
  document.querySelectorAll(".body, .summary, script, style").forEach((e) => e.remove());
  document.querySelectorAll("noscript").forEach((n) => {  // as a reader without scripts sees it
    const shown = document.createElement("div");
    shown.textContent = new DOMParser().parseFromString(n.textContent, "text/html").body
      .textContent;
    n.replaceWith(shown);
  });
  const found = [document.title, document.body.textContent];
  for (const el of document.querySelectorAll("*")) {
    for (const name of ["aria-label", "aria-description", "aria-roledescription", "alt",
                        "title", "placeholder", "label"]) {
      if (el.hasAttribute(name)) found.push(el.getAttribute(name));
    }
    if (el.matches("input[type=submit], input[type=button], input[type=reset]")) {
      found.push(el.value);
    }
  }
  return found;
}"""


def content_strings() -> list[str]:
    """The demo's own text: config title, description and section names, and every field of
    every article a page may show; longest first."""
    config = load_config(REPO / "digest.yaml")
    found = [config.title, config.description, *(s.name for s in config.sections)]
    for path in sorted((REPO / "content").rglob("*.md")):
        article, _ = load_article(path, path.relative_to(REPO).as_posix(), config)
        story = make_story(article, config, fingerprint="")
        found += [story.title, story.subtitle, story.summary, story.dateline, story.email,
                  story.outlet.name if story.outlet else None, story.section.name,
                  *story.authors, *(tag.name for tag in story.tags),
                  *(item.title for item in story.related)]
    return sorted({" ".join(s.split()) for s in found if s}, key=len, reverse=True)


def latin_ui_words(text: str, content: list[str]) -> list[str]:
    """A text a page shows or names -> the Latin words in it that are not content's."""
    text = " ".join(text.split())
    if not text or any(text in known for known in content):  # content, maybe a piece of it
        return []
    for known in (*content, *ALLOWED):
        text = text.replace(known, " ")
    return LATIN.findall(text)


def demo_pages(demo: str) -> list[str]:
    """Every page of the demo: the sitemap's, the 404 page, search with and without hits."""
    with urllib.request.urlopen(demo + "sitemap.xml") as response:
        sitemap = response.read().decode()
    paths = [loc.removeprefix("https://user.github.io/repo/")
             for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    return [*paths, "404.html", "search/?q=전자", "search/?q=없는낱말"]


def accessible_names(page) -> list[str]:
    """Every name, description and value in Chromium's accessibility tree of the page, but
    those of the browser's own parts of form controls (a date field's 'Month', 'Show date
    picker'): they speak the browser's language, which the site does not choose."""
    session = page.context.new_cdp_session(page)
    browsers = _user_agent_parts(session.send("DOM.getDocument", {"depth": -1, "pierce": True})
                                 ["root"], inside=False)
    found = []
    for node in session.send("Accessibility.getFullAXTree")["nodes"]:
        if node.get("ignored") or node.get("role", {}).get("value") == "InlineTextBox" \
                or node.get("backendDOMNodeId") in browsers:
            continue  # InlineTextBox: pieces of a line of a StaticText node, named already
        for field in ("name", "description", "value"):
            value = node.get(field, {}).get("value")
            if isinstance(value, str):
                found.append(value)
    return found


def _user_agent_parts(node: dict, inside: bool) -> set[int]:
    """A DOM tree (CDP, shadow roots pierced) -> the nodes inside the browser's own shadow
    roots."""
    found = {node["backendNodeId"]} if inside else set()
    for shadow in node.get("shadowRoots", []):
        found |= _user_agent_parts(shadow, inside or shadow.get("shadowRootType") == "user-agent")
    for child in node.get("children", []):
        found |= _user_agent_parts(child, inside)
    return found


def test_the_scan_sees_latin_ui_words():
    content = ["가상 뉴스"]
    assert latin_ui_words("가상 뉴스 › sections › 경제", content) == ["sections"]
    assert latin_ui_words("RSS · JSON Feed · 가상 뉴스", content) == []


def test_no_page_of_the_korean_demo_shows_or_names_a_latin_ui_word(demo, browser):
    content = content_strings()
    # One width: the theme hides nothing by width (only for print), so the text is the same.
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 900})
    problems: dict[str, list[str]] = {}
    try:
        page = context.new_page()
        paths = demo_pages(demo)
        assert len(paths) > 50 and "search/" in paths and "tags/" in paths
        for path in paths:
            page.goto(demo + path)
            if "?q=" in path:
                page.wait_for_function("document.getElementById('search-status').textContent"
                                       ".includes('검색 결과')", timeout=15_000)
            shown = page.evaluate(COLLECT)  # takes the bodies out: their text is content
            for text in [*shown, *accessible_names(page)]:
                words = latin_ui_words(text, content)
                if words:
                    problems.setdefault(path, []).append(f"{words}: {text[:120]!r}")
    finally:
        context.close()
    assert problems == {}


def test_the_search_script_speaks_the_sites_language_from_its_table(tmp_path, browser):
    project = Project(tmp_path / "project").config("language: en\npublish: full\n")
    project.article("a", "LG signs a deal", "2026-03-05T09:00:00+09:00", section="Business")
    url, server = serve_built(project.root, tmp_path / "www")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url + "search/?q=LG")
        page.wait_for_selector("#search-results li .meta")
        table = load_table("en", None, theme_dir())
        assert page.inner_text("#search-status") == table.t("results", query="LG", count=1)
        assert page.inner_text("#search-results .meta") == "Business · " + table.day(
            date(2026, 3, 5))  # {month:02d} padded by the script as by Python: 2026-03-05
    finally:
        context.close()
        server.shutdown()
