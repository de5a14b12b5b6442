"""digest init and digest templates: a working project from nothing, nothing overwritten."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from digest.cache import CACHE_DIR
from digest.cli import main
from digest.output import state_dir
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


def validate_workflow(path: Path) -> None:
    """Fail unless GitHub's workflow schema accepts the file (checked offline)."""
    if not shutil.which("check-jsonschema"):
        pytest.skip("check-jsonschema is not installed (pip install -e '.[test]')")
    done = subprocess.run(["check-jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_pages_workflow_is_a_valid_github_workflow(tmp_path, monkeypatch):
    run(["init"], tmp_path, monkeypatch)
    workflow = tmp_path / ".github/workflows/pages.yml"
    validate_workflow(workflow)
    text = workflow.read_text()
    assert "actions/deploy-pages@v4" in text and "pages: write" in text
    assert '--base-url "${{ steps.pages.outputs.base_url }}/"' in text


def test_the_workflow_caches_what_the_next_build_reuses(tmp_path, monkeypatch):
    run(["init"], tmp_path, monkeypatch)
    workflow = yaml.safe_load((tmp_path / ".github/workflows/pages.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    build = next(n for n, step in enumerate(steps) if "digest build" in step.get("run", ""))
    assert steps.index(cache) < build
    assert set(cache["with"]["path"].split()) == {CACHE_DIR, "site", state_dir(Path("site")).name}
    assert cache["with"]["key"] == "digest-${{ github.sha }}"
    assert cache["with"]["restore-keys"] == "digest-"


def test_the_next_steps_make_the_branch_the_workflow_runs_on(tmp_path, monkeypatch):
    result = run(["init", "news"], tmp_path, monkeypatch)
    workflow = yaml.safe_load((tmp_path / "news/.github/workflows/pages.yml").read_text())
    branches = workflow[True]["push"]["branches"]  # YAML 1.1 reads the key `on` as true
    git_init = next(line for line in result.output.splitlines() if "git init" in line)
    assert branches == ["main"] and "git init -b main " in git_init


def fake_distribution(folder: Path, direct_url: dict | None) -> metadata.Distribution:
    """An installed digest-site 9.8.7 whose PEP 610 record is `direct_url` (None: none)."""
    info = folder / "digest_site-9.8.7.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: digest-site\nVersion: 9.8.7\n")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url))
    return metadata.PathDistribution(info)


COMMIT = "0123456789abcdef0123456789abcdef01234567"
RECORDS = {
    "index": (None, "digest-site==9.8.7"),
    "git": ({"url": "https://github.com/someone/digest", "vcs_info": {
        "vcs": "git", "commit_id": COMMIT, "requested_revision": "main"}},
        f"git+https://github.com/someone/digest@{COMMIT}"),
    "folder": ({"url": "file:///home/someone/src/digest", "dir_info": {"editable": True}}, ""),
}


@pytest.mark.parametrize("how", RECORDS)
def test_the_workflow_installs_the_digest_that_ran_init(tmp_path, monkeypatch, how):
    record, package = RECORDS[how]
    installed = fake_distribution(tmp_path, record)
    real = metadata.distribution
    monkeypatch.setattr(metadata, "distribution",
                        lambda name: installed if name == "digest-site" else real(name))
    result = run(["init", "news"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    path = tmp_path / "news/.github/workflows/pages.yml"
    validate_workflow(path)
    workflow = yaml.safe_load(path.read_text())
    assert workflow["env"]["DIGEST_PACKAGE"] == package
    install = next(step["run"] for step in workflow["jobs"]["build"]["steps"]
                   if step.get("name") == "Install digest")
    if package:
        assert f"installs {package}" in result.output
        return
    text = path.read_text()
    for instruction in (text, result.output):  # said on the terminal and in the file
        flat = " ".join(instruction.replace("#", " ").split())
        assert "set DIGEST_PACKAGE" in flat and "git+https://github.com/OWNER/digest@COMMIT" \
            in flat and "digest-site==9.8.7" in flat, instruction
    assert "/home/someone" in result.output and "/home/someone" not in text
    unset = subprocess.run(["bash", "-c", install], capture_output=True, text=True,
                           env={"PATH": os.environ["PATH"], "DIGEST_PACKAGE": ""})
    assert unset.returncode == 1 and "DIGEST_PACKAGE is empty" in unset.stdout


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
