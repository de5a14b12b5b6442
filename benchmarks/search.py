"""Search cost on generated sites: build times with and without it, bytes and ranks per query.

    python3 benchmarks/search.py --n 10000 [--n 100000] [--queries 25]

For each size, every build is a separate `digest build -v` process (as a user runs it): a cold
build without search, a cold build with it, then (after one build with nothing changed, which
makes the twin tree) one edited article, and a new day of 100 articles dated the day after
the latest. Each line gives wall seconds, the search step as `-v` reports it, the files of
site/ written and the peak memory of the build's largest process. Then the site is served on
127.0.0.1 and known-item queries run in headless Chromium, each with a cold cache: for a
sample of articles, their title's two longest Hangul words (particles stripped). It reports
the bytes of every response the search page causes (page, styles, script, index) and where
the article came in the results.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks.corpus import add_day, edit_one, generate  # noqa: E402
from benchmarks.digest_run import compile_checkout, digest_command, digest_env  # noqa: E402
from tests.browser import CHROMIUM, FLAGS  # noqa: E402

_STEP = re.compile(r"^\s*search\s+([\d.]+) s", re.MULTILINE)
_WRITTEN = re.compile(r"\((\d+) written|\(nothing changed\)")


def timed_build(project: Path, *extra: str) -> dict[str, float]:
    """One `digest build -v` process -> wall s, search step s, files written, peak MB."""
    with tempfile.TemporaryFile("w+") as said:
        start = time.perf_counter()
        child = subprocess.Popen(digest_command("build", "-v", *extra), cwd=project,
                                 env=digest_env(), stdout=said, stderr=said, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        said.seek(0)
        text = said.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"digest build failed in {project}: {text}")
    step, written = _STEP.search(text), _WRITTEN.search(text)
    return {"wall": wall, "search": float(step.group(1)) if step else float("nan"),
            "written": int(written.group(1) or 0) if written else -1,
            "peak": usage.ru_maxrss / 1024}


def builds(project: Path) -> dict[str, dict[str, float]]:
    """The scenarios, in order, on one generated project."""
    found = {"cold without search": timed_build(project, "--no-search")}
    for name in ("site", ".site.digest", ".digest-cache"):
        shutil.rmtree(project / name, ignore_errors=True)
    found["cold"] = timed_build(project)
    timed_build(project)  # nothing changed: the next build also makes the twin tree
    edit_one(project, 1)
    timed_build(project)
    edit_one(project, 2)
    found["one edit"] = timed_build(project)
    add_day(project, 100)
    found["new day of 100"] = timed_build(project)
    return found


_PARTICLE = re.compile(r"(으로|에서|에게|[은는이가을를에의도로와과])$")


def known_items(project: Path, count: int) -> list[tuple[str, str]]:
    """Up to `count` (query, article URL) pairs: two longest title words of sampled articles."""
    pages = sorted((project / "site").glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/"
                                           "index.html"))
    found = []
    for page in pages[::max(1, len(pages) // count)][:count]:
        title = re.search(r"<h1[^>]*>(.*?)</h1>", page.read_text(), re.S).group(1)
        words = []
        for word in re.findall(r"[\uac00-\ud7a3]+", title):
            word = _PARTICLE.sub("", word) if len(word) >= 3 else word
            if len(word) >= 2 and word not in words:
                words.append(word)
        top = sorted(sorted(range(len(words)), key=lambda i: (-len(words[i]), i))[:2])
        if len(top) == 2:
            url = "/" + page.parent.relative_to(project / "site").as_posix() + "/"
            found.append((f"{words[top[0]]} {words[top[1]]}", url))
    return found


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def queries(site: Path, items: list[tuple[str, str]]) -> list[tuple[int, int | None]]:
    """Serve the site; run each query with a cold cache -> (bytes downloaded, rank or None)."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    measured = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            for query, url in items:
                measured.append(_one_query(browser, base, query, url))
            browser.close()
    finally:
        server.shutdown()
    return measured


def _one_query(browser, base: str, query: str, url: str) -> tuple[int, int | None]:
    context = browser.new_context()  # a cold cache
    page = context.new_page()
    sizes: dict[str, int] = {}
    page.on("requestfinished",
            lambda request: sizes.__setitem__(request.url, request.sizes()["responseBodySize"]))
    page.goto(f"{base}search/?q={quote(query)}")
    page.wait_for_function("/\\d/.test(document.getElementById('search-status').textContent)",
                           timeout=60_000)
    page.wait_for_load_state("networkidle")
    links = [unquote(urlparse(h).path) for h in page.eval_on_selector_all(
        "#search-results .headline", "items => items.map(a => a.href)")]
    context.close()
    return sum(sizes.values()), (links.index(url) + 1) if url in links else None


def report(n: int, work: Path, count: int) -> None:
    project = generate(n, work / f"project-{n}")
    print(f"\n{n:,} articles")
    print(f"{'build':<22} {'wall s':>8} {'search s':>9} {'written':>8} {'peak MB':>8}")
    for name, got in builds(project).items():
        print(f"{name:<22} {got['wall']:>8.2f} {got['search']:>9.3f} {got['written']:>8.0f} "
              f"{got['peak']:>8.0f}", flush=True)
    index = project / "site" / "search-index"
    files = [p for p in index.rglob("*") if p.is_file()]
    print(f"index: {sum(p.stat().st_size for p in files) / 1e6:.1f} MB in {len(files)} files")
    measured = queries(project / "site", known_items(project, count))
    sizes = sorted(size for size, _ in measured)
    ranks = [rank for _, rank in measured]
    print(f"{len(measured)} known-item queries: bytes per query median "
          f"{statistics.median(sizes) / 1e3:.0f} kB, max {sizes[-1] / 1e3:.0f} kB; article "
          f"first {sum(r == 1 for r in ranks) / len(ranks):.0%}, in the top 5 "
          f"{sum(bool(r) and r <= 5 for r in ranks) / len(ranks):.0%}", flush=True)
    shutil.rmtree(project, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="article count (repeatable)")
    parser.add_argument("--queries", type=int, default=25)
    args = parser.parse_args()
    compile_checkout()
    work = Path(tempfile.mkdtemp(prefix="digest-search-bench-"))
    try:
        for n in args.n or [10000]:
            started = time.perf_counter()
            report(n, work, args.queries)
            print(f"({time.perf_counter() - started:.0f} s for this size)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
