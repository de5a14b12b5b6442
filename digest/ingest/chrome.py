"""Page chrome in Korean news text: the short interface lines around an article (share, copy,
bookmark, font size, player controls, reader prompts), TV-news hand-over lines, photo credits,
and the tail a body must not keep (copyright, tips lines, hashtags, reporter pages).

Each rule is a class of lines, not a list of one site's strings: interface verbs and nouns,
the "~하기" button form, feedback messages, and so on.
"""

from __future__ import annotations

import re

from digest.ingest import korean

_HANGUL = re.compile(r"[가-힣]")
# Interface nouns and verbs; a short line made mostly of them is chrome.
_UI_TOKENS = re.compile(
    r"바로\s*가기|프린트|글자\s*크기|글씨|공유|댓글|좋아요|북마크|스크랩|구독|로그인|회원가입|"
    r"메뉴|검색|닫기|앱\s*다운|무료\s*보기|기사\s*원문|추천\s*\d|쏠쏠정보|흥미진진|공감백배|"
    r"분석탁월|후속강추|조회수|뉴스\s*듣기|번역|PIP|광고|크게\s*보기|작게\s*보기|인쇄|즐겨찾기|"
    r"확대|축소|카카오톡|페이스북|트위터|달기|복사|선택하기|동영상|재생|화질|키보드|컨트롤|"
    r"폰트|음성\s*(?:변환|듣기|재생|서비스)|본문\s*영역|상세\s*페이지|기사\s*모음|전체\s*보기|이미지|"
    r"레이어|영역|크기\s*폰트|폰트\s*크기|"
    r"보내기|듣기|크기\s*설정|변경하기|고정\s*취소|선택")
# A video player's notices, whatever their length ("VOD 시청 안내", "브라우저가 video 태그를…").
_PLAYER = re.compile(r"플레이어|브라우저|플래시|video\s*태그|\bVOD\b|자바\s*스크립트|javascript",
                     re.IGNORECASE)
# Reaction buttons ("좋아요 선택하기", "슬퍼요0").
_REACTIONS = re.compile(r"(?:좋아요|슬퍼요|화나요|글쎄요|훌륭해요|놀라워요|후속\s*요청|추천해요)")
# "공유하기", "기사본문프린트하기", "이미지 확대보기": a short line that is a button label.
_BUTTON = re.compile(r"^.{0,20}(?:하기|보기)\s*\d*$")
# "해당 기사를 북마크했습니다.", "기사 URL이 복사되었습니다.": what a button says back.
_FEEDBACK = re.compile(
    r"(?:북마크|스크랩|복사|저장|공유|구독|신청|추천|설정|삭제|전송)(?:가|이|를|을)?\s*"
    r"(?:했|되었|됐|하였|완료되었)습니다\.?$")
# "이 기사 어때요?", "이 기사가 마음에 들었다면,": prompts to the reader.
_PROMPT = re.compile(r"^이\s*기사(?:가|를|는|\s|$)|좋아요를\s*눌러|마음에\s*들었다면")
# TV news: the anchor hands over to the reporter ("김수연 기자입니다.", "변재영 기자의
# 보도입니다.", "취재기자 연결합니다. 나혜인 기자!").
HANDOVER = re.compile(
    r"^(?:.{0,20}연결(?:합니다|하겠습니다|해\s*보겠습니다)\.?\s*)?[가-힣]{2,4}\s*(?:기자|특파원)"
    r"(?:입니다|의\s*보도입니다|[가이]\s*보도합니다|[가이]\s*전해\s*드립니다|!)\.?$")
_TV_MARKER = re.compile(r"^[\[【<(◀]\s*(?:앵커|리포트|앵커\s*멘트|기자|인터뷰|녹취)\s*[\]】>)▶]$")
# Photo credits and captions that sit between a deck and the body.
_CREDIT = re.compile(
    r"(?:사진|자료|그래픽|영상|이미지|화면)\s*(?:제공|출처|캡처|=|:)|\[[^\]]{1,20}제공\]$|"
    r"^\S+\s+제공$|^[▲△↑]|캡처\s*[\])]?$|^\[?사진\]?$|^/\s*\S{2,12}$")
# The end of an article's text: copyright, tip lines, hashtags, reporter pages, prompts.
_TAIL = re.compile(
    r"^(?:#\S+\s*)+$|제보\s*(?:하기|:)|^\S*\s*기사\s*문의|당신의\s*제보|채널\s*추가|"
    r"^\[(?:전화|메일|이메일|카카오톡|제보)\]|^[-\s]*기자\s*정보$|기사\s*모음\s*$|"
    r"기자의\s*다른\s*기사|전체\s*보기\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?:[다요죠]|니다)[.!?]?$|[.,:]$")


