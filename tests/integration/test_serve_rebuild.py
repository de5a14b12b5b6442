"""digest serve across rebuilds: any error survived, what each rebuild says, pages that move."""

from __future__ import annotations

import os
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from digest.build import CONFIG, CONTENT, STATIC, TEMPLATES
from digest.errors import one_line
from digest.render import Renderer
from digest.serve import Preview
from tests.conftest import Project, previewing

BASE = "https://user.github.io/repo/"


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(quote(url, safe=":/%"), timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_until(running: Preview, check, seconds: float = 30) -> dict:
    """Wait for a published state that passes `check` -> that state."""
    deadline = time.monotonic() + seconds
    state = running.state.snapshot()
    while not check(state):
        left = deadline - time.monotonic()
        assert left > 0, f"the preview never reached the state; last: {state}"
        state = running.state.wait_past(state["version"], left) or state
    return state


def broken_render(monkeypatch):
    def render(self, page):
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(Renderer, "render", render)


def failed(state: dict) -> bool:
    return any("RuntimeError: the renderer broke" in e for e in state["errors"])


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(tmp_path / "project")
    project.config(f"base_url: {BASE}\n")
    project.article("a", "첫 기사", "2026-11-18T09:00:00+09:00", section="경제", slug="첫-기사")
    project.article("b", "둘째 기사", "2026-11-18T10:00:00+09:00", section="경제", slug="둘째")
    project.article("c", "초고", "2026-11-18T11:00:00+09:00", draft="true")
    return project


def test_an_unexpected_error_at_start_up_is_shown_and_a_save_fixes_it(project, monkeypatch):
    said: list[tuple[str, bool]] = []
    broken_render(monkeypatch)
    with previewing(project, say=lambda line, is_error: said.append((line, is_error))) as (
            running, url):
        status, body = fetch(url)  # nothing could be built, but the server answers
        assert status == 404 and "/__digest__/preview.js" in body
        assert failed(running.state.snapshot())
        assert [line for line, is_error in said if is_error] == [
            "build failed: RuntimeError: the renderer broke; the page shows why until a save "
            "fixes it"]
        monkeypatch.undo()
        project.article("a", "첫 기사", "2026-11-18T09:00:00+09:00", section="경제",
                        slug="첫-기사", body="고친 문장입니다.")
        wait_until(running, lambda state: not state["errors"])
        status, body = fetch(url + "2026/11/18/첫-기사/")
        assert status == 200 and "고친 문장입니다." in body
    assert not any("Traceback" in line for line, _ in said)


def test_an_unexpected_error_on_a_save_keeps_the_watcher_alive(project, monkeypatch):
    with previewing(project) as (running, url):
        broken_render(monkeypatch)
        project.article("a", "첫 기사", "2026-11-18T09:00:00+09:00", section="경제",
                        slug="첫-기사", body="이 저장은 실패합니다.")
        wait_until(running, failed)
        assert "이 저장은" not in fetch(url + "2026/11/18/첫-기사/")[1]  # the last good site
        monkeypatch.undo()
        project.article("a", "첫 기사", "2026-11-18T09:00:00+09:00", section="경제",
                        slug="첫-기사", body="다음 저장은 됩니다.")
        wait_until(running, lambda state: not state["errors"])
        assert "다음 저장은 됩니다." in fetch(url + "2026/11/18/첫-기사/")[1]


def test_an_error_names_the_project_file_and_line_it_came_from(tmp_path):
    project = tmp_path / "project"
    template = project / "templates" / "front.html"
    template.parent.mkdir(parents=True)
    template.write_text("line one\n{{ boom() }}\n")
    code = compile("\n1 / 0\n", str(template), "exec")  # as Jinja compiles a template
    with pytest.raises(ZeroDivisionError) as raised:
        exec(code)
    assert one_line(raised.value, project) == \
        "templates/front.html:2: ZeroDivisionError: division by zero"
    missing = OSError(2, "No such file or directory", str(project / "static" / "x.png"))
    assert one_line(missing, project) == \
        "static/x.png: FileNotFoundError: No such file or directory"
    assert one_line(RuntimeError("two\nlines"), project) == "RuntimeError: two lines"
    data = project / "content" / "data.yaml"
    data.parent.mkdir()
    data.write_text("a: 1\nb: [\n")
    with data.open() as stream, pytest.raises(yaml.YAMLError) as raised:
        yaml.safe_load(stream)
    assert one_line(raised.value, project).startswith("content/data.yaml:3: ParserError: ")
    with pytest.raises(yaml.YAMLError) as raised:
        yaml.safe_load("b: [\n")
    assert one_line(raised.value, project).startswith("ParserError: ")


def summaries(said: list[tuple[str, bool]]) -> list[str]:
    return [line for line, is_error in said if not is_error]


def test_each_rebuild_says_what_it_did(project):
    built = project.build()  # the same project written to disk, for the numbers
    said: list[tuple[str, bool]] = []
    with previewing(project, say=lambda line, is_error: said.append((line, is_error))) as (
            running, _):
        running.watcher.stop()  # the test rebuilds, one change at a time
        first = re.fullmatch(r"built (\d+) articles into (\d+) pages in [\d.]+ s",
                             summaries(said)[0])
        assert first and (int(first[1]), int(first[2])) == (2, built.pages) == (
            built.articles, built.pages)
        for kind, change in [
            (CONTENT, lambda: project.article("a", "첫 기사", "2026-11-18T09:00:00+09:00",
                                              section="경제", slug="첫-기사", body="새 본문.")),
            (TEMPLATES, lambda: project.write("templates/front.html", (
                '{% extends "default/front.html" %}'
                '{% block head %}<meta name="x" content="y">{% endblock %}'))),
            (STATIC, lambda: project.write("static/extra.txt", "new\n")),
        ]:
            before = dict(running.site.files)
            change()
            assert running.rebuild(frozenset({kind}))
            after = running.site.files
            differ = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
            line = re.fullmatch(rf"{kind} changed: (\d+) of (\d+) pages re-rendered, (\d+) "
                                r"files? changed, in [\d.]+ s", summaries(said)[-1])
            assert line, summaries(said)[-1]
            rendered, pages, files = (int(n) for n in line.groups())
            assert pages == built.pages and files == len(differ) > 0, kind
            # an article edit re-renders the pages showing it, a template all, static none
            assert {CONTENT: 0 < rendered < pages, TEMPLATES: rendered == pages,
                    STATIC: rendered == 0}[kind]


ARTICLE = "/repo/2026/11/18/%EC%B2%AB-%EA%B8%B0%EC%82%AC/"  # 2026/11/18/첫-기사/
MOVED = "/repo/2026/11/19/%EC%B2%AB-%EA%B8%B0%EC%82%AC/"
SECTION = "/repo/sections/%EA%B2%BD%EC%A0%9C/"  # sections/경제/


def test_a_moved_or_deleted_article_is_published_with_where_to_go(project):
    with previewing(project, search=False) as (running, url):
        running.watcher.stop()  # the test rebuilds, one change at a time
        root = url.removesuffix("/repo/")

        def moves():
            return running.state.snapshot()["moves"]

        assert moves() == {}
        project.article("a", "첫 기사", "2026-11-19T09:00:00+09:00", section="경제",
                        slug="첫-기사")
        assert running.rebuild(frozenset({CONTENT}))
        assert moves() == {ARTICLE: MOVED}
        assert fetch(root + MOVED)[0] == 200 and fetch(root + ARTICLE)[0] == 404
        assert running.rebuild(frozenset({CONTENT}))  # a rebuild that changes nothing
        assert moves() == {ARTICLE: MOVED}  # still there for a tab that missed the first
        project.article("a", "첫 기사", "2026-11-19T09:00:00+09:00", section="경제",
                        slug="처음")
        assert running.rebuild(frozenset({CONTENT}))
        again = MOVED.replace("%EC%B2%AB-%EA%B8%B0%EC%82%AC", "%EC%B2%98%EC%9D%8C")  # 처음
        assert moves() == {ARTICLE: again, MOVED: again}
        project.write("content/a.md", "---\ntitle: 깨진\ndate: 어제\n---\n")
        assert not running.rebuild(frozenset({CONTENT}))
        assert moves() == {ARTICLE: again, MOVED: again}  # the site did not change
        os.remove(project.root / "content/a.md")
        assert running.rebuild(frozenset({CONTENT}))
        assert moves() == {ARTICLE: SECTION, MOVED: SECTION, again: SECTION}
        status, body = fetch(root + SECTION)
        assert status == 200 and "둘째 기사" in body
        project.article("d", "새 기사", "2026-11-19T09:00:00+09:00", section="사회",
                        slug="첫-기사")  # takes the URL the first article had
        assert running.rebuild(frozenset({CONTENT}))
        assert moves() == {ARTICLE: SECTION, again: SECTION}  # MOVED is a page again
        os.remove(project.root / "content/b.md")  # the section's last article
        assert running.rebuild(frozenset({CONTENT}))
        assert moves() == {"/repo/2026/11/18/%EB%91%98%EC%A7%B8/": "/repo/"}  # 둘째


def test_an_edit_that_keeps_the_url_moves_nothing(project):
    with previewing(project, search=False) as (running, _):
        running.watcher.stop()
        project.article("a", "제목을 고친 기사", "2026-11-18T09:00:00+09:00", section="경제",
                        slug="첫-기사")
        assert running.rebuild(frozenset({CONTENT}))
        assert running.state.snapshot()["moves"] == {}
        project.config(f"base_url: {BASE}\ntitle: 새 이름\n")
        assert running.rebuild(frozenset({CONFIG}))
        assert running.state.snapshot()["moves"] == {}


@pytest.mark.parametrize("where", ["other.yaml", "conf/site.yaml", "../elsewhere/site.yaml"])
def test_serve_rebuilds_when_its_config_file_changes(project, where):
    config = project.write(where, f"base_url: {BASE}\ntitle: 처음 이름\n")
    os.remove(project.root / "digest.yaml")
    with previewing(project, config_path=config) as (running, url):
        assert "처음 이름" in fetch(url)[1]
        config.write_text(f"base_url: {BASE}\ntitle: 바뀐 이름\n")
        wait_until(running, lambda state: "바뀐 이름" in fetch(url)[1])
