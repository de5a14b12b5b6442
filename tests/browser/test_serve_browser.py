"""digest serve in a real Chromium: reload on edit, new articles, the error overlay, many tabs,
and a tab following its page when it moves."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import Project, previewing
from tests.integration.test_serve_rebuild import broken_render

TIMEOUT = 15_000  # ms: a rebuild plus a reload, with room for a slow machine


@pytest.fixture
def served(tmp_path: Path):
    project = Project(tmp_path / "project")
    project.config("base_url: https://user.github.io/repo/\npublish: full\n")
    project.article("첫-기사", "첫 기사", "2026-11-18T09:00:00+09:00", section="경제",
                    body="처음 쓴 문장입니다.")
    (tmp_path / "secret.txt").write_text("top secret")
    with previewing(project) as (preview, url):
        yield url, project, preview


ARTICLE = "2026/11/18/첫-기사/"


def test_editing_an_article_reloads_the_open_page(served, context):
    url, project, _ = served
    page = context.new_page()
    page.goto(url + ARTICLE)
    assert "처음 쓴 문장입니다." in page.inner_text("main")
    project.article("첫-기사", "첫 기사", "2026-11-18T09:00:00+09:00", section="경제",
                    body="고쳐 쓴 문장입니다.")
    page.wait_for_function("document.body.innerText.includes('고쳐 쓴 문장입니다.')",
                           timeout=TIMEOUT)


def test_a_new_article_appears_on_its_edition_section_and_front_page(served, context):
    url, project, _ = served
    pages = {where: context.new_page() for where in ("", "2026/11/19/", "sections/경제/")}
    for where, page in pages.items():
        page.goto(url + where)
    project.article("b", "새로 온 기사", "2026-11-19T10:00:00+09:00", section="경제")
    for page in pages.values():
        page.wait_for_function("document.body.innerText.includes('새로 온 기사')",
                               timeout=TIMEOUT)


def test_a_broken_template_shows_an_overlay_until_it_is_fixed(served, context):
    url, project, _ = served
    page = context.new_page()
    page.goto(url)
    project.write("templates/front.html", '{% extends "base.html" %}\n{% block main %}\n'
                  "{{ editions.no_such_thing.at_all }}\n{% endblock %}\n")
    overlay = page.locator("#digest-error-overlay")
    overlay.wait_for(timeout=TIMEOUT)
    assert "templates/front.html:3" in overlay.inner_text()
    assert "첫 기사" in page.inner_text("main")  # the last good site is still there
    project.write("templates/front.html", '{% extends "default/front.html" %}\n'
                  '{% block head %}<meta name="fixed" content="yes">{% endblock %}\n')
    page.wait_for_selector('meta[name="fixed"]', state="attached", timeout=TIMEOUT)
    assert page.locator("#digest-error-overlay").count() == 0


def test_an_error_shows_on_pages_opened_while_it_lasts(served, context):
    url, project, _ = served
    project.write("content/bad.md", "---\ntitle: 깨진 기사\ndate: 어제\n---\n본문\n")
    page = context.new_page()
    page.goto(url)
    page.locator("#digest-error-overlay").wait_for(timeout=TIMEOUT)
    assert "content/bad.md:3:" in page.locator("#digest-error-overlay").inner_text()


def test_many_open_tabs_all_reload(served, context):
    url, project, _ = served
    tabs = [context.new_page() for _ in range(10)]  # more than a browser's 6 per host
    for tab in tabs:
        tab.goto(url + ARTICLE)
    project.article("첫-기사", "첫 기사", "2026-11-18T09:00:00+09:00", section="경제",
                    body="열 개의 탭이 모두 다시 읽습니다.")
    for tab in tabs:
        tab.wait_for_function("document.body.innerText.includes('열 개의 탭')",
                              timeout=TIMEOUT)


@pytest.mark.parametrize("raw_path", [
    "/repo/../secret.txt", "/repo/%2e%2e/secret.txt", "/repo/..%2f..%2fsecret.txt",
    "/repo/..\\..\\secret.txt", "/../secret.txt", "/repo/%2e%2e%5csecret.txt",
])
def test_traversal_never_returns_a_file_from_outside(served, raw_path):
    url, _, _ = served
    host, port = url.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(f"GET {raw_path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                           .encode())
        response = b""
        while chunk := connection.recv(65536):
            response += chunk
    assert response.startswith(b"HTTP/1.1 404") and b"top secret" not in response


def test_traversal_from_the_browser(served, context):
    url, _, _ = served
    page = context.new_page()
    response = page.goto(url + "..%2f..%2fsecret.txt")
    assert response.status == 404 and "top secret" not in page.content()


def shows_the_error_until_fixed(page, project: Project, monkeypatch) -> None:
    """The overlay shows the broken renderer's error; a save once it works clears it."""
    overlay = page.locator("#digest-error-overlay")
    overlay.wait_for(timeout=TIMEOUT)
    assert "RuntimeError: the renderer broke" in overlay.inner_text()
    monkeypatch.undo()
    project.article("첫-기사", "첫 기사", "2026-11-18T09:00:00+09:00", section="경제",
                    body="다음 저장은 됩니다.")
    page.wait_for_function("document.body.innerText.includes('다음 저장은 됩니다.')",
                           timeout=TIMEOUT)
    assert page.locator("#digest-error-overlay").count() == 0


