"""The build cache (.digest-cache/): later builds redo only what changed, and their output is
byte for byte what a cold build makes of the same content."""

from __future__ import annotations

import os
import shutil
import tarfile
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import digest.build as build_module
import digest.search
import digest.search.index as search_index
from digest.build.keys import RACY_NS
from digest.build.keys import trusted_stamp as _trusted
from digest.cache import CACHE_DIR, cache_lock
from digest.errors import DigestError, OutputError
from digest.render import Renderer
from digest.search.shards import decode_shard
from tests.conftest import NOW, Project


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file()}


def cold_tree(project: Project, tmp_path: Path, **options) -> dict[str, bytes]:
    """What a build without any cache makes of the project now."""
    out = tmp_path / "cold"
    project.build(out=out, cache=False, **options)
    return tree(out)


def settle(project: Project) -> None:
    """Age every content file past the racy window, as files are between real edits."""
    old = time.time_ns() - 10 * RACY_NS
    for path in (project.root / "content").rglob("*.md"):
        os.utime(path, ns=(old, old))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(tmp_path / "project")
    project.config("publish: full\npage_size: 2\n")
    for n in range(6):
        project.article(f"a{n}", f"기사 {n}", f"2026-11-1{n}T09:00:00+09:00",
                        section="경제" if n % 2 else "사회", tags="[공통]")
    project.write("content/broken.md", "---\ntitle: [\n---\n")
    settle(project)
    project.build()
    return project


@pytest.fixture
def counted(monkeypatch) -> dict[str, int]:
    """Counts of pages rendered and articles parsed from here on."""
    counts = {"rendered": 0, "parsed": 0}
    real_render, real_load = Renderer.render, build_module.workers.load_article

    def render(self, page):
        counts["rendered"] += 1
        return real_render(self, page)

    def load(*args):
        counts["parsed"] += 1
        return real_load(*args)

    monkeypatch.setattr(Renderer, "render", render)
    monkeypatch.setattr(build_module.workers, "load_article", load)
    return counts


def test_nothing_changed_reads_parses_and_renders_nothing(project, counted):
    before = tree(project.site)
    result = project.build()
    assert counted == {"rendered": 0, "parsed": 0}
    assert not result.report.swapped and result.articles == 6
    assert [str(d).split(": ")[0] for d in result.diagnostics] == ["content/broken.md:3",
                                                                    "digest.yaml"]
    assert tree(project.site) == before


def test_a_touched_but_unchanged_file_is_read_not_parsed(project, counted):
    os.utime(project.root / "content/a1.md")
    project.build()
    assert counted == {"rendered": 0, "parsed": 0}


def test_a_body_edit_parses_one_file_and_renders_only_its_pages(project, counted, tmp_path):
    project.article("a3", "기사 3", "2026-11-13T09:00:00+09:00", section="경제", tags="[공통]",
                    body="새 첫 문단.\n\n본문 문단입니다.")
    result = project.build()
    assert "edits" in dict(result.timings)  # re-rendered from the cache, not collated again
    assert counted["parsed"] == 1
    assert 0 < counted["rendered"] < 20
    assert tree(project.site) == cold_tree(project, tmp_path)


CHANGES = {
    "body of the newest article": lambda p: p.article(
        "a5", "기사 5", "2026-11-15T09:00:00+09:00", section="경제", tags="[공통]",
        body="첫 화면과 피드에 나오는 기사의 새 본문."),
    "subtitle": lambda p: p.article("a2", "기사 2", "2026-11-12T09:00:00+09:00", section="사회",
                                    tags="[공통]", subtitle="새 부제"),
    "an edit that breaks a file": lambda p: p.write("content/a1.md", "---\ntitle: [\n---\n"),
    "two edits and a revert": lambda p: (
        p.article("a0", "기사 0", "2026-11-10T09:00:00+09:00", section="사회", tags="[공통]",
                  body="바뀐 본문"),
        p.article("a4", "기사 4", "2026-11-14T09:00:00+09:00", section="사회", tags="[공통]")),
    "new article": lambda p: p.article("b", "새 기사", "2026-11-20T09:00:00+09:00"),
    "deleted article": lambda p: (p.root / "content/a2.md").unlink(),
    "re-dated article": lambda p: p.article("a4", "기사 4", "2026-10-01T09:00:00+09:00"),
    "retitled article": lambda p: p.article("a5", "다른 제목", "2026-11-15T09:00:00+09:00",
                                            section="경제"),
    "fixed broken file": lambda p: p.article("broken", "고친 기사", "2026-11-16T09:00:00+09:00"),
    "template override": lambda p: p.write("templates/macros.html", _theme(
        "macros.html").replace('class="summary"', 'class="summary lede"')),
    "static file": lambda p: p.write("static/extra.css", "body { margin: 0 }\n"),
    "table of words": lambda p: p.write("templates/i18n/ko.yaml", "tags: 꼬리표\n"),
    "config": lambda p: p.config("publish: full\npage_size: 3\ntitle: 새 이름\n"),
}


