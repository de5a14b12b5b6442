"""Feeds and sitemaps (bytes) -> the pages they list, parsed without any request."""

import gzip

import pytest

from digest.fetch.discover import NotAList, feed_entries, sitemap_entries

BASE = "https://news.example/rss.xml"


def rss(*items: str) -> bytes:
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>예시일보"
            "</title>" + "".join(items) + "</channel></rss>").encode()


def item(link: str, title: str = "제목", body: str = "짧은 요약",
         date: str = "Tue, 01 Dec 2026 09:00:00 +0900") -> str:
    return (f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
            f"<description><![CDATA[{body}]]></description></item>")


def test_a_feed_lists_its_entries_with_absolute_links_and_times():
    listing = feed_entries(rss(item("/news/1"), item("https://news.example/news/2"),
                               item("/news/1")), BASE)
    assert [e.url for e in listing.entries] == ["https://news.example/news/1",
                                                "https://news.example/news/2"]
    assert listing.entries[0].updated == "2026-12-01T00:00:00+00:00"
    assert not listing.entries[0].has_article


def test_an_entry_holding_the_whole_article_can_stand_in_for_its_page():
    long_body = "<p>" + "가나다라마바사 " * 80 + "</p>"
    [entry] = feed_entries(rss(item("/news/1", body=long_body)), BASE).entries
    assert entry.has_article


def test_links_that_are_not_web_pages_are_left_out():
    listing = feed_entries(rss(item("javascript:alert(1)"), item("file:///etc/passwd"),
                               item("/ok")), BASE)
    assert [e.url for e in listing.entries] == ["https://news.example/ok"]


def test_feed_bytes_naming_a_local_file_are_not_opened(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss(item("/leak")))
    with pytest.raises(NotAList):
        feed_entries(str(secret).encode(), BASE)


def test_an_html_page_is_not_a_feed():
    with pytest.raises(NotAList):
        feed_entries(b"<html><body><p>hello</p>", BASE)


URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
 <url><loc>https://news.example/a/1</loc><lastmod>2026-12-01T09:00:00+09:00</lastmod></url>
 <url><loc>https://news.example/a/2</loc>
  <news:news><news:publication_date>2026-12-01</news:publication_date>
   <news:title>둘째 기사</news:title></news:news></url>
 <url><image:image><image:loc>https://img.example/x.jpg</image:loc></image:image>
  <loc>/a/3</loc></url>
</urlset>""".encode()


def test_a_news_sitemap_lists_pages_with_their_times_and_titles():
    entries = sitemap_entries(URLSET, "https://news.example/sitemap.xml").entries
    assert [e.url for e in entries] == ["https://news.example/a/1", "https://news.example/a/2",
                                        "https://news.example/a/3"]
    assert entries[0].updated == "2026-12-01T00:00:00+00:00"
    assert entries[1].updated == "2026-12-01T00:00:00+00:00" and entries[1].title == "둘째 기사"


def test_a_sitemap_index_lists_its_sitemaps_and_gzip_is_read():
    index = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b'<sitemap><loc>https://news.example/s1.xml.gz</loc></sitemap>'
             b'<sitemap><loc>https://news.example/s2.xml</loc></sitemap></sitemapindex>')
    listing = sitemap_entries(gzip.compress(index), "https://news.example/sitemap.xml")
    assert listing.sitemaps == ("https://news.example/s1.xml.gz", "https://news.example/s2.xml")
    assert listing.entries == ()


@pytest.mark.parametrize("data", [
    b"<html><body>not a sitemap</body></html>",
    b"not xml at all",
    b"\x1f\x8b\x08broken gzip",
    b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
    <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
    <urlset><url><loc>&lol2;</loc></url></urlset>""",
])
def test_what_is_no_sitemap_is_refused_with_a_reason(data):
    try:
        listing = sitemap_entries(data, "https://news.example/sitemap.xml")
    except NotAList as exc:
        assert str(exc)
    else:  # entities are never expanded: the bomb yields no page
        assert all("lollol" not in e.url for e in listing.entries)
