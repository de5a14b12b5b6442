"""The search index in Python: terms, posting lists, and updates that equal a cold index."""

from __future__ import annotations

import json
import random
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from digest.search.index import INDEX_FOLDER, shard_count, update
from digest.search.shards import (
    Postings,
    decode_ids,
    decode_shard,
    encode_ids,
    encode_shard,
    fnv1a,
    patch,
)
from digest.search.terms import counts, gzip_bytes, quantize


def test_hangul_runs_become_overlapping_syllable_pairs():
    assert counts("삼성전자") == {"삼성": 1, "성전": 1, "전자": 1}


def test_particles_and_punctuation_split_nothing_away():
    assert counts("'AI원팀'에") == {"ai": 1, "원팀": 1, "에": 1}


def test_mixed_latin_and_hangul_and_numbers():
    assert counts("LG전자 5G HBM") == {"lg": 1, "전자": 1, "5g": 1, "hbm": 1}


def test_counts_are_counted_and_text_is_normalized():
    decomposed = "\u1100\u1161\u11a8\u1100\u1161"  # 각가 in conjoining jamo
    assert counts(f"전자 전자 {decomposed}") == {"전자": 2, "각가": 1}


def test_every_pair_of_a_query_is_in_the_text_that_contains_it():
    assert counts("공항").keys() <= counts("가덕도신공항 착공").keys()


def test_fnv1a_is_the_standard_hash_search_js_computes():
    assert fnv1a("") == 0x811C9DC5 and fnv1a("a") == 0xE40C292C


@given(st.lists(st.integers(0, 2**31), unique=True))
def test_ids_round_trip(ids):
    ids.sort()
    assert decode_ids(encode_ids(ids)) == ids


def test_a_shard_round_trips():
    postings = Postings()
    postings.add(0, ("전자", "ai"), b"\x01\x21")
    postings.add(300, ("전자",), b"\x03")
    [entries] = postings.shards(1)
    assert decode_shard(encode_shard(entries)) == entries
    count, last, ids, values = entries["전자"]
    assert (count, last, decode_ids(ids), values) == (2, 300, [0, 300], b"\x01\x03")


@settings(max_examples=60)
@given(st.dictionaries(st.integers(0, 400), st.integers(1, 255), min_size=1),
       st.dictionaries(st.integers(0, 500), st.integers(0, 255)), st.integers(0, 600) | st.none())
def test_a_patched_entry_equals_one_made_from_scratch(before, changes, cut):
    postings = Postings()
    for doc in sorted(before):
        postings.add(doc, ("t",), bytes([before[doc]]))
    [entries] = postings.shards(1)
    after = {d: v for d, v in before.items() if cut is None or d < cut}
    after = {d: v for d, v in {**after, **changes}.items() if v}
    patched = patch(entries["t"], sorted(changes.items()), cut)
    if not after:
        assert patched is None
    else:
        ids = sorted(after)
        assert patched == (len(ids), ids[-1], encode_ids(ids), bytes(after[d] for d in ids))


def test_the_shard_count_is_a_power_of_two_near_32_documents_each():
    assert [shard_count(n) for n in (0, 63, 64, 10_000, 100_000)] == [1, 1, 2, 256, 2048]


def record(url: str, words: str) -> bytes:
    """A packed record as terms.make_record writes it, for a document of these words."""
    import marshal

    found = counts(words)
    terms = (*found, "§사회")
    values = bytes([min(v, 31) for v in found.values()] + [1])
    doc = gzip_bytes(json.dumps({"u": url, "x": words}).encode())
    return marshal.dumps((terms, values, quantize(found.total()), "2026-11-19", doc))


RECORDS: dict[str, bytes] = {}  # as the build's store keeps them, old ones too


def index_of(docs: dict[str, str], previous=None, stored=None):
    """{url: words} in id order -> the index update (from `previous`, with its shards)."""
    records = RECORDS
    records.update((f"k-{url}-{hash(words)}", record(url, words)) for url, words in docs.items())
    listed = [(url, f"k-{url}-{hash(words)}", "2026-11-19") for url, words in docs.items()]
    return update(previous, listed, lambda keys: (records[k] for k in keys),
                  (stored or {}).get)


WORDS = ["경제", "정부", "전자", "반도체", "시장", "원팀", "동맹", "대한민국", "금리", "물가",
         "수출", "AI", "LG", "5G"]


def test_updates_equal_a_cold_index_whatever_changed():
    rng = random.Random(7)
    docs = {f"d{n}/": " ".join(rng.choices(WORDS, k=12)) for n in range(300)}
    first = index_of(docs)
    edited = {**docs, "d5/": "두루미 " + docs["d5/"]}
    appended = {**edited, **{f"e{n}/": " ".join(rng.choices(WORDS, k=9)) for n in range(40)}}
    dropped = {url: words for url, words in appended.items() if url != "e3/"}
    previous, stored = first, dict(first.new_shards)
    for docs_now in (edited, appended, dropped):
        made = index_of(docs_now, previous.state, stored)
        cold = index_of(docs_now)
        assert made.state == cold.state and made.new_shards.keys() <= cold.new_shards.keys()
        assert {**{p: cold.files[p] for p in made.unchanged}, **made.files} == cold.files
        previous, stored = made, {**stored, **made.new_shards}
    one_edit = index_of(edited, first.state, dict(first.new_shards))
    shards = [path for path in one_edit.files if path.startswith(INDEX_FOLDER + "s/")]
    assert len(shards) <= 3 and INDEX_FOLDER + "d/5.bin" in one_edit.files  # 두루 루미 only
    assert len(one_edit.files) <= 6


def test_the_manifest_holds_the_days_and_the_shard_count():
    made = index_of({f"d{n}/": "정부 경제" for n in range(70)})
    manifest = json.loads(made.files[INDEX_FOLDER + "index.json"])
    assert manifest["docs"] == 70 and manifest["shards"] == 2
    assert manifest["days"] == [["2026-11-19", 70]]
    assert zlib.decompress(made.files[INDEX_FOLDER + "lengths.bin"], wbits=31) == bytes(
        [quantize(2)] * 70)


def test_an_index_whose_old_records_are_gone_is_made_anew():
    docs = {f"d{n}/": "정부 경제 전자" for n in range(80)}
    first = index_of(docs)
    edited = {**docs, "d7/": "두루미"}
    old_key = f"k-d7/-{hash(docs['d7/'])}"
    kept = RECORDS.pop(old_key)
    try:
        made = index_of(edited, first.state, dict(first.new_shards))
    finally:
        RECORDS[old_key] = kept
    assert made.files == index_of(edited).files and not made.unchanged
