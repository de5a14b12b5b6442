"""The search index form: Hangul as syllable pairs in hex, other words whole and lowercased."""

from __future__ import annotations

from digest.search import segment


def pairs(*words: str) -> str:
    return " ".join("".join(f"{ord(c):04x}" for c in w) + "k" for w in words)


def test_hangul_runs_become_overlapping_syllable_pairs():
    assert segment("삼성전자") == pairs("삼성", "성전", "전자")


def test_particles_and_punctuation_split_nothing_away():
    assert segment("'AI원팀'에") == "ai " + pairs("원팀") + " " + pairs("에")


def test_mixed_latin_and_hangul_and_numbers():
    assert segment("LG전자 5G HBM") == "lg " + pairs("전자") + " 5g hbm"


def test_every_pair_of_a_query_is_in_the_text_that_contains_it():
    text, query = set(segment("가덕도신공항 착공").split()), set(segment("공항").split())
    assert query <= text
