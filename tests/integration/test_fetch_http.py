"""digest.fetch.http against local servers: robots.txt, validators, Retry-After and retries,
redirects, pacing per host (test_fetch_http_faults: slow, huge, binary and broken answers)."""

from __future__ import annotations

import gzip
import itertools
import socket
import sys
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from types import SimpleNamespace

import pytest

from digest.fetch.http import Client, Failure, Response
from tests.webserver import FakeTime, Reply, chunked, drip

AGENT = "digest/0.1.0 (+https://me.github.io/my-digest/)"
HTML = {"Content-Type": "text/html; charset=utf-8"}


def client(fake: FakeTime | None = None, **options) -> Client:
    """A Client with no pause, sleeping on `fake` when given."""
    options.setdefault("pause", 0)
    if fake is not None:
        options.update(sleep=fake.sleep, clock=fake.clock)
    return Client(user_agent=AGENT, **options)


def page(body: bytes = b"<p>ok</p>", **headers) -> Reply:
    return Reply(headers={**HTML, **headers}, body=body)


def moved(location: str, status: int = 301) -> Reply:
    return Reply(status=status, headers={"Location": location})


def pages(server) -> list[str]:
    """The paths a server was asked for, robots.txt left out."""
    return [path for path in server.paths() if path != "/robots.txt"]


def test_a_page_comes_back_with_its_type_and_validators(webserver):
    since = "Tue, 01 Jan 2030 00:00:00 GMT"
    server = webserver({"/a": page(ETag='"v1"', **{"Last-Modified": since})})
    with client() as http:
        got = http.get(server.url("/a"))
    assert got == Response(url=server.url("/a"), final_url=server.url("/a"), status=200,
                           body=b"<p>ok</p>", content_type=HTML["Content-Type"], etag='"v1"',
                           last_modified=since)


def test_the_user_agent_and_accept_encoding_are_sent(webserver):
    server = webserver({"/a": page()})
    with client() as http:
        http.get(server.url("/a"))
    for seen in server.seen:
        assert seen.headers["user-agent"] == AGENT
        assert {"gzip", "deflate"} <= set(seen.headers["accept-encoding"].split(","))


def test_a_gzipped_page_is_decompressed(webserver):
    zipped = gzip.compress(b"<p>zipped</p>")
    server = webserver({"/a": page(zipped, **{"Content-Encoding": "gzip"})})
    with client() as http:
        assert http.get(server.url("/a")).body == b"<p>zipped</p>"


# robots.txt

def test_a_disallowed_path_is_never_requested(webserver):
    server = webserver({"/robots.txt": Reply(body=b"User-agent: *\nDisallow: /private\n"),
                        "/private/x": page(), "/public": page()})
    with client() as http:
        refused = http.get(server.url("/private/x"))
        allowed = http.get(server.url("/public"))
    assert isinstance(refused, Failure) and refused.disallowed
    assert "robots.txt" in refused.reason
    assert isinstance(allowed, Response)
    assert server.paths() == ["/robots.txt", "/public"]  # asked once, kept for the client's life


def test_robots_txt_is_matched_against_the_product_token(webserver):
    rules = b"User-agent: otherbot\nDisallow: /\n\nUser-agent: digest\nDisallow: /mine\n"
    server = webserver({"/robots.txt": Reply(body=rules), "/mine": page(), "/other": page()})
    with client() as http:
        assert http.get(server.url("/mine")).disallowed
        assert isinstance(http.get(server.url("/other")), Response)


def test_robots_404_allows_everything(webserver):
    server = webserver({"/a": page()})  # no /robots.txt route: the server answers 404
    with client() as http:
        assert isinstance(http.get(server.url("/a")), Response)
    assert server.paths() == ["/robots.txt", "/a"]


def test_robots_500_disallows_everything(webserver):
    fake = FakeTime()
    server = webserver({"/robots.txt": Reply(status=500), "/a": page()})
    with client(fake) as http:
        got = http.get(server.url("/a"))
        again = http.get(server.url("/a"))
    assert isinstance(got, Failure) and got.disallowed
    assert "robots.txt could not be read" in got.reason and "500" in got.reason
    assert again == got
    assert pages(server) == []
    assert server.paths() == ["/robots.txt"] * 3  # urllib3's Retry asked twice more, once


