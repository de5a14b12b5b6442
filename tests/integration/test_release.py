"""What a release publishes: the workflow that publishes it, and what the sdist and wheel hold."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml

from digest import __version__

REPO = Path(__file__).resolve().parents[2]
RELEASE = REPO / ".github/workflows/release.yml"


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def test_the_release_workflow_publishes_with_trusted_publishing_on_a_version_tag():
    if not shutil.which("check-jsonschema"):
        pytest.skip("check-jsonschema is not installed (pip install -e '.[test]')")
    done = subprocess.run(["check-jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(RELEASE)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    workflow = yaml.safe_load(RELEASE.read_text())
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads `on` as true
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    assert any(step.get("run") == "pipx run build" for step in build["steps"])
    assert publish["needs"] == "build" and publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    assert workflow["permissions"] == {"contents": "read"}  # only the publish job gets a token
    assert publish["steps"][-1]["uses"].startswith("pypa/gh-action-pypi-publish@")


def test_the_sdist_and_the_wheel_built_from_it_hold_the_theme_and_the_scaffold(tmp_path):
    for module in ("build", "hatchling"):
        pytest.importorskip(module, reason=f"{module} is not installed (pip install -e '.[test]')")
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir",
                           str(tmp_path), str(REPO)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (sdist,), (wheel,) = tmp_path.glob("*.tar.gz"), tmp_path.glob("*.whl")
    theme, scaffold = files_under(REPO / "templates"), files_under(REPO / "digest/scaffold")
    assert "base.html" in theme and "static/digest.css" in theme and "gitignore" in scaffold
    top = f"digest_site-{__version__}"
    with tarfile.open(sdist) as archive:
        in_sdist = set(archive.getnames())
    assert {f"{top}/templates/{name}" for name in theme} <= in_sdist
    assert {f"{top}/digest/scaffold/{name}" for name in scaffold} <= in_sdist
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = set(archive.namelist())
        entry_points = archive.read(f"{top}.dist-info/entry_points.txt").decode()
        headers = archive.read(f"{top}.dist-info/METADATA").decode()
    assert {f"digest/_theme/{name}" for name in theme} <= in_wheel
    assert {f"digest/scaffold/{name}" for name in scaffold} <= in_wheel
    assert "digest = digest.cli:main" in entry_points
    assert "Name: digest-site\n" in headers and f"Version: {__version__}\n" in headers
