"""The search page of a site with nothing to publish says so in Chromium, in Korean and English."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from tests.conftest import _QuietHandler
from tests.integration.test_empty_site import digest_cli, nothing_project


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