def test_unreachable_robots_txt_disallows(webserver):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # closed again: nothing listens there
    with client(FakeTime()) as http:
        got = http.get(f"http://127.0.0.1:{port}/a")
    assert got.disallowed and "could not be read" in got.reason
    assert f"connection refused by 127.0.0.1:{port}" in got.reason


def test_a_redirected_robots_txt_is_followed(webserver):
    server = webserver({"/robots.txt": Reply(status=301, headers={"Location": "/r/robots.txt"}),
                        "/r/robots.txt": Reply(body=b"User-agent: *\nDisallow: /a\n"),
                        "/a": page()})
    with client() as http:
        assert http.get(server.url("/a")).disallowed
    assert server.paths() == ["/robots.txt", "/r/robots.txt"]


def test_a_robots_txt_redirected_more_than_five_times_counts_as_absent(webserver):
    hops = {f"/robots{n}.txt": moved(f"/robots{n + 1}.txt") for n in range(10)}
    server = webserver({"/robots.txt": moved("/robots0.txt"), **hops, "/a": page()})
    with client() as http:
        assert isinstance(http.get(server.url("/a")), Response)  # RFC 9309 2.3.1.2
    assert server.paths()[-1] == "/a" and len(server.paths()) == 7


def test_robots_txt_is_kept_per_host_and_port(webserver):
    strict = webserver({"/robots.txt": Reply(body=b"User-agent: *\nDisallow: /\n"), "/a": page()})
    open_ = webserver({"/a": page()})
    with client() as http:
        for _ in range(2):
            assert http.get(strict.url("/a")).disallowed
            assert isinstance(http.get(open_.url("/a")), Response)
    assert strict.paths() == ["/robots.txt"]
    assert open_.paths() == ["/robots.txt", "/a", "/a"]


# conditional GET

def test_validators_are_sent_and_a_304_comes_back_empty(webserver):
    def answer(number, headers):
        if headers.get("if-none-match") == '"v1"':
            return Reply(status=304, headers={"ETag": '"v1"'})
        return page(ETag='"v1"')

    server = webserver({"/a": answer})
    since = "Tue, 01 Jan 2030 00:00:00 GMT"
    with client() as http:
        got = http.get(server.url("/a"), etag='"v1"', last_modified=since)
    assert got.status == 304 and got.body == b"" and got.etag == '"v1"'
    assert got.last_modified == since  # the 304 left it out; the stored copy's still holds
    asked = server.seen[-1].headers
    assert asked["if-none-match"] == '"v1"' and asked["if-modified-since"] == since


def test_no_validators_no_conditional_headers(webserver):
    server = webserver({"/a": page()})
    with client() as http:
        http.get(server.url("/a"))
    assert not {"if-none-match", "if-modified-since"} & set(server.seen[-1].headers)


# Retry-After and retries

def busy_then(status: int, retry_after: str, times: int = 1):
    """A route answering `status` with Retry-After `times` times, then a page."""
    def answer(number, headers):
        if number < times:
            return Reply(status=status, headers={"Retry-After": retry_after})
        return page()
    return answer


@pytest.mark.parametrize("status", [429, 503])
def test_a_short_retry_after_is_waited_out(webserver, status):
    fake = FakeTime()
    server = webserver({"/a": busy_then(status, "7")})
    with client(fake) as http:
        got = http.get(server.url("/a"))
    assert isinstance(got, Response)
    assert fake.sleeps == [7]
    assert pages(server) == ["/a", "/a"]


def test_a_retry_after_date_is_waited_out(webserver):
    fake = FakeTime()
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    server = webserver({"/a": busy_then(503, soon)})
    with client(fake) as http:
        assert isinstance(http.get(server.url("/a")), Response)
    assert len(fake.sleeps) == 1 and 20 < fake.sleeps[0] <= 30


