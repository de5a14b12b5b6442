"""Text helpers shared by the pipelines: normalization, slugs, character counts."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

SLUG_MAX_CHARS = 80
_SLUG_SEPARATORS = re.compile(r"[\W_]+")
_RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                   *(f"lpt{i}" for i in range(10)), "index", "page", "feed"}
_CJK_RANGES = r"\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK_RANGES}]+")


@functools.cache
def _latin_word() -> re.Pattern[str]:
    return re.compile(f"[^\\W{_CJK_RANGES}]+")  # compiled on first use: it takes ~5 ms


def nfc(text: str) -> str:
    """Any text -> its NFC form (macOS file names and some pastes arrive as NFD)."""
    return unicodedata.normalize("NFC", text)


def slugify(text: str, fallback: str = "") -> str:
    """Title or name -> a URL- and file-safe slug: Hangul kept, Latin lowercased, never empty."""
    slug = _SLUG_SEPARATORS.sub("-", nfc(text).lower()).strip("-")
    while len(slug) > SLUG_MAX_CHARS or len(slug.encode()) > 200:  # names cap at 255 bytes
        slug = _shorter(slug)
    if slug in _RESERVED_NAMES:
        slug = f"{slug}-"
    if not slug:
        digest = hashlib.sha1(nfc(text or fallback).encode()).hexdigest()[:10]
        slug = f"{slugify(fallback) if fallback else 'item'}-{digest}"
    return slug


def _shorter(slug: str) -> str:
    """A slug -> without its last word; a single word loses its last character instead."""
    head, _, _ = slug[:SLUG_MAX_CHARS + 1].rpartition("-")
    return head.rstrip("-") if head else slug[:min(len(slug) - 1, SLUG_MAX_CHARS)]


def cjk_chars(text: str) -> int:
    """Text -> number of Hangul, kana and Han characters in it."""
    return sum(map(len, _CJK_RUN.findall(text)))


def reading_minutes(text: str) -> int:
    """Plain text -> minutes to read it, counting characters for CJK and words for the rest."""
    cjk = cjk_chars(text)
    words = len(_latin_word().findall(text))  # CJK is outside the class: it splits words
    minutes = cjk / 500 + words / 220
    return max(1, round(minutes))


def truncate_chars(text: str, limit: int) -> str:
    """Plain text -> at most `limit` characters, cut at a sentence or space where one is near."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for mark in (". ", "? ", "! ", "。"):
        end = cut.rfind(mark)
        if end >= limit * 0.5:
            return cut[: end + len(mark)].rstrip()
    space = cut.rfind(" ")
    if space >= limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,.·") + "…"
