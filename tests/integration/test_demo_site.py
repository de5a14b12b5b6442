"""The repo's demo digest, built and served from a sub-path on 127.0.0.1, has no broken link."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
import urllib.error
import urllib.request
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

from digest.build import BuildOptions, build
from digest.check import parse_page
from tests.conftest import NOW, REPO

SUB_PATH = "/repo/"


@pytest.fixture(scope="module")
def served_demo(tmp_path_factory):
    """Build the demo with base_url /repo/ and serve it from http://127.0.0.1:PORT/repo/."""
    root = tmp_path_factory.mktemp("pages")
    project = root / "project"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copy(REPO / "digest.yaml", project / "digest.yaml")
    build(BuildOptions(project=project, out=root / "www" / "repo", jobs=1, now=NOW,
                       base_url="http://127.0.0.1/repo/"))
    handler = functools.partial(_QuietHandler, directory=str(root / "www"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}", root / "www" / "repo"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        return exc.code, b"", ""


def test_crawl_from_the_front_page_finds_no_broken_link(served_demo):
    start, out = served_demo
    seen, queue, broken, pages = set(), [start], [], {}
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        status, body, kind = _fetch(url)
        if status != 200:
            broken.append(url)
            continue
        if kind == "text/html":
            parser = parse_page(body.decode("utf-8"))
            pages[url] = parser.ids
            for link in parser.links:
                target = urljoin(url, link)
                if urlparse(target).netloc == urlparse(start).netloc:
                    if not urlparse(target).path.startswith(SUB_PATH):
                        broken.append(f"{target} (outside {SUB_PATH}, from {url})")
                    queue.append(urldefrag(target)[0])
    assert not broken
    html_files = {f for f in out.rglob("*.html") if f.name != "404.html"}
    assert len(pages) == len(html_files) > 50  # every page is reachable by links


def test_anchors_point_at_ids_that_exist(served_demo):
    start, out = served_demo
    for page in out.rglob("*.html"):
        parser = parse_page(page.read_text())
        for link in parser.links:
            if link.startswith("#"):
                assert link[1:] in parser.ids, f"{page}: {link}"


def test_404_page_links_work_from_a_deep_missing_path(served_demo):
    start, out = served_demo
    parser = parse_page((out / "404.html").read_text())
    missing = urljoin(start, "no/such/deep/page/")
    for link in parser.links:
        if link.startswith("#") or link.startswith("http"):
            continue
        status, _, _ = _fetch(urljoin(missing, link))
        assert status == 200, link


def test_feeds_and_sitemap_use_the_base_url(served_demo):
    start, out = served_demo
    sitemap = (out / "sitemap.xml").read_text()
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locs and all(loc.startswith("http://127.0.0.1/repo/") for loc in locs)
    for loc in locs[:40]:
        path = unquote(urlparse(loc).path)[len(SUB_PATH):]
        assert (out / path / "index.html").is_file() or (out / path).is_file(), loc


def test_demo_is_large_enough_to_show_every_feature(served_demo):
    _, out = served_demo
    assert len(list((out / "sections").iterdir())) >= 5
    assert len(list((out / "2026" / "11").glob("[0-9][0-9]"))) >= 7
    assert any((out / "sections").glob("*/page/2/index.html"))
    assert any((out / "tags").iterdir()) and any((out / "outlets").iterdir())
