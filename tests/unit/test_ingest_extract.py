"""Extraction: the founding example, Korean conventions, HTML, feeds, encodings, input kinds."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from digest.ingest import korean
from digest.ingest.feed import extract_feed
from digest.ingest.html import extract_html
from digest.ingest.pagetext import extract_text
from digest.ingest.read import UnreadableSource, decode, read_source
from tests.conftest import SHARED

FIXTURES = Path(__file__).parent.parent / "fixtures"
SEED = SHARED / "corpus" / "seed" / "newspim-2020-06-03-ai-one-team.txt"
needs_seed = pytest.mark.skipif(not SEED.is_file(),
                                reason=f"founding example not found at {SEED}")


@needs_seed
def test_founding_example_fields():
    found = extract_text(SEED.read_text(encoding="utf-8"))
    assert found.title == "KT-LG전자-LG유플러스 AI 동맹....'AI원팀'에 LG전자·LG유플러스 합류"
    assert found.section == "산업 ICT"
    assert found.published.isoformat() == "2020-06-03T10:38:00+09:00"
    assert found.updated.isoformat() == "2020-06-03T10:40:00+09:00"
    assert found.subtitle == "업무협약 체결...AI 활용 사회이슈 해소, 보유기술·경험 공유 등"
    assert (found.dateline, found.outlet, found.authors) == ("서울", "뉴스핌", ("김지나",))
    assert found.email == "abc123@newspim.com"


@needs_seed
def test_founding_example_body_is_the_article_only():
    found = extract_text(SEED.read_text(encoding="utf-8"))
    paragraphs = found.body.split("\n\n")
    assert paragraphs[0].startswith("[서울=뉴스핌] 김지나 기자 = KT, 현대중공업그룹")
    assert paragraphs[-1].startswith("전홍범 KT AI·DX사업부문장 부사장은")
    for boilerplate in ("속보", "더보기", "베스트 기사", "홈플러스", "Top으로 이동", "전체기사",
                        "abc123@newspim.com", "안다쇼핑"):
        assert boilerplate not in found.body
    assert [r.title for r in found.related] == ["홈플러스 상품권 줄줄이 사용 중단 우려",
                                                "40개 의대 총장, 내년 의대증원 '0' 합의"]


@pytest.mark.parametrize("line, label, moment", [
    ("입력 2020.06.03 10:38", "입력", "2020-06-03T10:38"),
    ("2020-06-03 오전 10:38", None, "2020-06-03T10:38"),
    ("2020-06-03 오후 1:05", None, "2020-06-03T13:05"),
    ("승인 2020.06.03 10:38", "승인", "2020-06-03T10:38"),
    ("2020년06월03일 10:38", None, "2020-06-03T10:38"),
    ("2020/06/03 10:38:12", None, "2020-06-03T10:38:12"),
    ("기사입력 : 2020년06월03일 10:38", "기사입력", "2020-06-03T10:38"),
    ("송고시간 2023-04-20 07:53:13", "송고시간", "2023-04-20T07:53:13"),
    ("입력 2023.04.07 (08:26)", "입력", "2023-04-07T08:26"),
    ("2023년 04월 07일 18시 36분", None, "2023-04-07T18:36"),
    ("입력2023.11.02. 오후 8:06", "입력", "2023-11-02T20:06"),
])
def test_korean_date_lines(line, label, moment):
    [found] = korean.find_dates(line)
    assert found.label == label
    assert found.moment == datetime.fromisoformat(moment).replace(tzinfo=korean.KST)


def test_published_and_updated_on_one_line():
    first, second = korean.find_dates("작성 2023.04.20 07:05 수정 2023.04.20 12:59 조회수")
    assert not first.is_update and second.is_update and second.label == "수정"


@pytest.mark.parametrize("line, authors, dateline, outlet, email", [
    ("(서울=연합뉴스) 홍길동 기자 = 정부가", ("홍길동",), "서울", "연합뉴스", None),
    ("[서울=뉴시스]홍길동 기자 = 정부가", ("홍길동",), "서울", "뉴시스", None),
    ("[서울=뉴스핌] 김지나 기자 = KT가", ("김지나",), "서울", "뉴스핌", None),
    ("(워싱턴=연합뉴스) 김동현 특파원 = 미국", ("김동현",), "워싱턴", "연합뉴스", None),
    ("홍길동 기자 hong@x.co.kr", ("홍길동",), None, None, "hong@x.co.kr"),
    ("홍길동 기자", ("홍길동",), None, None, None),
    ("홍길동·김철수 기자 = 두 사람이", ("홍길동", "김철수"), None, None, None),
])
def test_opening_bylines(line, authors, dateline, outlet, email):
    byline = korean.parse_byline(line)
    assert (byline.authors, byline.dateline, byline.outlet, byline.email) == (
        authors, dateline, outlet, email)


@pytest.mark.parametrize("line, author", [
    ("홍길동 기자 hong@x.co.kr", "홍길동"),
    ("(가상연예뉴스 홍길동 기자)", "홍길동"),
    ("[홍길동 MBN스타 기자]", "홍길동"),
    ("가상뉴스TV 홍길동입니다.", "홍길동"),
    ("홍길동 기자입니다.", "홍길동"),
    ("YTN 홍길동 (hong@ytn.example)", "홍길동"),
    ("( 취재 : 홍길동 / 영상편집 : 김철수 )", "홍길동"),
])
def test_closing_bylines(line, author):
    assert korean.parse_closing_byline(line).authors == (author,)


@pytest.mark.parametrize("line", ["그는 이렇게 밝혔다", "정부는 대책을 내놓았다."])
def test_sentences_are_not_closing_bylines(line):
    assert korean.parse_closing_byline(line) is None


END_MARKS = [
    "(끝)",
    "ⓒ 연합뉴스, 무단 전재-재배포 금지",
    "<저작권자 ⓒ 뉴스핌>",
    "저작권자 © 가상일보 무단전재 및 재배포 금지",
    "Copyright ⓒ 가상방송. All rights reserved.",
    "[가상일보 베스트 기사]",
    "관련기사",
]


@pytest.mark.parametrize("line", END_MARKS)
def test_end_marks(line):
    assert korean.END_RE.match(line)


def test_scraped_page_written_by_us():
    found = extract_text((FIXTURES / "scraped-page.txt").read_text())
    assert found.title == "가람은행, 청년 전용 적금 출시...연 5% 금리"
    assert found.section == "경제" and found.outlet == "가상일보"
    assert found.published.isoformat() == "2026-11-18T09:12:00+09:00"
    assert found.updated.isoformat() == "2026-11-18T10:05:00+09:00"
    assert found.subtitle == "월 50만원 한도, 3년 만기...소득 요건 완화"
    assert found.authors == ("박하늘",) and found.email == "haneul@gasang.example"
    assert found.body.count("\n\n") == 2 and "베스트" not in found.body
    assert [r.title for r in found.related] == ["새벽시장 물가 한눈에...농산물 가격 앱 인기",
                                                "지하철 9호선 연장 구간 개통"]
    assert found.rules["published"] == "date line 기사입력"


REPORTER_BOX_PAGE = """전체메뉴
가상방송

