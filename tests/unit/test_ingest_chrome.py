"""What the reader sees of a page: its deck, and a body free of page chrome (fictional snippets
that have the structure of real Korean news pages)."""

from __future__ import annotations

import json

import pytest

from digest.ingest import chrome
from digest.ingest.html import _aligned, extract_html
from digest.ingest.pagetext import extract_text

HEAD = "가상일보\n경제\n물가 잡기 나선 정부, 공공요금 동결 검토\n입력 2026-11-18 09:12\n"
PROSE = ("정부가 내년 상반기 공공요금을 동결하는 방안을 검토하고 있다. 물가 상승률이 석 달째 "
         "3%를 넘어서자 서민 부담을 덜기 위한 조치다.\n"
         "기획재정부는 18일 관계 부처 회의를 열고 전기·가스 요금과 교통 요금의 인상 시기를 "
         "늦추는 방안을 논의했다고 밝혔다.\n"
         "업계는 원가 부담이 커진다며 반발하고 있어 최종 결정까지는 진통이 예상된다는 관측이 "
         "나온다.\n")
LAST = "정부는 이달 말까지 세부 방안을 확정할 계획이다."


def page(between: str, body: str = PROSE + LAST + "\n", after: str = "") -> str:
    return HEAD + between + body + after


@pytest.mark.parametrize("line", [
    "공유하기", "기사본문프린트하기", "이미지 확대보기", "링크 복사하기", "좋아요 선택하기",
    "슬퍼요 선택하기슬퍼요0", "해당 기사를 북마크했습니다.", "기사 URL이 복사되었습니다.",
    "이 기사 어때요?", "키보드 컨트롤 안내", "동영상영역 시작", "동영상 고정 취소", "자동재생",
    "매우 작은 크기 폰트", "텍스트 음성 변환 서비스 사용하기", "VOD 시청 안내",
    "브라우저가 video 태그를 지원하지 않습니다.", "기사 본문 영역", "상세페이지"])
def test_interface_lines_are_chrome(line):
    assert chrome.is_chrome(line)


@pytest.mark.parametrize("line", [
    "공공요금 동결 검토", "물가 상승률 석 달째 3% 웃돌아", "정부가 공공요금 동결을 검토한다.",
    "다음 달 전기요금 고지서부터 적용", "재생에너지 비중 확대 방침"])
def test_story_lines_are_not_chrome(line):
    assert not chrome.is_chrome(line)


@pytest.mark.parametrize("line", [
    "김하늘 기자입니다.", "박노을 기자의 보도입니다.", "이바다 특파원이 보도합니다.",
    "취재기자 연결합니다. 최구름 기자!"])
def test_anchor_hand_overs(line):
    assert chrome.HANDOVER.match(line)


@pytest.mark.parametrize("line", ["가상뉴스 김하늘입니다.", "김하늘 기자", "김하늘 기자는 말했다."])
def test_sign_offs_and_bylines_are_not_hand_overs(line):
    assert not chrome.HANDOVER.match(line)


def test_deck_is_the_run_of_phrases_right_above_the_body():
    found = extract_text(page("공유하기\n링크 복사하기\n공공요금 동결 검토\n물가 석 달째 3%대\n"
                              "사진 확대\n회의에 참석한 관계자들. 사진=가상일보\n"))
    assert found.subtitle == "공공요금 동결 검토 / 물가 석 달째 3%대"
    assert found.body.startswith("정부가 내년")


@pytest.mark.parametrize("between", [
    "해당 기사를 북마크했습니다.\n확인 내 북마크 보기\n가상통신 제공\n",
    "기사본문프린트하기\n이미지 확대하기\n▲ 회의에 참석한 관계자들\n",
    "키보드 컨트롤 안내\n동영상영역 시작\n동영상 고정 취소\n",
    "매우 작은 크기 폰트\n보통 크기 폰트\n매우 큰 크기 폰트\n",
    "핵심 요약은 회원용 콘텐츠입니다.\n무료 회원 가입\n이메일에 공유하기\n"])
def test_chrome_above_the_body_is_no_deck(between):
    found = extract_text(page(between))
    assert found.subtitle is None, found.subtitle
    assert found.body.startswith("정부가 내년")


