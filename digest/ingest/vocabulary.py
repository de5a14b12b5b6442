"""Names of sections and outlets: the built-in Korean tables (sections.yaml, outlets.yaml) under
the project's own `sections:` and `outlets:`, which win where both name the same thing.

DIGEST_OUTLETS_EXCLUDE (comma-separated outlet names) leaves those outlets out of the built-in
table; benchmarks/outlets.py uses it to score each outlet's pages with nothing tuned on them.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from digest.config import Config, OutletConfig, SectionConfig
from digest.text import nfc
from digest.yamlsafe import load as load_yaml

_DATA = Path(__file__).with_name("sections.yaml"), Path(__file__).with_name("outlets.yaml")
EXCLUDE_VARIABLE = "DIGEST_OUTLETS_EXCLUDE"
_SEPARATORS = re.compile(r"[\s·ㆍ・./\-_&'’\"]+")
_WORD = re.compile(r"[A-Za-z0-9가-힣]+")
_COMBINED = re.compile(r"\s*[·ㆍ・/,&]\s*")
# Words that name no section: the whole site, a format, a list.
GENERIC_SECTIONS = frozenset(map(lambda s: _SEPARATORS.sub("", s).casefold(), (
    "뉴스", "news", "기사", "홈", "home", "전체", "전체기사", "전체뉴스", "최신뉴스", "최신기사",
    "속보", "기타", "일반", "종합", "메인", "main", "article", "articles", "view", "뉴스홈",
    "포토", "photo", "photos", "사진", "영상", "video", "videos", "동영상", "이슈", "issue",
    "issues", "특집", "기획", "단독", "뉴스룸", "newsroom", "www", "m", "index", "list",
    "general", "etc", "기타뉴스", "others", "other", "read", "story", "stories", "content",
    "html_dir", "site", "data", "amp", "mobile", "mnews", "newsview", "print",
)))
# Portals and photo agencies carry other outlets' articles and pictures: never the outlet.
PORTALS = frozenset(("naver", "navercorp", "네이버", "daum", "다음", "kakao", "카카오", "nate",
                     "네이트", "zum", "줌", "google", "구글", "msn", "yahoo", "야후"))
_AFFIXES = re.compile(r"(?:일반|뉴스|포토|종합|기사|news|general|photo|면)$", re.IGNORECASE)
_NAME_SUFFIX = re.compile(r"(?:뉴스|news|닷컴|온라인|online|모바일|mobile|홈페이지)$",
                          re.IGNORECASE)
_HOST = re.compile(r"(?<![\w.@-])(?:https?://)?((?:[a-z0-9-]+\.)+(?:co\.kr|or\.kr|go\.kr|"
                   r"com|net|org|kr|tv))\b", re.IGNORECASE)
_HOST_OF = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/\s]*@)?([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})"
                      r"(?=[:/?#]|$)", re.IGNORECASE)
_EMAIL_HOST = re.compile(r"@((?:[a-z0-9-]+\.)+[a-z]{2,})", re.IGNORECASE)


def fold(name: str) -> str:
    """A name -> the form names are compared in: NFC, case-folded, without spaces and · / - _."""
    return _SEPARATORS.sub("", nfc(name)).casefold()


@dataclass(frozen=True, slots=True)
class Entry:
    """One section or outlet: the name digest writes, and the other names that mean it."""

    name: str
    aliases: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()  # sections: sub-sections filed under this one
    domains: tuple[str, ...] = ()  # outlets: web domains


class Vocabulary:
    """Section and outlet names as pages give them -> the names digest writes."""

    def __init__(self, sections: tuple[Entry, ...], outlets: tuple[Entry, ...],
                 configured_sections: tuple[SectionConfig, ...] = (),
                 configured_outlets: tuple[Entry, ...] = ()):
        self.configured = configured_sections
        self.sections = _index(sections, with_parts=True)
        self.outlets: dict[str, Entry] = {}
        self.domains: dict[str, Entry] = {}
        claimed = {fold(n): c for c in configured_outlets for n in (c.name, *c.aliases)}
        for entry in (*configured_outlets, *outlets):  # the project's first: they win
            names = (entry.name, *entry.aliases)
            # A built-in outlet the project renames (by one of its names) is the project's.
            owner = next((claimed[fold(n)] for n in names if fold(n) in claimed), entry)
            for name in names:
                self.outlets.setdefault(fold(name), owner)
            for domain in entry.domains:
                self.domains.setdefault(domain.lower(), owner)
        self._outlet_memo: dict[str, str | None] = {}

    def section(self, raw: str | None, *, whole: bool = False) -> str | None:
        """A section as a page names it -> the configured name, else the built-in one; None when
        it names no known section (or nothing but the site, like '뉴스'). `whole`: only the
        name as a whole, not by one of its words (for URL segments like 'mexico-economy')."""
        if not raw or fold(raw) in GENERIC_SECTIONS:
            return None
        configured = self._configured(raw)
        if configured:
            return configured
        entry = self._builtin_section(raw, whole)
        if isinstance(entry, str):  # a combined name such as 문화·연예
            return entry
        if entry is None:
            return None
        for name in (entry.name, *entry.aliases):
            configured = self._configured(name)
            if configured:
                return configured
        return entry.name

    def section_name(self, raw: str | None) -> str | None:
        """A section as found -> the name to write: known names canonical, generic ones dropped,
        others kept as they are."""
        if not raw or fold(raw) in GENERIC_SECTIONS or not fold(raw):
            return None
        return self.section(raw) or " ".join(raw.split())

    def is_section_word(self, raw: str) -> bool:
        """Whether a tag is only a section's name (or one of its aliases), never its topic."""
        entry = self.sections.get(fold(raw))
        return entry is not None and fold(raw) not in {fold(p) for p in entry.parts}

    def is_portal(self, name: str) -> bool:
        """Whether a name is a portal's (네이버 뉴스, Daum), which carries outlets' articles."""
        return _NAME_SUFFIX.sub("", fold(name)) in PORTALS or fold(name) in PORTALS

    def outlet(self, raw: str | None) -> str | None:
        """An outlet as a page names it (a name, a sign-off form, a domain) -> its canonical name,
        or None when no table knows it."""
        if not raw:
            return None
        if raw not in self._outlet_memo:  # pages repeat their menus: remember each answer
            entries = (self.outlets.get(fold(v)) for v in _name_variants(raw))
            entry = next((e for e in entries if e is not None), None)
            self._outlet_memo[raw] = entry.name if entry else (
                self.outlet_of_host(raw) if "." in raw else None)
        return self._outlet_memo[raw]

    def outlet_of_host(self, url: str | None) -> str | None:
        """A URL, host name or e-mail domain -> the outlet owning it (the longest domain listed)."""
        if not url:
            return None
        host = _HOST_OF.match(url.strip())
        labels = host.group(1).lower().removeprefix("www.").split(".") if host else []
        for start in range(len(labels) - 1):
            entry = self.domains.get(".".join(labels[start:]))
            if entry is not None:
                return entry.name
        return None

    def outlets_in(self, line: str) -> list[str]:
        """A line of page text -> the outlets it names or whose web domain it shows, in order."""
        found = list(self._names_in(line))
        for pattern in (_HOST, _EMAIL_HOST):
            found += [(m.start(), name) for m in pattern.finditer(line)
                      if (name := self.outlet_of_host(m.group(1)))]
        return [name for _, name in sorted(found)]

    def _names_in(self, line: str) -> Iterator[tuple[int, str]]:
        """(position, outlet) of each outlet name of 3+ characters standing as words in a line:
        the longest run of up to 4 words, joined only by spaces or · . - _ &, that names one."""
        words = list(_WORD.finditer(line))
        index = 0
        while index < len(words):
            for count in range(min(4, len(words) - index), 0, -1):
                last = words[index + count - 1]
                joints = (line[a.end():b.start()] for a, b in zip(
                    words[index:index + count], words[index + 1:index + count], strict=False))
                key = fold(line[words[index].start():last.end()])
                if len(key) >= 3 and key in self.outlets and all(
                        _SEPARATORS.fullmatch(j) for j in joints):
                    yield words[index].start(), self.outlets[key].name
                    index += count - 1
                    break
            index += 1

    def _configured(self, raw: str) -> str | None:
        wanted = " ".join(nfc(raw).casefold().split())
        folded = fold(raw)
        for section in self.configured:
            names = (section.key, section.name, *section.aliases)
            if any(" ".join(n.casefold().split()) == wanted or fold(n) == folded for n in names):
                return section.name
        return None

    def _builtin_section(self, raw: str, whole: bool = False) -> Entry | str | None:
        """The built-in section a name means: as written, without a generic affix ('연예 일반'),
        by its one known word ('iMBC 연예'), or by its parts when they agree ('금융/증권')."""
        folded = fold(raw)
        entry = self.sections.get(folded) or self.sections.get(_AFFIXES.sub("", folded))
        if entry is not None or whole:
            return entry
        for splitter in (re.compile(r"[\s_\-]+"), _COMBINED):
            pieces = [p for p in splitter.split(nfc(raw).strip()) if p]
            if len(pieces) < 2:
                continue
            known = [self.sections.get(fold(p)) or self.sections.get(_AFFIXES.sub("", fold(p)))
                     for p in pieces if fold(p) not in GENERIC_SECTIONS]
            names = {e.name for e in known if e is not None}
            if len(names) == 1 and (splitter is not _COMBINED or None not in known):
                return next(e for e in known if e is not None)
            if len(names) > 1 and None not in known:  # 문화·연예, 산업 ICT: a section of its own
                return " ".join(nfc(raw).split())
        return None