@pytest.mark.parametrize("retry_after", ["7200", "date"])
def test_a_long_retry_after_is_reported(webserver, retry_after):
    fake = FakeTime()
    if retry_after == "date":
        later = datetime.now(UTC) + timedelta(hours=2, seconds=5)
        retry_after = format_datetime(later, usegmt=True)
    server = webserver({"/a": busy_then(429, retry_after)})
    with client(fake) as http:
        got = http.get(server.url("/a"))
    assert isinstance(got, Failure) and not got.disallowed
    assert 7100 < got.retry_after <= 7205
    assert "asked to come back in 2 h" in got.reason
    assert fake.sleeps == [] and pages(server) == ["/a"]


def test_waiting_out_ends_after_a_few_tries(webserver):
    fake = FakeTime()
    server = webserver({"/a": busy_then(429, "5", times=100)})
    with client(fake) as http:
        got = http.get(server.url("/a"))
    assert isinstance(got, Failure) and "429" in got.reason and got.retry_after is None
    assert fake.sleeps == [5, 5, 5] and pages(server) == ["/a"] * 4


def test_an_unreadable_retry_after_is_a_plain_failure(webserver):
    server = webserver({"/a": busy_then(503, "soon, maybe", times=100)})
    with client(FakeTime()) as http:
        got = http.get(server.url("/a"))
    assert got.reason == "HTTP 503 Service Unavailable"


def test_server_errors_are_retried_with_backoff(webserver):
    fake = FakeTime()
    server = webserver({"/a": lambda number, headers: page() if number >= 2 else Reply(status=500)})
    with client(fake, retries=2) as http:
        assert isinstance(http.get(server.url("/a")), Response)
    assert pages(server) == ["/a"] * 3
    assert fake.sleeps == [1.0]  # urllib3's backoff: none before the first retry, then 1 s


def test_a_lasting_server_error_gives_its_status(webserver):
    fake = FakeTime()
    server = webserver({"/a": Reply(status=502)})
    with client(fake, retries=2) as http:
        assert http.get(server.url("/a")).reason == "HTTP 502 Bad Gateway"
    assert pages(server) == ["/a"] * 3


def test_an_error_body_is_not_drained_before_a_retry(webserver):
    # urllib3 reads an error body to its end before retrying, however long (or endless) it is
    long = chunked(itertools.repeat(b"x" * 65536, 400))  # 26 MB
    server = webserver({"/a": Reply(status=500, headers={"Transfer-Encoding": "chunked"},
                                    body=long)})
    with client(FakeTime(), retries=1) as http:
        assert http.get(server.url("/a")).reason == "HTTP 500 Internal Server Error"
    answers = [seen for seen in server.seen if seen.path == "/a"]
    assert [seen.complete for seen in answers] == [False, False]  # both hung up on


def test_a_missing_page_says_so(webserver):
    server = webserver()
    with client() as http:
        assert http.get(server.url("/gone")).reason == "HTTP 404 Not Found"


# redirects

def test_redirects_are_followed_to_the_final_url(webserver):
    server = webserver({"/old": moved("/new", 308), "/new": moved("new2", 302),
                        "/new2": page()})
    with client() as http:
        got = http.get(server.url("/old"))
    assert got.url == server.url("/old") and got.final_url == server.url("/new2")
    assert got.body == b"<p>ok</p>"


def test_a_redirect_loop_ends_with_a_reason(webserver):
    server = webserver({"/a": moved("/b"), "/b": moved("/a")})
    with client() as http:
        got = http.get(server.url("/a"))
    assert "redirect loop" in got.reason
    assert pages(server) == ["/a", "/b"]


def test_an_endless_redirect_chain_stops(webserver):
    server = webserver({f"/r{n}": moved(f"/r{n + 1}") for n in range(30)})
    with client() as http:
        got = http.get(server.url("/r0"))
    assert "more than 10 redirects" in got.reason
    assert len(pages(server)) == 11


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://example.com/x",
                                    "data:text/html,hi", "javascript:alert(1)"])
def test_a_redirect_off_the_web_is_not_followed(webserver, target):
    server = webserver({"/go": moved(target)})
    with client() as http:
        got = http.get(server.url("/go"))
    scheme = target.split(":")[0]
    assert isinstance(got, Failure) and f"redirected to a {scheme}: URL" in got.reason
    assert target in got.reason


