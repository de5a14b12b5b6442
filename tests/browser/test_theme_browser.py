"""The default theme in a real Chromium: no horizontal scroll on phones or desktops."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from digest.build import BuildOptions, build
from tests.conftest import NOW, REPO

PAGES = ["", "2026/11/19/", "2026/11/", "2026/", "sections/industry-ict/", "tags/",
         "2026/11/19/ai원팀-출범/", "search/?q=원팀", "no/such/page/"]


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


VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_every_page_of_the_demo_is_valid_html(tmp_path):
    if not (VNU.is_file() and shutil.which("java")):
        pytest.skip("the Nu checker needs java and node_modules/vnu-jar (scripts/test.sh)")
    project = tmp_path / "project"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copy(REPO / "digest.yaml", project / "digest.yaml")
    build(BuildOptions(project=project, out=tmp_path / "site", jobs=1, now=NOW,
                       base_url="https://user.github.io/repo/"))
    done = subprocess.run(["java", "-jar", str(VNU), "--skip-non-html", "--format", "gnu",
                           str(tmp_path / "site")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr[:3000]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_problem(demo, browser, scheme):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    problems = {}
    try:
        for path in PAGES:
            page.goto(demo + path)
            if path.startswith("search/"):
                page.wait_for_selector("#search-results li", timeout=15_000)
            violations = axe.run(page).response["violations"]
            serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
            if serious:
                problems[path] = serious
    finally:
        context.close()
    assert not problems