def _index(entries: tuple[Entry, ...], with_parts: bool = False) -> dict[str, Entry]:
    """Entries -> {folded name: entry}; the first entry to claim a name keeps it."""
    index: dict[str, Entry] = {}
    for entry in entries:
        for name in (entry.name, *entry.aliases, *(entry.parts if with_parts else ())):
            index.setdefault(fold(name), entry)
    return index


def _name_variants(raw: str) -> list[str]:
    """'MBN(매일방송)' -> itself, 'MBN', '매일방송'; 'JTBC News' -> itself, 'JTBC'."""
    raw = " ".join(nfc(raw).split())
    variants = [raw]
    if "(" in raw or "[" in raw:
        outside = re.sub(r"\s*[(\[][^)\]]*[)\]]\s*", " ", raw).strip()
        variants += [outside, *re.findall(r"[(\[]([^)\]]+)[)\]]", raw)]
    for name in list(variants):
        stripped = _NAME_SUFFIX.sub("", fold(name))
        if len(stripped) >= 2:
            variants.append(stripped)
    return [v for v in variants if v]


def _entries(path: Path, excluded: frozenset[str] = frozenset()) -> tuple[Entry, ...]:
    data = load_yaml(path.read_text("utf-8"))
    return tuple(Entry(name=nfc(str(item["name"])),
                       aliases=tuple(nfc(str(a)) for a in item.get("aliases") or ()),
                       parts=tuple(nfc(str(p)) for p in item.get("parts") or ()),
                       domains=tuple(str(d).lower() for d in item.get("domains") or ()))
                 for item in data if fold(str(item["name"])) not in excluded)


@functools.cache
def builtin_tables(excluded: frozenset[str] = frozenset()) -> tuple[tuple[Entry, ...], ...]:
    """The built-in section and outlet tables (without the outlets named in `excluded`)."""
    return _entries(_DATA[0]), _entries(_DATA[1], excluded)


@functools.lru_cache(maxsize=8)
def _vocabulary(sections: tuple[SectionConfig, ...], outlets: tuple[OutletConfig, ...],
                excluded: str, korean: bool) -> Vocabulary:
    builtin_sections, builtin_outlets = builtin_tables(
        frozenset(fold(n) for n in excluded.split(",") if n.strip())) if korean else ((), ())
    configured = tuple(Entry(name=o.name, aliases=o.aliases, domains=o.domains) for o in outlets)
    return Vocabulary(builtin_sections, builtin_outlets, sections, configured)


def vocabulary(config: Config | None = None) -> Vocabulary:
    """The vocabulary a project ingests with: its config's sections and outlets over the
    built-in Korean tables (which a site in another language does without)."""
    config = config or Config()
    return _vocabulary(config.sections, config.outlets, os.environ.get(EXCLUDE_VARIABLE, ""),
                       config.language.startswith("ko"))
