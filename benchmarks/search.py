"""Search cost on a generated site: indexing time, index size, bytes downloaded for one query.

    python3 benchmarks/search.py --n 10000 [--query 반도체]

Builds the corpus twice (with and without search) to report indexing time on its own, then
serves the site on 127.0.0.1 and counts, in headless Chromium, every byte the search page
downloads to show the first page of results for the query.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks.corpus import generate  # noqa: E402
from digest.build import BuildOptions, build  # noqa: E402
from tests.browser import CHROMIUM, FLAGS  # noqa: E402


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def downloaded_bytes(site: Path, query: str) -> tuple[int, int, int]:
    """Serve the site, search once in Chromium -> (all bytes, search-index bytes, results)."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sizes: dict[str, int] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page()
            page.on("requestfinished",
                    lambda request: sizes.__setitem__(request.url,
                                                      request.sizes()["responseBodySize"]))
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/?q={quote(query)}")
            page.wait_for_selector("#search-results li", timeout=60_000)
            page.wait_for_load_state("networkidle")
            results = page.locator("#search-results li").count()
            browser.close()
    finally:
        server.shutdown()
    index = sum(size for url, size in sizes.items() if "/pagefind/" in url)
    return sum(sizes.values()), index, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--query", default="반도체")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="digest-search-bench-"))
    try:
        generate(args.n, work / "project")
        timings = {}
        for search in (False, True):
            start = time.perf_counter()
            result = build(BuildOptions(project=work / "project", out=work / f"site-{search}",
                                        search=search))
            timings[search] = (time.perf_counter() - start, dict(result.timings))
        index = work / "site-True" / "pagefind"
        index_size = sum(p.stat().st_size for p in index.rglob("*") if p.is_file())
        total, index_bytes, results = downloaded_bytes(work / "site-True", args.query)
        print(f"articles                         {args.n}")
        print(f"build without search             {timings[False][0]:.2f} s")
        print(f"search indexing (its own step)   {timings[True][1]['search']:.2f} s")
        print(f"index on disk                    {index_size / 1e6:.1f} MB in "
              f"{sum(1 for _ in index.rglob('*'))} files")
        print(f"one query '{args.query}': {results} results shown; browser downloaded "
              f"{total / 1e3:.0f} kB in all, {index_bytes / 1e3:.0f} kB of it search index")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
