"""Small whole builds and the CLI's entry points: the sitemap index, an article's own lang,
exit codes, python -m digest."""

from __future__ import annotations

import subprocess
import sys
from xml.etree import ElementTree

from click.testing import CliRunner

from digest import feeds
from digest.cli import main


def test_sitemap_index_past_the_limit(project, monkeypatch):
    monkeypatch.setattr(feeds, "SITEMAP_LIMIT", 10)
    project.config("base_url: https://example.com/news/\n")
    for n in range(8):
        project.article(f"a{n}", f"기사 {n}", f"2020-06-0{n + 1}T10:00:00+09:00")
    project.build()
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ElementTree.parse(project.site / "sitemap.xml").getroot()
    assert index.tag == f"{ns}sitemapindex"
    parts = [e.text for e in index.iter(f"{ns}loc")]
    assert len(parts) >= 3
    urls = []
    for part in parts:
        name = part.removeprefix("https://example.com/news/")
        tree = ElementTree.parse(project.site / name).getroot()
        assert tree.tag == f"{ns}urlset"
        urls += [e.text for e in tree.iter(f"{ns}loc")]
    assert len(urls) == len(set(urls)) and len(urls) == len(
        [p for p in project.site.rglob("index.html")])


def test_article_lang_overrides_the_site_lang(project):
    project.article("english-story", "English story", "2020-06-03T10:00:00+09:00", lang="en")
    project.build()
    assert '<html lang="en">' in project.page("2020/06/03/english-story/")
    assert '<html lang="ko">' in project.page("")


def test_cli_version_help_and_exit_codes(project, monkeypatch):
    runner = CliRunner()
    assert "digest, version" in runner.invoke(main, ["--version"]).output
    assert "--base-url" in runner.invoke(main, ["build", "--help"]).output
    monkeypatch.chdir(project.root)
    project.article("기사", "기사", "2020-06-03T10:00:00+09:00")
    project.write("content/bad.md", "---\ntitle: x\n---\n")
    lenient = runner.invoke(main, ["build", "-q"])
    assert lenient.exit_code == 0 and "content/bad.md:1:" in lenient.output
    strict = runner.invoke(main, ["build", "--strict"])
    assert strict.exit_code == 1 and "build failed" in strict.output
    project.config("titel: x\n")
    assert runner.invoke(main, ["build"]).exit_code == 1


def test_python_dash_m_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "digest", "--help"], capture_output=True,
                          text=True, check=True)
    assert "build" in done.stdout