def _theme(name: str) -> str:
    from digest.templates import theme_dir

    return (theme_dir() / name).read_text()


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_kind_of_change_gives_what_a_cold_build_gives(project, tmp_path, change):
    CHANGES[change](project)
    project.build()
    assert tree(project.site) == cold_tree(project, tmp_path)


def test_an_edited_table_of_words_renders_the_pages_again(project, tmp_path, counted):
    project.write("templates/i18n/ko.yaml", "tags: 꼬리표\n")
    project.build()
    project.write("templates/i18n/ko.yaml", "tags: 주제어\n")  # within the racy window
    project.build()
    assert "<title>주제어 · " in project.page("tags/") and counted["rendered"] > 10
    assert tree(project.site) == cold_tree(project, tmp_path)


def test_an_edited_theme_table_renders_the_pages_again(project, tmp_path, monkeypatch):
    import shutil

    import digest.templates
    from digest.templates import theme_dir

    theme = tmp_path / "theme"
    shutil.copytree(theme_dir(), theme)
    monkeypatch.setattr(digest.templates, "theme_dir", lambda: theme)
    project.build()
    table = theme / "i18n" / "ko.yaml"
    table.write_text(table.read_text().replace("breadcrumbs: 현재 위치", "breadcrumbs: 위치"))
    old = time.time_ns() - 10 * RACY_NS
    os.utime(table, ns=(old, old))  # as an upgrade leaves it: older than the last build
    project.build()
    assert 'aria-label="위치"' in project.page("2026/")
    assert tree(project.site) == cold_tree(project, tmp_path)


def test_a_future_article_appears_once_its_time_comes(project, tmp_path):
    project.article("later", "예약 기사", (NOW + timedelta(hours=1)).isoformat())
    settle(project)
    project.build()
    assert "예약 기사" not in project.page("")
    assert not project.build(now=NOW + timedelta(minutes=30)).report.swapped
    project.build(now=NOW + timedelta(hours=2))
    assert "예약 기사" in project.page("")
    assert tree(project.site) == cold_tree(project, tmp_path, now=NOW + timedelta(hours=2))


def test_an_unreadable_cache_is_rebuilt_from_scratch(project, tmp_path):
    for name in ("state.bin", "stories.sqlite"):
        (project.root / CACHE_DIR / name).write_bytes(b"\x00garbage" * 100)
    project.article("b", "새 기사", "2026-11-20T09:00:00+09:00")
    project.build()
    assert tree(project.site) == cold_tree(project, tmp_path)


def test_a_deleted_site_is_written_again(project, tmp_path):
    import shutil

    shutil.rmtree(project.site)
    project.build()
    assert tree(project.site) == cold_tree(project, tmp_path)


def test_a_file_edited_inside_the_racy_window_is_read_again(project):
    assert _trusted((time.time_ns(), time.time_ns(), 10, 1)) == ()
    old = time.time_ns() - 10 * RACY_NS
    assert _trusted((old, old, 10, 1)) == (old, old, 10, 1)
    path = project.article("b", "막 쓴 기사", "2026-11-20T09:00:00+09:00")
    project.build()  # reads b within the racy window: its stamp is not remembered
    path.write_text(path.read_text().replace("막 쓴 기사", "고쳐 쓴 기사"))
    project.build()
    assert "고쳐 쓴 기사" in project.page("")


def test_a_second_build_waits_for_no_one_but_says_one_is_running(project):
    with cache_lock(project.root / CACHE_DIR), pytest.raises(OutputError) as raised:
        project.build()
    assert "another digest build is running" in str(raised.value)


