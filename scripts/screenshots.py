"""Screenshots of the demo for the README: front page, an edition, an article and search
results, on a phone (390 px) and a desktop (1280 px), in headless Chromium.

    python3 scripts/screenshots.py        # writes docs/screenshots/*.png
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import CHROMIUM, FLAGS  # noqa: E402
from tests.conftest import serve_built  # noqa: E402

SHOTS = {"front": "", "edition": "2026/11/19/", "article": "2026/11/19/ai원팀-출범/",
         "search": "search/?q=전자"}
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 900)}


def main() -> None:
    out = REPO / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="digest-shots-"))
    shutil.copytree(REPO / "content", work / "project" / "content")
    shutil.copy(REPO / "digest.yaml", work / "project" / "digest.yaml")
    url, server = serve_built(work / "project", work / "www")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            for device, (width, height) in VIEWPORTS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                for name, path in SHOTS.items():
                    page.goto(url + path)
                    if name == "search":
                        page.wait_for_function("[...document.querySelectorAll('.summary')]"
                                               ".some(p => p.textContent)")
                    page.screenshot(path=str(out / f"{name}-{device}.png"))
                page.close()
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {len(SHOTS) * len(VIEWPORTS)} screenshots to {out}")


if __name__ == "__main__":
    main()
