"""Posting lists, encoded: which documents hold a term, and the term's byte in each.

A shard holds every term whose FNV-1a hash falls in it. Its bytes, before gzip: a varint count
of terms, then for each term (in code point order) a varint byte length and its UTF-8, its
document count, its last document id and the byte length of its ids; then, term by term, the
ids as varint gaps (the first from 0) followed by one byte per id (counts in body and title,
see terms.py). search.js reads exactly this.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate, chain
from operator import sub

# term -> (document count, last id, encoded ids, one byte per id)
Entry = tuple[int, int, bytes, bytes]


def fnv1a(term: str) -> int:
    """A term -> its 32-bit FNV-1a hash over UTF-8: which shard holds it (search.js agrees)."""
    value = 0x811C9DC5
    for byte in term.encode():
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def encode_ids(ids: Iterable[int], start: int = 0) -> bytes:
    """Ascending ids -> their gaps as varints, the first from `start`."""
    ids = list(ids)
    gaps = list(map(sub, ids, chain((start,), ids)))
    if not gaps or max(gaps) < 0x80:
        return bytes(gaps)  # one byte per gap: most posting lists of common terms
    return b"".join(map(varint, gaps))


def decode_ids(data: bytes) -> list[int]:
    """Varint gaps -> the ascending ids."""
    if not data or max(data) < 0x80:
        return list(accumulate(data))
    ids, value, shift, last = [], 0, 0, 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            last += value
            ids.append(last)
            value = shift = 0
    return ids


def entry(ids: list[int], values: bytes | bytearray) -> Entry:
    """A term's document ids and their values -> its entry."""
    return len(ids), ids[-1], encode_ids(ids), bytes(values)


def encode_shard(entries: dict[str, Entry]) -> bytes:
    """Term entries -> the shard's bytes (before gzip)."""
    head, body = [varint(len(entries))], []
    for term in sorted(entries):
        count, last, ids, values = entries[term]
        name = term.encode()
        head += [varint(len(name)), name, varint(count), varint(last), varint(len(ids))]
        body += [ids, values]
    return b"".join(head + body)


def decode_shard(data: bytes) -> dict[str, Entry]:
    """A shard's bytes -> its term entries (ids still encoded)."""
    position = 0

    def number() -> int:
        nonlocal position
        value = shift = 0
        while True:
            byte = data[position]
            position += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7

    heads = []
    for _ in range(number()):
        size = number()
        term = data[position:position + size].decode()
        position += size
        heads.append((term, number(), number(), number()))
    entries = {}
    for term, count, last, size in heads:
        entries[term] = (count, last, data[position:position + size],
                         data[position + size:position + size + count])
        position += size + count
    return entries


class Postings:
    """Term -> the ids holding it and the term's byte in each, as documents arrive in id order
    (a cold index: arrays, so 40 million postings stay small)."""

    def __init__(self) -> None:
        self.ids: dict[str, array] = {}
        self.values: dict[str, bytearray] = {}

    def add(self, doc: int, terms: tuple[str, ...], values: bytes) -> None:
        ids, kept = self.ids, self.values
        for term, value in zip(terms, values, strict=True):
            found = ids.get(term)
            if found is None:
                ids[term] = array("I", (doc,))
                kept[term] = bytearray((value,))
            else:
                found.append(doc)
                kept[term].append(value)

    def shards(self, count: int) -> list[dict[str, Entry]]:
        """The postings split into `count` shards of term entries."""
        shards: list[dict[str, Entry]] = [{} for _ in range(count)]
        for term, ids in self.ids.items():
            shards[fnv1a(term) % count][term] = (len(ids), ids[-1], encode_ids(ids),
                                                bytes(self.values[term]))
        return shards


def patch(old: Entry | None, changes: list[tuple[int, int]], cut: int | None) -> Entry | None:
    """A term's entry, its changes (id, new byte; 0 removes) and the first id no longer kept
    (`cut`, or None) -> the new entry, None when no document holds the term any more."""
    if old is not None and cut is None and changes and changes[0][0] > old[1] and all(
            value for _, value in changes):
        count, last, old_ids, old_values = old  # appended after the last id: the common case
        tail = [doc for doc, _ in changes]
        return (count + len(tail), tail[-1], old_ids + encode_ids(tail, last),
                old_values + bytes(value for _, value in changes))
    ids, values = (decode_ids(old[2]), bytearray(old[3])) if old else ([], bytearray())
    if cut is not None:
        keep = bisect_left(ids, cut)
        del ids[keep:], values[keep:]
    for doc, value in changes:
        at = bisect_left(ids, doc)
        present = at < len(ids) and ids[at] == doc
        if present and value:
            values[at] = value
        elif present:
            del ids[at], values[at]
        elif value:
            ids.insert(at, doc)
            values.insert(at, value)
    return entry(ids, values) if ids else None
