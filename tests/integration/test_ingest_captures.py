"""Several captures of one story (saved HTML, copied page text, later versions) in one batch:
the richer or newer one is kept whatever the order, re-ingesting writes nothing, and stories
that only share a headline or a file name stay apart. Pages here are fictional."""

from __future__ import annotations

import itertools
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.build import BuildOptions, build
from digest.cli import main
from digest.config import Config
from digest.ingest.captures import compare
from digest.ingest.read import read_source
from digest.ingest.run import NO_SOURCE_URL, IngestOptions, ingest
from digest.ingest.sources import read_articles
from digest.store import loads
from tests.conftest import NOW, SHARED

BODY = ("(대전=가상경제) 정별 기자 = 가상의 우주항공청이 20일 달 착륙선의 엔진 연소 시험에 "
        "성공했다고 밝혔다. 착륙선은 120초 동안 목표 추력을 유지했다.\n\n"
        "이번 시험은 착륙 직전 속도를 줄이는 과정을 그대로 재현했다. 연구진은 엔진이 세 차례 다시 "
        "켜지는 것도 확인했다고 설명했다.\n\n"
        "우주항공청은 내년 상반기에 착륙선 전체를 조립해 종합 시험을 이어갈 계획이다. 발사는 "
        "이르면 2029년으로 예정돼 있다.")
TITLE = "우주항공청, 달 착륙선 시험 성공"


def html_page(title=TITLE, body=BODY, outlet="가상경제", url="https://news.example/a/moon",
              published="2026-11-20T14:05:00+09:00", section="IT·과학") -> str:
    """A saved HTML page with its URL, section, outlet and keywords."""
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (f'<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="og:title" content="{title}">'
            f'<meta property="og:site_name" content="{outlet}">'
            f'<meta property="og:url" content="{url}">'
            f'<meta property="article:section" content="{section}">'
            f'<meta property="article:published_time" content="{published}">'
            f'<meta name="news_keywords" content="달 착륙선,우주항공청">'
            f"</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>")


def text_page(title=TITLE, body=BODY, stamp="2026년11월20일 14:05", updated=None) -> str:
    """The same story as copied page text: no URL, no section, no outlet line."""
    update = f"최종수정 : {updated}\n\n" if updated else ""
    return f"전체메뉴 로그인\n\n{title}\n\n기사입력 : {stamp}\n\n{update}{body}\n\nTop으로 이동\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    return tmp_path


def put(project: Path, name: str, text: str | bytes) -> Path:
    path = project / "sources" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def run(project: Path, *inputs, config=None):
    return ingest([str(i) for i in inputs], IngestOptions(project=project, now=NOW,
                                                          config=config or Config()))


def stored(project: Path) -> dict[str, str]:
    return {p.relative_to(project).as_posix(): p.read_text()
            for p in sorted((project / "content").rglob("*.md"))}


def article(text: str):
    found, _ = loads(text, "x.md", Config().timezone)
    return found


@pytest.mark.parametrize("order", list(itertools.permutations(["page.html", "inner.txt",
                                                                "get.txt"])))
def test_the_html_capture_wins_whatever_the_order_and_a_rerun_writes_nothing(project, order):
    captures = {"page.html": html_page(), "inner.txt": text_page(),
                "get.txt": text_page(updated="2026년11월20일 14:30")}
    paths = [put(project, name, captures[name]) for name in order]
    first = run(project, *paths)
    [(path, text)] = stored(project).items()
    kept = article(text)
    assert kept.source_url == "https://news.example/a/moon" and kept.section == "IT·과학"
    assert kept.outlet == "가상경제" and kept.tags and kept.provenance["kind"] == "html"
    assert path.startswith("content/it-과학/") or path.startswith("content/it·과학/")
    assert sorted(o.status for o in first).count("written") >= 1
    assert not any(o.warnings for o in first)  # what content/ holds has its source URL
    before = {p.name: p.stat().st_mtime_ns for p in (project / "content").rglob("*.md")}
    again = run(project, *reversed(paths))
    assert [o.status for o in again if o.status == "written"] == []
    assert {o.status for o in again} == {"unchanged", "duplicate"}
    assert stored(project) == {path: text}  # not even `ingested:` rewritten
    assert {p.name: p.stat().st_mtime_ns for p in (project / "content").rglob("*.md")} == before


