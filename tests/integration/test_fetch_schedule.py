"""digest init --schedule: a valid fetch workflow that commits, rebases and retries, deploys
itself; the state file stays in git."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from digest.project import FETCH_WORKFLOW, WORKFLOW
from tests.integration.test_project import run, validate_workflow


def workflow(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def step(steps: list[dict], **wanted) -> dict:
    return next(s for s in steps if all(s.get(k) == v for k, v in wanted.items()))


def git(*args: str, cwd: Path) -> str:
    env = {"PATH": os.environ["PATH"], "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "someone", "GIT_AUTHOR_EMAIL": "someone@example.com",
           "GIT_COMMITTER_NAME": "someone", "GIT_COMMITTER_EMAIL": "someone@example.com"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_init_schedule_writes_a_valid_workflow_beside_the_pages_one(tmp_path, monkeypatch):
    result = run(["init", "--schedule", "news"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    fetch_path = tmp_path / "news" / FETCH_WORKFLOW
    validate_workflow(fetch_path)
    fetch, pages = workflow(fetch_path), workflow(tmp_path / "news" / WORKFLOW)
    triggers = fetch[True]  # YAML 1.1 reads the key `on` as true
    minute = triggers["schedule"][0]["cron"].split()[0]
    assert minute.isdigit() and 0 < int(minute) < 60  # off the top of the hour
    assert "workflow_dispatch" in triggers
    assert fetch["permissions"] == {"contents": "write", "pages": "write", "id-token": "write"}
    assert fetch["concurrency"] == pages["concurrency"]
    steps, page_steps = fetch["jobs"]["fetch"]["steps"], pages["jobs"]["build"]["steps"]
    install = step(steps, name="Install digest")["run"]
    assert install == step(page_steps, name="Install digest")["run"].replace(WORKFLOW,
                                                                           FETCH_WORKFLOW)
    assert fetch["env"] == pages["env"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache == next(s for s in page_steps if s.get("uses", "").startswith("actions/cache"))
    runs = [s.get("run", s.get("uses", "")) for s in steps]
    order = ["actions/checkout@", "actions/setup-python@", "Install", "digest fetch --report "
             "table", "git push", "digest build --base-url", "actions/upload-pages-artifact@"]
    found = [next(i for i, r in enumerate(runs) if w in r or w in str(steps[i].get("name")))
             for w in order]
    assert found == sorted(found)
    assert step(fetch["jobs"]["deploy"]["steps"], id="deployment")["uses"] == \
        step(pages["jobs"]["deploy"]["steps"], id="deployment")["uses"]
    said = " ".join(result.output.split())
    for words in ("excerpts by default", "fetch.store: excerpt | full", "republishes",
                  "60 days", "Actions tab"):
        assert words in said


def test_schedule_in_an_existing_project_adds_only_the_workflow(tmp_path, monkeypatch):
    (tmp_path / "digest.yaml").write_text("title: 내 것\n")
    result = run(["init", "--schedule"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")
                   if p.is_file())
    assert files == sorted([FETCH_WORKFLOW, "digest.yaml"])
    assert (tmp_path / "digest.yaml").read_text() == "title: 내 것\n"
    again = run(["init", "--schedule"], tmp_path, monkeypatch)
    assert again.exit_code == 1 and "never overwrites" in again.output


def test_the_gitignore_keeps_the_fetch_state_in_git(tmp_path, monkeypatch):
    assert run(["init"], tmp_path, monkeypatch).exit_code == 0
    git("init", "-q", cwd=tmp_path)

    def ignored(path: str) -> bool:
        done = subprocess.run(["git", "check-ignore", "-q", path], cwd=tmp_path)
        assert done.returncode in (0, 1)
        return done.returncode == 0

    assert not ignored(".digest/fetch-state.json")
    assert ignored(".digest-cache/index.sqlite") and ignored("site/index.html")


def push_script(project: Path) -> str:
    steps = workflow(project / FETCH_WORKFLOW)["jobs"]["fetch"]["steps"]
    return step(steps, id="push")["run"]


def run_push(runner: Path, script: str, event: str = "schedule") -> tuple[int, str]:
    output = runner.parent / "github-output"
    output.write_text("")
    env = {"PATH": os.environ["PATH"], "HOME": str(runner.parent), "GIT_CONFIG_NOSYSTEM": "1",
           "GITHUB_REF_NAME": "main", "GITHUB_OUTPUT": str(output), "GITHUB_EVENT_NAME": event}
    done = subprocess.run(["bash", "-e", "-c", script], cwd=runner, env=env,
                          capture_output=True, text=True)
    return done.returncode, output.read_text()


@pytest.fixture
def remote(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """A project pushed to a bare origin, and a runner's clone of it."""
    assert run(["init", "--schedule", "seed"], tmp_path, monkeypatch).exit_code == 0
    origin = tmp_path / "origin.git"
    git("init", "-q", "--bare", "-b", "main", str(origin), cwd=tmp_path)
    seed = tmp_path / "seed"
    git("init", "-q", "-b", "main", cwd=seed)
    git("add", ".", cwd=seed)
    git("commit", "-q", "-m", "digest", cwd=seed)
    git("push", "-q", str(origin), "main", cwd=seed)
    git("clone", "-q", str(origin), "runner", cwd=tmp_path)
    return origin, tmp_path / "runner"


def test_the_push_step_commits_the_fetch_rebases_on_a_racing_push_and_retries(remote):
    origin, runner = remote
    seed = runner.parent / "seed"  # the user pushes an edit while the fetch runs
    (seed / "digest.yaml").write_text("title: 바뀐 제목\n")
    git("commit", "-q", "-am", "an edit of mine", cwd=seed)
    git("push", "-q", str(origin), "main", cwd=seed)
    hook = origin / "hooks/pre-receive"  # and the first push of the runner is refused
    hook.write_text("#!/bin/sh\n[ -e refused-once ] && exit 0\ntouch refused-once\nexit 1\n")
    hook.chmod(0o755)
    (runner / "content/economy").mkdir(parents=True)
    (runner / "content/economy/2026-01-02-new.md").write_text("---\ntitle: 새 기사\n---\n")
    (runner / ".digest").mkdir()
    (runner / ".digest/fetch-state.json").write_text('{"version": 1}\n')
    code, output = run_push(runner, push_script(runner))
    assert code == 0 and "deploy=true" in output
    assert (origin / "refused-once").exists()
    log = git("log", "--format=%s", "main", cwd=origin).splitlines()
    assert log[:2] == ["digest fetch: new articles and fetch state", "an edit of mine"]
    tree = git("ls-tree", "-r", "--name-only", "main", cwd=origin).split()
    assert {".digest/fetch-state.json", "content/economy/2026-01-02-new.md"} <= set(tree)


def test_the_push_step_deploys_nothing_new_only_when_run_by_hand(remote):
    origin, runner = remote
    before = git("rev-parse", "main", cwd=origin)
    assert run_push(runner, push_script(runner)) == (0, "")
    assert run_push(runner, push_script(runner), "workflow_dispatch") == (0, "deploy=true\n")
    assert git("rev-parse", "main", cwd=origin) == before
