"""digest serve without a browser: what it serves, what it refuses, how it rebuilds."""

from __future__ import annotations

import os
import threading
import urllib.error
import urllib.request
from pathlib import Path, PurePath

import pytest

from digest.build import CONFIG, CONTENT, STATIC, TEMPLATES, BuildOptions
from digest.serve import Preview, PreviewOptions, content_type, resolve
from digest.watch import Watcher, classify
from tests.conftest import NOW, Project, previewing

PROJECT = PurePath("/p")


@pytest.mark.parametrize("path, kind", [
    ("/p/content/economy/a.md", CONTENT),
    ("/p/content/a.md", CONTENT),
    ("/p/templates/base.html", TEMPLATES),
    ("/p/templates/static/x.css", TEMPLATES),
    ("/p/static/logo.png", STATIC),
    ("/p/digest.yaml", CONFIG),
    ("/p/content/.a.md.swp", None), ("/p/content/a.md~", None), ("/p/content/4913", None),
    ("/p/content/.#a.md", None), ("/p/content/#a.md#", None), ("/p/content/.a.md.1b2c.tmp", None),
    ("/p/content/_drafts/a.md", None), ("/p/site/index.html", None),
    ("/p/.digest-cache/preview/index.html", None), ("/p/.git/index", None),
    ("/elsewhere/content/a.md", None), ("/p/README.md", None),
])
def test_classify_changed_paths(path, kind):
    assert classify(PurePath(path), PROJECT) == kind


@pytest.mark.parametrize("config, path, kind", [
    ("/p/other.yaml", "/p/other.yaml", CONFIG),
    ("/p/other.yaml", "/p/digest.yaml", None),  # only the config being used counts
    ("/p/conf/site.yaml", "/p/conf/site.yaml", CONFIG),
    ("/p/conf/site.yaml", "/p/conf/other.yaml", None),
    ("/elsewhere/site.yaml", "/elsewhere/site.yaml", CONFIG),
    ("/elsewhere/site.yaml", "/elsewhere/notes.txt", None),
    ("/elsewhere/site.yaml", "/elsewhere/site.yaml~", None),
    ("/elsewhere/site.yaml", "/p/content/a.md", CONTENT),
    ("/p/content/site.yaml", "/p/content/site.yaml", CONFIG),
])
def test_classify_with_a_config_file_anywhere(config, path, kind):
    assert classify(PurePath(path), PROJECT, PurePath(config)) == kind


FILES = {"index.html": b"front", "2026/11/index.html": b"month", "404.html": b"missing",
         "static/digest.css": b"css"}


@pytest.mark.parametrize("url", [
    "/repo/../secret.txt", "/repo/%2e%2e/secret.txt", "/repo/%2E%2E%2Fsecret.txt",
    "/repo/..%5csecret.txt", "/repo/%5c..%5cindex.html", "/repo/index.html%00.txt",
    "/repo//etc/passwd", "/secret.txt", "/index.html", "/repo/./index.html",
    "/repo/static/../index.html", "/repo/2026/11/../../index.html",
])
def test_only_the_sites_own_files_resolve(url):
    assert resolve(FILES, "/repo/", url) == ("missing", None)


def test_folders_and_files_resolve_like_github_pages():
    assert resolve(FILES, "/repo/", "/repo/") == ("file", "index.html")
    assert resolve(FILES, "/repo/", "/repo/2026/11/") == ("file", "2026/11/index.html")
    assert resolve(FILES, "/repo/", "/repo/2026/11") == ("redirect", None)
    assert resolve(FILES, "/repo/", "/repo/static/digest.css") == ("file", "static/digest.css")
    assert resolve(FILES, "/repo/", "/repo/2026/12/") == ("missing", None)
    assert resolve(FILES, "/", "/2026/11/") == ("file", "2026/11/index.html")


@pytest.fixture
def preview(tmp_path: Path):
    project = Project(tmp_path / "project")
    project.config("base_url: https://user.github.io/repo/\npage_size: 2\n")
    project.article("a", "첫 기사", "2026-11-18T09:00:00+09:00", section="경제")
    project.write("static/robots-extra.txt", "hi\n")
    with previewing(project) as (running, url):
        yield running, url, project


def fetch(url: str, method: str = "GET") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def test_serves_the_site_under_its_base_path(preview):
    _, url, project = preview
    assert not (project.root / ".digest-cache").exists()  # served from memory
    assert not project.site.exists()
    assert url.endswith("/repo/")
    status, kind, body = fetch(url)
    assert status == 200 and kind == "text/html; charset=utf-8" and "첫 기사".encode() in body
    assert b'src="/__digest__/preview.js"' in body


@pytest.mark.parametrize("path, kind", [
    ("static/digest.css", "text/css; charset=utf-8"), ("atom.xml", "application/xml"),
    ("feed.json", "application/json"), ("robots.txt", "text/plain; charset=utf-8"),
    ("static/favicon.svg", "image/svg+xml"), ("sitemap.xml", "application/xml"),
])
def test_content_types(preview, path, kind):
    _, url, _ = preview
    status, got, _ = fetch(url + path)
    assert status == 200 and got.startswith(kind)


def test_missing_pages_get_404_html_with_status_404(preview):
    _, url, _ = preview
    status, kind, body = fetch(url + "no/such/page/")
    assert status == 404 and "페이지를 찾을 수 없습니다".encode() in body
    assert fetch(url.replace("/repo/", "/other/"))[0] == 404


def test_head_and_root_redirect(preview):
    _, url, _ = preview
    status, _, body = fetch(url, method="HEAD")
    assert status == 200 and body == b""
    root = url.replace("/repo/", "/")
    assert fetch(root)[0] == 200  # redirected to /repo/ and followed