def test_a_duplicate_says_which_capture_was_kept_and_why(project):
    run(project, put(project, "page.html", html_page()))
    [weaker] = run(project, put(project, "page.txt", text_page()))
    assert weaker.status == "duplicate"
    assert "kept the richer capture: has the source URL" in weaker.reason


@pytest.mark.parametrize("older_first", [True, False])
def test_a_later_version_mark_wins_in_either_order(project, older_first):
    older = put(project, "v1.txt", text_page(title=f"{TITLE}(종합)"))
    later = put(project, "v2.txt", text_page(title=f"{TITLE}(종합2보)", body=BODY + "\n\n"
                                             "연구진은 추가 문단에 해당하는 새 시험 결과도 "
                                             "21일 공개하겠다고 밝혔다."))
    outcomes = run(project, *((older, later) if older_first else (later, older)))
    [(_, text)] = stored(project).items()
    assert "(종합2보)" in article(text).title and "추가 문단" in text
    assert outcomes[1].status == ("written" if older_first else "duplicate")
    assert "newer version" in outcomes[1].reason


def test_a_version_mark_is_one_in_brackets_not_a_word_that_starts_with_it():
    first = loads("---\ntitle: 종합부동산세 개편\ndate: 2026-11-20 09:00\n---\n본문\n", "a.md",
                  Config().timezone)[0]
    marked = replace(first, title="종합부동산세 개편(종합)")
    assert compare(marked, first).new_wins and compare(marked, first).newer
    assert not compare(first, marked).new_wins
    assert compare(replace(first, title="종합부동산세 개편 [2보]"), marked).new_wins


def test_an_update_time_only_one_capture_shows_is_no_newer_version(project):
    run(project, put(project, "page.html", html_page()))
    [text] = run(project, put(project, "page.txt", text_page(updated="2026년11월20일 18:00")))
    assert text.status == "duplicate"
    [(_, kept)] = stored(project).items()
    assert article(kept).provenance["kind"] == "html"


def test_a_later_update_time_in_both_is_a_newer_version(project):
    run(project, put(project, "a.txt", text_page(updated="2026년11월20일 15:00")))
    [later] = run(project, put(project, "b.txt", text_page(updated="2026년11월20일 18:00")))
    assert later.status == "written" and "newer version" in later.reason
    [(_, kept)] = stored(project).items()
    assert article(kept).updated.hour == 18


WEATHER = "[오늘의 날씨] 아침 쌀쌀, 낮에는 포근"


@pytest.mark.parametrize("second_first", [False, True])
def test_one_generic_headline_from_two_outlets_on_one_day_is_two_articles(project,
                                                                          second_first):
    one = put(project, "a.html", html_page(
        title=WEATHER, outlet="가상일보", url="https://one.example/w/1", section="날씨",
        body="전국이 대체로 맑겠다. 아침 최저기온은 영하 3도에서 영상 5도로 평년보다 낮겠다.\n\n"
             "동해안은 건조해 불조심이 필요하다. 산간 지역에는 서리가 내리는 곳도 있겠다.\n\n"
             "미세먼지 농도는 전 권역에서 보통 수준을 보이겠다. 낮 최고기온은 11도에서 17도로 "
             "일교차가 크니 건강관리에 유의해야 한다."))
    two = put(project, "b.txt", text_page(
        title=WEATHER, stamp="2026년11월20일 14:05",
        body="(서울=가상경제) 남부지방은 오후부터 비가 오겠다. 제주는 바람이 강하게 불고 "
             "해안에는 높은 물결이 일겠다. 예상 강수량은 5에서 20밀리미터다. 중부지방은 "
             "구름이 많다가 밤부터 차차 개겠고, 주말에는 찬 공기가 내려와 기온이 크게 "
             "떨어지겠다. 기상청은 농작물 냉해에 대비해 달라고 당부했다."))
    first = run(project, *((two, one) if second_first else (one, two)))
    assert [o.status for o in first] == ["written", "written"]
    assert len(stored(project)) == 2 and first[0].path != first[1].path
    assert {o.status for o in run(project, one, two)} == {"unchanged"}
    result = build(BuildOptions(project=project, jobs=1, now=NOW))
    assert not [d for d in result.diagnostics if d.is_error]  # two URLs, no clash


