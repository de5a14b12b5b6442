"""A site with nothing to publish (no content, only drafts, only future articles) builds with
search, and its search page says there is nothing to search yet (in Chromium:
tests/browser/test_empty_site_browser.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, Project

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
    assert not (project.site / "search-index").exists()
    assert "아직 기사가 없습니다." in project.page("")


def test_articles_after_an_empty_build_bring_the_search_back(tmp_path):
    project = nothing_project(tmp_path / "p", "empty content")
    assert digest_cli(project.root, "build").returncode == 0
    project.article("a", "첫 기사", "2026-11-19T09:00:00+09:00")
    assert digest_cli(project.root, "build").returncode == 0
    assert "search.js" in project.page("search/")
    assert (project.site / "search-index" / "index.json").is_file()
