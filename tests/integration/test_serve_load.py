"""The preview under load: 200 clients for 30 s on 127.0.0.1 while the site keeps rebuilding."""

from __future__ import annotations

import random
import resource
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from tests.conftest import Project, previewing

CLIENTS = 200
SECONDS = 30


def test_two_hundred_clients_while_rebuilding(tmp_path):
    project = Project(tmp_path / "project")
    project.config("publish: full\n")
    for n in range(30):
        project.article(f"a{n}", f"기사 {n}", f"2026-11-{n % 28 + 1:02d}T09:00:00+09:00",
                        section=["경제", "사회"][n % 2], body=f"본문 {n} " * 50)
    with previewing(project) as (preview, url):
        paths = ["", "2026/11/01/", "sections/경제/", "static/digest.css", "atom.xml"]
        paths += list(preview.builder.index.urls[:10])
        deadline = time.monotonic() + SECONDS
        problems: list[str] = []
        served = [0]
        lock = threading.Lock()

        def client(seed: int) -> None:
            rng = random.Random(seed)
            while time.monotonic() < deadline:
                path = rng.choice(paths)
                try:
                    with urllib.request.urlopen(url + urllib.request.quote(path),
                                                timeout=30) as response:
                        body = response.read()
                        whole = not path.endswith("/") and path != "" or (
                            body.rstrip().endswith(b"</html>") and b"preview.js" in body)
                        if response.status != 200 or not whole:
                            problems.append(f"{path}: {response.status}, whole={whole}")
                except (urllib.error.URLError, OSError) as exc:
                    problems.append(f"{path}: {exc}")
                with lock:
                    served[0] += 1

        def editor() -> None:
            round_number = 0
            while time.monotonic() < deadline - 2:
                round_number += 1
                project.article("a0", "기사 0", "2026-11-01T09:00:00+09:00", section="경제",
                                body=f"고친 본문 {round_number} " * 50)
                time.sleep(1)

        memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        versions_before = preview.state.snapshot()["version"]
        with ThreadPoolExecutor(CLIENTS + 1) as pool:
            pool.submit(editor)
            for seed in range(CLIENTS):
                pool.submit(client, seed)
        memory_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rebuilds = preview.state.snapshot()["version"] - versions_before
    print(f"served {served[0]} responses to {CLIENTS} clients in {SECONDS} s during {rebuilds} "
          f"rebuilds; peak memory grew {(memory_after - memory_before) // 1024} MB")
    assert problems == []
    assert served[0] > 1000 and rebuilds >= 5
    assert memory_after - memory_before < 200 * 1024  # KB: no growth with requests served
