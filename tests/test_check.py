"""digest check: the demo is clean; planted broken links, anchors and content are reported."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from digest.build import BuildOptions
from digest.check import check
from digest.cli import main
from tests.conftest import NOW, REPO, Project


def problems_of(project: Project) -> list[str]:
    return [str(p) for p in check(BuildOptions(project=project.root, jobs=1, now=NOW))
            if p.is_error]


def test_the_demo_has_no_problem_under_a_sub_path(tmp_path, monkeypatch):
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "digest.yaml", tmp_path / "digest.yaml")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--base-url", "https://user.github.io/repo/"])
    assert result.exit_code == 0 and "no problems found" in result.output
    assert not (tmp_path / "site").exists()  # checked in memory


def test_a_broken_link_planted_in_a_template_is_found(project):
    project.article("x", "기사", "2026-11-18T09:00:00+09:00")
    project.write("templates/article.html", '{% extends "default/article.html" %}'
                  '{% block head %}<link rel="stylesheet" href="{{ link(\'static/gone.css\') }}">'
                  "{% endblock %}")
    found = problems_of(project)
    assert found == ["2026/11/18/기사/index.html: broken link '../../../../static/gone.css': "
                     "no such file in the site"]


def test_a_broken_anchor_and_a_script_link_are_found(project):
    project.article("x", "기사", "2026-11-18T09:00:00+09:00",
                    body="[위로](#no-such-id) 그리고 [외부](https://example.invalid/page)")
    project.write("templates/404.html", '<a href="javascript:void(0)">x</a>')
    project.config("publish: full\n")
    found = problems_of(project)
    assert "2026/11/18/기사/index.html: broken link '#no-such-id': no id 'no-such-id' there" \
        in found
    assert "404.html: script link 'javascript:void(0)'" in found
    assert not [p for p in found if "example.invalid" in p]  # external: only with --external


def test_content_problems_are_reported_with_their_lines(project):
    project.article("good", "기사", "2026-11-18T09:00:00+09:00")
    project.write("content/bad.md", "---\ntitle: 제목\ndate: 언젠가\n---\n본문\n")
    assert any(p.startswith("content/bad.md:3:") for p in problems_of(project))