def test_a_capture_that_kept_only_a_scrap_joins_its_story(project):
    run(project, put(project, "page.html", html_page()))
    [scrap] = run(project, put(project, "scrap.txt", text_page(
        body="사진=가상경제 제공. 시험대 위의 착륙선 모습.")))
    assert scrap.status == "duplicate" and "publication time" in scrap.reason
    assert len(stored(project)) == 1


def test_same_headline_same_day_same_section_gets_its_own_file_name(project):
    first = html_page(title=WEATHER, url="https://one.example/w/1", section="날씨",
                      body="아침에는 안개가 짙겠다. 교통안전에 유의해야 한다.")
    second = html_page(title=WEATHER, url="https://one.example/w/2", section="날씨",
                       published="2026-11-20T18:00:00+09:00",
                       body="밤부터 눈이 내리겠다. 내일 아침 출근길 빙판길을 조심해야 한다.")
    outcomes = run(project, put(project, "a.html", first), put(project, "b.html", second))
    assert [o.status for o in outcomes] == ["written", "written"]
    assert outcomes[1].path == outcomes[0].path.replace(".md", "-2.md")
    again = run(project, put(project, "b.html", second), put(project, "a.html", first))
    assert [o.status for o in again] == ["unchanged", "unchanged"]


def test_a_file_in_content_that_cannot_be_read_is_never_overwritten(project):
    [first] = run(project, put(project, "page.html", html_page()))
    broken = project / first.path
    broken.write_text("---\ntitle: [broken\n---\n손으로 쓰다 만 글\n")
    [again] = run(project, put(project, "page.html", html_page()))
    assert again.status == "written" and again.path == first.path.replace(".md", "-2.md")
    assert broken.read_text().endswith("손으로 쓰다 만 글\n")


def test_garbled_page_text_is_refused_with_a_reason(project):
    garbled = text_page().encode().decode("cp949", errors="replace")  # as a browser shows it
    [outcome] = run(project, put(project, "garbled.txt", garbled))
    assert outcome.status == "failed" and "garbled text" in outcome.reason
    assert "UTF-8 shown as EUC-KR" in outcome.reason and not stored(project)


def test_garbled_text_that_lost_nothing_is_repaired():
    # Two-syllable words whose UTF-8 bytes all read as EUC-KR characters: nothing is lost.
    words = [w for w in ("마도", "마루", "마소", "마주", "마차", "마파", "마하", "마고", "마노")
             if _reads_as_euc_kr(w)]
    text = " ".join(words * 3) + "\n"
    decoded = read_source(text.encode().decode("cp949").encode())
    assert decoded.text == text and "repaired" in decoded.encoding


def test_korean_text_with_hanja_is_left_alone():
    text = ("與野는 19일 國會에서 豫算案을 논의했다. 가상의 의원들은 오늘도 회의를 이어간다고 "
            "밝혔다. 韓美 정상회담 일정도 함께 발표됐다.\n")
    assert read_source(text.encode()).text == text


def _reads_as_euc_kr(word: str) -> bool:
    try:
        word.encode().decode("cp949")
    except UnicodeDecodeError:
        return False
    return True


