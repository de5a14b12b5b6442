"""Scraped page text (a news page copied as plain text, menus and all) -> Extracted.

The page is read as lines. The anchor is the date line (입력/기사입력/작성 …) that is followed by
the most prose; the title is the nearest headline-like line above it, the section a known
section name or breadcrumb above that; the body runs from the first prose line after the anchor
to the last one before an end mark (ⓒ, 저작권자, (끝), a teaser block), skipping page chrome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digest.ingest import chrome, korean
from digest.ingest.attribution import HEADER_REPORTER, email_after, find_byline, unknown_outlet
from digest.ingest.extracted import Extracted
from digest.ingest.filing import outlet_in_lines, section_in_lines
from digest.ingest.vocabulary import Vocabulary, vocabulary
from digest.model import Related
from digest.text import nfc

_SENTENCE_END = re.compile(r"(?:[.!?。…\"'”’)\]]|다|요|음|함|됨|임)\s*$")
_BREADCRUMB = re.compile(r"\s*[>›»]\s*")
_AS_OF = re.compile(r"\d\s*(?:기준|현재)\b")
LOOKBACK = 10
MAX_SUBTITLE_LINES = 6
MAX_GAP = 3  # short non-prose lines (subheads, captions) allowed inside a body
SUBSTANTIAL = 300  # characters of prose that make a block surely the article


@dataclass(frozen=True, slots=True)
class _Anchor:
    index: int
    end: int  # last line of the date block
    published: korean.FoundDate
    updated: korean.FoundDate | None


def is_prose(line: str) -> bool:
    """A line of page text -> whether it reads as article prose rather than chrome."""
    if len(line) >= 60:
        return True
    return len(line) >= 20 and bool(_SENTENCE_END.search(line)) and not is_chrome(line)


def is_chrome(line: str) -> bool:
    """A short line of menu, share buttons, counters and the like."""
    return chrome.is_chrome(line)


def extract_text(text: str, vocab: Vocabulary | None = None) -> Extracted | None:
    """Scraped page text -> Extracted, or None when no dated article is found in it; `vocab`
    (default: the built-in one) tells section and outlet names."""
    vocab = vocab or vocabulary()
    lines = _lines(text)
    anchor = _find_anchor(lines)
    if anchor is None:
        return None
    rules: dict[str, str] = {"published": f"date line {anchor.published.label or 'unlabelled'}"}
    title_index = _title_index(lines, anchor.index)
    title = _clean_title(lines[title_index]) if title_index is not None else None
    if title:
        rules["title"] = "nearest headline above the date line"
    section = _ruled(rules, "section", section_in_lines(
        lines, title_index, (anchor.index, anchor.end), vocab))
    body_start, body_end, stop = _body_block(lines, anchor.end + 1)
    body_start = _lead_start(lines, anchor.end + 1, body_start)
    subtitle = _subtitle(lines, anchor.end + 1, body_start)
    paragraphs = chrome.clean_body(
        [line for line in lines[body_start:body_end] if line and not is_chrome(line)])
    byline = find_byline(lines, title_index, (anchor.index, anchor.end), (body_start, body_end),
                         paragraphs)
    if byline:
        rules["authors"] = f"byline: {byline.rule}"
    email = (byline.email if byline else None) or email_after(lines, body_end)
    unknown = unknown_outlet(lines, body_end, byline)  # a name no table knows; never a portal
    outlet = _ruled(rules, "outlet", outlet_in_lines(
        lines, byline.outlet if byline else None, vocab) or (
        unknown if unknown and not vocab.is_portal(unknown[0]) else None))
    if subtitle:
        rules["subtitle"] = "deck lines between the date line and the body"
    rules["body"] = f"prose after the date line up to {stop}"
    if anchor.updated:
        rules["updated"] = f"date line {anchor.updated.label}"
    return Extracted(
        title=title, body="\n\n".join(paragraphs), published=anchor.published.moment,
        updated=anchor.updated.moment if anchor.updated else None, subtitle=subtitle,
        section=section, authors=byline.authors if byline else (), email=email,
        dateline=byline.dateline if byline else None, outlet=outlet,
        lang="ko" if _mostly_hangul(" ".join(paragraphs[:5])) else None,
        related=_related(lines, body_end), rules=rules)


def _ruled(rules: dict[str, str], field: str, found: tuple[str | None, str] | None) -> str | None:
    """A (value, rule) found, or None -> the value, its rule recorded under `field`."""
    if not found or not found[0]:
        return None
    rules[field] = found[1]
    return found[0]


def _lines(text: str) -> list[str]:
    """Text -> NFC lines with inner whitespace collapsed and runs of blank lines made one."""
    lines: list[str] = []
    for raw in text.splitlines():
        line = " ".join(nfc(raw).split())
        if line or (lines and lines[-1]):
            lines.append(line)
    return lines


def _find_anchor(lines: list[str]) -> _Anchor | None:
    """The date line that leads to the article: the one before the largest body, labelled
    dates (입력, 기사입력 …) preferred, the nearest one to that body winning ties."""
    best: tuple[float, int] | None = None
    chosen = None
    for index, line in enumerate(lines):
        if len(line) > 120 or (len(line) > 60 and is_prose(line)) or _AS_OF.search(line):
            continue  # a date inside a paragraph, or a widget's "as of" time
        anchor = _anchor_at(lines, index)
        if anchor is None:
            continue
        first, end, _ = _body_block(lines, anchor.end + 1)
        chars = sum(len(line) for line in lines[first:end] if is_prose(line) or end == first + 1)
        score = (chars * (2 if anchor.published.label else 1), -(first - index))
        if chars and (best is None or score > best):
            best, chosen = score, anchor
    return chosen


def _anchor_at(lines: list[str], index: int) -> _Anchor | None:
    """Dates on this line (and the few after it, for '입력' / '2020.06.03' layouts) -> anchor."""
    found: list[korean.FoundDate] = []
    end = index
    label = None
    for offset in range(4):
        if index + offset >= len(lines):
            break
        line = lines[index + offset]
        only_label = korean.LABEL_ONLY_RE.match(line)
        dates = korean.find_dates(line, label=label)
        if not dates and not only_label and (line or offset == 0):
            break
        if dates:
            found += dates
            end = index + offset
        label = only_label.group("label").replace(" ", "") if only_label else None
    if not found or (found[0].label is None and len(lines[index]) > 40):
        return None
    published = next((d for d in found if not d.is_update), None)
    if published is None:
        return None
    updated = next((d for d in found if d.is_update), None)
    return _Anchor(index=index, end=end, published=published, updated=updated)


def _title_index(lines: list[str], anchor: int) -> int | None:
    """The nearest headline above the date line, looking past bylines, e-mails and chrome."""
    considered = 0
    for index in range(anchor - 1, max(-1, anchor - 4 * LOOKBACK), -1):
        line = lines[index]
        if _is_title_like(line):
            return index
        if line and not (is_chrome(line) or korean.EMAIL_RE.fullmatch(line)
                         or korean.parse_byline(line)):
            considered += 1
            if considered >= LOOKBACK:
                break
    return None


def _is_title_like(line: str) -> bool:
    if len(line) < 8 or is_chrome(line) or korean.LABEL_ONLY_RE.match(line) or (
            korean.END_RE.match(line)):
        return False
    if korean.EMAIL_RE.search(line) or korean.parse_byline(line) or _BREADCRUMB.search(line):
        return False
    if HEADER_REPORTER.match(line) and len(line) < 30:
        return False
    return line not in korean.SECTION_WORDS and not korean.find_dates(line)


def _clean_title(line: str) -> str:
    return line.strip(" |").strip()


def _body_block(lines: list[str], start: int) -> tuple[int, int, str]:
    """Lines after the date line -> (first, end) of the article's prose block and why it ends.

    The article is the largest block of prose after the date line; summaries, players and
    sidebars make smaller blocks before it. A later block must be clearly larger to win, and a
    teaser or end mark after a substantial block ends the search.
    """
    best: tuple[int, int, int, str] | None = None  # (chars, first, end, reason)
    index = start
    while index < len(lines):
        line = lines[index]
        if korean.END_RE.match(line) or korean.TEASER_RE.match(line):
            if best and best[0] >= SUBSTANTIAL:
                break
            index += 1
            continue
        if not (is_prose(line) or _opens_body(line)):
            index += 1
            continue
        first = index
        end, chars, reason = _block_end(lines, first)
        if best is None or chars > best[0] * 1.5:
            best = (chars, first, end, reason)
        index = max(end, index + 1)
    if best is None:
        single = _single_line(lines, start)
        return (single, single + 1, "a single line of text") if single is not None else (
            start, start, "no prose found")
    return best[1], best[2], best[3]


def _single_line(lines: list[str], start: int) -> int | None:
    """A page whose text is one short line (a video clip's caption): the longest line of
    text after the date line and before an end mark, if any."""
    found = None
    for index in range(start, min(len(lines), start + 40)):
        line = lines[index]
        if korean.END_RE.match(line) or korean.TEASER_RE.match(line):
            break
        if len(line) >= 12 and korean.HANGUL_RE.search(line) and not (
                is_chrome(line) or korean.find_dates(line) or korean.parse_byline(line)
                or korean.EMAIL_RE.search(line)) and (
                found is None or len(line) > len(lines[found])):
            found = index
    return found


def _opens_body(line: str) -> bool:
    return len(line) > 20 and korean.parse_byline(line) is not None


def _block_end(lines: list[str], first: int) -> tuple[int, int, str]:
    """A block's first line -> (end, prose characters, why it ends)."""
    last_prose, chars, gap = first, 0, 0
    for index in range(first, len(lines)):
        line = lines[index]
        if korean.END_RE.match(line) or korean.TEASER_RE.match(line):
            return last_prose + 1, chars, "an end mark"
        if chrome.hands_over(line):
            continue  # a TV anchor hands over to the reporter: the report follows
        if _is_trailing_byline(line):
            return last_prose + 1, chars, "the closing byline"
        if is_prose(line) or (index == first and _opens_body(line)) or (
                index > first and gap == 0 and _opens_sentence(line)):
            last_prose, gap = index, 0
            chars += len(line)
        elif line:
            gap += 1
            if gap > MAX_GAP:
                return last_prose + 1, chars, "page chrome"
    return last_prose + 1, chars, "the end of the text"


def _opens_sentence(line: str) -> bool:
    """A short line of article text: a sentence, or one that runs on (ends with a comma)."""
    return len(line) >= 5 and bool(_SENTENCE_END.search(line) or line.endswith(",")) and not (
        chrome.is_deck_line(line) or chrome.is_credit(line) or chrome.is_handover(line)
        or korean.parse_byline(line) or korean.find_dates(line))


def _subtitle(lines: list[str], start: int, body_start: int) -> str | None:
    """The deck: the run of headline-style lines right above the body (past a photo's credit,
    caption or enlarge button), after the date line; chrome or a sentence ends the run."""
    index, figure = body_start - 1, 0
    while index >= start and figure <= 3 and (not lines[index] or chrome.is_figure(lines[index])):
        figure += bool(lines[index])
        index -= 1
    deck: list[str] = []
    while index >= start and (not lines[index] or chrome.is_deck_line(lines[index])):
        if lines[index]:
            deck.insert(0, lines[index])
        index -= 1
    return " / ".join(deck[:MAX_SUBTITLE_LINES]) or None


def _lead_start(lines: list[str], start: int, body_start: int) -> int:
    """The body's first line, moved up over a TV anchor's introduction (the prose before a
    hand-over line) and over a short sentence that opens the article right above it."""
    index = body_start - 1
    while index >= start and (not lines[index] or chrome.is_handover(lines[index])):
        index -= 1
    first = body_start
    while index >= start and (not lines[index] or chrome.is_tv_marker(lines[index]) or (
            not is_chrome(lines[index]) and (is_prose(lines[index])
                                             or _opens_sentence(lines[index])))):
        first = index if lines[index] else first
        index -= 1
    return first


def _is_trailing_byline(line: str) -> bool:
    return bool(korean.EMAIL_RE.fullmatch(line)) or (
        len(line) < 60 and "=" not in line and korean.parse_closing_byline(line) is not None)


def _related(lines: list[str], body_end: int) -> tuple[Related, ...]:
    """Headlines of the first teaser block after the body ("best articles", "related")."""
    for index in range(body_end, min(len(lines), body_end + 15)):
        if korean.TEASER_RE.match(lines[index]):
            return tuple(_teaser_headlines(lines[index + 1:index + 60]))
    return ()


def _teaser_headlines(lines: list[str]) -> list[Related]:
    headlines: list[Related] = []
    for line in lines:
        if korean.END_RE.match(line) and not korean.TEASER_RE.match(line):
            break
        if not line or is_chrome(line) or line in ("사진", "영상", "포토"):
            continue
        headline = re.split(r"\s*[\[(【][^\])】]{1,15}=", line, maxsplit=1)[0].strip()
        if 8 <= len(headline) <= 90 and not korean.EMAIL_RE.search(headline):
            headlines.append(Related(title=headline))
        if len(headlines) == 10:
            break
    return headlines


def _mostly_hangul(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    hangul = sum(1 for c in letters if korean.HANGUL_RE.match(c))
    return bool(letters) and hangul / len(letters) > 0.3
