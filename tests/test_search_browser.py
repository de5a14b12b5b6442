"""Search in a real Chromium: every query kind the issue lists, filters, excerpts, sub-paths."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import SHARED, serve_built

GENERATOR = SHARED / "bench" / "gen_corpus.py"


def search(context, url: str, query: str, **filters) -> list[dict]:
    """Open /search/?q=…, load every page of results -> each result's title, meta line,
    excerpt and marked words."""
    params = "&".join(f"{k}={quote(v)}" for k, v in {"q": query, **filters}.items())
    page = context.new_page()
    page.goto(f"{url}search/?{params}")
    page.wait_for_function("document.getElementById('search-status').textContent"
                           ".includes('검색 결과')", timeout=15_000)
    while page.is_visible("#search-more"):
        shown = page.locator("#search-results li").count()
        page.click("#search-more")
        page.wait_for_function(f"document.querySelectorAll('#search-results li').length > {shown}"
                               " || document.getElementById('search-more').hidden",
                               timeout=15_000)
    page.wait_for_function("[...document.querySelectorAll('#search-results .summary')]"
                           ".every(p => p.textContent.length > 0)", timeout=15_000)
    results = page.eval_on_selector_all("#search-results li", """items => items.map(li => ({
        title: li.querySelector('.headline').textContent,
        href: li.querySelector('.headline').href,
        meta: li.querySelector('.meta').textContent,
        excerpt: li.querySelector('.summary').textContent,
        marks: [...li.querySelectorAll('mark')].map(m => m.textContent)}))""")
    page.close()
    return results


def titles(results: list[dict]) -> list[str]:
    return [r["title"] for r in results]


AI_ONE_TEAM = "한빛전자·HB통신, 'AI원팀'에 합류...공공 AI 공동 개발"


def test_a_noun_with_particles_attached(demo, context):
    found = search(context, demo, "원팀")
    assert titles(found) == [AI_ONE_TEAM]
    assert "'AI원팀'에" in found[0]["excerpt"] and found[0]["marks"][0] == "원팀"


def test_a_word_inside_a_compound_noun(demo, context):
    assert "가상신공항 제3활주로 착공...2030년 완공 목표" in titles(search(context, demo, "공항"))
    electronics = titles(search(context, demo, "전자"))
    assert AI_ONE_TEAM in electronics and len(electronics) >= 3  # 한빛전자 stories


def test_a_two_syllable_word(demo, context):
    found = titles(search(context, demo, "금리"))
    assert "가상중앙은행, 기준금리 3.0% 동결...\"물가 흐름 더 지켜봐야\"" in found


def test_mixed_hangul_and_latin(demo, context):
    assert titles(search(context, demo, "HB통신")) == [AI_ONE_TEAM]


def test_english_words(demo, context):
    found = titles(search(context, demo, "AI"))
    assert AI_ONE_TEAM in found
    assert "한국어 특화 언어모델 '누리' 공개...방언까지 알아듣는다" in found


def test_every_word_of_a_multi_word_query_must_match(demo, context):
    assert titles(search(context, demo, "원팀 민원")) == [AI_ONE_TEAM]
    assert titles(search(context, demo, "원팀 공항")) == []


def test_results_show_date_section_and_link_under_the_sub_path(demo, context):
    [result] = search(context, demo, "원팀")
    assert result["meta"] == "산업 ICT · 2026년 11월 19일"
    assert result["href"] == demo + quote("2026/11/19/ai원팀-출범/")


def test_section_and_date_filters(demo, context):
    in_economy = search(context, demo, "전자", section="경제")
    assert titles(in_economy) == ["코스모지수 1.8% 상승 마감...반도체주 강세"]
    on_the_19th = search(context, demo, "전자", **{"from": "2026-11-19", "to": "2026-11-19"})
    assert on_the_19th and all("2026년 11월 19일" in r["meta"] for r in on_the_19th)


def test_the_header_box_leads_to_results(demo, context):
    page = context.new_page()
    page.goto(demo + "2026/11/18/")
    page.fill(".site-search input", "원팀")
    page.press(".site-search input", "Enter")
    page.wait_for_selector("#search-results li", timeout=15_000)
    assert page.input_value("#search-q") == "원팀"
    assert AI_ONE_TEAM in page.inner_text("#search-results")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    if not GENERATOR.is_file():
        pytest.skip(f"the benchmark corpus generator is not at {GENERATOR}")
    root = tmp_path_factory.mktemp("search-corpus")
    subprocess.run([sys.executable, str(GENERATOR), "--n", "300", "--layout", "digest",
                    "--out", str(root / "project")], check=True, capture_output=True)
    (root / "project" / "digest.yaml").write_text("publish: full\n")
    url, server = serve_built(root / "project", root / "www")
    yield url, root / "project"
    server.shutdown()


def articles_containing(project: Path, word: str) -> set[str]:
    """Titles of the generated articles whose title or body contains `word`."""
    found = set()
    for path in (project / "content").rglob("*.md"):
        front, body = path.read_text().split("\n---\n", 1)
        title = front.split('title: "', 1)[1].split('"\n', 1)[0]
        if word.lower() in (title + body).lower():
            found.add(title)
    return found


@pytest.mark.parametrize("query", ["LG전자", "LG유플러스", "전자", "반도체", "HBM", "기준 금리"])
def test_generated_corpus_queries_find_every_article_with_the_words(corpus, context, query):
    url, project = corpus
    expected = set.intersection(*(articles_containing(project, w) for w in query.split()))
    assert expected, f"the generated corpus has no article with {query}"
    results = search(context, url, query)
    assert set(titles(results)) >= expected
    for result in results:
        assert result["marks"], result  # the hit is shown, highlighted
