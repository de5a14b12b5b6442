"""Fixture projects written on the fly: a digest.yaml and articles in content/."""

from __future__ import annotations

import functools
import http.server
import shutil
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest.build import BuildOptions, BuildResult, build
from digest.serve import Preview, PreviewOptions
from tests.browser import CHROMIUM, FLAGS
from tests.webserver import webserver  # noqa: F401 (a fixture, for the fetch tests)

NOW = datetime(2030, 1, 1, tzinfo=UTC)
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def article_text(title: str, date: str, body: str = "본문 문단입니다.", **fields) -> str:
    """Front matter fields and a body -> the text of a Markdown article file."""
    lines = [f"title: {title!r}" if "'" not in title else f'title: "{title}"', f"date: {date}"]
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    return "---\n" + "\n".join(lines) + "\n---\n\n" + textwrap.dedent(body).strip() + "\n"


class Project:
    """A digest project in a temporary folder that tests fill and build."""

    def __init__(self, root: Path):
        self.root = root
        (root / "content").mkdir(parents=True, exist_ok=True)

    def config(self, text: str) -> Project:
        (self.root / "digest.yaml").write_text(textwrap.dedent(text))
        return self

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text)
        return path

    def article(self, name: str, title: str, date: str, body: str = "본문 문단입니다.",
                **fields) -> Path:
        return self.write(f"content/{name}.md", article_text(title, date, body, **fields))

    def build(self, **options) -> BuildResult:
        options.setdefault("now", NOW)
        options.setdefault("jobs", 1)
        options.setdefault("search", False)  # the search tests turn it on
        return build(BuildOptions(project=self.root, **options))

    @property
    def site(self) -> Path:
        return self.root / "site"

    def page(self, url: str) -> str:
        path = self.site / (url + "index.html" if url.endswith("/") or not url else url)
        return path.read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "project")


@contextmanager
def previewing(project: Project, say=lambda line, is_error: None,
               **build) -> Iterator[tuple[Preview, str]]:
    """Run `digest serve` on the project in a thread on a free port -> (preview, its URL);
    `build` adds build options, `say(line, is_error)` gets what it tells the terminal."""
    build = {"project": project.root, "jobs": 1, "now": NOW, **build}
    options = PreviewOptions(build=BuildOptions(**build), port=0)
    preview = Preview(options, say=say)
    url = preview.start()
    thread = threading.Thread(target=preview.serve_forever, daemon=True)
    thread.start()
    try:
        yield preview, url
    finally:
        preview.stop()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium; skipped with a reason where it is not installed."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser):
    opened = browser.new_context()
    yield opened
    opened.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_built(project: Path, www: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    """Build the project with search under /repo/ and serve it on 127.0.0.1 -> base URL."""
    build(BuildOptions(project=project, out=www / "repo", jobs=1, now=NOW,
                       base_url="https://user.github.io/repo/"))
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/repo/", server


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The repo's demo digest, built with search and served under /repo/ -> its URL."""
    root = tmp_path_factory.mktemp("demo")
    shutil.copytree(REPO / "content", root / "project" / "content")
    shutil.copy(REPO / "digest.yaml", root / "project" / "digest.yaml")
    url, server = serve_built(root / "project", root / "www")
    yield url
    server.shutdown()
