"""digest ingest as a user runs it: outcomes, idempotency, duplicates, updates, safety."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.build import BuildOptions, build
from digest.cli import main
from digest.config import Config, SectionConfig
from digest.ingest import run as ingest_run
from digest.ingest.run import IngestOptions, ingest
from tests.conftest import NOW

FIXTURES = Path(__file__).parent.parent / "fixtures"
PAGE = (FIXTURES / "scraped-page.txt").read_text()
TITLE = "가람은행, 청년 전용 적금 출시...연 5% 금리"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    return tmp_path


def run(project: Path, *inputs, **options):
    options.setdefault("config", Config())
    return ingest([str(i) for i in inputs], IngestOptions(project=project, now=NOW, **options))


def source(project: Path, name: str, text: str | bytes) -> Path:
    path = project / "sources" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_writes_a_front_mattered_article_with_provenance(project):
    page = source(project, "page.txt", PAGE)
    [outcome] = run(project, page)
    assert outcome.status == "written"
    assert outcome.path == "content/경제/2026-11-18-가람은행-청년-전용-적금-출시-연-5-금리.md"
    text = (project / outcome.path).read_text()
    assert text.startswith(f"---\ntitle: {TITLE}\n")
    assert "slug: 가람은행-청년-전용-적금-출시-연-5-금리" in text
    assert "source: sources/page.txt" in text and "kind: text" in text  # relative: no home path
    assert "published: date line 기사입력" in text and "checksum:" in text
    assert "ingested: '2030-01-01T09:00:00+09:00'" in text  # NOW, in the site's time zone


def test_provenance_never_records_a_path_outside_the_project(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("Downloads") / "page.txt"
    outside.write_text(PAGE)
    [outcome] = run(project, outside)
    text = (project / outcome.path).read_text()
    assert "source: page.txt\n" in text and str(outside.parent) not in text


def test_a_web_address_is_fetched_and_one_that_cannot_be_says_why(project):
    # port 9 (discard) on the loopback: nothing listens, the connection is refused
    [outcome] = run(project, "http://127.0.0.1:9/article/1")
    assert outcome.status == "failed" and "cannot fetch the page" in outcome.reason
    assert outcome.source == "http://127.0.0.1:9/article/1" and "no such file" not in outcome.reason


def test_section_key_comes_from_config(project):
    config = Config(sections=(SectionConfig(key="economy", name="경제", order=0),))
    [outcome] = run(project, source(project, "page.txt", PAGE), config=config)
    assert outcome.path.startswith("content/economy/2026-11-18-") and outcome.reason is None


def test_an_unknown_section_gets_a_stable_key_and_a_note(project):
    [outcome] = run(project, source(project, "page.txt", PAGE))
    assert outcome.path.startswith("content/경제/")
    assert outcome.reason == "section '경제' is not in digest.yaml; filed under '경제'"


def test_ingesting_twice_writes_nothing_new(project):
    page = source(project, "page.txt", PAGE)
    [first] = run(project, page)
    before = (project / first.path).read_bytes()
    [second] = run(project, page)
    assert second.status == "unchanged" and second.path == first.path
    assert (project / first.path).read_bytes() == before


def test_same_url_from_two_sources_is_a_duplicate(project):
    html = (FIXTURES / "article.html").read_text()
    [first] = run(project, source(project, "a.html", html))
    copy = html.replace("우주항공청, 달 착륙선 시험 성공", "달 착륙선 엔진 시험 통과").replace(
        "120초 동안", "2분 동안")
    [second] = run(project, source(project, "b.html", copy))
    assert second.status == "duplicate" and second.path == first.path
    assert "same source URL" in second.reason


def test_near_duplicate_text_is_a_duplicate(project):
    [first] = run(project, source(project, "a.txt", PAGE))
    reworded = PAGE.replace(TITLE, "청년 전용 적금 나왔다...가람은행 최고 연 5%").replace(
        "목돈을 모을 수 있도록", "목돈을 마련할 수 있도록")
    [second] = run(project, source(project, "b.txt", reworded))
    assert second.status == "duplicate" and second.path == first.path
    assert "near-identical text" in second.reason


def test_a_later_version_updates_the_article(project):
    [first] = run(project, source(project, "v1.txt", PAGE.replace(
        TITLE, "가람은행, 청년 전용 적금 출시(종합)")))
    later = PAGE.replace(TITLE, "가람은행, 청년 전용 적금 출시(종합2보)").replace(
        "최종수정 : 2026년11월18일 10:05", "최종수정 : 2026년11월18일 15:40").replace(
        "5분이면 끝나게 만들었다", "5분이면 끝나게 만들었다. 첫날 가입자는 2만명을 넘었다")
    [second] = run(project, source(project, "v2.txt", later))
    assert second.status == "written" and second.path == first.path
    assert "newer version" in second.reason
    text = (project / first.path).read_text()
    assert "2026-11-18T15:40:00+09:00" in text and "2만명" in text and "(종합2보)" in text
    assert len(list((project / "content").rglob("*.md"))) == 1


def test_a_hand_edited_article_is_never_overwritten_without_force(project):
    [first] = run(project, source(project, "v1.txt", PAGE))
    path = project / first.path
    path.write_text(path.read_text().replace("모바일로 5분이면", "모바일로 단 5분이면"))
    edited = path.read_text()
    later = PAGE.replace("최종수정 : 2026년11월18일 10:05", "최종수정 : 2026년11월18일 18:00")
    [refused] = run(project, source(project, "v2.txt", later))
    assert refused.status == "failed" and "edited by hand" in refused.reason
    assert path.read_text() == edited
    [forced] = run(project, source(project, "v2.txt", later), force=True)
    assert forced.status == "written" and "18:00:00" in path.read_text()


def test_an_article_written_by_a_person_is_never_overwritten(project):
    own = project / "content" / "경제" / "2026-11-18-가람은행-청년-전용-적금-출시-연-5-금리.md"
    own.parent.mkdir(parents=True)
    own.write_text(f"---\ntitle: {TITLE}\ndate: 2026-11-18T09:00:00+09:00\n---\n\n내 글\n")
    [outcome] = run(project, source(project, "page.txt", PAGE))
    assert own.read_text().endswith("내 글\n")  # another story by the same name: a new slug
    assert outcome.status == "written" and outcome.path == own.as_posix().replace(
        f"{project}/", "").replace(".md", "-2.md")


def test_sources_are_never_modified(project):
    page = source(project, "page.txt", PAGE)
    before = (page.read_bytes(), page.stat().st_mtime_ns)
    run(project, page)
    run(project, page)
    assert (page.read_bytes(), page.stat().st_mtime_ns) == before


def test_dry_run_writes_nothing(project):
    [outcome] = run(project, source(project, "page.txt", PAGE), dry_run=True)
    assert outcome.status == "written" and not list((project / "content").rglob("*.md"))


@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "empty file"),
    ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "binary file"),
    ("truncated.html", b"<html><head><title>Half", "nothing recognizable"),
    ("undated.txt", "제목 한 줄\n\n" + "날짜가 없는 긴 본문 문장입니다. " * 20, "dated article"),
    ("menu.txt", "로그인\n회원가입\n검색\n전체메뉴\n", "dated article"),
    ("bad.md", "---\ntitle: 제목\n---\n본문\n", "missing required 'date'"),
])
def test_bad_inputs_fail_with_a_reason_and_the_batch_goes_on(project, name, data, reason):
    bad = source(project, name, data)
    good = source(project, "good.txt", PAGE)
    outcomes = {Path(o.source).name: o for o in run(project, bad, good)}
    assert outcomes[name].status == "failed" and reason in outcomes[name].reason
    assert outcomes["good.txt"].status == "written"


def test_a_100_mb_file_is_refused(project):
    huge = project / "sources" / "huge.txt"
    huge.parent.mkdir()
    with open(huge, "wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    [outcome] = run(project, huge)
    assert outcome.status == "failed" and "limit" in outcome.reason


def test_missing_input_is_reported(project):
    [outcome] = run(project, project / "nope.txt")
    assert outcome.status == "failed" and outcome.reason == "no such file or folder"


def test_folders_and_globs(project):
    source(project, "one.txt", PAGE)
    source(project, "feed.xml", (FIXTURES / "feed.xml").read_text())
    source(project, ".hidden.txt", PAGE)
    outcomes = run(project, project / "sources")
    assert sorted(o.status for o in outcomes) == ["written"] * 3  # the feed has two entries
    globbed = run(project, f"{project}/sources/*.xml")
    assert [(o.status, o.entry) for o in globbed] == [("unchanged", 1), ("unchanged", 2)]


def test_markdown_sources_are_validated_normalized_and_copied(project):
    nfd = "\u1112\u1161\u11ab\u1100\u1173\u11af"  # 한글 in NFD, as macOS writes it
    md = source(project, "note.md", f"---\ntitle: {nfd} 소식\ndate: 2026-11-19 09:00\n"
                                    "section: 사회\n---\n\n본문입니다.\n")
    [outcome] = run(project, md)
    text = (project / outcome.path).read_text()
    assert outcome.path == "content/사회/2026-11-19-note.md"  # the slug of its file name
    assert "title: 한글 소식" in text and "slug: note" in text


def test_crash_while_writing_leaves_no_partial_file(project, monkeypatch):
    def crash(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(ingest_run.os, "replace", crash)
    [outcome] = run(project, source(project, "page.txt", PAGE))
    assert outcome.status == "failed" and "No space left" in outcome.reason
    assert not [p for p in (project / "content").rglob("*") if p.is_file()]


def test_build_reads_what_ingest_wrote(project):
    run(project, source(project, "page.txt", PAGE),
        source(project, "a.html", (FIXTURES / "article.html").read_text()))
    result = build(BuildOptions(project=project, jobs=1, now=NOW))
    assert result.articles == 2 and not [d for d in result.diagnostics if d.is_error]
    page = project / "site/2026/11/18/가람은행-청년-전용-적금-출시-연-5-금리/index.html"
    assert "박하늘" in page.read_text() and "가상일보" in page.read_text()


def test_cli_report_json_and_exit_code(project, monkeypatch):
    monkeypatch.chdir(project)
    good, bad = source(project, "page.txt", PAGE), source(project, "empty.txt", b"")
    result = CliRunner().invoke(main, ["ingest", str(good), str(bad), "--report", "json"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 0  # done: a source skipped for bad input is reported, not fatal
    strict = CliRunner().invoke(main, ["ingest", str(good), str(bad), "--strict", "-q"])
    assert strict.exit_code == 1 and "empty.txt" in strict.output
    assert {(Path(r["source"]).name, r["status"]) for r in lines} == {
        ("page.txt", "written"), ("empty.txt", "failed")}
    assert set(lines[0]) == {"source", "status", "path", "reason", "warnings"}


def test_cli_reads_stdin(project):
    done = subprocess.run([sys.executable, "-m", "digest", "ingest", "-", "--report", "json"],
                          input=PAGE.encode(), cwd=project, capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["source"] == "<stdin>"
    assert report["status"] == "written"