def test_a_redirect_to_another_host_obeys_its_robots_txt(webserver):
    other = webserver({"/robots.txt": Reply(body=b"User-agent: *\nDisallow: /private\n"),
                       "/private": page()})
    first = webserver({"/go": moved(other.url("/private"))})
    with client() as http:
        got = http.get(first.url("/go"))
    assert got.disallowed and got.url == first.url("/go")
    assert other.paths() == ["/robots.txt"]


# pacing

def test_requests_to_one_host_pause_from_the_end_of_the_last(webserver):
    fake = FakeTime()

    def slow(number, headers):
        fake.now += 0.4  # the request itself takes 0.4 s on the fake clock
        return page()

    server = webserver({"/a": slow, "/b": page()})
    other = webserver({"/c": page()})
    with client(fake, pause=1.5) as http:
        http.get(server.url("/a"))  # robots.txt, then /a after 1.5 s
        fake.now += 0.5
        http.get(server.url("/b"))  # 1.5 s after /a ended, 0.5 of it gone
        http.get(other.url("/c"))  # another host: its robots.txt at once, /c after 1.5 s
    assert fake.sleeps == [1.5, 1.0, 1.5]


@pytest.mark.parametrize(("asked", "kept"), [("5", 5.0), ("3600", 30.0), ("nonsense", None)])
def test_a_crawl_delay_longer_than_the_pause_paces_that_host(webserver, asked, kept):
    fake = FakeTime()
    rules = f"User-agent: *\nCrawl-delay: {asked}\n".encode()
    server = webserver({"/robots.txt": Reply(headers={"Content-Type": "text/plain"},
                                             body=rules), "/a": page(), "/b": page()})
    with client(fake, pause=0) as http:
        http.get(server.url("/a"))
        http.get(server.url("/b"))
    assert fake.sleeps == ([kept] if kept else [])


def test_no_pause_no_sleep(webserver):
    fake = FakeTime()
    server = webserver({"/a": page(), "/b": page()})
    with client(fake, pause=0) as http:
        http.get(server.url("/a"))
        http.get(server.url("/b"))
    assert fake.sleeps == []


def test_requests_to_one_host_never_overlap(webserver):
    server = webserver({f"/{n}": Reply(headers=HTML, body=drip(b"ok", 0.05)) for n in range(6)})
    with client() as http:
        threads = [threading.Thread(target=http.get, args=(server.url(f"/{n}"),))
                   for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    seen = sorted(server.seen, key=lambda seen: seen.start)
    assert len(seen) == 7  # robots.txt and the six pages
    for before, after in itertools.pairwise(seen):
        assert after.start >= before.end


def test_two_hosts_are_fetched_at_the_same_time(webserver):
    both = threading.Barrier(2, timeout=10)  # passes only when both requests are under way

    def together(sink):
        both.wait()
        sink.write(b"ok")

    servers = [webserver({"/a": Reply(headers=HTML, body=together)}) for _ in range(2)]
    got = {}
    with client() as http:
        threads = [threading.Thread(target=lambda s=s: got.update({s.base: http.get(s.url("/a"))}))
                   for s in servers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert [got[server.base].body for server in servers] == [b"ok", b"ok"]
    first, second = (next(seen for seen in s.seen if seen.path == "/a") for s in servers)
    assert first.start < second.end and second.start < first.end


def test_for_config_takes_the_fetch_settings(monkeypatch):
    fetch = SimpleNamespace(user_agent=None, pause=0.5, timeout=3.0, deadline=9.0,
                            max_bytes=1234, retries=1)
    settings = SimpleNamespace(default_user_agent=lambda config: f"digest/0.1 (+{config.url})")
    monkeypatch.setitem(sys.modules, "digest.fetch.settings", settings)
    made = Client.for_config(SimpleNamespace(fetch=fetch, url="https://me.example/"))
    with made:
        assert (made.user_agent, made.pause, made.timeout, made.deadline, made.max_bytes,
                made.retries) == ("digest/0.1 (+https://me.example/)", 0.5, 3.0, 9.0, 1234, 1)
    fetch.user_agent = "mybot/2"
    with Client.for_config(SimpleNamespace(fetch=fetch, url="")) as made:
        assert made.user_agent == "mybot/2"
