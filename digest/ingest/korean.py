"""Conventions of Korean news pages: date lines, bylines, end marks, teaser blocks, UI chrome.

Each rule is a named regular expression so that provenance can say which one produced a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

KST = timezone(timedelta(hours=9), "KST")

PUBLISHED_LABELS = ("기사입력", "최초입력", "최초 입력", "입력", "작성", "등록", "송고시간", "송고",
                    "승인", "게재", "발행", "기사등록", "보도")
UPDATED_LABELS = ("최종수정", "최종 수정", "기사수정", "수정", "최종업데이트", "업데이트",
                  "최종 업데이트")
_LABEL = "|".join(sorted((re.escape(x) for x in PUBLISHED_LABELS + UPDATED_LABELS),
                         key=len, reverse=True))
_DATE = (r"(?P<year>(?:19|20)\d{2})\s*[.\-/년]\s*(?P<month>\d{1,2})\s*[.\-/월]\s*"
         r"(?P<day>\d{1,2})\s*(?:일|\.)?\s*(?:\(\w\)|[월화수목금토일]요일)?")
_TIME = (r"(?:\s*\(?\s*(?P<ampm>오전|오후|AM|PM|am|pm)?\s*(?P<hour>\d{1,2})\s*(?::|시)\s*"
         r"(?P<minute>\d{2})\s*분?(?:\s*:\s*(?P<second>\d{2})\s*초?)?\s*\)?)?")
DATE_RE = re.compile(rf"(?:(?P<label>{_LABEL})\s*(?:일시|시간)?\s*[:：]?\s*\[?\s*)?{_DATE}{_TIME}")
LABEL_ONLY_RE = re.compile(rf"^\s*(?P<label>{_LABEL})\s*(?:일시|시간)?\s*[:：]?\s*$")


@dataclass(frozen=True, slots=True)
class FoundDate:
    label: str | None
    moment: datetime
    has_time: bool

    @property
    def is_update(self) -> bool:
        return self.label is not None and self.label.startswith(UPDATED_LABELS)


def find_dates(line: str, tz: timezone = KST, label: str | None = None) -> list[FoundDate]:
    """A line of page text -> every date in it, with its label (입력, 수정 …) when it has one."""
    found = []
    for match in DATE_RE.finditer(line):
        moment = _moment(match, tz)
        if moment is not None:
            found.append(FoundDate(label=_label(match.group("label")) or label, moment=moment,
                                   has_time=match.group("hour") is not None))
    return found


def _label(raw: str | None) -> str | None:
    return raw.replace(" ", "") if raw else None


def _moment(match: re.Match[str], tz: timezone) -> datetime | None:
    hour = int(match.group("hour") or 0)
    minute = int(match.group("minute") or 0)
    ampm = (match.group("ampm") or "").lower()
    if ampm in ("오후", "pm") and hour < 12:
        hour += 12
    elif ampm in ("오전", "am") and hour == 12:
        hour = 0
    try:
        return datetime(int(match.group("year")), int(match.group("month")),
                        int(match.group("day")), hour, minute, int(match.group("second") or 0),
                        tzinfo=tz)
    except ValueError:
        return None


_NAME = r"[가-힣]{2,4}"
_ROLE = r"(?:선임기자|수석기자|객원기자|기자|특파원|논설위원|위원|칼럼니스트|PD|앵커|리포터)"
HANGUL_RE = re.compile(r"[가-힣]")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
BYLINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # [서울=뉴스핌] 김지나 기자 =   (서울=연합뉴스) 홍길동 특파원 =   [서울=뉴시스]홍길동 기자 =
    ("bracket-dateline-outlet", re.compile(
        rf"^\s*[\[(【]\s*(?P<dateline>[가-힣A-Za-z ]{{1,12}}?)\s*=\s*"
        rf"(?P<outlet>[^\]\)】=]{{1,20}}?)\s*[\])】]\s*(?P<names>{_NAME}(?:\s*[·,]\s*{_NAME})*)\s*{_ROLE}?\s*[=＝]")),
    # [엔터미디어=정덕현의 이슈공감]
    ("bracket-outlet-columnist", re.compile(
        rf"^\s*\[\s*(?P<outlet>[^\]=]{{1,20}}?)\s*=\s*(?P<names>{_NAME})의\s+[^\]]*\]")),
    # 홍길동 기자 hong@x.co.kr   홍길동 기자 = 본문…
    ("name-role-email", re.compile(
        rf"^\s*(?P<names>{_NAME}(?:\s*[·,]\s*{_NAME})*)\s*{_ROLE}\s*(?:=|(?P<email>{EMAIL_RE.pattern}))")),
    # 홍길동 기자  (a line of its own)
    ("name-role-line", re.compile(rf"^\s*(?P<names>{_NAME}(?:\s*[·,]\s*{_NAME})*)\s*{_ROLE}\s*$")),
)
_OUTLETISH = (r"[A-Za-z0-9가-힣]*(?:뉴스|TV|MBC|KBS|SBS|YTN|MBN|JTBC|스타|일보|신문|경제|방송)"
              r"[A-Za-z0-9가-힣]*")
_EMAIL_TAIL = rf"\s*[(\[]?\s*(?P<email>{EMAIL_RE.pattern})?\s*[)\]]?"
# Bylines that close a body, each needing a role, an outlet or an e-mail beside the name:
# "순천 홍길동 기자 hong@x.com", "(SBS연예뉴스 홍길동 기자)", "[홍길동 MBN스타 기자]",
# "연합뉴스TV 홍길동입니다.", "홍길동 기자입니다.", "YTN 홍길동 (hong@ytn.co.kr)".
CLOSING_BYLINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("closing name-role", re.compile(
        rf"(?:^|[\s.(\[])(?:{_OUTLETISH}\s*)?(?P<names>{_NAME})\s*(?:{_OUTLETISH}\s*)?{_ROLE}"
        rf"(?:입니다\.?)?\s*[)\]]?{_EMAIL_TAIL}\s*$")),
    ("closing sign-off", re.compile(
        rf"(?:^|\s){_OUTLETISH}\s+(?P<names>{_NAME})입니다\.?{_EMAIL_TAIL}\s*$")),
    ("closing credit", re.compile(
        rf"(?:^[\s(]*(?:취재|글|기자)\s*[:：]\s*(?P<names>{_NAME})\s*[/)]|^(?P<credited>{_NAME})\s*/\s)")),
    ("closing outlet-name-email", re.compile(
        rf"(?:^|\s){_OUTLETISH}\s+(?P<names>{_NAME})\s*[(\[]\s*(?P<email>{EMAIL_RE.pattern})"
        rf"\s*[)\]]\s*$")),
)


def parse_closing_byline(line: str) -> Byline | None:
    """A line at the end of a body -> its reporter, if it signs the article off."""
    if len(line) > 200:
        line = line[-200:]
    for rule, pattern in CLOSING_BYLINE_RULES:
        match = pattern.search(line)
        if match:
            name = match.groupdict().get("names") or match.group("credited")
            return Byline(rule=rule, authors=(name,), email=match.groupdict().get("email"))
    return None


@dataclass(frozen=True, slots=True)
class Byline:
    rule: str
    authors: tuple[str, ...]
    dateline: str | None = None
    outlet: str | None = None
    email: str | None = None


def parse_byline(line: str) -> Byline | None:
    """A line that may open an article -> its reporters, dateline and outlet, if it is a byline."""
    for rule, pattern in BYLINE_RULES:
        match = pattern.match(line)
        if match:
            names = tuple(re.split(r"\s*[·,]\s*", match.group("names").strip()))
            groups = match.groupdict()
            email = groups.get("email") or first_email(line[:200])
            return Byline(rule=rule, authors=names, dateline=_clean(groups.get("dateline")),
                          outlet=_clean(groups.get("outlet")), email=email)
    return None


def first_email(text: str) -> str | None:
    """Text -> the first e-mail address in it, if any."""
    match = EMAIL_RE.search(text)
    return match.group(0) if match else None


def _clean(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


END_RE = re.compile(
    r"^\s*(?:\(끝\)|<끝>|\[끝\]|"
    r"[<\[(]?\s*(?:저작권자|Copyrights?|ⓒ|©)|"
    r".*(?:무단\s*전재|무단\s*복제|재배포\s*금지|All rights reserved)|"
    r"\[\s*[^\]]{0,20}(?:베스트|추천|인기|관련)\s*기사\s*\]|"
    r"(?:관련\s*기사|관련\s*뉴스|많이\s*본\s*뉴스|주요\s*뉴스|추천\s*기사|인기\s*기사|최신\s*뉴스|"
    r"이\s*시각\s*(?:주요|많이)|핫\s*뉴스|함께\s*보면|기사\s*제보|이전\s*기사|다음\s*기사|"
    r"기자의\s*다른\s*기사|Top으로\s*이동|맨\s*위로)\s*(?:[>›→]|더보기)?\s*$)", re.IGNORECASE)
TEASER_RE = re.compile(
    r"^\s*(?:\[\s*[^\]]{0,20}(?:베스트|추천|인기|관련|많이\s*본)\s*(?:기사|뉴스)\s*\]|"
    r"(?:관련\s*기사|관련\s*뉴스|추천\s*기사|베스트\s*기사|많이\s*본\s*뉴스|인기\s*기사|"
    r"함께\s*보면\s*좋은\s*기사|이\s*기사와\s*함께\s*많이\s*본\s*기사)\s*$)")

UI_WORDS = re.compile(
    r"^(?:속보|더보기|닫기|검색|로그인|로그아웃|회원가입|구독|구독하기|공유|공유하기|인쇄|인쇄하기|"
    r"프린트|스크랩|댓글|좋아요|추천|글자\s*크기.*|글씨\s*크게보기|글씨\s*작게보기|가|확대|축소|"
    r"페이스북|트위터|카카오톡|카카오스토리|네이버\s*블로그|URL\s*복사|링크\s*복사|목록|"
    r"이전|다음|메뉴|전체\s*메뉴|본문\s*바로가기|기사\s*원문|기사원문|PIP\s*닫기|"
    r"뉴스\s*듣기|뉴스듣기|번역|오디오\s*듣기|읽어주기|Tweet|Top|TOP|▲|▼|\d+|\W*)$",
    re.IGNORECASE)
SECTION_WORDS = (
    "정치", "경제", "사회", "국제", "세계", "문화", "생활", "생활·문화", "생활 · 문화", "연예",
    "스포츠", "IT", "IT/과학", "IT·과학", "과학", "산업", "산업 ICT", "증권", "금융", "부동산",
    "오피니언", "사설", "칼럼", "전국", "지역", "북한", "건강", "교육", "환경", "날씨", "라이프",
    "기업", "글로벌", "테크", "IT·인터넷", "유통", "자동차", "경제일반", "사회일반", "정치일반",
)
