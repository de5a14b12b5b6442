"""Collation alone: Story -> Entry, which entries publish, when the next one comes due, and the
Index (stories newest first, editions by day, listings by section, tag and outlet)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from digest.collate import collate, entry, next_reveal, select
from digest.model import Term
from tests.unit.stories import article, config, index_of, story

NOW = datetime(2020, 6, 10, 12, 0, tzinfo=UTC)


def test_an_entry_holds_the_story_in_the_site_time_zone():
    site = config()
    written = article("late", "2020-06-02T23:30:00+00:00", section="정치", tags=("AI", "반도체"),
                      outlet="가상일보", updated=datetime(2020, 6, 4, 1, 0, tzinfo=UTC))
    made = entry(story(written, site))
    assert made.url == "2020/06/03/late/" and made.day == date(2020, 6, 3)  # 08:30 in Seoul
    assert made.path == "content/late.md" and made.fingerprint == "fp:content/late.md"
    assert made.timestamp == made.written == written.date.timestamp()
    assert made.section == Term(key="politics", name="정치")  # the configured name's key
    assert made.tags == (Term(key="ai", name="AI"), Term(key="반도체", name="반도체"))
    assert made.outlet == Term(key="가상일보", name="가상일보") and not made.draft
    assert made.lastmod == "2020-06-04T10:00:00+09:00"  # updated, in the site's zone


def test_an_entry_without_update_or_section_falls_back():
    made = entry(story(article("plain", "2020-06-03T10:00:00+09:00"), config()))
    assert made.lastmod == "2020-06-03T10:00:00+09:00"
    assert made.section == Term(key="other", name="기타") and made.outlet is None


def entries(site=None):
    site = site or config()
    return [entry(story(a, site)) for a in (
        article("old", "2020-06-01T09:00:00+09:00"),
        article("draft", "2020-06-02T09:00:00+09:00", draft=True),
        article("due", "2020-06-10T12:00:00+00:00"),  # exactly now
        article("soon", "2020-06-11T09:00:00+09:00"),
        article("later", "2020-07-01T09:00:00+09:00"),
    )]


def slugs(selected):
    return sorted(e.url.split("/")[-2] for e in selected)


def test_select_leaves_out_drafts_and_the_future_unless_asked():
    assert slugs(select(entries(), now=NOW, drafts=False, future=False)) == ["due", "old"]
    assert slugs(select(entries(), now=NOW, drafts=True, future=False)) == ["draft", "due", "old"]
    assert slugs(select(entries(), now=NOW, drafts=False, future=True)) == [
        "due", "later", "old", "soon"]
    assert len(select(entries(), now=NOW, drafts=True, future=True)) == 5


def test_next_reveal_is_the_earliest_future_moment():
    soon = datetime.fromisoformat("2020-06-11T09:00:00+09:00").timestamp()
    assert next_reveal(entries(), now=NOW, future=False) == soon
    assert next_reveal(entries(), now=NOW, future=True) is None  # already published
    past = [e for e in entries() if e.written <= NOW.timestamp()]
    assert next_reveal(past, now=NOW, future=False) is None


DAY_ONE = "2020-06-03T{}+09:00"
DAY_TWO = "2020-06-04T{}+09:00"
ARTICLES = [
    article("p1", DAY_ONE.format("09:00"), section="정치", tags=("선거",), outlet="가상일보"),
    article("e1", DAY_ONE.format("10:00"), section="경제", tags=("반도체", "선거")),
    article("s1", DAY_ONE.format("08:00"), section="스포츠"),  # not configured
    article("e2", DAY_TWO.format("07:00"), section="economy", tags=("반도체",),
            outlet="나라신문"),
    article("p2", DAY_TWO.format("07:00"), section="정치", outlet="가상일보"),
]


def test_collate_orders_stories_newest_first_ties_by_url():
    index, _ = index_of(ARTICLES, config())
    assert index.urls == ("2020/06/04/e2/", "2020/06/04/p2/", "2020/06/03/e1/",
                          "2020/06/03/p1/", "2020/06/03/s1/")
    assert set(index.entries) == set(index.urls)


def test_editions_are_days_newest_first_linked_to_their_neighbours():
    index, _ = index_of(ARTICLES, config())
    newer, older = index.editions
    assert (newer.day, newer.previous, newer.next) == (date(2020, 6, 4), date(2020, 6, 3), None)
    assert (older.day, older.previous, older.next) == (date(2020, 6, 3), None, date(2020, 6, 4))
    # Within a day: configured sections by their order, then the others by name; each group's
    # stories in the order of the day.
    assert [(g.term.key, g.urls) for g in older.groups] == [
        ("economy", ("2020/06/03/e1/",)), ("politics", ("2020/06/03/p1/",)),
        ("스포츠", ("2020/06/03/s1/",))]


def test_listings_by_section_tag_and_outlet():
    index, _ = index_of(ARTICLES, config())
    sections = {item.term.key: item.urls for item in index.listings["sections"]}
    assert list(sections) == ["economy", "politics", "스포츠"]
    assert sections["economy"] == ("2020/06/04/e2/", "2020/06/03/e1/")  # newest first
    tags = index.listings["tags"]
    assert [(t.term.name, t.urls) for t in tags] == [
        ("반도체", ("2020/06/04/e2/", "2020/06/03/e1/")),
        ("선거", ("2020/06/03/e1/", "2020/06/03/p1/"))]
    outlets = {item.term.name: item.urls for item in index.listings["outlets"]}
    assert outlets == {"가상일보": ("2020/06/04/p2/", "2020/06/03/p1/"),
                       "나라신문": ("2020/06/04/e2/",)}


def test_two_articles_on_one_url_keep_the_first_path_and_report_the_other():
    site = config()
    first = article("same", DAY_ONE.format("09:00"))
    second = replace(article("same", DAY_ONE.format("11:00")), path="content/z/same.md")
    index, problems = collate([entry(story(second, site)), entry(story(first, site))], site)
    assert index.urls == ("2020/06/03/same/",)
    assert index.entries["2020/06/03/same/"].path == "content/same.md"
    [problem] = problems
    assert problem.is_error and problem.location.path == "content/z/same.md"
    assert "same output path /2020/06/03/same/ as content/same.md" in problem.message


def test_nothing_published_collates_to_an_empty_index():
    index, problems = collate([], config())
    assert (index.urls, index.editions, problems) == ((), (), [])
    assert index.listings == {"sections": (), "tags": (), "outlets": ()}
