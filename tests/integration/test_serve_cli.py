"""digest serve as a command: port 0, Ctrl-C, a port in use, remote hosts, and errors that
no check foresaw."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import Project, article_text

REPO = Path(__file__).resolve().parents[2]


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
    process, url, printed = start_serving(demo)
    assert re.match(r"built 1 article into \d+ pages in [\d.]+ s\n", printed)
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


# digest serve with a renderer that raises while the file `broken` is in the project.
BROKEN_RENDER = """
import os, sys
import digest.render
from digest.cli import main
real = digest.render.Renderer.render
def render(self, page):
    if os.path.exists("broken"):
        raise RuntimeError("the renderer broke")
    return real(self, page)
digest.render.Renderer.render = render
sys.argv[0] = "digest"
main()
"""


def lines_of(process: subprocess.Popen) -> queue.Queue:
    """The process's stderr, line by line, read in a thread (None once it ends)."""
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in process.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def read_until(lines: queue.Queue, pattern: str) -> str:
    """Read lines until one matches -> what was printed up to there."""
    printed = ""
    while (line := lines.get(timeout=60)) is not None:
        printed += line
        if re.search(pattern, line):
            return printed
    raise AssertionError(f"digest serve ended before printing {pattern!r}:\n{printed}")


def test_serve_survives_unexpected_errors_without_a_traceback(demo):
    (demo / "broken").write_text("")
    process = subprocess.Popen(
        [sys.executable, "-c", BROKEN_RENDER, "serve", "--port", "0"], cwd=demo,
        stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"})
    lines = lines_of(process)
    try:
        printed = read_until(lines, r"serving http://")
        assert "build failed: RuntimeError: the renderer broke" in printed
        url = re.search(r"serving (http://\S+)", printed)[1]
        with urllib.request.urlopen(url + "__digest__/status", timeout=10) as response:
            assert "RuntimeError: the renderer broke" in response.read().decode()
        (demo / "broken").unlink()
        (demo / "content" / "a.md").write_text(article_text("기사", "2026-11-18T09:00:00+09:00",
                                                            "고친 본문."))
        printed += read_until(lines, r"^built 1 article into \d+ pages")
        (demo / "broken").write_text("")
        (demo / "content" / "a.md").write_text(article_text("기사", "2026-11-18T09:00:00+09:00",
                                                            "또 깨진 본문."))
        printed += read_until(lines, r"rebuild failed: RuntimeError: the renderer broke")
        (demo / "broken").unlink()
        (demo / "content" / "a.md").write_text(article_text("기사", "2026-11-18T09:00:00+09:00",
                                                            "다시 고친 본문."))
        printed += read_until(lines, r"^content changed: \d+ of \d+ pages re-rendered")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    while (line := lines.get(timeout=10)) is not None:
        printed += line
    assert "Traceback" not in printed and "stopped" in printed
