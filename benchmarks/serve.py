"""Save-to-reload latency of `digest serve`, measured in a real browser.

    python3 benchmarks/serve.py --n 1000 --n 10000 [--rounds 3]

For each corpus size: start the preview, open an article in headless Chromium, then time from
writing a file to the open page showing the change, for an article edit and a template edit.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import generate  # noqa: E402
from digest.build import BuildOptions  # noqa: E402
from digest.serve import Preview, PreviewOptions  # noqa: E402
from tests.browser import CHROMIUM, FLAGS  # noqa: E402


def project_of(n: int, into: Path) -> Path:
    generate(n, into)
    (into / "digest.yaml").write_text("publish: full\n")
    return into


SETTLE_SECONDS = 1.0  # between saves, as a person edits: the preview tidies up in the pause


def timed(page, write, marker: str) -> float:
    time.sleep(SETTLE_SECONDS)
    start = time.perf_counter()
    write()
    page.wait_for_function(f"document.documentElement.outerHTML.includes({marker!r})",
                           timeout=120_000)
    return time.perf_counter() - start


def measure(n: int, rounds: int, workdir: Path, browser,
            verbose: bool = False) -> dict[str, float]:
    project = project_of(n, workdir / f"corpus-{n}")
    preview = Preview(PreviewOptions(build=BuildOptions(project=project), port=0),
                      say=lambda line, is_error: print(f"   {line}") if verbose else None)
    base = preview.start()
    thread = threading.Thread(target=preview.serve_forever, daemon=True)
    thread.start()
    assert preview.built is not None, "the first build failed"
    index = preview.built.index
    story = index.entries[index.urls[0]]  # the newest article
    article = project / story.path
    original = article.read_text()
    page = browser.new_page()
    page.goto(base + story.url)
    results: dict[str, list[float]] = {"article edit": [], "template edit": []}
    template = project / "templates" / "article.html"
    template.parent.mkdir(exist_ok=True)
    try:
        for round_number in range(rounds):
            marker = f"bench-edit-{round_number}"
            results["article edit"].append(timed(
                page, lambda m=marker: article.write_text(original + f"\n{m}\n"), marker))
            marker = f"bench-template-{round_number}"
            results["template edit"].append(timed(page, lambda m=marker: template.write_text(
                '{% extends "default/article.html" %}'
                f'{{% block head %}}<meta name="bench" content="{m}">{{% endblock %}}'), marker))
    finally:
        page.close()
        preview.stop()
        article.write_text(original)
    return {kind: statistics.median(values) for kind, values in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("-v", "--verbose", action="store_true", help="print each rebuild")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="digest-serve-bench-"))
    print(f"{'articles':>9} {'change':<14} {'save-to-reload s':>17}")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            for n in args.n or [1000]:
                for kind, seconds in measure(n, args.rounds, workdir, browser,
                                                     args.verbose).items():
                    print(f"{n:>9} {kind:<14} {seconds:>17.2f}", flush=True)
            browser.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
