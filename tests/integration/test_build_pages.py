"""The built site: every page kind, grouping by section and day, pagination, publishing policy."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import feedparser
import pytest

from digest.feeds import sitemap_urls
from digest.routes import href

CONFIG = """
title: 테스트 다이제스트
base_url: https://user.github.io/repo/
page_size: 2
sections:
  - key: industry-ict
    name: 산업 ICT
    aliases: [IT, 정보통신]
  - key: economy
    name: 경제
"""


@pytest.fixture
def site(project):
    project.config(CONFIG)
    project.article("반도체-수출-회복", "반도체 수출 회복", "2020-06-03T10:38:00+09:00",
                    section="산업 ICT", tags="[반도체, 수출]", outlet="가상일보",
                    authors="[김기자]")
    project.article("b", "금리 동결", "2020-06-03T09:00:00+09:00", section="경제",
                    tags="[금리]", outlet="가상일보")
    project.article("c", "통신 요금 인하", "2020-06-02T15:00:00+09:00", section="정보통신",
                    tags="[통신, 반도체]", outlet="모의신문")
    project.article("늦은-밤-기사", "늦은 밤 기사", "2020-06-03T23:30:00Z", section="IT")
    project.article("e", "AI 스타트업 투자", "2020-05-20T08:00:00+09:00", section="산업 ICT")
    result = project.build()
    assert not result.diagnostics
    return project


def test_every_page_kind_is_written(site):
    for url in ["", "404.html", "2020/06/03/", "2020/06/", "2020/", "sections/",
                "sections/industry-ict/", "tags/", "tags/반도체/", "outlets/",
                "outlets/가상일보/", "2020/06/03/반도체-수출-회복/", "atom.xml", "rss.xml",
                "feed.json", "sections/economy/atom.xml", "sitemap.xml", "robots.txt",
                ".nojekyll", "static/digest.css"]:
        path = site.site / (url + "index.html" if url.endswith("/") or not url else url)
        assert path.is_file(), url


def test_edition_groups_by_section_in_configured_order(site):
    edition = site.page("2020/06/03/")
    assert edition.index("산업 ICT") < edition.index("경제")
    assert edition.index("반도체 수출 회복") < edition.index("금리 동결")
    assert "통신 요금 인하" not in edition  # the day before


def test_day_is_taken_in_the_site_time_zone(site):
    # 23:30 UTC on June 3rd is 08:30 on June 4th in Seoul.
    assert "늦은 밤 기사" in site.page("2020/06/04/")
    assert "늦은 밤 기사" not in site.page("2020/06/03/")
    assert (site.site / "2020/06/04/늦은-밤-기사/index.html").is_file()


def test_section_aliases_map_to_one_section(site):
    listing = site.page("sections/industry-ict/") + site.page("sections/industry-ict/page/2/")
    for title in ("반도체 수출 회복", "통신 요금 인하", "늦은 밤 기사", "AI 스타트업 투자"):
        assert title in listing
    assert not (site.site / "sections/정보통신").exists()


def test_listing_pages_paginate(site):
    first, second = site.page("sections/industry-ict/"), site.page("sections/industry-ict/page/2/")
    assert first.count('class="story"') == 2 and second.count('class="story"') == 2
    assert 'rel="next" href="page/2/"' in first.replace("../../", "").replace(
        "sections/industry-ict/", "")
    assert "1 / 2" in first and "2 / 2" in second
    assert not (site.site / "sections/industry-ict/page/3").exists()


def test_month_and_year_archives_link_days_and_months(site):
    month = site.page("2020/06/")
    assert "2020/06/03/" in month and "2020/06/04/" in month and "2020/05/20/" not in month
    year = site.page("2020/")
    assert "2020/05/" in year and "2020/06/" in year


def test_edition_links_previous_and_next_days(site):
    edition = site.page("2020/06/03/")
    assert re.search(r'rel="prev" href="[./]*2020/06/02/"', edition)
    assert re.search(r'rel="next" href="[./]*2020/06/04/"', edition)


def test_article_page_credits_source_and_links_neighbours(site):
    page = site.page("2020/06/03/반도체-수출-회복/")
    assert "가상일보" in page and "김기자" in page
    assert 'rel="canonical" href="https://user.github.io/repo/2020/06/03/' in page
    assert "#반도체" in page and "#수출" in page
    assert 'rel="prev"' in page and 'rel="next"' in page  # older and newer in its section
    assert '<html lang="ko">' in page


def test_tags_and_outlets_list_their_stories(site):
    tag = site.page(f"tags/{'반도체'}/")
    assert "반도체 수출 회복" in tag and "통신 요금 인하" in tag and "금리 동결" not in tag
    outlet = site.page("outlets/모의신문/")
    assert "통신 요금 인하" in outlet and "반도체 수출 회복" not in outlet


@pytest.mark.parametrize("feed", ["atom.xml", "rss.xml", "sections/industry-ict/atom.xml",
                                  "sections/economy/rss.xml"])
def test_feeds_parse_without_errors(site, feed):
    parsed = feedparser.parse((site.site / feed).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries
    assert all(e.link.startswith("https://user.github.io/repo/") for e in parsed.entries)


@pytest.mark.parametrize("feed", ["feed.json", "sections/economy/feed.json"])
def test_json_feed_has_the_fields_json_feed_1_1_requires(site, feed):
    # feedparser 6 does not read JSON Feed; check the spec's required fields directly.
    data = json.loads((site.site / feed).read_text())
    assert data["version"] == "https://jsonfeed.org/version/1.1" and data["title"]
    assert data["items"]
    for item in data["items"]:
        assert item["id"] and item["url"].startswith("https://user.github.io/repo/")
        assert "content_html" in item and item["date_published"][10] == "T"


def test_site_feed_is_newest_first_with_absolute_links(site):
    entries = feedparser.parse((site.site / "atom.xml").read_bytes()).entries
    assert entries[0].title == "늦은 밤 기사"
    assert entries[0].link == "https://user.github.io/repo/" + href("2020/06/04/늦은-밤-기사/")


def test_sitemap_is_well_formed_with_absolute_urls(site):
    tree = ElementTree.parse(site.site / "sitemap.xml")
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [e.text for e in tree.iter(f"{ns}loc")]
    assert "https://user.github.io/repo/" in locs
    assert all(loc.startswith("https://user.github.io/repo/") for loc in locs)
    assert not any("404" in loc for loc in locs)
    robots = (site.site / "robots.txt").read_text()
    assert "Sitemap: https://user.github.io/repo/sitemap.xml" in robots


def test_sitemap_splits_into_an_index_past_50000_urls():
    assert sitemap_urls(50_000) == ["sitemap.xml"]
    assert sitemap_urls(120_001) == ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml",
                                     "sitemap-3.xml"]


def test_404_links_work_from_any_depth(site):
    page = site.page("404.html")
    hrefs = re.findall(r'href="([^"]+)"', page)
    internal = [h for h in hrefs if not h.startswith(("https://", "#"))]
    assert internal and all(h.startswith("/repo/") for h in internal)


def test_excerpt_is_the_default_and_full_is_per_article(project):
    body = "\n\n".join(["가" * 150, "나" * 150, "다" * 150, "라" * 150])
    project.article("발췌-기사", "발췌 기사", "2020-06-03T10:00:00+09:00", body=body,
                    source_url="https://news.example/1")
    project.article("전문-기사", "전문 기사", "2020-06-03T11:00:00+09:00", body=body,
                    publish="full")
    project.build()
    excerpt = project.page("2020/06/03/발췌-기사/")
    assert "가" * 150 in excerpt and "라" * 150 not in excerpt
    assert 'href="https://news.example/1"' in excerpt
    assert "라" * 150 in project.page("2020/06/03/전문-기사/")


def test_excerpt_counts_hangul_characters(project):
    project.config("excerpt_length: 40\n")
    project.article("짧은-발췌", "짧은 발췌", "2020-06-03T10:00:00+09:00",
                    body="첫 문장은 스무 글자 정도입니다. 둘째 문장도 비슷한 길이입니다. "
                         "셋째 문장은 잘려야 합니다.")
    project.build()
    body = re.search(r'<div class="body">(.*?)</div>', project.page("2020/06/03/짧은-발췌/"),
                     re.S).group(1)
    text = re.sub(r"<[^>]+>", "", body).strip()
    assert 10 < len(text) <= 41 and "셋째" not in text


def test_drafts_and_future_articles_are_held_back(project):
    project.article("draft", "초안", "2020-06-03T10:00:00+09:00", draft="true")
    project.article("future", "예약 기사", "2031-01-01T10:00:00+09:00")
    project.article("now", "오늘 기사", "2020-06-03T11:00:00+09:00")
    project.build()
    front = project.page("")
    assert "오늘 기사" in front and "초안" not in front and "예약 기사" not in front
    project.build(drafts=True, future=True)
    front = project.page("")
    assert "초안" in front and "예약 기사" in front


def test_raw_html_in_content_is_escaped(project):
    project.article("x", "<script>alert(1)</script>제목", "2020-06-03T10:00:00+09:00",
                    body='<script>alert(2)</script>\n\n<img src=x onerror="alert(3)">\n\n'
                         "[링크](javascript:alert(4))", source_url="javascript:alert(5)",
                    publish="full")
    project.build()
    for page in project.site.rglob("*.html"):
        text = page.read_text()
        assert "<script>alert" not in text and "<img src=x" not in text
        assert 'href="javascript:' not in text


def test_cname_is_written_when_configured(project):
    project.config("cname: news.example.com\n")
    project.article("기사", "기사", "2020-06-03T10:00:00+09:00")
    project.build()
    assert (project.site / "CNAME").read_text() == "news.example.com\n"


def test_article_json_ld_is_a_news_article_and_cannot_break_out(project):
    project.config("base_url: https://user.github.io/repo/\n")
    project.article("x", "제목</script><script>alert(1)</script>", "2020-06-03T10:00:00+09:00",
                    authors="[김기자]", outlet="가상일보", source_url="https://news.example/1",
                    image="javascript:alert(2)")
    project.build()
    [page] = [p for p in project.site.glob("2020/06/03/*/index.html")]
    text = page.read_text()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "NewsArticle" and data["headline"].startswith("제목</script>")
    assert data["author"] == [{"@type": "Person", "name": "김기자"}]
    assert data["publisher"]["name"] == "가상일보" and data["isBasedOn"] == "https://news.example/1"
    assert data["mainEntityOfPage"].startswith("https://user.github.io/repo/2020/06/03/")
    assert "image" not in data and "<script>alert" not in text


def test_search_index_is_built_unless_no_search(project):
    project.article("기사", "기사", "2020-06-03T10:00:00+09:00")
    project.build(search=True)
    assert (project.site / "search-index" / "index.json").is_file()
    assert "search.js" in project.page("search/")
    project.build(search=False)
    assert not (project.site / "search-index").exists()


def test_every_page_has_a_canonical_link_even_without_a_full_base_url(project):
    project.config("base_url: /news/\n")
    project.article("기사", "기사", "2020-06-03T10:00:00+09:00")
    project.build()
    page = project.page("2020/06/03/기사/")
    assert '<link rel="canonical" href="/news/2020/06/03/%EA%B8%B0%EC%82%AC/">' in page
    assert 'property="og:url"' not in page  # OpenGraph wants an absolute URL
