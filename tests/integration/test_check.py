"""digest check: the demo is clean; planted broken links, anchors and content are reported."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from digest.build import BuildOptions
from digest.check import check
from digest.cli import main
from tests.conftest import NOW, REPO, Project


def problems_of(project: Project) -> list[str]:
    options = BuildOptions(project=project.root, jobs=1, now=NOW,
                           base_url="https://user.github.io/repo/")
    return [str(p) for p in check(options) if p.is_error]


def test_the_demo_has_no_problem_under_a_sub_path(tmp_path, monkeypatch):
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "digest.yaml", tmp_path / "digest.yaml")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--base-url", "https://user.github.io/repo/"])
    assert result.exit_code == 0 and "no problems found" in result.output
    assert not (tmp_path / "site").exists()  # checked in memory


def test_a_broken_link_planted_in_a_template_is_found(project):
    project.article("기사", "기사", "2026-11-18T09:00:00+09:00")
    project.write("templates/article.html", '{% extends "default/article.html" %}'
                  '{% block head %}<link rel="stylesheet" href="{{ link(\'static/gone.css\') }}">'
                  "{% endblock %}")
    found = problems_of(project)
    assert found == ["2026/11/18/기사/index.html: broken link '../../../../static/gone.css': "
                     "no such file in the site"]


def test_a_broken_anchor_and_a_script_link_are_found(project):
    project.article("기사", "기사", "2026-11-18T09:00:00+09:00",
                    body="[위로](#no-such-id) 그리고 [외부](https://example.invalid/page)")
    project.write("templates/404.html", '<a href="javascript:void(0)">x</a>')
    project.config("publish: full\n")
    found = problems_of(project)
    assert "2026/11/18/기사/index.html: broken link '#no-such-id': no id 'no-such-id' there" \
        in found
    assert "404.html: script link 'javascript:void(0)'" in found
    assert not [p for p in found if "example.invalid" in p]  # external: only with --external


def test_content_problems_are_reported_with_their_lines(project):
    project.article("기사", "기사", "2026-11-18T09:00:00+09:00")
    project.write("content/bad.md", "---\ntitle: 제목\ndate: 언젠가\n---\n본문\n")
    assert any(p.startswith("content/bad.md:3:") for p in problems_of(project))


def test_a_site_without_an_absolute_url_is_a_problem_for_check_a_warning_for_build(
        project, monkeypatch):
    project.config("title: 뉴스\n")
    project.article("기사", "기사", "2026-11-18T09:00:00+09:00")
    monkeypatch.chdir(project.root)
    checked = CliRunner().invoke(main, ["check"])
    assert checked.exit_code == 1 and "digest.yaml: base_url is '/', not an absolute URL" \
        in checked.output
    built = CliRunner().invoke(main, ["build", "-q", "--no-search"])
    assert built.exit_code == 0 and "warning" not in built.output  # -q: errors only
    built = CliRunner().invoke(main, ["build", "--no-search"])
    assert built.exit_code == 0 and built.output.count("base_url is '/'") == 1
    assert "digest.yaml: warning: base_url" in built.output
    flag = ["--base-url", "https://kim.github.io/news/"]
    assert "base_url" not in CliRunner().invoke(main, ["build", "--no-search", *flag]).output
    assert CliRunner().invoke(main, ["check", *flag]).exit_code == 0
    project.config("base_url: https://kim.github.io/news/\n")
    assert "base_url" not in CliRunner().invoke(main, ["build", "--no-search"]).output


def test_the_preview_says_nothing_about_the_base_url(project):
    from digest.serve import Preview, PreviewOptions

    project.article("기사", "기사", "2026-11-18T09:00:00+09:00")
    said = []
    preview = Preview(PreviewOptions(build=BuildOptions(project=project.root, jobs=1, now=NOW),
                                     port=0), say=lambda line, is_error: said.append(line))
    assert preview.rebuild() and said and not [line for line in said if "base_url" in line]


def test_the_demo_builds_without_a_warning(tmp_path, monkeypatch):
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "digest.yaml", tmp_path / "digest.yaml")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "--no-search"])
    assert result.exit_code == 0 and "warning" not in result.output
    assert "<loc>https://" in (tmp_path / "site/sitemap.xml").read_text()
