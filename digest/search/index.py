"""The search index as files of site/, made from the stories' records, again only where needed.

Documents are numbered in date order (oldest first), so newest first is id order and a new day
only appends. Under `search-index/`: `index.json` (counts, parameters, the days by id),
`lengths.bin` (one byte per document), `s/<n>.bin` (the shards of posting lists) and
`d/<id>.bin` (what a result shows), each gzipped without a timestamp. Every byte is a function
of the current stories alone, so an updated index equals a cold one; an update re-encodes only
the shards holding terms whose postings changed, and writes only the documents that changed.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from digest.search.shards import Entry, Postings, decode_shard, encode_shard, fnv1a, patch
from digest.search.terms import gzip_bytes, unpack_record, unquantize

INDEX_FOLDER = "search-index/"
VERSION = 1
K1, B, TITLE_WEIGHT = 1.2, 0.75, 4.0  # BM25F: title occurrences count four times
DOCS_PER_SHARD = 32  # the shard count is the power of two nearest docs / this
SHARD_KEY = "shard:"  # store key prefix of a shard's gzipped bytes

Doc = tuple[str, str, str]  # (URL, content key, ISO day), in id order
PackedIndexState = tuple[tuple[Doc, ...], tuple[str, ...], bytes]


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexState:
    """What an index was made of: its documents in id order, its shards' hashes, lengths."""

    docs: tuple[Doc, ...]
    shards: tuple[str, ...]
    lengths: bytes

    def pack(self) -> PackedIndexState:
        """-> plain values, for the build's state file."""
        return self.docs, self.shards, self.lengths

    @classmethod
    def unpack(cls, packed: PackedIndexState | None) -> IndexState | None:
        """pack()'s values (None: no index) -> the state."""
        if packed is None:
            return None
        docs, shards, lengths = packed
        return cls(docs=tuple((url, key, day) for url, key, day in docs), shards=tuple(shards),
                   lengths=bytes(lengths))


@dataclass(frozen=True, slots=True, kw_only=True)
class Update:
    state: IndexState
    files: dict[str, bytes]  # new or possibly changed files of the index
    unchanged: frozenset[str]  # files of the index as the previous one wrote them
    new_shards: dict[str, bytes]  # store key -> gzipped shard, for the next update


class Rebuild(Exception):
    """The previous index cannot be updated (a record or shard is gone): make it anew."""


Records = Callable[[list[str]], Iterator[bytes]]  # content keys -> their packed records


def shard_count(documents: int) -> int:
    """Document count -> the number of shards: a power of two, about 32 documents each."""
    count = 1
    while count * 2 * DOCS_PER_SHARD <= documents:
        count *= 2
    return count


def update(previous: IndexState | None, docs: list[Doc], records: Records,
           shard: Callable[[str], bytes | None]) -> Update:
    """The stories' documents in id order -> the index, updated from `previous` where that
    is cheaper than a new one (`shard` gives a stored shard by key)."""
    if previous is not None and len(previous.shards) == shard_count(len(docs)):
        try:
            return _patched(previous, docs, records, shard)
        except Rebuild:
            pass
    return _fresh(docs, records)


def _fresh(docs: list[Doc], records: Records) -> Update:
    postings, lengths, files = Postings(), bytearray(), {}
    new_shards: dict[str, bytes] = {}
    for doc, data in enumerate(records([key for _, key, _ in docs])):
        terms, values, length, _, shown = unpack_record(data)
        postings.add(doc, terms, values)
        lengths.append(length)
        files[_doc_path(doc)] = shown
    shards = []
    for number, entries in enumerate(postings.shards(shard_count(len(docs)))):
        shards.append(_put_shard(number, entries, files, new_shards))
    state = IndexState(docs=tuple(docs), shards=tuple(shards), lengths=bytes(lengths))
    files.update(_summary(state))
    return Update(state=state, files=files, unchanged=frozenset(), new_shards=new_shards)


