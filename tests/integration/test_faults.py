"""Paths, concurrent builds and killed builds: nothing escapes, nothing is left broken."""

from __future__ import annotations

import marshal
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digest.errors import OutputError
from digest.output import MARKER, state_dir
from tests.conftest import REPO, Project

HOSTILE_NAMES = ["../../escape", "/etc/passwd", "CON", ".git", "..", "a\x00b", "x" * 400,
                 "ＣＯＮ", "\u2024\u2024/\u2024\u2024", "tags/../../x", "sections"]


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file()}


def test_hostile_names_stay_inside_and_never_collide(project, tmp_path):
    for n, name in enumerate(HOSTILE_NAMES):
        safe = name.replace("\x00", "\\0").replace('"', "'")
        project.write(f"content/a{n}.md", f'---\ntitle: "기사 {n}"\ndate: 2026-11-18\n'
                      f'section: "{safe}"\ntags: ["{safe}"]\noutlet: "{safe}"\n'
                      f'slug: "{safe}"\n---\n본문 {n}\n')
    before = {p for p in tmp_path.rglob("*")}
    result = project.build()
    created = {p for p in tmp_path.rglob("*")} - before
    ours = (project.site, state_dir(project.site), project.root / ".digest-cache")
    outside = [p for p in created if not any(p == o or o in p.parents for o in ours)]
    assert outside == []
    assert result.articles == len(HOSTILE_NAMES)
    pages = [p for p in project.site.rglob("index.html") if "2026/11/18/" in p.as_posix()
             and p.parent.name != "18"]
    assert len(pages) == len(HOSTILE_NAMES)  # one page each: none overwrote another
    assert not (project.site / ".git").exists()


def build_process(project: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "digest", "build", "-q", "--no-search"],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(REPO)})


def many_articles(project: Project, count: int) -> None:
    for n in range(count):
        project.article(f"a{n}", f"기사 {n}", f"2026-11-{n % 28 + 1:02d}T09:{n % 60:02d}:00+09:00",
                        section=["경제", "사회", "국제"][n % 3], tags=f"[태그{n % 7}]",
                        body=f"본문 {n} " * 40)


def consistent(site: Path) -> bool:
    """Whether site/ is one whole build: every file its manifest lists, with those bytes."""
    import hashlib
    generation = (site / MARKER).read_text().rsplit(" ", 1)[-1].strip()
    manifest = marshal.loads((state_dir(site) / "manifests" / f"{generation}.bin").read_bytes())
    for relative, digest in manifest.items():
        data = (site / relative).read_bytes()
        if hashlib.blake2b(data, digest_size=16).hexdigest() != digest:
            return False
    return set(manifest) | {MARKER} == set(files_of(site))


def test_two_builds_at_once_do_not_corrupt_the_output(project):
    many_articles(project, 300)
    first, second = build_process(project.root), build_process(project.root)
    results = [(p.wait(timeout=120), p.stderr.read()) for p in (first, second)]
    assert any(code == 0 for code, _ in results)
    for code, err in results:
        assert code == 0 or "another digest build is" in err, err
    assert consistent(project.site)