가람시, 새벽 버스 노선 세 개 늘려

입력 2026.11.18 (09:12)

가람시가 다음 달부터 새벽 시간대 버스 노선을 세 개 늘리기로 했다. 첫차 시간도 30분 앞당긴다.

시는 새벽에 출근하는 시민이 늘어난 데 따른 조치라고 설명했다. 노선은 시내 환승센터를 지난다.

댓글
좋아요
공유하기
많이 본 뉴스
가람시 도서관 야간 개방 확대
가람천 산책로 조명 새로 달아
가람역 앞 횡단보도 두 곳 신설
가람시장 주차장 무료 시간 늘려
가람시 청년 월세 지원 접수
가람공원 겨울 축제 준비
기자 정보
{reporter}
{email}
기사 모음
"""


@pytest.mark.parametrize("reporter", ["한가람 기자", "한가람\n기자"])
def test_a_reporters_box_with_an_email_after_the_body_names_the_author(reporter):
    page = REPORTER_BOX_PAGE.format(reporter=reporter, email="garam@broadcast.example")
    found = extract_text(page)
    assert found.authors == ("한가람",) and found.email == "garam@broadcast.example"
    assert found.rules["authors"] == "byline: reporter box with e-mail"


def test_a_name_without_an_email_below_is_no_reporter_box():
    found = extract_text(REPORTER_BOX_PAGE.format(reporter="한가람 기자", email="기사 모음"))
    assert found.rules.get("authors") != "byline: reporter box with e-mail"


def test_html_metadata_and_main_text():
    found = extract_html((FIXTURES / "article.html").read_text())
    assert found.title == "우주항공청, 달 착륙선 시험 성공"
    assert found.published.isoformat() == "2026-11-20T14:05:00+09:00"
    assert found.updated.isoformat() == "2026-11-20T16:30:00+09:00"
    assert found.authors == ("정별",) and found.section == "IT·과학"
    assert found.outlet == "가상경제" and found.dateline == "대전"
    assert found.source_url == "https://news.example/articles/moon-lander"
    assert found.image == "https://news.example/img/lander.jpg"
    assert found.body.startswith("(대전=가상경제) 정별 기자 =")
    assert "로그인" not in found.body and "위성 발사" not in found.body
    assert found.rules["title"] == "og:title" and found.rules["authors"] == "JSON-LD author"


def test_feed_entries():
    entries = extract_feed((FIXTURES / "feed.xml").read_text())
    assert [e.title for e in entries] == ["항만 물동량 3개월 연속 증가", "도서관 야간 개방 확대"]
    first = entries[0]
    assert first.published.isoformat() == "2026-11-16T09:00:00+09:00"
    assert first.outlet == "가상통신" and first.section == "경제"
    assert first.body == ("가상의 항만공사가 16일 발표한 자료에 따르면 10월 물동량이 "
                          "1년 전보다 6% 늘었다.\n\n수출 컨테이너가 증가세를 이끌었다.")
    assert first.source_url == "https://wire.example/news/1"


KOREAN = "가상의 도시에서 새 도서관이 문을 열었다. 주민들은 반겼다."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "euc-kr", "cp949"])
def test_korean_encodings(encoding):
    text, used = decode(("<p>" + KOREAN + "똠방각하</p>" if encoding == "cp949"
                         else KOREAN).encode(encoding))
    assert KOREAN in text


def test_declared_euc_kr_holding_cp949_only_characters():
    page = f'<meta charset="euc-kr"><p>{KOREAN} 똠방각하 펲</p>'.encode("cp949")
    text, used = decode(page)
    assert "똠방각하 펲" in text and used == "cp949"


def test_declared_charset_that_is_wrong_for_utf8_bytes():
    page = f'<meta charset="euc-kr"><p>{KOREAN}</p>'.encode()
    assert decode(page) == (page.decode(), "utf-8")


@pytest.mark.parametrize("encoding, sample", [
    ("windows-1250", "Zażółć gęślą jaźń, Łódź i Kraków."),
    ("iso-8859-1", "Größere Straße in München für Fußgänger."),
    ("gb18030", "新的图书馆今天开放，居民们很高兴。"),
    ("gb2312", "新的图书馆今天开放，居民们很高兴。"),
])
def test_other_encodings_declared_first_and_wrongly_later(encoding, sample):
    page = f'<meta charset="{encoding}"><meta charset="utf-8"><p>{sample}</p>'.encode(encoding)
    text, _ = decode(page)
    assert sample in text


def test_undeclared_euc_kr_is_detected():
    text, used = decode((KOREAN * 5).encode("euc-kr"))
    assert KOREAN in text


@pytest.mark.parametrize("name, kind", [("scraped-page.txt", "text"), ("article.html", "html"),
                                        ("feed.xml", "feed")])
def test_kind_is_told_from_the_bytes(tmp_path, name, kind):
    assert read_source((FIXTURES / name).read_bytes()).kind == kind


def test_markdown_kind_and_atom_kind():
    assert read_source(b"---\ntitle: x\ndate: 2020-01-01\n---\nbody\n").kind == "markdown"
    atom = b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>'
    assert read_source(atom).kind == "feed"


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"), (b"  \n\t\n", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
])
def test_unreadable_sources(data, reason):
    with pytest.raises(UnreadableSource, match=reason):
        read_source(data)


def test_section_from_json_ld_breadcrumbs():
    page = """<html lang="ko"><head><title>기사</title>
    <script type="application/ld+json">{"@context": "https://schema.org", "@type": "BreadcrumbList",
     "itemListElement": [{"@type": "ListItem", "position": 1, "name": "홈"},
                         {"@type": "ListItem", "position": 2, "name": "국제"},
                         {"@type": "ListItem", "position": 3, "name": "기후 회의 폐막"}]}</script>
    </head><body><h1>기후 회의 폐막</h1><p>입력 2026.11.21 10:00</p>
    <p>가상의 기후 회의가 21일 폐막했다.
    참가국들은 다음 회의에서 기금 분담을 다시 논의하기로 했다.</p>
    </body></html>"""
    found = extract_html(page)
    assert found.section == "국제" and found.rules["section"] == "JSON-LD breadcrumbs"


def test_a_portal_in_the_page_title_is_never_the_outlet():
    page = (FIXTURES / "scraped-page.txt").read_text().replace("가상일보", "")
    page = "가람은행 청년 적금 - 네이버 뉴스\n" + page.replace("[서울=] ", "")
    found = extract_text(page)
    assert found.outlet is None or "네이버" not in found.outlet
