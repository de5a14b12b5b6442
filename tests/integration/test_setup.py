"""The README's set-up commands on a fresh Debian machine, and the pinned test environment."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from digest import __version__

REPO = Path(__file__).resolve().parents[2]
DEBIAN_PYTHON = Path("/usr/bin/python3")


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without what points Python at this worktree or a venv."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return {**env, **extra}


def clone_repo(into: Path) -> Path:
    """A git clone of this repository at its HEAD (what CI checks out) -> its folder."""
    if not (REPO / ".git").exists() or not shutil.which("git"):
        pytest.skip("not a git checkout, or no git: nothing to clone")
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(REPO), str(into)],
                   check=True)
    subprocess.run(["git", "-C", str(into), "checkout", "--quiet", head], check=True)
    return into


def setup_commands() -> list[str]:
    """The commands of the README's set-up block, without their comments."""
    readme = (REPO / "README.md").read_text()
    block = readme.split("## Set-up: two commands", 1)[1].split("```sh\n", 1)[1]
    lines = block.split("```", 1)[0].splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.strip()]


def test_ci_runs_the_readmes_test_command_and_the_venv_is_ignored():
    install, test = setup_commands()
    assert install == "bash scripts/install.sh" and test == "bash scripts/test.sh"
    assert test in (REPO / ".ci/run").read_text()
    assert ".venv/" in (REPO / ".gitignore").read_text().splitlines()


def test_the_install_script_works_with_debians_own_python(tmp_path):
    if not DEBIAN_PYTHON.is_file():
        pytest.skip(f"{DEBIAN_PYTHON} (Debian's own Python) is not on this machine")
    probe = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                            "--dest", str(tmp_path / "probe"), "hatchling"],
                           capture_output=True, text=True, timeout=300, env=clean_env())
    if probe.returncode != 0:
        pytest.skip(f"no package index reachable: {probe.stderr.strip()[-200:]}")
    clone = clone_repo(tmp_path / "clone")
    done = subprocess.run(["bash", "scripts/install.sh"], cwd=clone, capture_output=True,
                          text=True, timeout=900, env=clean_env(PYTHON=str(DEBIAN_PYTHON)))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    venv = clone / ".venv"
    assert f"home = {DEBIAN_PYTHON.parent}" in (venv / "pyvenv.cfg").read_text()
    version = subprocess.run([str(venv / "bin/digest"), "--version"], capture_output=True,
                             text=True, env=clean_env())
    assert version.returncode == 0 and __version__ in version.stdout, version
    imported = subprocess.run([str(venv / "bin/python"), "-c", "import digest; "
                               "print(digest.__file__)"], capture_output=True, text=True,
                              env=clean_env(), cwd=tmp_path)
    assert Path(imported.stdout.strip()).is_relative_to(venv), imported
    assert "<html" in (clone / "site/index.html").read_text()


def fake_tool(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


def test_a_python_without_venv_gets_debians_python3_venv_through_sudo(tmp_path):
    """As on a fresh Debian: `python3 -m venv` needs python3-venv, installed by a user who is
    not root through sudo; then .venv is made."""
    tools, log = tmp_path / "bin", tmp_path / "log"
    tools.mkdir()
    # A python whose venv/ensurepip check fails until apt-get has run.
    fake_tool(tools, "python-without-venv",
              f'[ "$1" = -c ] && [ ! -f {log} ] && exit 1\nexec {sys.executable} "$@"')
    fake_tool(tools, "apt-get", f'echo "apt-get $*" >> {log}')
    fake_tool(tools, "sudo", f'echo "sudo $1" >> {log}\nexec "$@"')
    fake_tool(tools, "id", "echo 1000")
    project = tmp_path / "project"
    project.mkdir()
    done = subprocess.run(["bash", "-c", f"source {REPO}/scripts/lib.sh && make_venv"],
                          cwd=project, capture_output=True, text=True, timeout=300,
                          env=clean_env(PYTHON=str(tools / "python-without-venv"),
                                        PATH=f"{tools}:{os.environ['PATH']}"))
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    assert "sudo apt-get" in calls
    assert any(re.fullmatch(r"apt-get install .*\bpython3-venv", call) for call in calls), calls
    assert subprocess.run([str(project / ".venv/bin/python"), "-m", "pip", "--version"],
                          capture_output=True).returncode == 0


def pinned() -> dict[str, str]:
    """constraints.txt -> {canonical name: pinned version}."""
    pins = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line}"
            pins[canonicalize_name(name)] = version
    return pins


def needed_distributions(pins: dict[str, str]) -> set[str]:
    """Every installed distribution that digest or its test extra needs, walking each
    requirement's own requirements (with the extras asked for) through importlib.metadata.
    The walk goes on below a distribution only where its installed version is the pinned one:
    another version may need other things (a machine's own packages, not installed with -c),
    and below none that is not installed at all."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    todo = [Requirement(r) for r in
            (*project["dependencies"], *project["optional-dependencies"]["test"])]
    seen: set[tuple[str, str]] = set()
    found: set[str] = set()
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        extras = {""} | requirement.extras
        if all((name, extra) in seen for extra in extras):
            continue
        seen.update((name, extra) for extra in extras)
        found.add(name)
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:  # needed, so pinned, but nothing to walk here
            continue
        if pins.get(name) != distribution.version:
            continue
        for text in distribution.requires or ():
            child = Requirement(text)
            if child.marker is None or any(child.marker.evaluate({"extra": extra})
                                           for extra in extras):
                todo.append(child)
    return found


def test_every_package_the_test_environment_needs_is_pinned():
    pins = pinned()
    missing = needed_distributions(pins) - pins.keys()
    assert not missing, f"not in constraints.txt (bash scripts/refresh-constraints.sh): {missing}"
