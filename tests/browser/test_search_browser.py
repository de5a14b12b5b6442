"""Search in a real Chromium: every query kind the issue lists, filters, excerpts, sub-paths."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import SHARED, Project, serve_built

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


# A small site for what the issue lists: particles, words found nowhere, ranking, sorting.
FORMS = {
    "exact": ("원팀은 이렇게 출범했다", "2026-11-01", "원팀은 동맹을 맺었다."),
    "stem": ("원팀 소식", "2026-11-20", "원팀 동맹이 커졌다."),
    "nation": ("대한민국 경제 전망", "2026-11-02", "대한민국 경제가 자랐다. AI 투자가 늘었다."),
    "soup": ("국 한 그릇", "2026-11-03", "정 많은 식당에서 국 한 그릇을 먹었다. AI 로봇이 날랐다."),
    "about": ("미국 정부 예산안 발표", "2026-10-01",
              "미국 정부는 새 예산안을 내놓았다. 미국 정부 부처가 반겼다."),
    **{f"mention{n}": (f"시장 소식 {n}", f"2026-11-{10 + n}",
                       "시장은 조용했다. 미국 쪽 말로는 정부 일이다.") for n in range(4)},
}


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    root = tmp_path_factory.mktemp("search-forms")
    project = Project(root / "project")
    project.config("publish: full\n")
    for name, (title, day, body) in FORMS.items():
        project.article(name, title, f"{day}T09:00:00+09:00", body=body, section="사회")
    url, server = serve_built(project.root, root / "www")
    yield url
    server.shutdown()


def test_a_word_with_a_particle_finds_its_stem_and_the_exact_form_ranks_first(forms, context):
    assert titles(search(context, forms, "원팀은")) == ["원팀은 이렇게 출범했다", "원팀 소식"]
    assert titles(search(context, forms, "원팀은 동맹")) == ["원팀은 이렇게 출범했다", "원팀 소식"]
    [nation] = search(context, forms, "대한민국의")
    assert nation["title"] == "대한민국 경제 전망" and "대한민국" in nation["marks"]


def test_a_two_syllable_word_ending_like_a_particle_stays_whole(forms, context):
    assert titles(search(context, forms, "국가")) == []  # not 국: one syllable would remain
    assert titles(search(context, forms, "정도")) == []  # not 정


def test_a_word_found_nowhere_gives_no_results(forms, context):
    assert len(search(context, forms, "AI")) == 2
    assert titles(search(context, forms, "AI 원뮤온팀")) == []
    assert titles(search(context, forms, "원팀 쿼크뮤온")) == []


def test_results_are_ranked_by_relevance_or_newest_first(forms, context):
    ranked = titles(search(context, forms, "미국 정부"))
    assert ranked[0] == "미국 정부 예산안 발표" and len(ranked) == 5  # the oldest, first
    newest = titles(search(context, forms, "미국 정부", sort="date"))
    assert newest == [f"시장 소식 {n}" for n in (3, 2, 1, 0)] + ["미국 정부 예산안 발표"]


def test_the_order_is_a_choice_on_the_search_page(forms, context):
    page = context.new_page()
    page.goto(forms + "search/?q=" + quote("미국 정부"))
    page.wait_for_selector("#search-results li", timeout=15_000)
    page.select_option("#search-sort", "date")
    page.click(".search-form button[type=submit]")
    page.wait_for_url("**sort=date**")
    page.wait_for_selector("#search-results li", timeout=15_000)
    assert page.inner_text("#search-results li .headline") == "시장 소식 3"
    page.close()


DEEP = "\n\n".join([*(f"{n}번째 문단은 평범한 이야기를 담았다." for n in range(1, 7)),
                    "일곱째 문단에만 두루미가 나온다."])


@pytest.mark.parametrize(("setting", "found"), [("", False), ("search: shown\n", False),
                                                ("search: full\n", True)])
def test_in_excerpt_mode_the_search_setting_decides_what_is_searchable(
        tmp_path, context, setting, found):
    project = Project(tmp_path / "project")
    project.config(f"publish: excerpt\nexcerpt_length: 40\n{setting}")
    project.article("deep", "긴 기사", "2026-11-19T09:00:00+09:00", body=DEEP)
    url, server = serve_built(project.root, tmp_path / "www")
    try:
        results = search(context, url, "두루미")
        assert titles(results) == (["긴 기사"] if found else [])
        assert all("두루미" not in r["excerpt"] for r in results)  # only what the page shows
        assert titles(search(context, url, "평범한")) == ["긴 기사"]
    finally:
        server.shutdown()


def test_a_search_fetches_nothing_but_the_sites_own_files_under_its_sub_path(demo, context):
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(demo + "search/?q=" + quote("원팀 민원"))
    page.wait_for_selector("#search-results li", timeout=15_000)
    page.wait_for_load_state("networkidle")
    page.close()
    index = [url for url in requested if "/search-index/" in url]
    assert index and all(url.startswith(demo) for url in requested)  # works offline
    assert len(index) <= 6  # the manifest, the lengths, two shards, the result's document