def _patched(previous: IndexState, docs: list[Doc], records: Records,
             shard: Callable[[str], bytes | None]) -> Update:
    old = previous.docs
    same = 0  # documents before `same` keep their ids
    while same < min(len(old), len(docs)) and old[same][0] == docs[same][0]:
        same += 1
    edited = [doc for doc in range(same) if old[doc][1] != docs[doc][1]]
    if len(edited) + len(old) + len(docs) - 2 * same > max(100, len(docs) // 8):
        raise Rebuild  # too much moved: a new index is as quick
    changes: dict[str, list[tuple[int, int]]] = defaultdict(list)
    cuts: dict[str, int] = {}
    lengths, files = bytearray(previous.lengths[:same]), {}
    gone = [old[doc][1] for doc in edited] + [key for _, key, _ in old[same:]]
    try:
        before = dict(zip(gone, _records(records, gone), strict=True))
    except KeyError:  # the record of a story no longer listed is gone from the store
        raise Rebuild from None
    fresh = [docs[doc][1] for doc in edited]
    after = dict(zip(fresh, _records(records, fresh), strict=True))
    for doc in edited:
        terms, values, _, _, _ = unpack_record(before[old[doc][1]])
        was = dict(zip(terms, values, strict=True))
        terms, values, length, _, shown = unpack_record(after[docs[doc][1]])
        now = dict(zip(terms, values, strict=True))
        for term in was.keys() | now.keys():
            if was.get(term) != now.get(term):
                changes[term].append((doc, now.get(term, 0)))
        lengths[doc], files[_doc_path(doc)] = length, shown
    for key in gone[len(edited):]:
        for term in unpack_record(before[key])[0]:
            cuts[term] = same
    added = [key for _, key, _ in docs[same:]]
    for doc, data in enumerate(_records(records, added), start=same):
        terms, values, length, _, shown = unpack_record(data)
        for term, value in zip(terms, values, strict=True):
            changes[term].append((doc, value))
        lengths.append(length)
        files[_doc_path(doc)] = shown
    for changed in changes.values():
        changed.sort()
    shards, new_shards = _patch_shards(previous.shards, changes, cuts, shard, files)
    state = IndexState(docs=tuple(docs), shards=shards, lengths=bytes(lengths))
    files.update(_summary(state))
    unchanged = {_doc_path(doc) for doc in range(same)} - files.keys()
    unchanged |= {_shard_path(n) for n in range(len(shards))} - files.keys()
    return Update(state=state, files=files, unchanged=frozenset(unchanged),
                  new_shards=new_shards)


def _records(records: Records, keys: list[str]) -> list[bytes]:
    return list(records(keys)) if keys else []


def _patch_shards(old: tuple[str, ...], changes: dict[str, list[tuple[int, int]]],
                  cuts: dict[str, int], shard: Callable[[str], bytes | None],
                  files: dict[str, bytes]) -> tuple[tuple[str, ...], dict[str, bytes]]:
    """Re-encode only the shards holding a changed term -> (all shard keys, the new ones)."""
    touched: dict[int, list[str]] = defaultdict(list)
    for term in changes.keys() | cuts.keys():
        touched[fnv1a(term) % len(old)].append(term)
    shards, new_shards = list(old), dict[str, bytes]()
    for number, terms in sorted(touched.items()):
        stored = shard(old[number])
        if stored is None:
            raise Rebuild
        entries: dict[str, Entry] = decode_shard(zlib.decompress(stored, wbits=31))
        for term in terms:
            patched = patch(entries.get(term), changes.get(term, []), cuts.get(term))
            if patched is None:
                entries.pop(term, None)
            else:
                entries[term] = patched
        shards[number] = _put_shard(number, entries, files, new_shards)
    return tuple(shards), new_shards


def _put_shard(number: int, entries: dict[str, Entry], files: dict[str, bytes],
               new_shards: dict[str, bytes]) -> str:
    data = gzip_bytes(encode_shard(entries))
    key = SHARD_KEY + hashlib.blake2b(data, digest_size=16).hexdigest()
    files[_shard_path(number)] = new_shards[key] = data
    return key


def _summary(state: IndexState) -> dict[str, bytes]:
    """The manifest and the lengths file of an index."""
    days: list[list] = []
    for _, _, day in state.docs:
        if days and days[-1][0] == day:
            days[-1][1] += 1
        else:
            days.append([day, 1])
    lengths = state.lengths
    average = sum(map(unquantize, lengths)) / len(lengths) if lengths else 0.0
    manifest = {"version": VERSION, "docs": len(state.docs), "shards": len(state.shards),
                "average": round(average, 3), "k1": K1, "b": B, "title": TITLE_WEIGHT,
                "days": days}
    return {INDEX_FOLDER + "index.json": json.dumps(manifest, separators=(",", ":")).encode(),
            INDEX_FOLDER + "lengths.bin": gzip_bytes(lengths)}


def index_paths(state: IndexState) -> Iterable[str]:
    """Every file of the index that `state` describes."""
    yield INDEX_FOLDER + "index.json"
    yield INDEX_FOLDER + "lengths.bin"
    yield from map(_shard_path, range(len(state.shards)))
    yield from map(_doc_path, range(len(state.docs)))


def _shard_path(number: int) -> str:
    return f"{INDEX_FOLDER}s/{number}.bin"


def _doc_path(doc: int) -> str:
    return f"{INDEX_FOLDER}d/{doc}.bin"
