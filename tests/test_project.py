"""digest init and digest templates: a working project from nothing, nothing overwritten."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from digest.cli import main
from tests.conftest import NOW, Project


def run(args, cwd, monkeypatch):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, args)


def test_init_then_build_gives_a_working_site(tmp_path, monkeypatch):
    result = run(["init", "news"], tmp_path, monkeypatch)
    assert result.exit_code == 0 and "next:" in result.output
    project = Project(tmp_path / "news")
    for name in ("digest.yaml", "content/sample.md", ".gitignore",
                 ".github/workflows/pages.yml"):
        assert (project.root / name).is_file(), name
    assert "site/" in (project.root / ".gitignore").read_text()
    built = project.build()
    assert built.articles == 1 and not [d for d in built.diagnostics if d.is_error]
    assert "다이제스트를 시작했습니다" in project.page("2026/01/01/sample/")


def test_init_never_overwrites(tmp_path, monkeypatch):
    (tmp_path / "digest.yaml").write_text("title: 내 설정\n")
    result = run(["init"], tmp_path, monkeypatch)
    assert result.exit_code == 1 and "digest.yaml already exists" in result.output
    assert (tmp_path / "digest.yaml").read_text() == "title: 내 설정\n"
    assert not (tmp_path / "content").exists()


def test_the_pages_workflow_is_a_valid_github_workflow(tmp_path, monkeypatch):
    if not shutil.which("check-jsonschema"):
        pytest.skip("check-jsonschema is not installed (pip install -e '.[test]')")
    run(["init"], tmp_path, monkeypatch)
    workflow = tmp_path / ".github/workflows/pages.yml"
    done = subprocess.run(["check-jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(workflow)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    text = workflow.read_text()
    assert "actions/deploy-pages@v4" in text and "pages: write" in text
    assert '--base-url "${{ steps.pages.outputs.base_url }}/"' in text


def test_eject_copies_and_never_overwrites(tmp_path, monkeypatch):
    project = Project(tmp_path)
    listed = run(["templates", "list"], tmp_path, monkeypatch).output.split()
    assert "article.html" in listed and "static/digest.css" in listed
    result = run(["templates", "eject", "article.html", "static/digest.css"], tmp_path,
                 monkeypatch)
    assert result.exit_code == 0
    assert (project.root / "templates/article.html").is_file()
    assert (project.root / "static/digest.css").is_file()
    (project.root / "templates/article.html").write_text("{# mine #}")
    again = run(["templates", "eject", "article.html"], tmp_path, monkeypatch)
    assert again.exit_code == 1 and "never overwrites" in again.output
    assert (project.root / "templates/article.html").read_text() == "{# mine #}"
    assert "article.html  (ejected)" in run(["templates", "list"], tmp_path, monkeypatch).output
    assert run(["templates", "eject", "nope.html"], tmp_path, monkeypatch).exit_code == 1


def test_an_override_whose_default_changed_is_warned_about(tmp_path, monkeypatch):
    project = Project(tmp_path)
    project.article("x", "기사", "2026-11-18T09:00:00+09:00")
    run(["templates", "eject", "article.html"], tmp_path, monkeypatch)
    assert not [d for d in project.build(now=NOW).diagnostics if "changed since" in str(d)]
    record = project.root / "templates/.ejected.json"
    record.write_text(json.dumps({"article.html": "0" * 16}))  # as if the default moved on
    warnings = [str(d) for d in project.build(now=NOW).diagnostics if "changed since" in str(d)]
    assert warnings == ["templates/article.html: warning: the default article.html has changed "
                        "since you ejected it; compare with `digest templates eject` into a new "
                        "project"]
