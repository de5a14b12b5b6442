"""Source bytes -> text and input kind. Kinds are told from the bytes, not the file name."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

MAX_SOURCE_BYTES = 50 * 1024 * 1024
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Declared names that browsers read as a larger superset: decode with the superset.
_SUPERSETS = {"euc-kr": "cp949", "ks_c_5601-1987": "cp949", "ksc5601": "cp949",
              "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
              "iso-8859-1": "cp1252", "latin-1": "cp1252", "us-ascii": "utf-8",
              "ascii": "utf-8", "shift_jis": "cp932", "x-sjis": "cp932"}
_FEED = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?"
                   r"<(?:rss|feed|rdf:RDF)\b", re.S | re.I)
_HTML = re.compile(r"<!DOCTYPE\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:div|p|article|meta)\b",
                   re.I)
_TAG = re.compile(r"</?(?:p|br|div|img|a|span|strong|b|em|table|td|tr|li|h[1-6])\b[^>]*>", re.I)
_FRONT_MATTER = re.compile(r"^\ufeff?---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*\r?$", re.S | re.M)


class UnreadableSource(Exception):
    """The bytes are not text in any encoding we can tell."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    kind: str  # "markdown" | "feed" | "html" | "text"


def read_source(data: bytes) -> Decoded:
    """Raw bytes -> decoded text, the encoding used and the input kind."""
    if not data.strip():
        raise UnreadableSource("empty file")
    if len(data) > MAX_SOURCE_BYTES:
        raise UnreadableSource(f"file is {len(data) // 1024 // 1024} MB; the limit is "
                               f"{MAX_SOURCE_BYTES // 1024 // 1024} MB")
    if _looks_binary(data):
        raise UnreadableSource("binary file (not text, HTML, a feed or Markdown)")
    text, encoding = decode(data)
    text, encoding = unmangle(text, encoding)
    return Decoded(text=text, encoding=encoding, kind=detect_kind(text))


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) * 0.05


def decode(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding): BOM, then valid UTF-8, then each declared charset, then
    charset-normalizer's detection. Declared charsets are often wrong, so each one must decode
    the bytes without error to be used."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for declared in _declared_charsets(data):
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            continue
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UnreadableSource("cannot tell the text encoding")
    return str(best), best.encoding


def _declared_charsets(data: bytes) -> list[str]:
    names = []
    for raw in _DECLARED.findall(data[:20_000]):
        name = raw.decode("ascii", "ignore").lower()
        name = _SUPERSETS.get(name, name)
        if name not in names:
            names.append(name)
    return names


_HANGUL = re.compile("[\uac00-\ud7a3]")
_HANJA = re.compile("[\u4e00-\u9fff\uf900-\ufaff]")
_GARBLED_WORD = re.compile("[\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3]"
                           "[\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3\ufffd]{2,7}")


def _as_utf8_bytes(error: UnicodeError) -> tuple[bytes, int]:
    """Encoding error handler: a character the legacy codec lacks keeps its UTF-8 bytes, and
    U+FFFD (bytes the browser already lost) becomes a byte that is never valid UTF-8."""
    if not isinstance(error, UnicodeEncodeError):  # only registered for encoding
        raise error
    bad = error.object[error.start:error.end]
    return b"".join(b"\xff" if c == "\ufffd" else c.encode() for c in bad), error.end


codecs.register_error("digest-utf8", _as_utf8_bytes)


def unmangle(text: str, encoding: str) -> tuple[str, str]:
    """Text that is UTF-8 shown as EUC-KR (mojibake, '肄붾줈��19') -> the text repaired, or
    UnreadableSource when the browser that saved it lost bytes (U+FFFD) beyond repair."""
    hangul = len(_HANGUL.findall(text))
    if hangul < 10 or len(_HANJA.findall(text)) < hangul * 0.05:
        return text, encoding  # mojibake of Korean is thick with rare Hanja
    repaired = text.encode("cp949", "digest-utf8").decode("utf-8", "replace")
    if len(_HANGUL.findall(repaired)) < hangul * 0.3:
        return text, encoding  # Korean text with Hanja in it, not mojibake
    lost = repaired.count("\ufffd")
    if lost:
        sample = _GARBLED_WORD.search(text)
        example = f" (e.g. {sample.group(0)!r})" if sample else ""
        raise UnreadableSource(f"garbled text that cannot be repaired: UTF-8 shown as EUC-KR "
                               f"when it was saved, {lost} characters lost{example}; save the "
                               "page again, or ingest its saved HTML")
    return repaired, f"{encoding} (repaired: UTF-8 shown as EUC-KR)"


def detect_kind(text: str) -> str:
    """Decoded text -> 'markdown' (front matter), 'feed', 'html' or 'text' (scraped page text)."""
    head = text[:4096]
    if _FRONT_MATTER.match(text[:65536]):
        return "markdown"
    if _FEED.match(head):
        return "feed"
    if _HTML.search(head) and head.lstrip().startswith("<"):
        return "html"
    if len(_TAG.findall(text[:3000])) >= 10:  # a fragment of markup without <html>
        return "html"
    return "text"
