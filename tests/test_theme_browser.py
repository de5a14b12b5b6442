"""The default theme in a real Chromium: no horizontal scroll on phones or desktops."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import REPO
from tests.test_search_browser import serve_built

PAGES = ["", "2026/11/19/", "2026/11/", "2026/", "sections/industry-ict/", "tags/",
         "2026/11/19/ai원팀-출범/", "search/?q=원팀", "no/such/page/"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("theme-demo")
    shutil.copytree(REPO / "content", root / "project" / "content")
    shutil.copy(REPO / "digest.yaml", root / "project" / "digest.yaml")
    url, server = serve_built(root / "project", root / "www")
    yield url
    server.shutdown()


@pytest.mark.parametrize("width", [375, 1280])
def test_no_horizontal_scroll(demo, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for path in PAGES:
            page.goto(demo + path)
            if path.startswith("search/"):
                page.wait_for_selector("#search-results li", timeout=15_000)
            overflow = page.evaluate("document.documentElement.scrollWidth"
                                     " - document.documentElement.clientWidth")
            assert overflow <= 0, (path, width, overflow)
    finally:
        context.close()