def no_process_left_in(folder: Path, seconds: float = 5) -> bool:
    """Whether, within a few seconds, no process has `folder` as its working directory."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and Path(os.readlink(proc / "cwd")) == folder:
                    left.append(proc.name)
            except OSError:
                continue
        if not left:
            return True
        time.sleep(0.1)
    return False


def test_a_build_killed_at_any_moment_leaves_a_whole_site(project):
    many_articles(project, 400)
    assert build_process(project.root).wait(timeout=120) == 0
    good = files_of(project.site)
    rng = random.Random(7)
    for round_number in range(6):
        project.article("a0", "기사 0", "2026-11-01T09:00:00+09:00", section="경제",
                        tags="[태그0]", body=f"고친 본문 {round_number}")
        process = build_process(project.root)
        time.sleep(rng.uniform(0.05, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert (project.site / "index.html").is_file() and consistent(project.site)
        assert no_process_left_in(project.root)  # its workers died with it
    assert build_process(project.root).wait(timeout=120) == 0
    assert consistent(project.site)
    assert set(files_of(project.site)) == set(good)


def test_an_ingest_killed_at_any_moment_leaves_no_partial_article(tmp_path):
    words = random.Random(3)
    sources = tmp_path / "sources"
    sources.mkdir()
    for n in range(150):  # distinct articles: random syllables, so none is a near-duplicate
        paragraphs = ["".join(chr(words.randrange(0xAC00, 0xD7A3)) for _ in range(120)) + "다."
                      for _ in range(3)]
        (sources / f"p{n}.txt").write_text(
            f"경제\n\n가람은행 소식 {n}번째 이야기\n\n기사입력 : 2026년11월18일 09:12\n\n"
            f"[서울=가상일보] 박하늘 기자 = {paragraphs[0]}\n\n" + "\n\n".join(paragraphs[1:]))
    before = files_of(sources)
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    rng = random.Random(11)
    for _ in range(4):
        process = subprocess.Popen([sys.executable, "-m", "digest", "ingest", str(sources),
                                    "-q"], cwd=project, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL,
                                   env={**os.environ, "PYTHONPATH": str(REPO)})
        time.sleep(rng.uniform(0.3, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        for article in (project / "content").rglob("*.md"):
            assert article.read_text().startswith("---\ntitle: ")  # whole, never partial
            assert "checksum:" in article.read_text()
    done = subprocess.run([sys.executable, "-m", "digest", "ingest", str(sources), "-q"],
                          cwd=project, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0
    assert len(list((project / "content").rglob("*.md"))) == 150
    assert not list((project / "content").rglob("*.tmp"))  # leftovers cleared
    assert files_of(sources) == before


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB tmpfs mounted at tmp_path/disk (root only), unmounted afterwards."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs",
                                            str(disk)], capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_full_disk_is_a_clear_error_and_the_old_site_stays(project, small_disk):
    project.article("a", "기사", "2026-11-18T09:00:00+09:00")
    out = small_disk / "site"
    project.build(out=out)
    before = files_of(out)
    for n in range(30):
        project.article(f"big{n}", f"큰 기사 {n}", "2026-11-19T09:00:00+09:00",
                        body="가나다라마바사 " * 6000, publish="full")
    with pytest.raises(OutputError, match="cannot write the site: No space left on device"):
        project.build(out=out)
    assert files_of(out) == before


def test_a_full_disk_under_the_whole_project_is_a_clear_error_too(small_disk):
    project = Project(small_disk / "project")  # content, build cache and site on 1 MB
    for n in range(3):
        project.article(f"a{n}", f"기사 {n}", f"2026-11-1{n}T09:00:00+09:00")
    project.build()
    before = files_of(project.site)
    for n in range(6):
        project.article(f"big{n}", f"큰 기사 {n}", "2026-11-19T09:00:00+09:00",
                        body="가나다라마바사 " * 1500, publish="full")
    try:
        result = project.build()
    except OutputError as exc:  # the cache or the site could not be written: nothing changed
        assert "No space left on device" in str(exc) or "full" in str(exc)
        assert files_of(project.site) == before
    else:  # the site fitted but the cache did not: a warning, and the site is whole
        assert any("cannot write the build cache" in str(d) for d in result.diagnostics)
        assert consistent(project.site)


def test_a_read_only_disk_is_a_clear_error_and_the_old_site_stays(project, small_disk):
    project.article("a", "기사", "2026-11-18T09:00:00+09:00")
    out = small_disk / "site"
    project.build(out=out)
    before = files_of(out)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    project.article("b", "새 기사", "2026-11-19T09:00:00+09:00")
    with pytest.raises(OutputError, match="cannot write the site: Read-only file system"):
        project.build(out=out)
    assert files_of(out) == before


def test_a_file_deleted_during_a_build_is_a_diagnostic_not_a_crash(project, monkeypatch):
    import digest.build as build_module

    project.article("a", "기사", "2026-11-18T09:00:00+09:00")
    doomed = project.article("b", "사라질 기사", "2026-11-18T10:00:00+09:00")
    real_scan = build_module.load.content_files.scan_sources

    def scan_then_delete(content, root):
        found = real_scan(content, root)
        doomed.unlink()  # gone after the folder was listed, before it is read
        return found

    monkeypatch.setattr(build_module.load.content_files, "scan_sources", scan_then_delete)
    result = project.build()
    assert result.articles == 1
    assert [str(d) for d in result.diagnostics if d.is_error] == [
        "content/b.md: cannot read: No such file or directory"]