def test_an_article_without_a_source_url_gets_a_warning(project, monkeypatch):
    [text] = run(project, put(project, "page.txt", text_page()))
    assert text.warnings == (NO_SOURCE_URL,)
    monkeypatch.chdir(project)
    html = put(project, "page.html", html_page(title="다른 기사", body="전혀 다른 본문. " * 5))
    done = CliRunner().invoke(main, ["ingest", "sources", "--report", "json"])
    records = {Path(r["source"]).name: r for r in map(json.loads, done.stdout.splitlines())}
    assert records["page.txt"]["warnings"] == [NO_SOURCE_URL]
    assert records[html.name]["warnings"] == []
    table = CliRunner().invoke(main, ["ingest", "sources"])
    assert "warning: no source URL" in table.output


def test_the_page_of_an_article_without_a_url_promises_no_link(project):
    (project / "digest.yaml").write_text("title: 가상 다이제스트\npublish: excerpt\n")
    run(project, put(project, "page.txt", text_page()),
        put(project, "other.html", html_page(title="다른 기사", body="전혀 다른 본문입니다. " * 5)))
    build(BuildOptions(project=project, jobs=1, now=NOW))
    pages = {p.parent.name: p.read_text() for p in (project / "site").rglob("index.html")}
    without, with_url = pages[TITLE.replace(", ", "-").replace(" ", "-")], pages["다른-기사"]
    assert "원문에서 읽어 주세요" not in without and 'class="original"' not in without
    assert "원문 주소를 알 수 없어" in without
    assert "원문에서 읽어 주세요" in with_url and 'class="original"' in with_url


CORPUS = SHARED / "corpus" / "dev"


@pytest.fixture(scope="module")
def corpus_folder(tmp_path_factory) -> Path:
    """The dev corpus's saved Korean pages and their copied-text captures, in one folder."""
    if not (CORPUS / "ko-text").is_dir():
        pytest.skip(f"the dev corpus is not at {CORPUS} (a clone without shared/)")
    folder = tmp_path_factory.mktemp("captures")
    for path in [*(CORPUS / "ko").glob("*.html"), *(CORPUS / "ko-text").glob("*.txt")]:
        shutil.copyfile(path, folder / path.name)
    return folder


def _ingest_twice(project: Path, files: list[Path]):
    (project / "content").mkdir(parents=True)
    options = IngestOptions(project=project, now=NOW, config=Config(), jobs=2)
    return ingest(list(map(str, files)), options), ingest(list(map(str, files)), options)


def test_the_real_corpus_ingested_twice_in_both_orders(corpus_folder, tmp_path):
    files = sorted(corpus_folder.iterdir())
    first, second = _ingest_twice(tmp_path / "forward", files)
    assert [o for o in second if o.status == "written"] == []
    backward, again = _ingest_twice(tmp_path / "backward", files[::-1])
    assert [o for o in again if o.status == "written"] == []
    forward_files, backward_files = stored(tmp_path / "forward"), stored(tmp_path / "backward")
    assert forward_files.keys() == backward_files.keys()  # the same articles whatever the order
    for path, text in forward_files.items():
        assert article(text) == article(backward_files[path]), path
    _html_fields_kept(first, tmp_path / "forward")


def _html_fields_kept(outcomes, project: Path) -> None:
    """Where a saved page and its text captures met, the stored article is the page's."""
    by_source = {Path(o.source).name: o for o in outcomes}
    met = 0
    for name, outcome in by_source.items():
        texts = [by_source.get(name.replace(".html", f".{style}.txt"))
                 for style in ("innertext", "gettext")]
        if not name.endswith(".html") or outcome.status == "failed" or not any(
                t and t.status != "failed" for t in texts):
            continue
        [page] = read_articles(name, Path(outcome.source).read_bytes(), Config(), NOW)
        kept = article((project / outcome.path).read_text())
        assert kept.provenance["source"] == name
        assert (kept.source_url, kept.section, kept.outlet, kept.tags) == (
            page.article.source_url, page.article.section, page.article.outlet,
            page.article.tags), name
        met += 1
    print(f"{met} saved pages met their text captures")
    assert met >= 30
