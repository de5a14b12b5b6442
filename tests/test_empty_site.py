"""A site with nothing to publish (no content, only drafts, only future articles) builds with
search, and its search page says there is nothing to search yet; Pagefind's failures are one
line naming what failed."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from digest.errors import DigestError
from digest.search import Record, index_files
from tests.conftest import REPO, Project, _QuietHandler

NOTHING = {
    "empty content": {},
    "only drafts": {"content/a.md": "---\ntitle: 초안\ndate: 2026-11-19\ndraft: true\n---\n본문\n"},
    "only future articles": {"content/a.md": "---\ntitle: 먼 훗날\ndate: 2999-01-01\n---\n본문\n",
                             "content/b.md": "---\ntitle: 그 뒤\ndate: 2999-02-01\n---\n본문\n"},
}


def digest_cli(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "digest", *args], cwd=project,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO), **env})


def nothing_project(root: Path, kind: str, language: str = "ko") -> Project:
    project = Project(root)
    project.config(f"language: {language}\n")
    for name, text in NOTHING[kind].items():
        project.write(name, text)
    return project


@pytest.mark.parametrize("kind", list(NOTHING))
def test_a_site_with_nothing_to_publish_builds_with_search(tmp_path, kind):
    project = nothing_project(tmp_path / "p", kind)
    done = digest_cli(project.root, "build")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    search = project.page("search/")
    assert "아직 검색할 기사가 없습니다." in search and "search.js" not in search
    assert not (project.site / "pagefind").exists()
    assert "아직 기사가 없습니다." in project.page("")


def test_articles_after_an_empty_build_bring_the_search_back(tmp_path):
    project = nothing_project(tmp_path / "p", "empty content")
    assert digest_cli(project.root, "build").returncode == 0
    project.article("a", "첫 기사", "2026-11-19T09:00:00+09:00")
    assert digest_cli(project.root, "build").returncode == 0
    assert "search.js" in project.page("search/")
    assert (project.site / "pagefind" / "pagefind.js").is_file()


@pytest.mark.parametrize(("language", "message"), [("ko", "아직 검색할 기사가 없습니다."),
                                                   ("en", "There is nothing to search yet.")])
def test_the_search_page_of_an_empty_site_says_so_in_chromium(tmp_path, browser, language,
                                                             message):
    project = nothing_project(tmp_path / "p", "only future articles", language)
    assert digest_cli(project.root, "build").returncode == 0
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(project.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("requestfailed", lambda r: errors.append(r.url))
        page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
        for query in ("", "?q=원팀"):
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/{query}")
            page.wait_for_load_state("networkidle")
            assert message in page.inner_text("main")
        assert errors == []
    finally:
        context.close()
        server.shutdown()


def test_a_missing_pagefind_binary_is_one_line_naming_it(tmp_path):
    project = Project(tmp_path / "p")
    project.article("a", "기사", "2026-11-19T09:00:00+09:00")
    done = digest_cli(project.root, "build", PAGEFIND_BINARY_PATH=str(tmp_path / "no-such"))
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if "search index" in line]
    assert len(lines) == 1 and f"cannot run {tmp_path / 'no-such'}" in lines[0]


def test_pagefind_failing_is_one_line_with_its_exit_code_and_message(tmp_path, monkeypatch):
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'first line of the reason' >&2\necho more >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    record = Record(url="a/", content="x", meta={}, filters={}, sort={})
    with pytest.raises(DigestError) as raised:
        index_files([record], "ko")
    assert str(raised.value) == (f"search index: {fake} failed (exit 3): first line of the "
                                 "reason (--no-search builds without it)")


def test_no_records_need_no_pagefind(monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/no/such/pagefind")
    assert index_files([], "ko") == {}


def test_no_pagefind_installed_is_one_line_saying_how_to_install_it(monkeypatch):
    import pagefind.service

    monkeypatch.setattr(pagefind.service, "get_executable", lambda: None)
    record = Record(url="a/", content="x", meta={}, filters={}, sort={})
    with pytest.raises(DigestError) as raised:
        index_files([record], "ko")
    assert str(raised.value).startswith("search index: the pagefind binary is missing: pip "
                                        "install 'pagefind[extended]'")
