"""Every command, over a matrix of broken projects and inputs, as a user runs them: one line
naming the file (and line) for each problem, the documented exit code, never a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import REPO

GOOD = "---\ntitle: 좋은 기사\ndate: 2026-01-01T09:00:00+09:00\n---\n\n본문입니다.\n"
CONFIG = "base_url: https://user.github.io/repo/\n"


def article(front: str) -> str:
    return f"---\n{front}\n---\n\n본문입니다.\n"


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    files: dict[str, str | bytes] = field(default_factory=dict)
    code: int = 0
    says: tuple[str, ...] = ()  # each must be in the output: the file (and line) named
    env: dict[str, str] = field(default_factory=dict)


BUILD = ("build", "--no-search")
CASES = [
    # content: dates, titles, YAML, encodings, fields
    Case("impossible day", BUILD, {"content/x.md": article("title: x\ndate: 2026-02-30")},
         says=("content/x.md:3:", "2026-02-30")),
    Case("month 13", BUILD, {"content/x.md": article("title: x\ndate: 2026-13-01")},
         says=("content/x.md:3:",)),
    Case("impossible timestamp", BUILD,
         {"content/x.md": article("title: x\ndate: 2026-02-30T10:00:00+09:00")},
         says=("content/x.md:3:",)),
    Case("hour 25", BUILD, {"content/x.md": article("title: x\ndate: 2026-02-28T25:00:00")},
         says=("content/x.md:3:",)),
    Case("a word for a date", BUILD, {"content/x.md": article("title: x\ndate: 어제")},
         says=("content/x.md:3:", "ISO 8601")),
    Case("no date", BUILD, {"content/x.md": article("title: x")}, says=("content/x.md:1:",)),
    Case("title a list", BUILD, {"content/x.md": article("title: [a, b]\ndate: 2026-01-01")},
         says=("content/x.md:2:", "'title' must be text, got a list")),
    Case("title a mapping", BUILD, {"content/x.md": article("title: {a: 1}\ndate: 2026-01-01")},
         says=("content/x.md:2:", "got a mapping")),
    Case("no title", BUILD, {"content/x.md": article("date: 2026-01-01")},
         says=("content/x.md:1:", "title")),
    Case("unclosed bracket", BUILD, {"content/x.md": article("title: [\ndate: 2026-01-01")},
         says=("content/x.md:", "invalid YAML")),
    Case("alias bomb", BUILD, {"content/x.md": article("a: &a [1, 2]\nb: [*a, *a]\n"
                                                       "title: x\ndate: 2026-01-01")},
         says=("content/x.md:2:", "aliases")),
    Case("deep nesting", BUILD, {"content/x.md": article("title: x\ndate: 2026-01-01\nx: "
                                                         + "[" * 200 + "]" * 200)},
         says=("content/x.md:", "nested")),
    Case("EUC-KR file", BUILD, {"content/x.md": GOOD.encode("cp949")},
         says=("content/x.md:", "UTF-8")),
    Case("binary file", BUILD, {"content/x.md": b"\x00\x01\x02" * 50},
         says=("content/x.md", "binary")),
    Case("no front matter", BUILD, {"content/x.md": "그냥 글\n"},
         says=("content/x.md:1:", "front matter")),
    Case("empty file", BUILD, {"content/x.md": ""}, says=("content/x.md:1:",)),
    Case("tags a mapping", BUILD,
         {"content/x.md": article("title: x\ndate: 2026-01-01\ntags: {a: 1}")},
         says=("content/x.md:4:", "tags")),
    Case("draft not a flag", BUILD,
         {"content/x.md": article("title: x\ndate: 2026-01-01\ndraft: maybe")},
         says=("content/x.md:4:", "draft")),
    Case("strict stops on bad content", ("build", "--no-search", "--strict"),
         {"content/x.md": article("title: x\ndate: 2026-02-30"), "content/y.md": GOOD},
         code=1, says=("content/x.md:3:", "build failed")),
    # config values
    Case("config YAML", BUILD, {"digest.yaml": "title: [\n"}, code=1,
         says=("digest.yaml:", "invalid YAML")),
    Case("config typo", BUILD, {"digest.yaml": "titel: 뉴스\n"}, code=1,
         says=("digest.yaml:1:", "did you mean 'title'")),
    Case("config values", BUILD,
         {"digest.yaml": "timezone: Mars/Base\npage_size: 0\nbase_url: 42\n"}, code=1,
         says=("digest.yaml:1:", "digest.yaml:2:", "digest.yaml:3:")),
    Case("config a list", BUILD, {"digest.yaml": "- a\n- b\n"}, code=1,
         says=("digest.yaml:1:",)),
    Case("config not UTF-8", BUILD, {"digest.yaml": "title: 뉴스\n".encode("cp949")}, code=1,
         says=("digest.yaml:1:", "UTF-8")),
    Case("config date", BUILD, {"digest.yaml": "title: 2026-02-30\n"}, code=1,
         says=("digest.yaml:1:", "impossible date")),
    Case("missing --config", ("build", "--config", "other.yaml"), code=1,
         says=("other.yaml", "not found")),
    # templates
    Case("template syntax", BUILD,
         {"content/x.md": GOOD, "templates/article.html": "{% for x in %}\n"}, code=1,
         says=("templates/article.html:1:", "syntax")),
    Case("template misspelt field", BUILD,
         {"content/x.md": GOOD,
          "templates/article.html": '{% extends "default/article.html" %}\n'
                                    "{% block main %}{{ story.titel }}{% endblock %}\n"},
         code=1, says=("templates/article.html:2:", "'story' has no attribute 'titel'")),
    Case("template raises", BUILD,
         {"content/x.md": GOOD, "templates/article.html": "{{ 1 / 0 }}\n"}, code=1,
         says=("templates/article.html:1:", "ZeroDivisionError")),
    Case("ejected record unreadable", BUILD,
         {"content/x.md": GOOD, "templates/.ejected.json": "{bad"},
         says=("templates/.ejected.json",)),
    # whole sites, with the search index
    Case("empty content", ("build",), {"content/.keep": ""}),
    Case("no content folder", ("build",)),
    Case("every article a draft", ("build",),
         {"content/x.md": article("title: x\ndate: 2026-01-01\ndraft: true")}),
    Case("every article in the future", ("build",),
         {"content/x.md": article("title: x\ndate: 2099-01-01")}),
    # files where folders belong, loops
    Case("output is a file", ("build", "--no-search", "--out", "taken"),
         {"content/x.md": GOOD, "taken": "a file"}, code=1, says=("taken",)),
    Case("symlink loop", BUILD, {"content/y.md": GOOD}, says=("content/x.md",)),
    # missing tools
    Case("a dependency missing (a broken install)", BUILD,
         {"content/x.md": GOOD, "shadow/rich/__init__.py":
          "raise ModuleNotFoundError(\"No module named 'rich'\", name='rich')\n"},
         code=1, says=("'rich'", "not installed", "install digest again"),
         env={"PYTHONPATH": "shadow"}),
    Case("no git", ("deploy",), {"content/x.md": GOOD}, code=1, says=("git",),
         env={"PATH": "/nonexistent"}),
    # the other commands
    Case("check broken content", ("check",),
         {"content/x.md": article("title: x\ndate: 2026-02-30")}, code=1,
         says=("content/x.md:3:",)),
    Case("check without a site URL", ("check",), {"content/x.md": GOOD, "digest.yaml": "\n"},
         code=1, says=("digest.yaml", "base_url")),
    Case("deploy outside git", ("deploy",), {"content/x.md": GOOD}, code=1,
         says=("not a git repository",)),
    Case("ingest a binary", ("ingest", "page.bin"), {"page.bin": b"\x00\xff" * 100},
         says=("page.bin",)),
    Case("ingest an unreachable web address", ("ingest", "http://127.0.0.1:9/1"),
         says=("http://127.0.0.1:9/1", "cannot fetch")),
    # fetch: nothing listens on port 9 of the loopback (no network is touched)
    Case("fetch without sources", ("fetch",), {"digest.yaml": CONFIG}, code=1,
         says=("no sources in digest.yaml",)),
    Case("fetch an unknown source", ("fetch", "--source", "x"),
         {"digest.yaml": CONFIG + "sources:\n  - feed: http://127.0.0.1:9/rss\n"}, code=1,
         says=("no source named 'x'",)),
    Case("fetch a source that refuses", ("fetch",),
         {"digest.yaml": CONFIG + "sources:\n  - feed: http://127.0.0.1:9/rss\n"},
         says=("http://127.0.0.1:9/rss", "robots.txt")),
    Case("fetch with a damaged state", ("fetch",),
         {"digest.yaml": CONFIG + "sources:\n  - feed: http://127.0.0.1:9/rss\n",
          ".digest/fetch-state.json": b"\xff{"}, says=(".digest/fetch-state.json",)),
    Case("fetch with a source typo", ("fetch",),
         {"digest.yaml": CONFIG + "sources:\n  - fed: http://127.0.0.1:9/rss\n"}, code=1,
         says=("digest.yaml:3:",)),
    Case("ingest with a broken config", ("ingest", "page.txt"),
         {"page.txt": "x", "digest.yaml": "titel: x\n"}, code=1, says=("digest.yaml:1:",)),
    Case("ingest a hostile Markdown", ("ingest", "in.md"),
         {"in.md": article("title: x\ndate: 2026-02-30")}, says=("in.md", "2026-02-30")),
    Case("init over a project", ("init",), {"digest.yaml": "title: 내 것\n"}, code=1,
         says=("digest.yaml", "never overwrites")),
    Case("init into a file", ("init", "taken"), {"taken": "a file"}, code=2,
         says=("taken",)),
    Case("eject an unknown template", ("templates", "eject", "nope.html"), code=1,
         says=("nope.html",)),
    Case("eject over a file", ("templates", "eject", "article.html"),
         {"templates/article.html": "mine"}, code=1, says=("templates/article.html",)),
    Case("import an entity bomb", ("sources", "import", "bomb.opml"),
         {"bomb.opml": '<!DOCTYPE opml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                       '<opml><body><outline xmlUrl="https://x.example/&b;"/></body></opml>'},
         code=1, says=("bomb.opml:1:", "entities")),
    Case("list sources of a broken config", ("sources", "list"),
         {"digest.yaml": "sources: [{feed: x}]\n"}, code=1, says=("digest.yaml:1:", "URL")),
    Case("unknown option", ("build", "--bogus"), code=2, says=("--bogus",)),
    Case("jobs out of range", ("build", "-j", "0"), code=2, says=("--jobs",)),
]


def prepare(root: Path, case: Case) -> Path:
    project = root / case.name.replace(" ", "-")
    project.mkdir(parents=True)
    for name, text in {"digest.yaml": CONFIG, **case.files}.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    if case.name == "symlink loop":
        os.symlink("x.md", project / "content/x.md")
    return project


def run(project: Path, case: Case) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "COLUMNS": "200"}
    for key, value in case.env.items():
        env[key] = str(project / value) + os.pathsep + str(REPO) if key == "PYTHONPATH" \
            else value
    env.pop("DIGEST_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "digest", *case.args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("broken")
    projects = [prepare(root, case) for case in CASES]
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = pool.map(run, projects, CASES)
    return {case.name: result for case, result in zip(CASES, done, strict=True)}


def test_the_matrix_is_broad():
    assert len(CASES) >= 30 and {c.args[0] for c in CASES} >= {
        "build", "check", "ingest", "init", "deploy", "templates"}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_no_traceback_and_the_file_is_named(outcomes, case):
    result = outcomes[case.name]
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    assert result.returncode == case.code, output
    for expected in case.says:
        assert expected in output, output
    for line in result.stderr.splitlines():  # each problem is one line, not a dump
        assert not line.startswith(("  File ", "    ^")), output


def test_serve_starts_on_a_broken_project_and_says_why(tmp_path):
    project = prepare(tmp_path, Case("serve broken", ("serve",),
                                     {"content/x.md": GOOD, "digest.yaml": "titel: x\n"}))
    process = subprocess.Popen([sys.executable, "-m", "digest", "serve", "--port", "0"],
                               cwd=project, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"})
    lines = []
    try:
        for line in process.stderr:
            lines.append(line)
            if line.startswith("serving "):
                break
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=20)
    output = "".join(lines) + (rest or "")
    assert "Traceback" not in output and "digest.yaml:1:" in output, output
    assert any(line.startswith("serving http://127.0.0.1:") for line in lines), output


def test_an_error_no_command_expected_is_one_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import digest.cli as cli

    def broken(options, progress=None):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DIGEST_DEBUG", raising=False)
    monkeypatch.setattr(cli, "build", broken)
    result = CliRunner().invoke(cli.main, ["build", "-q"])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("internal error in digest/")
    assert "RuntimeError: boom second line" in result.output and "DIGEST_DEBUG" in result.output

    def unreadable(options, progress=None):
        raise PermissionError(13, "Permission denied", "content/x.md")

    monkeypatch.setattr(cli, "build", unreadable)
    result = CliRunner().invoke(cli.main, ["build", "-q"])
    assert result.exit_code == 1 and result.output.strip() == \
        "content/x.md: PermissionError: Permission denied"
    monkeypatch.setenv("DIGEST_DEBUG", "1")
    assert isinstance(CliRunner().invoke(cli.main, ["build", "-q"]).exception, PermissionError)