def test_the_cache_ignores_itself_in_git(project):
    assert (project.root / CACHE_DIR / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_store_damaged_where_opening_does_not_look_is_rebuilt(project, tmp_path):
    import sqlite3

    from digest.templates import theme_dir

    marker = "손상표지"
    project.article("long", "긴 기사", "2026-11-17T09:00:00+09:00",
                    body="\n\n".join(["긴 문단입니다. " * 40] * 12 + [marker]))
    settle(project)
    project.build()
    store = project.root / CACHE_DIR / "stories.sqlite"
    with sqlite3.connect(store) as db:  # fold the write-ahead log into the file
        db.execute("pragma wal_checkpoint(truncate)")
    data = bytearray(store.read_bytes())
    page = data.index(marker.encode()) // 4096 * 4096
    assert page > 0
    data[page:page + 4096] = b"\xff" * 4096  # an overflow page of that story's row
    store.write_bytes(bytes(data))
    base = (theme_dir() / "base.html").read_text()
    project.write("templates/base.html", base.replace('<main id="main">', '<main id="main" x>'))
    result = project.build()  # a new template: every story is read back from the store
    assert any("build cache was damaged" in d.message for d in result.diagnostics)
    assert tree(project.site) == cold_tree(project, tmp_path)


def test_now_is_read_once_per_build(tmp_path, monkeypatch):
    """An article coming due between two readings of the clock in one build must not stay
    hidden: the build reads the clock once, and remembers when that article is due."""
    project = Project(tmp_path / "clock")
    project.article("old", "지난 기사", "2030-01-01T09:00:00+09:00")
    project.article("due", "곧 나올 기사", "2030-01-01T12:00:00+00:00")
    settle(project)
    due = datetime(2030, 1, 1, 12, tzinfo=UTC)
    readings: list[datetime] = []

    def clock(options):  # each reading after the first is past the due time
        readings.append(due - timedelta(seconds=1) if not readings else due + timedelta(hours=1))
        return readings[-1]

    monkeypatch.setattr(build_module.builder, "build_now", clock)
    project.build(now=None)
    assert len(readings) == 1 and "곧 나올 기사" not in project.page("")
    project.build(now=None)  # nothing else changed: only the clock moved on
    assert "곧 나올 기사" in project.page("")


def test_a_cache_made_by_other_code_is_not_reused(project, counted, monkeypatch):
    """A git install of a newer commit keeps the version number; its cache must not serve
    what older code parsed."""
    import digest.cache as cache_module

    assert len(cache_module.code_version()) == 16
    monkeypatch.setattr(cache_module, "code_version", lambda: "another commit")
    project.build()
    assert counted["parsed"] == 7  # every file again, the broken one included


CACHED = (CACHE_DIR, "site", ".site.digest")  # what the Pages workflow's actions/cache keeps


def fresh_checkout(project: Project, into: Path) -> Project:
    """The project as a CI run gets it: every file made anew at another path (new mtimes,
    ctimes and inodes), then the build's folders restored from a tar archive, as
    actions/cache restores them (mtimes and hard links kept, inodes new)."""
    archive = into.parent / f"{into.name}.tar"
    with tarfile.open(archive, "w") as tar:
        for name in CACHED:
            tar.add(project.root / name, arcname=name)
    shutil.copytree(project.root, into, copy_function=shutil.copyfile,
                    ignore=lambda folder, names: [n for n in names if n in CACHED])
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="tar")
    checkout = Project(into)
    settle(checkout)
    return checkout


def test_a_fresh_checkout_with_the_cache_restored_parses_and_renders_only_the_edit(
        project, counted, tmp_path):
    checkout = fresh_checkout(project, tmp_path / "checkout")
    checkout.article("a3", "기사 3", "2026-11-13T09:00:00+09:00", section="경제", tags="[공통]",
                     body="새 첫 문단.\n\n본문 문단입니다.")
    checkout.build()
    cached = dict(counted)
    counted.update(rendered=0, parsed=0)
    assert tree(checkout.site) == cold_tree(checkout, tmp_path)
    assert cached["parsed"] == 1 and counted["parsed"] == 7  # six articles and broken.md
    assert 0 < cached["rendered"] < counted["rendered"] / 2


def test_a_fresh_checkout_indexes_for_search_only_what_changed(project, tmp_path, monkeypatch):
    project.build(search=True)
    before = tree(project.site)
    segmented, encoded = [], []
    make_record, encode_shard = digest.search.make_record, search_index.encode_shard
    monkeypatch.setattr(digest.search, "make_record",
                        lambda story, mode: segmented.append(story.title) or make_record(story,
                                                                                         mode))
    monkeypatch.setattr(search_index, "encode_shard",
                        lambda entries: encoded.append(sorted(entries)) or encode_shard(entries))
    checkout = fresh_checkout(project, tmp_path / "checkout")
    checkout.build(search=True)
    assert not segmented and not encoded and tree(checkout.site) == before  # kept as it was
    checkout.article("a3", "기사 3", "2026-11-13T09:00:00+09:00", section="경제", tags="[공통]",
                     body="검색될 새 낱말 두루미")
    checkout.build(search=True)
    assert segmented == ["기사 3"]  # the others' records are kept
    assert len(encoded) == 1 and "두루" in encoded[0]  # the one shard holding its new words
    cached = tree(checkout.site)
    assert cached == cold_tree(checkout, tmp_path, search=True)
    shard = decode_shard(zlib.decompress(cached["search-index/s/0.bin"], wbits=31))
    assert {"두루", "루미"} <= shard.keys()


def test_strict_fails_on_a_known_bad_file_even_when_nothing_changed(project):
    """The quick paths reuse the last build's diagnostics; --strict must still fail on them
    (seen: a lenient build, then a strict one over the same files, exited 0)."""
    settle(project)
    project.build()  # lenient: content/broken.md is skipped, recorded in the cache
    before = tree(project.site)
    with pytest.raises(DigestError, match="content/broken.md:3"):
        project.build(strict=True)
    assert tree(project.site) == before