def test_an_unexpected_error_shows_an_overlay_until_a_save_fixes_it(served, context,
                                                                    monkeypatch):
    url, project, _ = served
    page = context.new_page()
    page.goto(url + ARTICLE)
    broken_render(monkeypatch)
    project.article("첫-기사", "첫 기사", "2026-11-18T09:00:00+09:00", section="경제",
                    body="이 저장은 실패합니다.")
    shows_the_error_until_fixed(page, project, monkeypatch)


def test_an_unexpected_error_at_start_up_shows_an_overlay(tmp_path, context, monkeypatch):
    project = Project(tmp_path / "project")
    project.config("base_url: https://user.github.io/repo/\n")
    project.article("첫-기사", "첫 기사", "2026-11-18T09:00:00+09:00", section="경제")
    broken_render(monkeypatch)
    with previewing(project) as (_, url):
        page = context.new_page()
        page.goto(url + ARTICLE)  # a 404 with the overlay: nothing could be built
        shows_the_error_until_fixed(page, project, monkeypatch)


def path_is(expected: str):
    return lambda url: unquote(urlsplit(url).path) == expected


def test_the_tab_follows_its_article_when_it_moves_and_when_it_goes(served, context):
    url, project, _ = served
    project.article("m", "옮길 기사", "2026-11-18T12:00:00+09:00", section="경제",
                    slug="옮길-기사", body="옮겨 다니는 기사입니다.")
    page = context.new_page()
    page.goto(url + "2026/11/18/옮길-기사/")
    page.wait_for_function("document.body.innerText.includes('옮겨 다니는 기사입니다.')",
                           timeout=TIMEOUT)  # if the first load raced the rebuild
    project.article("m", "옮길 기사", "2026-11-20T12:00:00+09:00", section="경제",
                    slug="옮길-기사", body="옮겨 다니는 기사입니다.")
    page.wait_for_url(path_is("/repo/2026/11/20/옮길-기사/"), timeout=TIMEOUT)
    assert "옮겨 다니는 기사입니다." in page.inner_text("main")
    project.article("m", "옮길 기사", "2026-11-20T12:00:00+09:00", section="경제",
                    slug="새-자리", body="옮겨 다니는 기사입니다.")
    page.wait_for_url(path_is("/repo/2026/11/20/새-자리/"), timeout=TIMEOUT)
    (project.root / "content" / "m.md").unlink()
    page.wait_for_url(path_is("/repo/sections/경제/"), timeout=TIMEOUT)
    page.wait_for_function("document.body.innerText.includes('첫 기사')", timeout=TIMEOUT)
    assert "옮길 기사" not in page.inner_text("main")
