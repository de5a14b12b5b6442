"""Scraped text is untrusted: a site built from hostile sources runs none of their script."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import quote

import pytest

from digest.build import BuildOptions, build
from digest.config import Config
from digest.ingest.run import IngestOptions, ingest
from tests.conftest import NOW, Project

XSS = [
    "<script>alert('title')</script>",
    "<img src=x onerror=alert('img')>",
    "<svg onload=alert('svg')></svg>",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('refresh')\">",
    "<style>body{background:url(javascript:alert('css'))}</style>",
    "</script><script>alert('json-ld')</script>",
    "\"><script>alert('attribute')</script>",
]


def hostile_project(root: Path) -> Project:
    project = Project(root)
    project.config("publish: full\nbase_url: https://user.github.io/repo/\n")
    for n, attack in enumerate(XSS):
        body = "\n\n".join([attack, f"[링크](javascript:alert('link{n}'))",
                            f"[데이터](data:text/html,<script>alert('data{n}')</script>)",
                            "본문 " + attack])
        project.write(f"content/x{n}.md", "---\n" + "\n".join([
            f"title: {attack!r}", f"date: 2026-11-1{n % 9 + 1}T09:00:00+09:00",
            f"section: {attack!r}", f"tags: [{attack!r}, \"태그{n}\"]", f"outlet: {attack!r}",
            f"authors: [{attack!r}]", f"subtitle: {attack!r}", f"dateline: {attack!r}",
            "source_url: \"javascript:alert('source')\"", "image: \"javascript:alert('og')\"",
            f"related: [{{title: {attack!r}, url: \"javascript:alert('related')\"}}]",
            f"summary: {attack!r}", f"slug: \"../../{attack}\""]) + "\n---\n\n" + body + "\n")
    sources = root / "sources"
    sources.mkdir()
    (sources / "page.html").write_text(
        "<html lang=ko><head><title>적대적 페이지</title>"
        "<meta property=\"og:title\" content=\"<script>alert('og-title')</script>\">"
        "<meta property=\"article:published_time\" content=\"2026-11-20T09:00:00+09:00\">"
        "<script>alert('source-page')</script></head><body><article>"
        "<p>본문 첫 문단입니다. <img src=x onerror=alert('html-img')> 그리고 계속됩니다.</p>"
        "<p>둘째 문단 <a href=\"javascript:alert('html-link')\">링크</a> 입니다.</p>"
        "</article></body></html>")
    (sources / "feed.xml").write_text(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>피드</title>"
        "<item><title>&lt;script&gt;alert('feed-title')&lt;/script&gt;</title>"
        "<link>javascript:alert('feed-link')</link>"
        "<pubDate>Sat, 21 Nov 2026 09:00:00 +0900</pubDate>"
        "<description>&lt;img src=x onerror=alert('feed-body')&gt; 피드 본문</description>"
        "</item></channel></rss>")
    outcomes = ingest([str(sources)], IngestOptions(project=root, config=Config(), now=NOW))
    assert [o.status for o in outcomes] == ["written", "written"]  # the page and the entry
    return project


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    project = hostile_project(root / "project")
    out = root / "www" / "repo"
    build(BuildOptions(project=project.root, out=out, jobs=1, now=NOW))
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root / "www")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/repo/", out
    server.shutdown()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_nothing_is_written_outside_the_output(hostile_site):
    _, out = hostile_site
    assert not list(out.parent.parent.glob("*script*"))
    for page in out.rglob("*"):
        assert out in page.resolve().parents or page.resolve() == out


def test_no_page_runs_script_from_content(hostile_site, context):
    url, out = hostile_site
    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        page.goto(url + quote(path.removesuffix("index.html")))
        page.wait_for_load_state("load")
        for link in page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"):
            assert not link.startswith(("javascript:", "data:")), (path, link)
    for attack in XSS[:3]:
        page.goto(f"{url}search/?q={quote(attack)}")
        page.wait_for_timeout(300)
    assert dialogs == []
