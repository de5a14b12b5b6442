"""Plain prose goes through markdown-it-pyrs; everything must come out exactly as markdown-it-py
renders it (HTML and paragraph text), on real, generated, hostile and fuzzed text."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.markdown import _render_prose, is_prose, render, render_reference
from digest.store import split_front_matter
from tests.conftest import REPO, SHARED

HOSTILE = [
    "<script>alert(1)</script> 본문",
    "[클릭](javascript:alert(1)) 그리고 [이미지](data:text/html;base64,PHNjcmlwdD4=)",
    "[a](vbscript:msgbox(1)) [b](file:///etc/passwd) [c](JAVASCRIPT:alert(1))",
    '[제목 있는 링크](/path "제목") [빈 링크]() [공백](<a b>)',
    "**굵게** *기울임* ***둘 다*** **안 닫힘 *섞임** 끝*",
    "\"따옴표\" 'single' & &amp; &lt;script&gt; \\*escaped\\*",
    "줄 끝 두 칸  \n다음 줄\n그냥 줄바꿈",
    "\u00a0앞의 nbsp, 뒤의 전각 공백\u3000",
    "`code` ```fence``` ~~취소~~ | 표 |",
    "[^1] 각주 ^[인라인 각주]\n\n[^1]: 각주 내용",
    "# 제목\n\n> 인용\n\n- 목록\n1. 번호\n\n---\n\n    들여쓴 코드",
    "## 소제목\n\n> “인용문”이라고 말했다.\n> 이어지는 줄\n\nR&D와 M&A, S&P 500 &amp; &#39;",
    ">\n\n> [a]: /u\n\n>1. 목록\n\n> > 중첩 인용",
    "((괄호)) [[대괄호]] [a](http://x.y/(nested)) [b](http://x.y/a_b)",
    "이모지 😀 와 결합 문자 각",
    "a" * 5000,
]

PIECES = ["*", "**", "[", "]", "(", ")", '"', "'", "\n", "\n\n", "  \n", " ", "a", "한글", "문단",
          ".", ",", ":", "/", "http://x.y/a", "javascript:alert(1)", "data:text/html,x",
          "vbscript:x", "#", "-", "+", "1.", "2)", "=", "!", "?", "%20", "x@y.z", "   ", "é",
          "[기사](http://a.b/c?d=1)", "[x](javascript:alert(1))", '[z](/rel "제목")', "](",
          "**굵게**", "*기울임*", "(a(b)c)", "[ref]", "[a]: /u", "{", "}", "$", "# ", "## ",
          "####### ", "#제목", ">", "> ", ">> ", "> > ", "&", "R&D", "&amp;", "&#39;", "&;", "M&A"]


def assert_same(text: str) -> None:
    assert render(text) == render_reference(text), repr(text)


def bodies(paths) -> list[str]:
    found = []
    for path in paths:
        parts = split_front_matter(path.read_text(encoding="utf-8"))
        found.append(parts[1] if parts else path.read_text(encoding="utf-8"))
    return found


def test_the_demo_content_and_hostile_text_render_the_same():
    for text in bodies(sorted((REPO / "content").rglob("*.md"))) + HOSTILE:
        assert_same(text)


def test_the_generated_corpus_renders_the_same_and_takes_the_fast_path(tmp_path):
    generator = SHARED / "bench" / "gen_corpus.py"
    if not generator.is_file():
        pytest.skip(f"{generator} is absent (the shared benchmark folder is needed)")
    subprocess.run([sys.executable, str(generator), "--n", "300", "--out", str(tmp_path)],
                   check=True, capture_output=True)
    texts = bodies(sorted(tmp_path.rglob("*.md")))
    fast = [text for text in texts if is_prose(text) and _render_prose(text) is not None]
    assert len(fast) >= 0.9 * len(texts)  # else this test would prove little
    for text in texts:
        assert_same(text)


def test_fuzzed_prose_renders_the_same():
    rng = random.Random(20261124)
    tried = 0
    for _ in range(30_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30)))
        if is_prose(text):
            tried += 1
            assert_same(text)
    assert tried > 5_000


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=25))
def test_any_text_renders_the_same(pieces):
    assert_same("".join(pieces))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["**", " ", "\n", "\n\n", "[", "](", ")", "# ", "> ", "가"])
                | st.characters(), max_size=20))
def test_strong_beside_any_character_renders_the_same(pieces):
    assert_same("".join(pieces))  # found '0**÷**': the two parsers flank symbols differently


def test_a_pyrs_panic_falls_back_instead_of_failing():
    panicking = "'\"---<script>javascript:alert(1))[</script>> ```</script>\t>>))> 1. [~~~"
    assert _render_prose(panicking) is None or render(panicking) == render_reference(panicking)
    assert_same(panicking)


def test_every_unicode_space_but_the_plain_one_sends_text_to_the_reference_parser():
    spaces = [c for c in map(chr, range(0x110000)) if c.isspace() and c not in " \n"]
    assert spaces and not any(is_prose(f"가{c}나") for c in spaces)
