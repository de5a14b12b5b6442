"""Fixture sites: sites/valid/ builds to its golden snapshot, byte for byte, in process and as
a command; each site of sites_invalid/ fails with the one line its expected.txt holds."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.integration.golden import NOW, SITE, build_site, differences, files, golden_files

INVALID = Path(__file__).resolve().parent / "sites_invalid"
CASES = sorted(path.name for path in INVALID.iterdir() if path.is_dir())
FAILED = "build failed; the previous site was left as it was"
REFRESH = "if the change is meant, refresh it: python3 -m tests.integration.golden --refresh"


def digest(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run `python -m digest ARGS` in `cwd` with this checkout's code and the clock pinned."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    env.pop("DIGEST_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "digest", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_snapshot_holds_the_whole_site():
    golden = golden_files()
    assert {"index.html", "404.html", "sitemap.xml", "search-index/index.json",
            "2030/03/14/budget-forum/index.html", "sections/economy/index.html"} <= set(golden)
    assert ".digest-build" not in golden
    # The draft and the article dated after the build's clock are on no page.
    assert not [name for name, data in golden.items()
                if "아직 쓰는 중인 기사".encode() in data or "봄꽃 축제".encode() in data]


def test_the_valid_site_builds_to_its_golden_snapshot(tmp_path):
    found = differences(golden_files(), files(build_site(tmp_path)))
    assert not found, "\n".join([*found, REFRESH])


def test_digest_build_as_a_command_writes_the_same_files(tmp_path):
    project = tmp_path / "valid"
    shutil.copytree(SITE, project)
    done = digest(["build", "-q"], project)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    found = differences(golden_files(), files(project / "site"))
    assert not found, "\n".join([*found, REFRESH])


def test_a_difference_is_told_file_by_file():
    before = {"same.txt": b"x", "gone.html": b"", "page.html": "<p>하나</p>\n".encode(),
              "index.bin": b"\x00\x01", "bad.bin": b"\xff"}
    after = {"same.txt": b"x", "new.xml": b"", "page.html": "<p>둘</p>\n".encode(),
             "index.bin": b"\x00\x02\x03", "bad.bin": b"\xff"}
    assert differences(before, after) == [
        "missing: gone.html", "unexpected: new.xml",
        "differs: index.bin", "  binary: 2 bytes in the snapshot, 3 built",
        "differs: page.html", "  --- golden/page.html", "  +++ built/page.html",
        "  @@ -1 +1 @@", "  -<p>하나</p>", "  +<p>둘</p>"]
    assert differences(before, dict(before)) == []


def expected(case: str) -> tuple[list[str], str, int]:
    """sites_invalid/CASE/expected.txt -> (the build's arguments, its one line, its exit code)."""
    command, line, code = (INVALID / case / "expected.txt").read_text().splitlines()
    assert command.startswith("$ digest build") and code.startswith("exit ")
    return shlex.split(command)[3:], line, int(code.removeprefix("exit "))


def test_every_invalid_case_says_what_it_expects():
    assert len(CASES) >= 10
    for case in CASES:
        args, line, code = expected(case)
        assert re.match(r"(digest\.yaml|content/\S+|templates/\S+?)(:\d+)?: \S", line), case
        assert code == 1, case


@pytest.mark.parametrize("case", CASES)
def test_an_invalid_site_fails_with_its_one_line(case, tmp_path):
    args, line, code = expected(case)
    project = tmp_path / case
    shutil.copytree(INVALID / case, project, ignore=shutil.ignore_patterns("expected.txt"))
    done = digest(["build", *args], project)
    assert "Traceback" not in done.stdout + done.stderr
    assert (done.returncode, done.stdout, done.stderr.splitlines()) == (code, "", [line, FAILED])
    assert not (project / "site").exists()
