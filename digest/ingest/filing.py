"""Where a page files its story and who published it, read from what the page itself shows,
and a publisher's keywords made into tags a reader can use.

Sections come from signals next to the article (a section label by the headline or the date
line, a "[사회]" headline prefix, a portal's "filed under" note), never from the site menu: a
section name among other section names is a menu. Outlets come from the copyright line, the
byline and sign-off, the page title, reporters' e-mail domains and the masthead, each weighed.
"""

from __future__ import annotations

import re
from collections import Counter

from digest.ingest import korean
from digest.ingest.vocabulary import Vocabulary, fold

MENU_REACH = 2  # lines either side of a section label that must not name other sections
_BREADCRUMB = re.compile(r"\s*[>›»]\s*")
_TITLE_PREFIX = re.compile(r"^\s*\[([^\]]{1,12})\]")
_PORTAL_NOTE = re.compile(r"언론사에서\s*(\S{1,12}?)\s*섹션으로\s*분류")
_SECTION_BOX = re.compile(r"^\s*(\S{1,10})\s+(?:많이\s*본|인기|주요|최신|핫)\s*(?:뉴스|기사)\s*$")
_COPYRIGHT = re.compile(r"ⓒ|©|\(c\)|copyright|저작권", re.IGNORECASE)
_RIGHTS = re.compile(r"copyright|저작권|무단\s*(?:전재|복제|배포|사용)|재배포|all\s*rights?",
                     re.IGNORECASE)
_COPYRIGHT_NAME = re.compile(
    r"(?:ⓒ|©|\(c\)|copyrights?\b|저작권자)\s*(?:\(c\)|ⓒ|©)?\s*(?:by\s+)?(?:since\s+)?"
    r"(?:\d{4}(?:\s*[-~]\s*\d{4})?\s*[.,]?\s*)?(?:ⓒ|©)?\s*(?:'[^']{0,30}'\s*)?"
    r"(?P<name>[^\s,<>\[\]():;|&'\"]{2,30}(?:\([^)\s]{1,10}\))?)", re.IGNORECASE)
_CREDIT = re.compile(r"사진|이미지|포토|게티|연합뉴스\s*제공|shutterstock|getty|clipart", re.I)
_SIGNING_OUTLET = re.compile(
    r"^\s*[(\[]?\s*([A-Za-z0-9가-힣]*(?:뉴스|NEWS|News|TV|일보|신문|방송|[A-Z]{2,})[A-Za-z0-9가-힣]*)"
    r"\s+[가-힣]{2,4}\s*(?:기자|특파원|앵커)?(?:입니다)?")
_SIGN_OFF = re.compile(r"(?:입니다|기자|특파원|앵커)\s*\.?\s*[)\]]?\s*(?:[\[(]?\S+@\S+)?$")
_TITLE_SUFFIX = re.compile(r"\s[-|:·–—]\s*([^-|:·–—]{2,24})$")
# Evidence for an outlet and its weight; a name in the copyright line or the byline counts most.
WEIGHTS = {"copyright line": 3, "byline": 3, "sign-off": 2, "page title": 2, "e-mail": 1,
           "masthead": 1, "credit": 1}
RAW_WEIGHTS = {"copyright line": 3, "byline": 3, "sign-off": 2, "page title": 1}
CAPS = {"e-mail": 2, "masthead": 2}


def section_in_lines(lines: list[str], title: int | None, date: tuple[int, int],
                     vocab: Vocabulary) -> tuple[str, str] | None:
    """Page lines, the headline's index and the date block's (first, last) -> (section, rule)."""
    top = title if title is not None else date[0]
    for rule, index in [("headline prefix", top), ("headline prefix in the page title", 0)]:
        prefix = _TITLE_PREFIX.match(lines[index]) if index < len(lines) else None
        if prefix and (section := vocab.section(prefix.group(1))):
            return section, rule
    tail = _after_dates(lines[date[1]]) if date[1] < len(lines) else ""
    if len(tail) <= 20 and (section := vocab.section(tail)):
        return section, "section label by the date line"
    for index in [*range(top + 1, date[0]), date[1] + 1, date[1] + 2]:
        found = _label_at(lines, index, vocab, known_only=True) if index < len(lines) else None
        if found:
            return found, "section label by the date line"
    for index in range(top - 1, max(-1, top - 10), -1):
        found = _label_at(lines, index, vocab)
        if found:
            return found, "section label above the headline"
    note = _PORTAL_NOTE.search(" ".join(lines))  # a page's markup may break the note's lines
    if note and (section := vocab.section(note.group(1))):
        return section, "the portal's section note"
    boxes = {section for line in lines if (m := _SECTION_BOX.match(line))
             and (section := vocab.section(m.group(1)))}
    if len(boxes) == 1:
        return boxes.pop(), "the section's most-read box"
    return None


