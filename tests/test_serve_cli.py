"""digest serve as a command: port 0, Ctrl-C, a port in use, and remote hosts."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import Project

REPO = Path(__file__).resolve().parent.parent


def start_serving(project: Path, *args: str) -> tuple[subprocess.Popen, str, str]:
    """Run digest serve -> (process, URL it serves, what it printed before that)."""
    process = subprocess.Popen([sys.executable, "-m", "digest", "serve", "--port", "0", *args],
                               cwd=project, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"})
    deadline, printed = time.monotonic() + 30, ""
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        printed += line
        found = re.search(r"serving (http://\S+)", line)
        if found:
            return process, found.group(1), printed
    process.kill()
    raise AssertionError("digest serve did not print its URL")


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    project = Project(tmp_path / "project")
    project.article("a", "기사", "2026-11-18T09:00:00+09:00")
    return project.root


def test_port_zero_prints_the_port_and_ctrl_c_stops_cleanly(demo):
    process, url, _ = start_serving(demo)
    assert re.match(r"http://127\.0\.0\.1:\d+/$", url) and not url.endswith(":0/")
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0
    assert "stopped" in process.stderr.read()


def test_a_port_in_use_is_a_clear_error(demo):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "digest", "serve", "--port", str(port)],
                              cwd=demo, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "--port 0" in done.stderr


def test_another_address_needs_an_explicit_flag_and_warns(demo):
    refused = subprocess.run([sys.executable, "-m", "digest", "serve", "--host", "0.0.0.0"],
                             cwd=demo, capture_output=True, text=True, timeout=60,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    assert refused.returncode == 2 and "--allow-remote" in refused.stderr
    process, _, printed = start_serving(demo, "--host", "0.0.0.0", "--allow-remote")
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0
    assert "warning: serving on 0.0.0.0: other machines can read it" in printed
