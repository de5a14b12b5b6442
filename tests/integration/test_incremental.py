"""A Builder rebuilds to the same bytes as a cold build (search index included), re-rendering
only what changed."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from digest.build import CONTENT, EVERYTHING, TEMPLATES, Builder, BuildOptions
from digest.render import Renderer
from tests.conftest import NOW, Project


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file()}


@pytest.fixture
def setup(tmp_path: Path, monkeypatch):
    project = Project(tmp_path / "project")
    project.config("publish: full\npage_size: 2\n")
    for n in range(6):
        project.article(f"a{n}", f"기사 {n}", f"2026-11-1{n}T09:00:00+09:00",
                        section="경제" if n % 2 else "사회", tags="[공통]")
    builder = Builder(BuildOptions(project=project.root, jobs=1, now=NOW))
    builder.build()
    rendered: list[str] = []
    real = Renderer.render
    monkeypatch.setattr(Renderer, "render",
                        lambda self, page: rendered.append(page.url) or real(self, page))
    return project, builder, rendered


def cold_build(project: Project, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "cold"
    Builder(BuildOptions(project=project.root, jobs=1, now=NOW, out=out, cache=False)).build()
    return tree(out)


def html_pages(urls: list[str]) -> set[str]:
    return {u for u in urls if not u.endswith((".xml", ".json", ".txt", ".nojekyll"))}


def assert_everything_re_rendered(project, builder, rendered, tmp_path) -> None:
    assert len(html_pages(rendered)) == len([p for p in builder.pages if p.template])
    assert tree(project.site) == cold_build(project, tmp_path)


def test_a_body_edit_re_renders_only_pages_showing_that_story(setup, tmp_path):
    project, builder, rendered = setup
    project.article("a3", "기사 3", "2026-11-13T09:00:00+09:00", section="경제", tags="[공통]",
                    body="본문만 고쳤습니다.")
    builder.build(frozenset({CONTENT}))
    pages = html_pages(rendered)
    assert "2026/11/13/a3/" in pages
    assert "2026/11/10/a0/" not in pages  # another section, not a neighbour
    assert len(pages) < len(builder.pages) / 2
    assert tree(project.site) == cold_build(project, tmp_path)


def test_a_title_edit_updates_the_neighbours_links(setup, tmp_path):
    project, builder, _ = setup
    project.article("a3", "새 제목", "2026-11-13T09:00:00+09:00", section="경제", tags="[공통]")
    builder.build(frozenset({CONTENT}))
    assert "새 제목" in project.page("2026/11/11/a1/")  # its older neighbour in 경제
    assert tree(project.site) == cold_build(project, tmp_path)


def test_a_new_section_updates_every_page_menu(setup, tmp_path):
    project, builder, rendered = setup
    project.article("b", "문화 기사", "2026-11-16T09:00:00+09:00", section="문화")
    builder.build(frozenset({CONTENT}))
    assert_everything_re_rendered(project, builder, rendered, tmp_path)


def test_a_template_edit_re_renders_every_page(setup, tmp_path):
    project, builder, rendered = setup
    project.write("templates/base.html", '{% extends "default/base.html" %}'
                  '{% block head %}<meta name="v" content="2">{% endblock %}')
    builder.build(frozenset({TEMPLATES}))
    assert_everything_re_rendered(project, builder, rendered, tmp_path)


def test_templates_reading_site_turn_reuse_off(setup, tmp_path):
    project, builder, rendered = setup
    project.write("templates/article.html", '{% extends "default/article.html" %}'
                  "{% block head %}<meta name=count content={{ site.stories|length }}>"
                  "{% endblock %}")
    builder.build(EVERYTHING)
    rendered.clear()
    project.article("b", "일곱째", "2026-11-16T09:00:00+09:00", section="사회")
    builder.build(frozenset({CONTENT}))
    assert "content=7" in project.page("2026/11/10/a0/")
    assert tree(project.site) == cold_build(project, tmp_path)


def test_a_re_dated_article_moves_everywhere(setup, tmp_path):
    project, builder, _ = setup
    project.article("a3", "기사 3", "2026-11-20T09:00:00+09:00", section="경제", tags="[공통]")
    builder.build(frozenset({CONTENT}))
    assert not (project.site / "2026/11/13").exists()
    assert "기사 3" in project.page("2026/11/20/")
    assert tree(project.site) == cold_build(project, tmp_path)


def test_a_deleted_article_disappears_everywhere(setup, tmp_path):
    project, builder, _ = setup
    (project.root / "content/a3.md").unlink()
    builder.build(frozenset({CONTENT}))
    assert all("기사 3" not in p.read_text() for p in project.site.rglob("*.html"))
    assert tree(project.site) == cold_build(project, tmp_path)


def test_a_body_edit_in_a_new_process_takes_the_edit_path_with_search(setup, tmp_path):
    project, builder, rendered = setup
    project.article("a3", "기사 3", "2026-11-13T09:00:00+09:00", section="경제", tags="[공통]",
                    body="두루미가 날아왔습니다.")
    result = Builder(BuildOptions(project=project.root, jobs=1, now=NOW)).build()
    assert sorted(name for name, _ in result.timings) == ["check", "edits", "search"]
    assert "2026/11/13/a3/" in rendered and len(html_pages(rendered)) < len(builder.pages) / 2
    site = tree(project.site)
    assert site == cold_build(project, tmp_path)
    assert "두루미" in zlib.decompress(site["search-index/d/3.bin"], wbits=31).decode()


def test_a_new_day_appends_to_the_index(setup, tmp_path):
    project, builder, _ = setup
    for n in range(3):
        project.article(f"b{n}", f"새날 {n}", f"2026-11-17T0{n}:00:00+09:00", section="사회")
    builder.build(frozenset({CONTENT}))
    site = tree(project.site)
    assert site == cold_build(project, tmp_path)
    assert "새날 2" in zlib.decompress(site["search-index/d/8.bin"], wbits=31).decode()


def test_an_older_article_renumbers_the_index_as_a_cold_build_would(setup, tmp_path):
    project, builder, _ = setup
    project.article("old", "옛 기사", "2026-11-01T09:00:00+09:00", section="사회")
    builder.build(frozenset({CONTENT}))
    site = tree(project.site)
    assert site == cold_build(project, tmp_path)
    assert "옛 기사" in zlib.decompress(site["search-index/d/0.bin"], wbits=31).decode()