def meta_sections(meta: dict[str, str]) -> list[tuple[str, str]]:
    """A page's meta tags -> (key, value) of each naming the article's section, in page order."""
    return [(key, value) for key, value in meta.items()
            if re.search(r"(?:^|[:._])(?:section\d*|category|categories)$", key, re.I)]


def url_section(url: str | None, vocab: Vocabulary) -> str | None:
    """'https://x.com/news/politics/123' -> 'politics': the first path segment naming a section."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I).split("?")[0]
    return next((p for p in path.split("/") if p and not p.isdigit()
                 and vocab.section(p, whole=True)), None)


def _after_dates(line: str) -> str:
    ends = [m.end() for m in korean.DATE_RE.finditer(line)]
    return line[ends[-1]:].strip(" |)") if ends else ""


def _label_at(lines: list[str], index: int, vocab: Vocabulary,
              known_only: bool = False) -> str | None:
    """A section label on this line, unless it is one item of a menu; a breadcrumb's last
    crumb even when no vocabulary knows it, unless `known_only`."""
    line = lines[index].strip(" |")
    if len(line) > 40:
        return None
    parts = [p for p in _BREADCRUMB.split(line) if p]
    if len(parts) >= 2 and not known_only:
        known = [vocab.section(p) for p in parts if vocab.section(p)]
        return known[-1] if known else (parts[-1] if len(parts[-1]) <= 12 else None)
    name = vocab.section(line) if len(line) <= 20 else None
    if name is None:
        return None
    others = {vocab.section(n.strip(" |")) for n in _block_around(lines, index)
              if len(n) <= 20} - {None, name}
    return None if others else name


def _block_around(lines: list[str], index: int) -> list[str]:
    """The lines within MENU_REACH of this one, not past a blank line (the end of a block)."""
    around = []
    for step in (-1, 1):
        at = index + step
        while 0 <= at < len(lines) and lines[at] and abs(at - index) <= MENU_REACH:
            around.append(lines[at])
            at += step
    return around


def outlet_in_lines(lines: list[str], byline_outlet: str | None,
                    vocab: Vocabulary) -> tuple[str, str] | None:
    """Page lines (and the byline's outlet) -> (the outlet the evidence names most, evidence).

    Names no table knows count too (the copyright line's, the byline's), so a page of an
    outlet missing from the tables is not credited to a sister site its menu links to."""
    evidence: list[tuple[str, str]] = []
    if byline_outlet:
        evidence.append((byline_outlet, "byline"))
    suffix = _TITLE_SUFFIX.search(lines[0]) if lines else None
    if suffix:
        evidence.append((suffix.group(1).strip(), "page title"))
    for line in lines:
        if line and len(line) <= 200:
            evidence += _line_evidence(line, vocab)
    return _weigh([(n, k) for n, k in evidence if not vocab.is_portal(n)], vocab)


def _line_evidence(line: str, vocab: Vocabulary) -> list[tuple[str, str]]:
    def named() -> list[str]:
        return list(dict.fromkeys(vocab.outlets_in(line)))

    if _RIGHTS.search(line):
        raw = _COPYRIGHT_NAME.search(line)
        found = named() or ([raw.group("name").rstrip(".")] if raw and not _CREDIT.search(
            raw.group("name")) else [])
        return [(name, "copyright line") for name in found]
    if _COPYRIGHT.search(line):
        return [(name, "credit") for name in named()]
    if len(line) < 60 and _SIGN_OFF.search(line):
        signing = _SIGNING_OUTLET.match(line)  # the outlet the reporter names, not the e-mail's
        return [(name, "sign-off") for name in ([signing.group(1)] if signing else named())]
    if len(line) <= 24 and (outlet := vocab.outlet(line.strip(" |"))):
        return [(outlet, "masthead")]
    if "@" in line and len(line) < 120:
        return [(name, "e-mail") for name in named()]
    return []


def _weigh(evidence: list[tuple[str, str]], vocab: Vocabulary) -> tuple[str, str] | None:
    """Evidence -> the outlet with the most weight (the earliest evidence breaks ties)."""
    counted: Counter[tuple[str, str]] = Counter()
    score: Counter[str] = Counter()
    shown: dict[str, tuple[int, str]] = {}  # the name as its weightiest evidence spells it
    for name, kind in evidence:
        known = vocab.outlet(name)
        key = known or raw_outlet_key(name)
        weight = WEIGHTS[kind] if known else RAW_WEIGHTS.get(kind, 0)
        if not key or not weight:
            continue
        if weight > shown.get(key, (0, ""))[0]:
            shown[key] = (weight, known or name)
        counted[key, kind] += 1
        if counted[key, kind] <= CAPS.get(kind, 3):
            score[key] += weight
    if not score:
        return None
    order = list(score)
    best = max(score, key=lambda k: (score[k], -order.index(k)))
    kinds = {k for n, k in evidence if (vocab.outlet(n) or raw_outlet_key(n)) == best}
    return shown[best][1], ", ".join(sorted(kinds, key=lambda k: -WEIGHTS[k]))


def raw_outlet_key(name: str) -> str:
    """An outlet name no table knows -> a key that 'KBS', 'KBS 뉴스' and 'KBS(한국방송)' share."""
    name = re.sub(r"\s*[(\[][^)\]]*[)\]]", "", name)
    return re.sub(r"(?:뉴스|news)$", "", fold(name)) or fold(name)


TAG_LIMIT = 10
GENERIC_TAGS = frozenset(fold(t) for t in (
    "뉴스", "news", "기사", "속보", "단독", "종합", "뉴스채널", "생방송", "제보", "방송", "보도",
    "신문", "언론", "온라인", "인터넷뉴스", "포토", "사진", "영상", "동영상", "실시간", "최신뉴스",
    "주요뉴스", "헤드라인", "오늘의뉴스", "이슈", "화제", "기자", "breaking", "breakingnews",
    "video", "photo", "daily", "뉴스속보", "news korea", "korea news", "한국뉴스"))
_DEICTIC = re.compile(r"^(?:이날|당일|오늘|어제|내일|이번|올해|금일)(?=[가-힣]{2})")
_REPEATED = re.compile(r"(.{2,}?)\1+")
_DOMAIN_LIKE = re.compile(r"^(?:https?://|www\.)|\.(?:com|co\.kr|kr|net|org)$", re.IGNORECASE)


def clean_tags(tags: tuple[str, ...], *, outlet: str | None, section: str | None,
               vocab: Vocabulary) -> tuple[str, ...]:
    """Page keywords -> at most 10 tags: none naming the outlet or a section, none generic
    ('뉴스', '속보'), none that only repeat a tag ('이날이날', 'KBS뉴스' beside 'KBS')."""
    kept: list[str] = []
    keys: list[str] = []
    for raw in tags:
        tag = " ".join(str(raw).split()).strip("#")
        key = fold(tag)
        if not key or len(tag) > 30 or key in keys or _is_noise(tag, key, outlet, section, vocab):
            continue
        if any(key.startswith(k) and fold(key[len(k):]) in GENERIC_TAGS for k in keys):
            continue
        kept.append(tag)
        keys.append(key)
    return tuple(kept[:TAG_LIMIT])


def _is_noise(tag: str, key: str, outlet: str | None, section: str | None,
              vocab: Vocabulary) -> bool:
    if key in GENERIC_TAGS or _DOMAIN_LIKE.search(tag) or _REPEATED.fullmatch(key):
        return True
    if _DEICTIC.match(tag) or key.isdigit():
        return True
    named = vocab.outlet(tag)
    if outlet and (key == fold(outlet) or (named is not None and named == vocab.outlet(outlet))):
        return True
    return bool(section and key == fold(section)) or vocab.is_section_word(tag)
