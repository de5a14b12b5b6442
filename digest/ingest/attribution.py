"""Who wrote and who published an article in scraped page text: the byline (opening, closing,
a reporter's box after the body, a name in the header), the reporter's e-mail, and an outlet
no table knows (from the byline, the copyright line or the page title)."""

from __future__ import annotations

import re

from digest.ingest import korean
from digest.ingest.chrome import is_chrome

HEADER_REPORTER = re.compile(r"^\s*(?P<name>[가-힣]{2,4})\s*(?:기자|특파원|선임기자|앵커)")
_BARE_NAME = re.compile(r"[가-힣]{2,4}")
_COPYRIGHT_OUTLET = re.compile(
    r"(?:저작권자|Copyrights?)?\s*(?:ⓒ|©|\(c\))\s*(?:\d{4}\s*)?(?P<outlet>[^\s,.<>\[\]()]{2,20})",
    re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"\s+[-|:·]\s+(?P<outlet>[^-|:·]{2,20})$")


def find_byline(lines: list[str], title_index: int | None, date: tuple[int, int],
                body: tuple[int, int], paragraphs: list[str]) -> korean.Byline | None:
    """Page lines, the headline's index, the date block's and the body's (first, end), and the
    body's paragraphs -> the article's reporters: an opening byline, else a closing one, else
    one in the header."""
    if paragraphs:
        opening = korean.parse_byline(paragraphs[0])
        if opening:
            return opening
    for line in [*paragraphs[-2:], *lines[body[1]:body[1] + 8]]:
        closing = korean.parse_closing_byline(line)
        if closing:
            return closing
    block = _reporter_block(lines, body[0])
    if block:
        return block
    top = title_index if title_index is not None else date[0]
    for line in lines[max(0, top - 3):date[1] + 4]:
        match = HEADER_REPORTER.match(line)
        if match and len(line) < 60:
            return korean.Byline(rule="reporter in the header", authors=(match.group("name"),),
                                 email=korean.first_email(line))
    while top >= 1 and lines[top - 1] == lines[top]:  # a headline printed twice
        top -= 1
    above = lines[top - 1] if top >= 1 else ""
    if _BARE_NAME.fullmatch(above) and not is_chrome(above) and (
            above not in korean.SECTION_WORDS):
        return korean.Byline(rule="name line above the headline", authors=(above,))
    return None


_REPORTER_LINE = re.compile(r"(?P<name>[가-힣]{2,4})(?:\s*(?P<role>기자|특파원))?")


def _reporter_block(lines: list[str], start: int) -> korean.Byline | None:
    """A reporter's box after the body: a name line with its role ('홍길동 기자', or the name
    and '기자' on two lines) and the reporter's e-mail right under it."""
    for index in range(start, len(lines) - 1):
        match = _REPORTER_LINE.fullmatch(lines[index])
        if not match:
            continue
        role_below = match["role"] is None and lines[index + 1] in ("기자", "특파원")
        if match["role"] is None and not role_below:
            continue
        below = index + 2 if role_below else index + 1
        email = korean.EMAIL_RE.fullmatch(lines[below]) if below < len(lines) else None
        if email:
            return korean.Byline(rule="reporter box with e-mail", authors=(match["name"],),
                                 email=email.group(0))
    return None


def email_after(lines: list[str], body_end: int) -> str | None:
    """The reporter's e-mail in the few lines after the body, if one is there."""
    for line in lines[body_end:body_end + 4]:
        match = korean.EMAIL_RE.search(line)
        if match and len(line) < 80:
            return match.group(0)
    return None


def unknown_outlet(lines: list[str], body_end: int,
                   byline: korean.Byline | None) -> tuple[str, str] | None:
    """An outlet no table knows: the byline's, else the copyright line's, else the title's."""
    if byline and byline.outlet:
        return byline.outlet, "byline"
    for line in lines[body_end:body_end + 30]:
        if len(line) < 120:
            match = _COPYRIGHT_OUTLET.search(line)
            if match and korean.HANGUL_RE.search(match.group("outlet") + "가") and not match.group(
                    "outlet").isdigit():
                return match.group("outlet").strip(), "copyright line"
    suffix = _TITLE_SUFFIX.search(lines[0]) if lines else None
    return (suffix.group("outlet").strip(), "page title") if suffix else None
