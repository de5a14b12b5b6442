"""Sections, outlets and tags: the built-in Korean vocabulary under the project's config, the
page signals that name them, keyword spam, and entities decoded once. Every page is fictional."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.config import Config, OutletConfig, SectionConfig, parse_config
from digest.errors import Diagnostic
from digest.ingest import vocabulary as vocabulary_module
from digest.ingest.filing import clean_tags, outlet_in_lines, section_in_lines
from digest.ingest.html import extract_html
from digest.ingest.pagetext import extract_text
from digest.ingest.run import IngestOptions, ingest
from digest.ingest.vocabulary import builtin_tables, fold, vocabulary
from digest.store import loads
from tests.conftest import NOW

BUILTIN = vocabulary()


@pytest.mark.parametrize("found, written", [
    ("politics", "정치"), ("Politics", "정치"), ("정치일반", "정치"), ("국회/정당", "정치"),
    ("world", "국제"), ("세계", "국제"), ("sports", "스포츠"), ("스포츠 일반", "스포츠"),
    ("entertainment", "연예"), ("연예 포토", "연예"), ("가상TV 연예", "연예"),
    ("enter_general", "연예"), ("금융·증권", "경제"), ("stock", "경제"), ("IT/과학", "IT·과학"),
    ("it_science", "IT·과학"), ("사설", "오피니언"), ("life", "생활"),
    ("문화·연예", "문화·연예"),  # two sections in one: a section of its own
])
def test_builtin_section_names(found, written):
    assert BUILTIN.section(found) == written
    assert BUILTIN.section_name(found) == written


@pytest.mark.parametrize("generic", ["뉴스", "News", "기타", "홈", "전체기사", "포토"])
def test_generic_names_are_no_section(generic):
    assert BUILTIN.section(generic) is None and BUILTIN.section_name(generic) is None


def test_an_unknown_section_is_kept_as_found():
    assert BUILTIN.section("가상특집관") is None
    assert BUILTIN.section_name("가상특집관") == "가상특집관"


def test_url_segments_must_name_a_section_whole():
    assert BUILTIN.section("politics", whole=True) == "정치"
    assert BUILTIN.section("mexico-economy-growth", whole=True) is None
    assert BUILTIN.section("mexico-economy-growth") == "경제"  # a page label may say more


def test_the_projects_sections_win_over_the_builtin_ones():
    config = Config(sections=(
        SectionConfig(key="world", name="해외 소식", order=0),
        SectionConfig(key="tech", name="테크", order=1, aliases=("정보통신",)),
        SectionConfig(key="money", name="돈", order=2, aliases=("증권",))))
    vocab = vocabulary(config)
    assert vocab.section("세계") == "해외 소식"  # 세계 -> 국제 -> its alias 'world' is configured
    assert vocab.section("international") == "해외 소식"
    assert vocab.section("정보통신") == "테크"
    assert vocab.section("증권") == "돈"  # configured as itself before the built-in 경제
    assert vocab.section("politics") == "정치"  # not configured: the built-in name


def test_a_site_in_another_language_keeps_the_pages_own_names():
    vocab = vocabulary(Config(language="en"))
    assert vocab.section("Politics") is None and vocab.section_name("Politics") == "Politics"
    assert vocab.outlet("MBC NEWS") is None


@pytest.mark.parametrize("found, written", [
    ("MBC NEWS", "MBC"), ("KBS 뉴스", "KBS"), ("Hankookilbo", "한국일보"), ("매일방송", "MBN"),
    ("MBN(매일방송)", "MBN"), ("동아닷컴", "동아일보"), ("JTBC News", "JTBC"),
    ("Yonhap News Agency", "연합뉴스"), ("연합뉴스 TV", "연합뉴스TV"),
])
def test_builtin_outlet_names(found, written):
    assert BUILTIN.outlet(found) == written


@pytest.mark.parametrize("url, outlet", [
    ("https://www.chosun.com/national/2020/01/01/X/", "조선일보"),
    ("https://biz.chosun.com/it/2020/01/01/X/", "조선비즈"),  # the longest domain listed wins
    ("http://news.tvchosun.com/site/data/1.html", "TV조선"), ("reporter@yna.co.kr", "연합뉴스"),
    ("https://news.example.com/1", None), ("[메일] 보내기", None),
])
def test_outlets_of_web_domains(url, outlet):
    assert BUILTIN.outlet_of_host(url) == outlet


def test_the_projects_outlets_win_and_add_domains():
    config = Config(outlets=(OutletConfig(name="연합", aliases=("연합뉴스",)),
                             OutletConfig(name="가상일보", domains=("gasang.example",))))
    vocab = vocabulary(config)
    assert vocab.outlet("연합뉴스") == "연합"
    # renamed by one of its names, the built-in outlet's other names and domains follow
    assert vocab.outlet("Yonhap News Agency") == "연합"
    assert vocab.outlet_of_host("https://yna.co.kr/a") == "연합"
    assert vocab.outlet_of_host("https://news.gasang.example/1") == "가상일보"
    assert vocab.outlets_in("Copyright ⓒ 가상일보. All rights reserved.") == ["가상일보"]


def test_no_name_or_domain_belongs_to_two_entries():
    sections, outlets = builtin_tables()
    for entries, fields in ((sections, ("name", "aliases", "parts")),
                            (outlets, ("name", "aliases")), (outlets, ("domains",))):
        owner: dict[str, str] = {}
        for entry in entries:
            for name in {fold(n) for f in fields for n in (
                    getattr(entry, f) if f != "name" else (entry.name,))}:
                assert owner.setdefault(name, entry.name) == entry.name, (name, entry.name)


def test_an_outlet_can_be_left_out_of_the_table(monkeypatch):
    monkeypatch.setenv(vocabulary_module.EXCLUDE_VARIABLE, "MBC, 한국일보")
    vocab = vocabulary()
    assert vocab.outlet("MBC NEWS") is None and vocab.outlet("Hankookilbo") is None
    assert vocab.outlet("KBS 뉴스") == "KBS"


HEADER = ["전체메뉴", "가상TV 뉴스", "정치", "경제", "사회", "국제"]  # the site menu


def test_a_section_label_by_the_headline_but_not_one_in_the_menu():
    lines = [*HEADER, "", "사회", "가상 도시에 새 다리 놓인다", "입력 2030-01-01 09:00", "본문"]
    assert section_in_lines(lines, 8, (9, 9), BUILTIN) == (
        "사회", "section label above the headline")
    menu_only = [*HEADER, "가상 도시에 새 다리 놓인다", "입력 2030-01-01 09:00", "본문"]
    assert section_in_lines(menu_only, 6, (7, 7), BUILTIN) is None


def test_a_menu_between_headline_and_date_line_is_no_section():
    lines = ["가상 도시에 새 다리 놓인다", "정치", "경제", "사회", "입력 2030-01-01 09:00", "본문"]
    assert section_in_lines(lines, 0, (4, 4), BUILTIN) is None
    lines[2:4] = ["", ""]
    assert section_in_lines(lines, 0, (4, 4), BUILTIN) == ("정치", "section label by the date line")


@pytest.mark.parametrize("lines, title, date, found", [
    (["가상 도시에 새 다리 놓인다", "입력 2030.01.01 (09:00) 수정 2030.01.01 (09:10) 세계", "본문"],
     0, (1, 1), "국제"),
    (["[경제][단독] 가상은행 금리 올린다", "입력 2030-01-01 09:00", "본문"], 0, (1, 1), "경제"),
    (["가상 도시에 새 다리 놓인다", "입력 2030-01-01 09:00", "본문", "이 기사는 언론사에서",
      "스포츠", "섹션으로 분류했습니다."], 0, (1, 1), "스포츠"),
    (["가상 도시에 새 다리 놓인다", "입력 2030-01-01 09:00", "본문", "연예 많이 본 뉴스"],
     0, (1, 1), "연예"),
])
def test_section_signals_next_to_the_article(lines, title, date, found):
    assert section_in_lines(lines, title, date, BUILTIN)[0] == found


def test_the_outlet_the_page_names_most():
    lines = ["가상 기사 제목 | YTN", "(서울=연합뉴스) 홍길동 기자 = 본문", "YTN",
             "[저작권자(c) YTN 무단전재 및 재배포 금지]"]
    assert outlet_in_lines(lines, "연합뉴스", BUILTIN) == (
        "YTN", "copyright line, page title, masthead")
    assert outlet_in_lines(["본문", "KBS 뉴스 홍길동입니다."], None, BUILTIN)[0] == "KBS"
    assert outlet_in_lines(["본문", "홍길동 기자 hong@mbn.co.kr"], None, BUILTIN)[0] == "MBN"
    assert outlet_in_lines(["본문", "사진제공 : 연합뉴스"], None, BUILTIN) is None


def test_an_outlet_no_table_knows_is_not_credited_to_a_sister_site():
    lines = ["본문", "가상스포츠", "SBS Biz", "SBS Biz", "가상TV뉴스 홍길동입니다.",
             "ⓒ 가상TV & 가상 Lab all rights reserved."]
    assert outlet_in_lines(lines, None, BUILTIN) == ("가상TV", "copyright line, sign-off")
    assert outlet_in_lines(["본문", "ⓒ NAVER Corp. All rights reserved."], None, BUILTIN) is None
    credit = ["본문", "ⓒ게티이미지뱅크 무단전재", "KBS", "KBS"]
    assert outlet_in_lines(credit, None, BUILTIN) == ("KBS", "masthead")


def test_page_text_without_a_url_gets_its_outlet_from_what_it_shows():
    page = "\n".join(["가상뉴스 로그인", "사회", "가상 도시에 새 다리 놓인다",
                      "입력 2030-01-01 09:00", "",
                      "가상 도시에 새 다리가 놓인다. 시는 내년 봄까지 공사를 마친다고 밝혔다. " * 3,
                      "", "홍길동 기자 hong@example.com", "",
                      "Copyright ⓒ SBS & 가상 Lab all rights reserved."])
    found = extract_text(page)
    assert (found.section, found.outlet) == ("사회", "SBS")
    assert found.rules["outlet"] == "copyright line"


def test_tags_from_page_keywords():
    tags = ("호남", "이날유세", "KBS", "KBS뉴스", "뉴스", "정치", "가상시", "가상시 뉴스",
            "이날이날", "www.kbs.co.kr", "다리", "공사", "시장", "예산", "주민", "교통", "봄",
            "2030")
    assert clean_tags(tags, outlet="KBS", section="정치", vocab=BUILTIN) == (
        "호남", "가상시", "다리", "공사", "시장", "예산", "주민", "교통", "봄")
    many = tuple(f"태그{n}" for n in range(15))
    assert len(clean_tags(many, outlet=None, section=None, vocab=BUILTIN)) == 10


PAGE = """<!doctype html><html lang="ko"><head>
<meta property="og:title" content="가상 도시에 새 다리 놓인다">
<meta property="og:site_name" content="가상TV NEWS">
<meta property="og:description" content="시장은 &amp;#039;통합&amp;#039;을 말했다">
<meta property="article:section" content="politics">
<meta property="article:published_time" content="2030-01-01T09:00:00+09:00">
<meta name="news_keywords" content="다리, 이날이날, 가상TV, 정치">
<link rel="canonical" href="https://news.gasang.example/politics/1">
</head><body><nav><a>경제</a><a>스포츠</a></nav><article><h1>가상 도시에 새 다리 놓인다</h1>
<p>가상 도시에 새 다리가 놓인다. 시는 내년 봄까지 공사를 마칠 계획이라고 밝혔다.</p>
<p>시장은 주민 설명회에서 교통이 나아질 것이라고 말했다. 공사비는 시 예산으로 충당한다.</p>
</article></body></html>"""


def test_a_double_escaped_meta_is_decoded_once():
    found = extract_html(PAGE)
    assert found.summary == "시장은 '통합'을 말했다"


def _ingest(tmp_path: Path, config: Config, page: str = PAGE):
    (tmp_path / "content").mkdir(exist_ok=True)
    source = tmp_path / "page.html"
    source.write_text(page)
    [outcome] = ingest([str(source)], IngestOptions(project=tmp_path, config=config, now=NOW))
    article, problems = loads((tmp_path / outcome.path).read_text(), outcome.path,
                              config.timezone)
    return outcome, article


def test_ingest_writes_the_canonical_section_outlet_and_clean_tags(tmp_path):
    config = Config(outlets=(OutletConfig(name="가상TV", aliases=("가상TV NEWS",)),))
    outcome, article = _ingest(tmp_path, config)
    assert outcome.path.startswith("content/정치/")
    assert (article.section, article.outlet, article.tags) == ("정치", "가상TV", ("다리",))
    assert article.provenance["rules"]["section"] == "article:section: 'politics' named 정치"


def test_ingest_writes_the_configured_section_name(tmp_path):
    config = Config(sections=(SectionConfig(key="politics", name="정치·행정", order=0),))
    outcome, article = _ingest(tmp_path, config)
    assert outcome.path.startswith("content/politics/") and article.section == "정치·행정"


def _problems(data: dict) -> list[str]:
    problems: list[Diagnostic] = []
    parse_config(data, problems)
    return [p.message for p in problems]


def test_config_outlets():
    problems: list[Diagnostic] = []
    config = parse_config({"outlets": [{"name": " 가상 일보 ", "aliases": ["가상"],
                                        "domains": ["WWW.Gasang.example"]}]}, problems)
    assert not problems
    assert config.outlets == (OutletConfig(name="가상 일보", aliases=("가상",),
                                           domains=("gasang.example",)),)


@pytest.mark.parametrize("outlets, message", [
    ([{"name": "가상일보", "alias": ["가상"]}], "outlets[0].alias: unknown key; did you mean "
                                                "'aliases'?"),
    ([{"aliases": ["가상"]}], "outlets[0]: missing 'name'"),
    ([{"name": "가상일보", "domains": ["not a domain"]}], "outlets[0].domains: expected a domain"),
    ([{"name": "가상일보", "aliases": ["가상"]}, {"name": "가상"}], "'가상' already names outlet"),
    ({"name": "가상일보"}, "outlets: expected a list"),
    (["가상일보"], "outlets[0]: expected a mapping"),
])
def test_config_outlet_problems(outlets, message):
    problems = _problems({"outlets": outlets})
    assert any(message in p for p in problems), problems