def is_chrome(line: str) -> bool:
    """A short line of menu, share buttons, counters, player controls and the like."""
    if korean.UI_WORDS.match(line):
        return True
    if len(line) < 60 and _PLAYER.search(line):
        return True
    if len(line) >= 40:
        return False
    hangul = len(_HANGUL.findall(line))
    if not hangul:
        return len(line) < 15
    if _FEEDBACK.search(line) or (len(line) < 30 and (_BUTTON.match(line) or _PROMPT.search(line))):
        return True
    ui = sum(len(_HANGUL.findall(m.group(0))) for m in _UI_TOKENS.finditer(line))
    ui += sum(len(m.group(0)) for m in _REACTIONS.finditer(line))
    return ui / hangul >= 0.5


def hands_over(line: str) -> bool:
    """A TV anchor's hand-over to the reporter ('김수연 기자입니다.')."""
    return len(line) < 60 and ("기자" in line or "특파원" in line) and bool(HANDOVER.match(line))


def is_handover(line: str) -> bool:
    """A TV anchor's hand-over to the reporter, or a studio marker such as '[앵커]'."""
    return hands_over(line) or is_tv_marker(line)


def is_tv_marker(line: str) -> bool:
    """A studio marker of a TV transcript ('[앵커]', '【 앵커멘트 】', '[리포트]')."""
    return bool(_TV_MARKER.match(line))


def is_credit(line: str) -> bool:
    """A photo credit or caption line ('사진=연합뉴스', '▲ 행사 모습', 'OO 제공')."""
    return len(line) < 120 and bool(_CREDIT.search(line))


def is_figure(line: str) -> bool:
    """A line that belongs to a photo: its credit, caption or enlarge button."""
    return is_credit(line) or (is_chrome(line) and bool(re.search(r"사진|이미지|포토|확대", line)))


def is_deck_line(line: str) -> bool:
    """A line that can be part of a deck: a short headline-style phrase, not a sentence,
    not chrome, not a credit, date, byline or hand-over."""
    if not 6 <= len(line) <= 100 or not _HANGUL.search(line) or " " not in line:
        return False
    if _SENTENCE_END.search(line) or is_chrome(line) or is_handover(line) or is_credit(line):
        return False
    return not (korean.find_dates(line) or korean.parse_byline(line)
                or korean.LABEL_ONLY_RE.match(line) or korean.EMAIL_RE.search(line)
                or korean.END_RE.match(line) or line in korean.SECTION_WORDS)


def is_tail(paragraph: str) -> bool:
    """A paragraph that ends an article's text: nothing after it is the article."""
    if len(paragraph) > 150:
        return False
    return bool(korean.END_RE.match(paragraph) or _TAIL.search(paragraph)
                or _PROMPT.search(paragraph))


def clean_body(paragraphs: list[str]) -> list[str]:
    """Body paragraphs -> the same without leading chrome, hand-over lines, repeats and the
    tail that follows the article (copyright, tips, hashtags, reporter pages)."""
    start = 0
    while start < len(paragraphs) - 1 and (is_chrome(paragraphs[start])
                                           or is_credit_fragment(paragraphs[start])):
        start += 1
    kept: list[str] = []
    for paragraph in _without_copy(paragraphs[start:]):
        if kept and is_tail(paragraph):
            break
        if not hands_over(paragraph):
            kept.append(paragraph)
    while len(kept) > 1 and is_chrome(kept[-1]):
        kept.pop()
    return kept


def _without_copy(paragraphs: list[str]) -> list[str]:
    """Paragraphs -> the same with a second copy of the text (a print layout) cut off from
    where it starts, and any other paragraph of 20+ characters said twice kept once."""
    first_seen: dict[str, int] = {}
    kept: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        key = re.sub(r"\s+", "", paragraph)
        earlier = first_seen.get(key) if len(paragraph) >= 20 else None
        if earlier is None:
            first_seen.setdefault(key, index)
            kept.append(paragraph)
            continue
        following = paragraphs[index + 1:index + 2]
        if following and paragraphs[earlier + 1:earlier + 2] == following:
            while kept and len(kept[-1]) < 60 and not _SENTENCE_END.search(kept[-1]):
                kept.pop()  # the copy's own headline, dates and markers
            return kept
    return kept


def is_credit_fragment(line: str) -> bool:
    """A credit left without its photo at the top of a body ('/연합뉴스')."""
    return bool(re.match(r"^/\s*\S{2,12}$", line))


_COPYRIGHT = re.compile(r"[<\[(]?\s*(?:저작권자|Copyrights?\s*(?:ⓒ|©|\(c\))|ⓒ|©|무단\s*전재)",
                        re.IGNORECASE)


def without_copyright(text: str | None) -> str | None:
    """A summary that runs into the page's copyright line -> the part before it."""
    if not text:
        return text
    match = _COPYRIGHT.search(text)
    cut = text[:match.start()].rstrip(" ,.·|[(<-") if match else text
    return cut or None