def test_a_tv_report_keeps_the_anchor_introduction_and_drops_the_hand_over():
    intro = "[앵커]\n정부가 공공요금 동결을 검토합니다.\n물가가 석 달째 3%를 넘었기 때문입니다.\n"
    found = extract_text(page(intro + "김하늘 기자입니다.\n[리포트]\n",
                              after="가상뉴스 김하늘입니다.\n"))
    assert found.subtitle is None
    assert found.body.startswith("[앵커]\n\n정부가 공공요금 동결을 검토합니다.")
    assert "기자입니다" not in found.body and LAST in found.body


def test_a_short_opening_sentence_above_the_body_is_the_lead():
    found = extract_text(page("닫기\n정부가 공공요금 동결을 검토한다.\n"))
    assert found.subtitle is None and found.body.startswith("정부가 공공요금 동결을 검토한다.")


def test_the_body_ends_before_tips_hashtags_and_reporter_pages():
    tail = ("가상뉴스 김하늘 (haneul@gasang.example)\n#공공요금 #물가\n"
            "※ '당신의 제보가 뉴스가 됩니다'\n[전화] 02-000-0000\n기자 정보\n"
            "김하늘 기자의 기사 모음\n")
    body = chrome.clean_body([*PROSE.split("\n")[:3], LAST, *tail.splitlines()])
    assert body[-2:] == [LAST, "가상뉴스 김하늘 (haneul@gasang.example)"]


def test_the_body_drops_leading_chrome_and_repeated_paragraphs():
    paragraphs = PROSE.splitlines()
    body = chrome.clean_body(["기사 본문 영역", "상세페이지", *paragraphs, *paragraphs])
    assert body == paragraphs


def test_a_page_whose_text_is_one_short_line():
    found = extract_text(page("디지털뉴스부\n공유\n", body="눈 내린 골목을 걷는 고양이 한 마리\n",
                              after="Copyrights ⓒ 가상일보. 무단전재 및 재배포 금지\n"))
    assert found.body == "눈 내린 골목을 걷는 고양이 한 마리" and found.subtitle is None


def html_page(article: str, description: str = "정부가 공공요금 동결을 검토한다.") -> str:
    return f"""<!doctype html><html lang="ko"><head><meta charset="utf-8">
<meta property="og:title" content="물가 잡기 나선 정부, 공공요금 동결 검토">
<meta property="og:site_name" content="가상일보">
<meta property="og:description" content="{description}">
<meta property="article:published_time" content="2026-11-18T09:12:00+09:00"></head>
<body><nav><a href="/">홈</a> <a href="/economy">경제</a></nav>
<h2>물가 잡기 나선 정부, 공공요금 동결 검토</h2>
<p>입력 2026-11-18 09:12</p>
<div class="tools"><button>공유하기</button><button>링크 복사하기</button></div>
{article}
<footer>Copyright ⓒ 가상일보. 무단전재 및 재배포 금지</footer></body></html>"""


ARTICLE = "<article>" + "".join(f"<p>{p}</p>" for p in PROSE.splitlines()) + (
    f"<p>{LAST}</p><p>가상일보 김하늘 기자 haneul@gasang.example</p>"
    "<p>Copyright ⓒ 가상일보. 무단전재 및 재배포 금지</p><p>#공공요금 #물가</p></article>")


def test_html_body_ends_before_the_copyright_line_and_hashtags():
    found = extract_html(html_page(ARTICLE))
    assert found.body.endswith("가상일보 김하늘 기자 haneul@gasang.example"), found.body[-80:]
    assert found.body.startswith("정부가 내년")


def test_html_summary_stops_at_the_copyright_line():
    summary = "정부가 공공요금 동결을 검토한다. ⓒ 가상일보 무단전재 금지"
    found = extract_html(html_page(ARTICLE, summary))
    assert found.summary == "정부가 공공요금 동결을 검토한다"


