"""What the search index holds of one story: its terms, their counts, and the doc it shows.

Korean writes particles and compounds without spaces (`'AI원팀'에`, `삼성전자`), so each run of
Hangul is indexed as its overlapping syllable pairs (`삼성전자` -> 삼성 성전 전자) and a query
word matches an article holding every pair of it: `전자` finds `삼성전자`, `원팀` finds
`'AI원팀'에`. A run of one syllable is a term of its own; Latin words and numbers stay whole,
lowercased. templates/static/search.js splits a query the same way.
"""

from __future__ import annotations

import html
import json
import marshal
import math
import re
import unicodedata
import zlib
from collections import Counter
from itertools import chain, repeat

from digest.model import Story

_WORDS = re.compile(r"[\uac00-\ud7a3]+|[^\W_\uac00-\ud7a3]+")
_TAGS = re.compile(r"<[^>]+>")
_LINK_TARGETS = re.compile(r"\]\([^)]*\)")  # Markdown link targets: not words of the text
SECTION_MARK = "§"  # never in a word: section names become filter terms
MAX_BODY, MAX_TITLE = 31, 7  # a posting's byte: body count (5 bits), title count (3 bits)


class _Split(dict):
    """Word -> its terms, remembered: the same words recur across thousands of articles."""

    def __missing__(self, word: str) -> tuple[str, ...]:
        if len(self) > 500_000:
            self.clear()  # a bound on memory for huge vocabularies
        if len(word) > 1 and "\uac00" <= word[0] <= "\ud7a3":
            terms = tuple(word[i:i + 2] for i in range(len(word) - 1))
        else:
            terms = (word,)
        self[word] = terms
        return terms


_SPLIT = _Split()


def word_terms(word: str) -> tuple[str, ...]:
    """One run of Hangul or other letters, lowercased -> its index terms."""
    return _SPLIT[word]


def counts(text: str) -> Counter[str]:
    """Text -> how often each index term occurs in it."""
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return Counter(chain.from_iterable(map(_SPLIT.__getitem__, _WORDS.findall(text.lower()))))


def shown_text(story: Story) -> str:
    """The text a story's page shows (the excerpt, in excerpt mode), as plain words."""
    return " ".join(html.unescape(_TAGS.sub(" ", story.html)).split())


def quantize(length: int) -> int:
    """A count of terms -> one byte, on a log scale (1/16 of a doubling)."""
    return min(255, round(16 * math.log2(1 + length)))


def unquantize(byte: int) -> float:
    return 2 ** (byte / 16) - 1


def make_record(story: Story, search: str) -> bytes:
    """Story and the `search` setting -> its packed index record: terms (the section's last),
    one byte each (counts in body and title), quantized length, day, gzipped doc."""
    shown = shown_text(story)
    if search == "full" and not story.full_text:
        body_text = _LINK_TARGETS.sub(" ", story.article.body)
    else:
        body_text = shown
    body = counts(f"{story.subtitle or ''} {body_text}")
    title = counts(story.title)
    terms = list(body)
    values = bytearray(map(min, body.values(), repeat(MAX_BODY)))
    position = {term: i for i, term in enumerate(terms)} if title else {}
    for term, count in title.items():
        i = position.get(term)
        if i is None:
            terms.append(term)
            values.append(0)
            i = len(terms) - 1
        values[i] |= min(count, MAX_TITLE) << 5
    terms.append(SECTION_MARK + story.section.name)
    values.append(1)
    length = quantize(body.total() + title.total())
    return marshal.dumps((tuple(terms), bytes(values), length, story.day.isoformat(),
                          doc_bytes(story, shown)))


def doc_bytes(story: Story, shown: str) -> bytes:
    """What a result shows of a story, gzipped JSON: URL, title, date, section, page text."""
    doc = {"u": story.url, "t": story.title, "d": story.published.isoformat(),
           "s": story.section.name, "x": shown}
    return gzip_bytes(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode())


def gzip_bytes(data: bytes) -> bytes:
    """Bytes -> gzip with no timestamp or name: the same input always gives the same bytes."""
    return zlib.compress(data, 6, wbits=31)


def unpack_record(data: bytes) -> tuple[tuple[str, ...], bytes, int, str, bytes]:
    """Packed record -> (terms, their bytes, quantized length, ISO day, gzipped doc)."""
    return marshal.loads(data)
