"""digest deploy against a local bare repository: exactly the site, history kept, tree untouched."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from digest.build import BuildOptions
from digest.deploy import deploy, pages_url
from digest.errors import DigestError
from tests.conftest import NOW, Project


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path, monkeypatch):
    for key, value in {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                       "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}.items():
        monkeypatch.setenv(key, value)
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--bare", "-q", str(remote))
    project = Project(tmp_path / "project")
    project.config("cname: news.example.com\n")
    project.article("a", "첫 기사", "2026-11-18T09:00:00+09:00")
    project.write(".gitignore", "site/\n.site.digest/\n")
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", ".")
    git(project.root, "commit", "-q", "-m", "first")
    git(project.root, "remote", "add", "origin", str(remote))
    monkeypatch.chdir(project.root)
    return project, remote


def options(project: Project) -> BuildOptions:
    return BuildOptions(project=project.root, jobs=1, now=NOW, search=False)


def test_deploy_publishes_exactly_the_site_and_keeps_history(repo):
    project, remote = repo
    done = deploy(options(project))
    source = done.source
    assert done.url == "https://news.example.com/" and done.url_from == "cname in the config"
    sitemap = git(remote, "show", "gh-pages:sitemap.xml")
    assert "<loc>https://news.example.com/</loc>" in sitemap
    published = set(git(remote, "-c", "core.quotepath=off", "ls-tree", "-r", "--name-only",
                        "gh-pages").splitlines())
    built = {p.relative_to(project.site).as_posix() for p in project.site.rglob("*")
             if p.is_file()}
    assert published == built and {".nojekyll", "CNAME", "index.html"} <= published
    assert git(remote, "log", "-1", "--format=%s", "gh-pages") == \
        f"Publish digest site built from {source}"
    project.article("b", "둘째 기사", "2026-11-19T09:00:00+09:00")
    git(project.root, "add", ".")
    git(project.root, "commit", "-q", "-m", "second")
    deploy(options(project))
    assert git(remote, "rev-list", "--count", "gh-pages") == "2"
    assert git(project.root, "branch", "--show-current") == "main"
    assert git(project.root, "status", "--porcelain") == ""


def test_a_dirty_working_tree_is_refused_unless_forced(repo):
    project, remote = repo
    project.article("a", "고친 기사", "2026-11-18T09:00:00+09:00")
    with pytest.raises(DigestError, match="uncommitted changes"):
        deploy(options(project))
    assert "gh-pages" not in git(remote, "branch", "--list")
    deploy(options(project), force=True)
    assert "gh-pages" in git(remote, "branch", "--list")


@pytest.mark.parametrize(("remote", "url"), [
    ("git@github.com:Kim/news.git", "https://kim.github.io/news/"),
    ("https://github.com/kim/news", "https://kim.github.io/news/"),
    ("https://github.com/kim/news.git", "https://kim.github.io/news/"),
    ("ssh://git@github.com/kim/news.git", "https://kim.github.io/news/"),
    ("https://x-access-token:abc@github.com/kim/news.git", "https://kim.github.io/news/"),
    ("git@github.com:Kim/kim.github.io.git", "https://kim.github.io/"),
    ("https://gitlab.com/kim/news.git", None),
    ("/srv/git/news.git", None),
    ("git@github.com.evil.example:kim/news.git", None),
])
def test_the_pages_url_comes_from_a_github_remote(remote, url):
    assert pages_url(remote, None) == url
    assert pages_url(remote, "news.example.com") == "https://news.example.com/"


def test_deploy_derives_the_url_from_the_remote_and_says_so(repo):
    project, remote = repo
    project.config("title: 뉴스\n")  # no base_url, no cname
    git(project.root, "commit", "-q", "-am", "no cname")
    with pytest.raises(DigestError, match="is not on GitHub and no cname"):
        deploy(options(project))  # the remote is a local folder
    assert "gh-pages" not in git(remote, "branch", "--list")
    git(project.root, "remote", "set-url", "--push", "origin", str(remote))
    git(project.root, "remote", "set-url", "origin", "git@github.com:kim/news.git")
    git(project.root, "config", "remote.origin.pushurl", str(remote))
    done = deploy(options(project))
    assert done.url == "https://kim.github.io/news/" and "git remote" in done.url_from
    assert "https://kim.github.io/news/sitemap.xml" in git(remote, "show", "gh-pages:robots.txt")


def test_deploy_outside_a_repository_says_what_to_do(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from digest.cli import main

    project = Project(tmp_path / "plain")
    project.article("a", "기사", "2026-11-18T09:00:00+09:00")
    monkeypatch.chdir(project.root)
    result = CliRunner().invoke(main, ["deploy"])
    assert result.exit_code == 1 and "not a git repository" in result.output
    assert "git init -b main" in result.output and "rev-parse" not in result.output
    assert not project.site.exists()