def test_html_main_text_set_against_the_text_after_the_date_line():
    anchored = "\n\n".join(PROSE.splitlines())
    flat = "해당 기사를 북마크했습니다. " + " ".join(PROSE.splitlines())
    rules = {"body": "trafilatura main text"}
    assert _aligned(flat, anchored, rules, None) == anchored and "one flat block" in rules["body"]
    teasers = "\n\n".join(["다른 기사 제목 하나", "다른 기사 제목 둘", *PROSE.splitlines()])
    assert _aligned(teasers, anchored, dict(rules), None) == anchored
    late = "\n\n".join(PROSE.splitlines()[1:])
    assert _aligned(late, anchored, dict(rules), None) == anchored
    elsewhere = "\n\n".join(["다른 기사 제목 하나입니다", "다른 기사 제목 둘입니다"])
    assert _aligned(elsewhere, anchored, dict(rules), PROSE[:30]) == anchored
    assert _aligned(elsewhere, anchored, dict(rules), "다른 요약") == elsewhere
    cut = PROSE.splitlines()[:2] + ["가상일보 김하늘 기자"]
    ending = "\n\n".join([*PROSE.splitlines(), "회의 모습. 사진=가상일보"])
    assert _aligned("\n\n".join(cut), ending, dict(rules), None).split("\n\n") == [
        *PROSE.splitlines(), "가상일보 김하늘 기자"]


def test_a_short_closing_sentence_stays_in_the_body():
    found = extract_text(page("", after="자세한 내용은 영상으로 보시죠.\n공유하기\n"))
    assert found.body.endswith("자세한 내용은 영상으로 보시죠.")


def test_html_tv_report_drops_the_hand_over():
    report = ("<article><p>[앵커]</p><p>정부가 공공요금 동결을 검토합니다.</p>"
              "<p>김하늘 기자입니다.</p><p>[리포트]</p>" + ARTICLE[9:])
    found = extract_html(html_page(report))
    assert "기자입니다" not in found.body and LAST in found.body


def scripted_page(script: str) -> str:
    return f"""<!doctype html><html lang="ko"><head><meta charset="utf-8">
<meta property="og:title" content="물가 잡기 나선 정부, 공공요금 동결 검토">
<meta property="og:description" content="물가 잡기 나선 정부">
<meta property="article:published_time" content="2026-11-18T09:12:00+09:00">
{script}</head><body><div id="app" hidden></div></body></html>"""


def test_a_page_rendered_by_scripts_gives_the_text_in_its_application_state():
    elements = [{"type": "image", "caption": "회의 모습"},
                *({"type": "text", "content": f"<b>{p}</b>"} for p in PROSE.splitlines()),
                {"type": "raw_html", "content": "<a href='/x'>▲ 다른 기사</a>"}]
    state = json.dumps({"_id": "X1", "content_elements": elements}, ensure_ascii=False)
    found = extract_html(scripted_page(f"<script>Fusion.globalContent={state};</script>"))
    assert found.body.split("\n\n") == PROSE.splitlines()
    assert "the page's own data" in found.rules["body"]


def test_a_page_rendered_by_scripts_gives_the_json_ld_article_body():
    ld = json.dumps({"@type": "NewsArticle", "headline": "물가 잡기 나선 정부",
                     "datePublished": "2026-11-18T09:12:00+09:00",
                     "articleBody": PROSE.replace("\n", "<br>")}, ensure_ascii=False)
    found = extract_html(scripted_page(f'<script type="application/ld+json">{ld}</script>'))
    assert found.body.split("\n\n") == PROSE.splitlines()


@pytest.mark.parametrize("hidden", [
    '<div style="display: none">지난 기사 다시 읽기 안내</div>',
    '<div hidden>지난 기사 다시 읽기 안내</div>', '<button>지난 기사 다시 읽기 안내</button>',
    '<div role="dialog">지난 기사 다시 읽기 안내</div>'])
def test_html_hidden_and_interface_elements_are_not_read_as_a_deck(hidden):
    visible = html_page("<p>공공요금 동결 검토</p>" + ARTICLE)
    assert extract_html(visible).subtitle == "공공요금 동결 검토"
    found = extract_html(html_page(hidden + ARTICLE))
    assert found.subtitle is None, found.subtitle
