"""digest fetch end to end against local servers: feeds, sitemaps and pages become articles,
politely, and the state file makes the next run cheap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.config import load_config
from digest.fetch.run import WAITING, FetchOptions, fetch
from digest.fetch.state import STATE_FILE, load_state
from digest.store import loads
from tests.webserver import Reply

NOW = datetime(2026, 12, 1, 0, 17, tzinfo=UTC)


def page(n: int, *, title: str | None = None, canonical: str | None = None,
         when: str = "2026-11-30T10:00:00+09:00", paragraphs: int = 8,
         modified: str | None = None) -> bytes:
    """An article page the HTML reader recognises: title, times, section, paragraphs."""
    title = title or f"시험 기사 {n}호: 지역 경제가 살아난다"
    head = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    head += f'<meta property="article:published_time" content="{when}">'
    if modified:
        head += f'<meta property="article:modified_time" content="{modified}">'
    body = "".join(f"<p>{i}번째 문단입니다. {_sentence(n * 31 + i)}</p>"
                   for i in range(1, paragraphs + 1))
    return (f'<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>{title}'
            f'</title><meta property="og:title" content="{title}">{head}'
            '<meta property="article:section" content="경제"></head><body>'
            f'<nav><a href="/">홈</a></nav><article><h1>{title}</h1>{body}</article>'
            '</body></html>').encode()


WORDS = ("항만", "물류", "반도체", "수출", "농가", "어민", "축제", "관광객", "교통", "철도", "학교",
         "병원", "주민", "의회", "예산", "공장", "시장", "전통", "청년", "창업")


def _sentence(seed: int) -> str:
    """Text that differs from page to page (alike pages would be taken for one story)."""
    words = [WORDS[(seed * 7 + k * k * 3) % len(WORDS)] for k in range(14)]
    return " ".join(f"{w}{'은' if k % 3 == 0 else '을'}" for k, w in enumerate(words)) + " 전했다."


HTML = {"Content-Type": "text/html; charset=utf-8"}


def rss(base: str, numbers, updated: dict[int, str] | None = None,
        content: dict[int, str] | None = None) -> bytes:
    items = []
    for n in numbers:
        when = (updated or {}).get(n, "Mon, 30 Nov 2026 01:00:00 GMT")
        text = (content or {}).get(n, "짧은 요약")
        items.append(f"<item><title>시험 기사 {n}호</title><link>{base}/news/{n}</link>"
                     f"<pubDate>{when}</pubDate><description><![CDATA[{text}]]></description>"
                     "</item>")
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>예시일보</title>{''.join(items)}</channel></rss>").encode()


def conditional(body: bytes, etag: str) -> callable:
    """A feed route answering 304 to a request that already has this version."""
    def route(number, headers):
        if headers.get("if-none-match") == etag:
            return Reply(status=304, headers={"ETag": etag})
        return Reply(headers={"Content-Type": "application/rss+xml", "ETag": etag,
                              "Last-Modified": "Mon, 30 Nov 2026 02:00:00 GMT"}, body=body)
    return route


def project(tmp_path: Path, sources: str, extra: str = "") -> Path:
    (tmp_path / "content").mkdir(parents=True, exist_ok=True)
    (tmp_path / "digest.yaml").write_text(
        "base_url: https://me.github.io/news/\nsources:\n" + sources
        + "fetch:\n  pause: 0\n  retries: 0\n  timeout: 2\n  deadline: 5\n" + extra)
    return tmp_path


def run(root: Path, when: datetime = NOW, **options):
    config = load_config(root / "digest.yaml")
    return fetch(FetchOptions(project=root, config=config, now=when, **options))


def pages(server, since: int) -> list[str]:
    """The paths a server was asked for since its `since`-th request, robots.txt aside."""
    return [p for p in server.paths()[since:] if p != "/robots.txt"]


def articles(root: Path) -> dict[str, object]:
    stored = {}
    for path in sorted((root / "content").rglob("*.md")):
        stored[path.name], problems = loads(path.read_text(), str(path), NOW.tzinfo)
        assert not problems, problems
    return stored


@pytest.fixture
def news(webserver):
    """An outlet with a feed of three entries and their pages."""
    server = webserver()
    feed = rss(server.base, (1, 2, 3))
    server.routes.update({"/robots.txt": Reply(status=404), "/rss.xml": conditional(feed, '"v1"')})
    for n in (1, 2, 3, 4):
        server.routes[f"/news/{n}"] = Reply(headers=HTML, body=page(n))
    return server


def test_a_feed_of_three_entries_gives_three_articles_with_their_urls(news, tmp_path):
    root = project(tmp_path, f"  - feed: {news.url('/rss.xml')}\n    name: 예시일보\n")
    report = run(root)
    [source] = report.sources
    assert source.status == "ok" and [o.status for o in source.outcomes] == ["written"] * 3
    stored = articles(root)
    assert sorted(a.source_url for a in stored.values()) == [news.url(f"/news/{n}")
                                                             for n in (1, 2, 3)]
    assert all(a.provenance["source"].startswith(news.base) for a in stored.values())
    assert (root / STATE_FILE).is_file()


def test_a_second_run_gets_304_fetches_no_page_and_writes_nothing(news, tmp_path):
    root = project(tmp_path, f"  - feed: {news.url('/rss.xml')}\n")
    run(root)
    before = {p: p.stat().st_mtime_ns for p in (root / "content").rglob("*.md")}
    asked = len(news.seen)
    report = run(root, NOW + timedelta(hours=3))
    [feed_request] = [seen for seen in news.seen[asked:] if seen.path == "/rss.xml"]
    assert feed_request.headers["if-none-match"] == '"v1"'
    assert feed_request.headers["if-modified-since"] == "Mon, 30 Nov 2026 02:00:00 GMT"
    assert pages(news, asked) == ["/rss.xml"]
    assert report.sources[0].status == "unchanged" and report.sources[0].outcomes == ()
    assert {p: p.stat().st_mtime_ns for p in (root / "content").rglob("*.md")} == before


def test_a_new_entry_fetches_only_its_page(news, tmp_path):
    root = project(tmp_path, f"  - feed: {news.url('/rss.xml')}\n")
    run(root)
    news.routes["/rss.xml"] = conditional(rss(news.base, (4, 1, 2, 3)), '"v2"')
    asked = len(news.seen)
    report = run(root, NOW + timedelta(hours=3))
    assert pages(news, asked) == ["/rss.xml", "/news/4"]
    assert [o.status for o in report.sources[0].outcomes] == ["written"]


def test_an_updated_entry_is_fetched_again_and_updates_its_article(news, tmp_path):
    root = project(tmp_path, f"  - feed: {news.url('/rss.xml')}\n")
    run(root)
    news.routes["/news/2"] = Reply(headers=HTML, body=page(
        2, title="시험 기사 2호: 지역 경제가 살아난다 (종합2보)", paragraphs=9))
    news.routes["/rss.xml"] = conditional(rss(news.base, (1, 2, 3), updated={
        2: "Mon, 30 Nov 2026 05:00:00 GMT"}), '"v2"')
    asked = len(news.seen)
    report = run(root, NOW + timedelta(hours=3))
    assert pages(news, asked) == ["/rss.xml", "/news/2"]
    [outcome] = report.sources[0].outcomes
    assert outcome.status == "written" and "updated" in outcome.reason
    assert len(articles(root)) == 3


def test_robots_txt_is_obeyed_for_every_page(news, tmp_path):
    news.routes["/robots.txt"] = Reply(headers={"Content-Type": "text/plain"},
                                       body=b"User-agent: *\nDisallow: /news/2\n")
    root = project(tmp_path, f"  - feed: {news.url('/rss.xml')}\n")
    report = run(root)
    assert "/news/2" not in news.paths()
    statuses = {o.source: (o.status, o.reason) for o in report.sources[0].outcomes}
    status, reason = statuses[news.url("/news/2")]
    assert status == "failed" and "robots.txt" in reason
    assert len(articles(root)) == 2


def test_a_failing_source_is_reported_backs_off_and_the_others_go_on(news, webserver, tmp_path):
    broken = webserver({"/robots.txt": Reply(status=404)})
    root = project(tmp_path, f"  - feed: {broken.url('/gone.xml')}\n    name: 없는 곳\n"
                             f"  - feed: {news.url('/rss.xml')}\n")
    first = run(root)
    failing, healthy = first.sources
    assert failing.status == "failed" and "404" in failing.state.reason
    assert healthy.status == "ok" and len(healthy.outcomes) == 3
    asked = len(broken.seen)
    second = run(root, NOW + timedelta(minutes=10))
    assert second.sources[0].status == WAITING and len(broken.seen) == asked
    assert second.sources[0].failing_for(second.now) == timedelta(minutes=10)
    third = run(root, NOW + timedelta(minutes=31))
    assert third.sources[0].state.failures == 2
    assert third.sources[0].state.next_due == NOW + timedelta(minutes=31 + 60)
    asked = len(broken.seen)
    forced = run(root, NOW + timedelta(minutes=32), only="없는 곳")
    assert [s.source.name for s in forced.sources] == ["없는 곳"]
    assert pages(broken, asked) == ["/gone.xml"]


def test_a_page_that_cannot_be_fetched_falls_back_to_an_entry_holding_the_article(
        news, tmp_path):
    whole = "".join(f"<p>{i}번째 문단: 피드 본문에 기사 전체가 들어 있다. 시장 관계자는 방문객이 "
                    "꾸준히 늘고 있다고 전했다.</p>" for i in range(12))
    news.routes["/rss.xml"] = conditional(rss(news.base, (7, 8), content={7: whole}), '"v3"')
    root = project(tmp_path, f"  - feed: {news.url('/rss.xml')}\n")
    report = run(root)
    outcomes = {o.source: o for o in report.sources[0].outcomes}
    assert outcomes[news.url("/news/7")].status == "written"
    assert outcomes[news.url("/news/8")].status == "failed"
    assert "404" in outcomes[news.url("/news/8")].reason
    [stored] = articles(root).values()
    assert stored.source_url == news.url("/news/7") and "피드 본문" in stored.body


def test_the_canonical_url_is_kept_on_the_same_site_only(news, tmp_path):
    news.routes["/news/1"] = Reply(headers=HTML, body=page(
        1, canonical=news.url("/a/1?from=canonical")))
    news.routes["/news/2"] = Reply(headers=HTML, body=page(
        2, canonical="https://aggregator.example/copy/2"))
    news.routes["/news/3"] = Reply(status=301, headers={"Location": "/final/3"})
    news.routes["/final/3"] = Reply(headers=HTML, body=page(3))
    root = project(tmp_path, f"  - feed: {news.url('/rss.xml')}\n")
    run(root)
    urls = sorted(a.source_url for a in articles(root).values())
    assert urls == [news.url("/a/1?from=canonical"), news.url("/final/3"), news.url("/news/2")]


def test_what_is_stored_is_an_excerpt_by_default_and_the_whole_text_when_asked(news,
                                                                              tmp_path):
    root = project(tmp_path / "excerpt", f"  - page: {news.url('/news/1')}\n")
    run(root)
    [excerpt] = articles(root).values()
    assert len(excerpt.body) <= 320 and excerpt.provenance["stored"] == "excerpt"
    full = project(tmp_path / "full", f"  - page: {news.url('/news/1')}\n", "  store: full\n")
    run(full)
    [whole] = articles(full).values()
    assert "8번째 문단" in whole.body and "stored" not in whole.provenance
    assert excerpt.source_url == whole.source_url == news.url("/news/1")


def test_a_dry_run_writes_neither_articles_nor_state(news, tmp_path):
    root = project(tmp_path, f"  - feed: {news.url('/rss.xml')}\n")
    report = run(root, dry_run=True)
    assert [o.status for o in report.outcomes] == ["written"] * 3
    assert not list((root / "content").rglob("*.md")) and not (root / STATE_FILE).exists()


def test_a_damaged_state_file_means_a_harmless_full_fetch(news, tmp_path):
    root = project(tmp_path, f"  - feed: {news.url('/rss.xml')}\n")
    run(root)
    (root / STATE_FILE).write_text("{broken")
    report = run(root, NOW + timedelta(hours=3))
    assert report.warnings and STATE_FILE in report.warnings[0]
    assert [o.status for o in report.outcomes] == ["unchanged"] * 3
    assert load_state(root)[1] is None  # written whole again


def test_a_hand_edited_article_is_not_overwritten_by_an_update(news, tmp_path):
    root = project(tmp_path, f"  - feed: {news.url('/rss.xml')}\n", "  store: full\n")
    run(root)
    [edited] = [p for p in (root / "content").rglob("*.md") if "2호" in p.read_text()]
    edited.write_text(edited.read_text().replace("1번째 문단", "고친 문단"))
    news.routes["/news/2"] = Reply(headers=HTML, body=page(
        2, paragraphs=9, modified="2026-11-30T14:00:00+09:00"))
    news.routes["/rss.xml"] = conditional(rss(news.base, (1, 2, 3), updated={
        2: "Mon, 30 Nov 2026 05:00:00 GMT"}), '"v2"')
    report = run(root, NOW + timedelta(hours=3))
    [outcome] = report.outcomes
    assert outcome.status == "failed" and "edited by hand" in outcome.reason
    assert "고친 문단" in edited.read_text()


def test_a_news_sitemap_and_a_sitemap_index_bring_their_pages(news, tmp_path):
    urlset = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              f'<url><loc>{news.url("/news/1")}</loc><lastmod>2026-11-30</lastmod></url>'
              f'<url><loc>{news.url("/news/2")}</loc><lastmod>2026-11-29</lastmod></url>'
              '</urlset>').encode()
    index = ('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f'<sitemap><loc>{news.url("/sitemap-1.xml")}</loc></sitemap></sitemapindex>')
    news.routes.update({"/sitemap-1.xml": conditional(urlset, '"s1"'),
                        "/sitemap.xml": conditional(index.encode(), '"i1"')})
    root = project(tmp_path, f"  - sitemap: {news.url('/sitemap.xml')}\n")
    report = run(root)
    assert sorted(o.source for o in report.outcomes) == [news.url("/news/1"),
                                                         news.url("/news/2")]
    news.routes["/sitemap.xml"] = conditional(index.encode(), '"i2"')
    asked = len(news.seen)
    run(root, NOW + timedelta(hours=3))
    assert pages(news, asked) == ["/sitemap.xml", "/sitemap-1.xml"]
    assert news.seen[-1].headers["if-none-match"] == '"s1"'


def test_a_source_that_is_no_feed_fails_with_a_reason(news, tmp_path):
    root = project(tmp_path, f"  - feed: {news.url('/news/1')}\n")
    [source] = run(root).sources
    assert source.status == "failed" and source.state.reason.startswith("not a feed")


CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "dev"


@pytest.mark.skipif(not (CORPUS / "manifest.json").is_file(),
                    reason="the development corpus (../shared/corpus/dev) is not here")
def test_real_pages_fetched_read_as_their_saved_files_do(webserver, tmp_path):
    import json

    from digest.ingest.sources import read_articles

    items = [i for i in json.loads((CORPUS / "manifest.json").read_text())
             if i["kind"] == "html" and i["lang"] == "ko"][:8]
    server = webserver({"/robots.txt": Reply(status=404)})
    for n, item in enumerate(items):
        server.routes[f"/news/{n}"] = Reply(headers=HTML, body=(CORPUS / item["input"])
                                            .read_bytes())
    server.routes["/rss.xml"] = conditional(rss(server.base, range(len(items))), '"c"')
    root = project(tmp_path, f"  - feed: {server.url('/rss.xml')}\n", "  store: full\n")
    report = run(root)
    by_url = {o.source: o for o in report.outcomes}
    for n, item in enumerate(items):
        [saved] = read_articles(item["input"], (CORPUS / item["input"]).read_bytes(),
                                load_config(root / "digest.yaml"), NOW)
        outcome = by_url[server.url(f"/news/{n}")]
        if saved.article is None:
            assert outcome.status == "failed"
            continue
        assert outcome.status in ("written", "duplicate"), outcome.reason
        if outcome.status == "written":
            fetched, _ = loads((root / outcome.path).read_text(), outcome.path, NOW.tzinfo)
            assert (fetched.title, fetched.date, fetched.body) == (
                saved.article.title, saved.article.date, saved.article.body)


def test_a_long_retry_after_moves_the_source_to_a_later_run(webserver, tmp_path):
    server = webserver({"/robots.txt": Reply(status=404),
                        "/rss.xml": Reply(status=429, headers={"Retry-After": "7200"})})
    root = project(tmp_path, f"  - feed: {server.url('/rss.xml')}\n")
    [source] = run(root).sources
    assert source.status == "failed" and source.state.next_due == NOW + timedelta(hours=2)
    asked = len(server.seen)
    [later] = run(root, NOW + timedelta(hours=1)).sources
    assert later.status == WAITING and len(server.seen) == asked
