"""Planning alone: an Index -> the pages to write, in a stable order, paginated."""

from __future__ import annotations

from digest.model import PageKind
from digest.render import plan
from tests.unit.stories import article, config, index_of

ARTICLES = [
    article("p1", "2020-06-03T09:00:00+09:00", section="정치", tags=("선거",), outlet="가상일보"),
    article("e1", "2020-06-03T10:00:00+09:00", section="경제", tags=("선거",)),
    article("e2", "2020-07-01T07:00:00+09:00", section="경제"),
    article("e3", "2021-01-02T07:00:00+09:00", section="경제"),
]


def urls(pages, kind=None):
    return [p.url for p in pages if kind is None or p.kind == kind]


def test_every_page_of_a_small_site_in_order():
    pages = plan(index_of(ARTICLES, config())[0])
    assert urls(pages) == [
        "", "404.html", "search/",
        "2021/01/02/", "2020/07/01/", "2020/06/03/",  # editions, newest first
        "2020/06/", "2020/07/", "2021/01/", "2020/", "2021/",  # months, years: oldest first
        "sections/", "sections/economy/", "sections/politics/",
        "tags/", "tags/선거/",
        "outlets/", "outlets/가상일보/",
        "2021/01/02/e3/", "2020/07/01/e2/", "2020/06/03/e1/", "2020/06/03/p1/",
        "robots.txt", ".nojekyll", "sitemap.xml",
        "atom.xml", "sections/economy/atom.xml", "sections/politics/atom.xml",
        "rss.xml", "sections/economy/rss.xml", "sections/politics/rss.xml",
        "feed.json", "sections/economy/feed.json", "sections/politics/feed.json",
    ]
    assert len(set(urls(pages))) == len(pages)


def test_each_page_has_its_kind_template_and_key():
    pages = {p.url: p for p in plan(index_of(ARTICLES, config())[0])}
    expected = {
        "": (PageKind.FRONT, "front.html", ""),
        "404.html": (PageKind.NOT_FOUND, "404.html", ""),
        "search/": (PageKind.SEARCH, "search.html", ""),
        "2020/06/03/": (PageKind.EDITION, "edition.html", "2020-06-03"),
        "2020/06/": (PageKind.MONTH, "month.html", "2020-06"),
        "2021/": (PageKind.YEAR, "year.html", "2021"),
        "sections/": (PageKind.SECTIONS_INDEX, "terms.html", "sections"),
        "tags/": (PageKind.TAGS_INDEX, "terms.html", "tags"),
        "outlets/": (PageKind.OUTLETS_INDEX, "terms.html", "outlets"),
        "sections/economy/": (PageKind.SECTIONS, "section.html", "economy"),
        "tags/선거/": (PageKind.TAGS, "tag.html", "선거"),
        "outlets/가상일보/": (PageKind.OUTLETS, "outlet.html", "가상일보"),
        "2020/06/03/e1/": (PageKind.ARTICLE, "article.html", "2020/06/03/e1/"),
        "robots.txt": (PageKind.ROBOTS, "", ""),
        "sitemap.xml": (PageKind.SITEMAP, "", "0"),
        "atom.xml": (PageKind.FEED, "", "atom"),
        "sections/politics/rss.xml": (PageKind.FEED, "", "rss:politics"),
    }
    assert {url: (pages[url].kind, pages[url].template, pages[url].key)
            for url in expected} == expected


def test_listings_are_paginated_by_page_size():
    many = [article(f"a{n}", f"2020-06-0{n}T09:00:00+09:00", section="경제", tags=("선거",))
            for n in range(1, 6)]
    pages = plan(index_of(many, config(page_size=2))[0])
    economy = [(p.url, p.number, p.count) for p in pages if p.key == "economy"
               and p.kind == PageKind.SECTIONS]
    assert economy == [("sections/economy/", 1, 3), ("sections/economy/page/2/", 2, 3),
                       ("sections/economy/page/3/", 3, 3)]
    assert len(urls(pages, PageKind.TAGS)) == 3
    # Only listings are paginated; an exact multiple makes no empty last page.
    assert all(p.count == 1 for p in pages if p.kind not in (PageKind.SECTIONS, PageKind.TAGS))
    exact = plan(index_of(many[:4], config(page_size=2))[0])
    assert urls(exact, PageKind.SECTIONS) == ["sections/economy/", "sections/economy/page/2/"]


def test_an_empty_site_still_has_its_front_404_search_and_terms_pages():
    pages = plan(index_of([], config())[0])
    assert urls(pages) == ["", "404.html", "search/", "sections/", "tags/", "outlets/",
                           "robots.txt", ".nojekyll", "sitemap.xml",
                           "atom.xml", "rss.xml", "feed.json"]


def test_settings_add_and_remove_pages():
    index = index_of(ARTICLES[:1], config(feeds=False, cname="news.example.com"))[0]
    pages = plan(index)
    assert not urls(pages, PageKind.FEED)
    assert urls(pages, PageKind.CNAME) == ["CNAME"]
    with_status = plan(index_of(ARTICLES[:1], config(fetch={"status_page": True}))[0])
    assert urls(with_status)[:4] == ["", "404.html", "search/", "sources/status/"]
    assert [p.template for p in with_status if p.kind == PageKind.SOURCES] == ["sources.html"]
