"""The render context alone: the variables each kind of page's template receives, as the
README's Templates section documents them, for a small hand-made site."""

from __future__ import annotations

from datetime import date

import pytest

from digest import routes
from digest.model import PageKind, Story
from digest.render import Renderer, plan
from digest.templates import make_environment
from tests.unit.stories import article, config, index_of

BASE = "https://user.github.io/repo/"
ARTICLES = [
    article("p1", "2020-06-03T09:00:00+09:00", section="정치", tags=("선거",), outlet="가상일보",
            authors=("김기자",), source_url="https://news.example.com/p1"),
    article("e1", "2020-06-03T10:00:00+09:00", section="경제", tags=("선거",)),
    article("e2", "2020-06-04T07:00:00+09:00", section="경제"),
    article("e3", "2020-07-01T07:00:00+09:00", section="경제"),
]
SHARED = {"sections", "site", "config", "extra", "page", "title", "lang", "link", "url_of",
          "canonical", "root", "years", "feeds"}


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    site = config(base_url=BASE, page_size=2, front_page_editions=2, extra={"motto": "기록"})
    index, stories = index_of(ARTICLES, site)
    return Renderer(index, make_environment(site, None), tuple(plan(index)), stories.__getitem__)


def context(renderer: Renderer, url: str) -> dict:
    [page] = [p for p in renderer.pages if p.url == url]
    return renderer.context(page)


def titles(stories) -> list[str]:
    return [s.title for s in stories]


def test_every_template_gets_the_shared_variables(renderer):
    for page in renderer.pages:
        if page.template:
            assert set(renderer.context(page)) >= SHARED, page.url
    shared = context(renderer, "2020/06/03/")
    assert [s.key for s in shared["sections"]] == ["economy", "politics"]
    assert shared["lang"] == "ko" and shared["feeds"] is True and shared["url_of"] is routes
    assert shared["extra"] == {"motto": "기록"} and shared["config"].base_url == BASE
    assert shared["years"] == [2020]
    assert titles(shared["site"].stories) == ["기사 e3", "기사 e2", "기사 e1", "기사 p1"]
    assert callable(renderer.env.globals["t"])  # t() and t_table() are the environment's


def test_links_are_relative_and_the_canonical_absolute(renderer):
    page = context(renderer, "2020/06/03/p1/")
    assert page["root"] == "../../../../"
    assert page["link"]("sections/economy/") == "../../../../sections/economy/"
    assert page["link"]("") == "../../../../"
    assert page["canonical"] == BASE + "2020/06/03/p1/"
    front = context(renderer, "")
    assert front["root"] == "" and front["link"]("") == "./"


def test_the_404_page_links_through_the_base_path(renderer):
    missing = context(renderer, "404.html")
    assert missing["root"] == "/repo/" and missing["link"]("tags/") == "/repo/tags/"
    assert missing["title"] == "404"
    assert [e.day for e in missing["editions"]] == [date(2020, 7, 1)]  # the latest day only


def test_front_edition_month_and_year(renderer):
    front = context(renderer, "")
    assert front["page"].kind == PageKind.FRONT and front["title"] == renderer.index.config.title
    assert [e.day for e in front["editions"]] == [date(2020, 7, 1), date(2020, 6, 4)]
    edition = context(renderer, "2020/06/03/")["edition"]
    assert (edition.day, edition.previous, edition.next) == (date(2020, 6, 3), None,
                                                            date(2020, 6, 4))
    assert [(g.term.key, titles(g.stories)) for g in edition.groups] == [
        ("economy", ["기사 e1"]), ("politics", ["기사 p1"])]
    assert titles(edition.stories) == ["기사 e1", "기사 p1"]
    month = context(renderer, "2020/06/")
    assert (month["year"], month["month"]) == (2020, 6)
    assert [e.day for e in month["editions"]] == [date(2020, 6, 4), date(2020, 6, 3)]
    year = context(renderer, "2020/")
    assert year["year"] == 2020
    assert year["months"] == [(7, (date(2020, 7, 1),)), (6, (date(2020, 6, 4), date(2020, 6, 3)))]


def test_a_listing_page_gets_its_slice_and_its_neighbours(renderer):
    first = context(renderer, "sections/economy/")
    assert first["term"].name == "경제" and first["total"] == 3 and first["title"] == "경제"
    assert titles(first["stories"]) == ["기사 e3", "기사 e2"]  # page_size 2
    assert first["previous_page"] is None and first["next_page"] == "sections/economy/page/2/"
    assert first["first_page"] == "sections/economy/"
    second = context(renderer, "sections/economy/page/2/")
    assert titles(second["stories"]) == ["기사 e1"] and second["page"].number == 2
    assert second["previous_page"] == "sections/economy/" and second["next_page"] is None
    tag = context(renderer, "tags/선거/")
    assert titles(tag["stories"]) == ["기사 e1", "기사 p1"] and tag["total"] == 2


def test_a_terms_page_counts_each_term(renderer):
    terms = context(renderer, "sections/")
    assert terms["kind"] == "sections"
    assert [(item.term.key, item.count) for item in terms["listings"]] == [
        ("economy", 3), ("politics", 1)]
    assert [(i.term.name, i.count) for i in context(renderer, "outlets/")["listings"]] == [
        ("가상일보", 1)]


def test_an_article_gets_its_story_neighbours_in_its_section_and_json_ld(renderer):
    middle = context(renderer, "2020/06/04/e2/")
    assert isinstance(middle["story"], Story) and middle["title"] == "기사 e2"
    assert middle["newer"].title == "기사 e3" and middle["older"].title == "기사 e1"
    assert titles(middle["more_from_section"]) == ["기사 e3", "기사 e1"]
    alone = context(renderer, "2020/06/03/p1/")
    assert alone["newer"] is None and alone["older"] is None and alone["more_from_section"] == []
    data = alone["json_ld"]
    assert data["@type"] == "NewsArticle" and data["headline"] == "기사 p1"
    assert data["author"] == [{"@type": "Person", "name": "김기자"}]
    assert data["publisher"] == {"@type": "Organization", "name": "가상일보"}
    assert data["mainEntityOfPage"] == BASE + "2020/06/03/p1/"
    assert data["isBasedOn"] == "https://news.example.com/p1"


def test_the_search_page_says_whether_there_is_anything_to_search(renderer):
    assert context(renderer, "search/")["searchable"] is True
    site = config()
    index, _ = index_of([], site)
    empty = Renderer(index, make_environment(site, None), tuple(plan(index)), {}.__getitem__)
    [search] = [p for p in empty.pages if p.kind == PageKind.SEARCH]
    assert empty.context(search)["searchable"] is False
