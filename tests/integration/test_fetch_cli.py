"""digest fetch, digest ingest URL, digest check and the owner's status page, as a user runs
them (`python -m digest` in a project), against local servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from digest.fetch.state import STATE_FILE
from tests.integration.test_fetch_run import HTML, conditional, page, rss
from tests.webserver import Reply

REPO = Path(__file__).resolve().parents[2]


def digest(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "digest", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def site(webserver, tmp_path):
    """A project with one healthy feed and one that answers 503."""
    server = webserver({"/robots.txt": Reply(status=404),
                        "/rss.xml": conditional(rss("", ()), '"v0"'),
                        "/down.xml": Reply(status=503, body=b"busy")})
    server.routes["/rss.xml"] = conditional(rss(server.base, (1, 2)), '"v1"')
    for n in (1, 2, 5):
        server.routes[f"/news/{n}"] = Reply(headers=HTML, body=page(n))
    (tmp_path / "content").mkdir()
    (tmp_path / "digest.yaml").write_text(
        "base_url: https://me.github.io/news/\n"
        f"sources:\n  - feed: {server.url('/rss.xml')}\n    name: 예시일보\n"
        f"  - feed: {server.url('/down.xml')}\n    name: 멈춘 신문\n"
        "fetch:\n  pause: 0\n  retries: 0\n  status_page: true\n")
    return server, tmp_path


def test_fetch_reports_each_source_and_how_long_one_has_failed(site):
    server, root = site
    done = digest(root, "fetch")
    assert done.returncode == 0, done.stderr
    assert "멈춘 신문: HTTP 503" in done.stderr
    assert "failing for under a minute (1 run in a row)" in done.stderr
    assert "예시일보" in done.stderr and done.stderr.count("written: content/") == 2
    assert "Traceback" not in done.stderr and (root / STATE_FILE).is_file()
    listed = [json.loads(line) for line in
              digest(root, "sources", "list", "--report", "json").stdout.splitlines()]
    assert [row["status"][:7] for row in listed] == ["ok", "failed:"]
    assert "HTTP 503" in listed[1]["status"] and listed[0]["checked"]
    again = digest(root, "fetch", "--strict")
    assert again.returncode == 1 and "멈춘 신문" in again.stderr and "backing off" in again.stderr


def test_fetch_json_reports_a_line_per_source(site):
    _, root = site
    done = digest(root, "fetch", "--report", "json")
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["source"], r["status"]) for r in rows] == [("예시일보", "ok"),
                                                          ("멈춘 신문", "failed")]
    assert [a["status"] for a in rows[0]["articles"]] == ["written", "written"]
    assert rows[1]["failures"] == 1 and "503" in rows[1]["reason"]


def test_fetch_of_an_unknown_source_or_without_sources_says_so_in_one_line(site):
    _, root = site
    done = digest(root, "fetch", "--source", "없는 이름")
    assert done.returncode == 1 and "no source named '없는 이름'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    (root / "digest.yaml").write_text("title: 빈 곳\n")
    bare = digest(root, "fetch")
    assert bare.returncode == 1 and "no sources in digest.yaml" in bare.stderr


def test_ingest_fetches_pages_named_by_url(site):
    server, root = site
    done = digest(root, "ingest", server.url("/news/5"), server.url("/news/404"))
    assert done.returncode == 0, done.stderr
    assert "written: content/" in done.stderr and f"{server.url('/news/404')}: cannot fetch " \
        "the page: HTTP 404" in done.stderr
    [stored] = (root / "content").rglob("*.md")
    assert f"source_url: {server.url('/news/5')}" in stored.read_text()


def test_check_lists_failing_sources_and_the_status_page_shows_them(site):
    _, root = site
    digest(root, "fetch")
    checked = digest(root, "check")
    assert f"{STATE_FILE}: warning: source '멈춘 신문'" in checked.stderr
    assert "HTTP 503" in checked.stderr
    built = digest(root, "build", "--no-search")
    assert built.returncode == 0, built.stderr
    status = (root / "site" / "sources" / "status" / "index.html").read_text()
    assert "멈춘 신문" in status and "HTTP 503" in status and "source-failing" in status
    assert "noindex" in status
    assert "sources/status" not in (root / "site" / "sitemap.xml").read_text()