def test_rebuild_kinds_do_only_what_they_need(preview, monkeypatch):
    running, url, project = preview
    import digest.build as build_module
    reads = []
    real_load = build_module.workers.load_article
    monkeypatch.setattr(build_module.workers, "load_article",
                        lambda path, shown, *rest: reads.append(shown) or real_load(
                            path, shown, *rest))
    project.article("b", "둘째 기사", "2026-11-19T09:00:00+09:00", section="경제")
    assert running.rebuild(frozenset({CONTENT}))
    assert reads == ["content/b.md"]  # only the new file was read
    assert "둘째 기사".encode() in fetch(url)[2]
    project.write("templates/front.html", '{% extends "default/front.html" %}'
                  "{% block head %}<meta name=x content=template-v2>{% endblock %}")
    reads.clear()
    assert running.rebuild(frozenset({TEMPLATES}))
    assert reads == [] and b"template-v2" in fetch(url)[2]
    project.write("static/robots-extra.txt", "changed\n")
    assert running.rebuild(frozenset({STATIC}))
    assert reads == [] and fetch(url + "static/robots-extra.txt")[2] == b"changed\n"


def test_a_failed_rebuild_keeps_the_last_good_site_and_reports(preview):
    running, url, project = preview
    good = fetch(url)[2]
    project.write("templates/front.html", "{% for x in %}")
    assert not running.rebuild(frozenset({TEMPLATES}))
    state = running.state.snapshot()
    assert any("templates/front.html:1" in e for e in state["errors"])
    assert fetch(url)[2].split(b"data-version")[0] == good.split(b"data-version")[0]
    os.remove(project.root / "templates/front.html")
    assert running.rebuild(frozenset({TEMPLATES}))
    assert running.state.snapshot()["errors"] == []


def test_bad_front_matter_keeps_the_last_good_site(preview):
    running, url, project = preview
    project.write("content/a.md", "---\ntitle: 고친 제목\ndate: 어제\n---\n본문\n")
    assert not running.rebuild(frozenset({CONTENT}))
    assert any(e.startswith("content/a.md:3:") for e in running.state.snapshot()["errors"])
    assert "첫 기사".encode() in fetch(url)[2]


def test_a_broken_config_keeps_the_old_one(preview):
    running, url, project = preview
    project.config("titel: 오타\n")
    assert not running.rebuild(frozenset({CONFIG}))
    assert "titel: unknown key" in running.state.snapshot()["errors"][0]
    assert running.builder.config.base_path == "/repo/"
    project.config("base_url: https://user.github.io/repo/\ntitle: 새 제목\n")
    assert running.rebuild(frozenset({CONFIG}))
    assert "새 제목".encode() in fetch(url)[2]


def test_event_stream_sends_the_state_then_each_change(preview):
    running, url, _ = preview
    base = url.split("/repo/")[0]
    with urllib.request.urlopen(base + "/__digest__/events", timeout=10) as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        assert stream.readline() == b"retry: 500\n"
        first = stream.readline()
        assert b'"errors": []' in first
        running.state.publish(("content/x.md:1: broken",))
        stream.readline()
        assert b"content/x.md:1: broken" in stream.readline()


def test_port_in_use_is_a_clear_error(preview):
    running, url, project = preview
    port = int(url.split(":")[2].split("/")[0])
    options = PreviewOptions(build=BuildOptions(project=project.root, jobs=1, now=NOW),
                             port=port)
    with pytest.raises(OSError):
        Preview(options, say=lambda *a: None).start()


@pytest.mark.parametrize("name, kind", [
    ("index.html", "text/html; charset=utf-8"), ("static/app.js", "text/javascript"),
    ("static/x.css", "text/css"), ("atom.xml", "application/xml"),
    ("feed.json", "application/json"), ("search-index/s/0.bin", "application/octet-stream"),
    ("static/search.wasm", "application/wasm"), ("static/logo.png", "image/png"),
    ("static/favicon.svg", "image/svg+xml"), ("CNAME", "application/octet-stream"),
])
def test_content_type_of_every_kind_of_file(name, kind):
    assert content_type(name).startswith(kind)


def test_polling_watcher_sees_edits(tmp_path):
    project = Project(tmp_path / "project")
    project.article("a", "기사", "2026-11-18T09:00:00+09:00")
    seen: list[frozenset[str]] = []
    changed = threading.Event()
    watcher = Watcher(project.root, lambda kinds: (seen.append(kinds), changed.set()),
                      poll=True)
    watcher.start()
    try:
        project.article("a", "고친 기사", "2026-11-18T09:00:00+09:00")
        (project.root / "content" / ".a.md.swp").write_text("editor noise")
        assert changed.wait(timeout=10)
    finally:
        watcher.stop()
    assert seen == [frozenset({CONTENT})]


@pytest.mark.parametrize("where", ["other.yaml", "conf/site.yaml", "../elsewhere/site.yaml"])
@pytest.mark.parametrize("poll", [True, False], ids=["polling", "events"])
def test_watcher_sees_the_config_file_wherever_it_is(tmp_path, where, poll):
    project = Project(tmp_path / "project")
    project.article("a", "기사", "2026-11-18T09:00:00+09:00")
    config = project.write(where, "title: 처음\n")
    seen: list[frozenset[str]] = []
    changed = threading.Event()
    watcher = Watcher(project.root, lambda kinds: (seen.append(kinds), changed.set()),
                      poll=poll, config_file=config)
    watcher.start()
    try:
        (config.parent / "notes.txt").write_text("not the config")
        config.write_text("title: 고침\n")
        assert changed.wait(timeout=10)
    finally:
        watcher.stop()
    assert seen == [frozenset({CONFIG})]
