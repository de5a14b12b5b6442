"""digest.fetch.http where a server is slow, huge, binary or broken: a Failure with a
one-line reason, in bounded time and memory, never an exception."""

from __future__ import annotations

import gzip
import itertools
import socket
import time
import tracemalloc

import pytest

from digest.fetch.http import Failure
from tests.integration.test_fetch_http import HTML, client, moved, page
from tests.webserver import FakeTime, Reply, chunked, drip

# time and size


def test_a_silent_server_times_out(webserver):
    server = webserver({"/a": Reply(delay=30, body=b"late")})
    with client(timeout=0.3, retries=0) as http:
        got = http.get(server.url("/a"))
    assert "timed out" in got.reason and "0.3 s" in got.reason


def test_a_dripping_body_is_cut_off_at_the_deadline(webserver):
    # one byte every 0.2 s for 20 s; the read timeout alone would never fire
    server = webserver({"/a": Reply(headers=HTML, body=drip(b"x" * 100, 0.2))})
    started = time.monotonic()
    with client(timeout=5, deadline=1) as http:
        got = http.get(server.url("/a"))
    assert "deadline" in got.reason
    assert time.monotonic() - started < 10  # far short of the 20 s drip, not a benchmark


def test_a_content_length_over_the_cap_is_refused_unread(webserver):
    server = webserver({"/a": Reply(headers={**HTML, "Content-Length": str(10**10)},
                                    body=lambda sink: sink.write(b"x" * 1000))})
    with client(max_bytes=1000) as http:
        got = http.get(server.url("/a"))
    assert "Content-Length 10,000,000,000" in got.reason and "cap" in got.reason


def test_an_endless_body_is_refused_at_the_cap(webserver):
    endless = chunked(itertools.repeat(b"x" * 1000))
    server = webserver({"/a": Reply(headers={**HTML, "Transfer-Encoding": "chunked"},
                                    body=endless)})
    with client(max_bytes=100_000) as http:
        got = http.get(server.url("/a"))
    assert got.reason == "the body is over the 100,000-byte cap; stopped reading"


def test_a_gzip_bomb_is_refused_in_bounded_memory(webserver):
    member = gzip.compress(bytes(16 << 20), compresslevel=9)
    bomb = member * 64  # about 1 MB of gzip that expands to 1 GiB of zeros
    sent = Reply(headers={**HTML, "Content-Encoding": "gzip"}, body=lambda sink: sink.write(bomb))
    server = webserver({"/a": sent})  # a body written by a callable has no Content-Length
    with client(max_bytes=1_000_000) as http:
        tracemalloc.start()
        try:
            got = http.get(server.url("/a"))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert got.reason == "the body is over the 1,000,000-byte cap; stopped reading"
    assert peak < 8 * 1_000_000  # a few times the cap, where the whole body is 1 GiB


@pytest.mark.parametrize("kind", ["image/png", "application/pdf", "application/zip",
                                  "application/octet-stream", "video/mp4"])
def test_a_binary_type_is_refused(webserver, kind):
    server = webserver({"/a": Reply(headers={"Content-Type": kind}, body=b"\x89PNG")})
    with client() as http:
        got = http.get(server.url("/a"))
    assert isinstance(got, Failure) and f"not text ({kind})" in got.reason


@pytest.mark.parametrize("kind", ["application/rss+xml", "application/json", "text/plain", ""])
def test_a_text_type_comes_back(webserver, kind):
    server = webserver({"/a": Reply(headers={"Content-Type": kind} if kind else {}, body=b"x")})
    with client() as http:
        got = http.get(server.url("/a"))
    assert got.body == b"x" and got.content_type == kind


# whatever the network or a server does: a Failure, never an exception

def test_a_host_that_does_not_resolve(monkeypatch):
    def no_such_host(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with client(FakeTime()) as http:
        got = http.get("https://news.invalid/a")
    assert "host not found: news.invalid" in got.reason


@pytest.mark.parametrize("url", ["", "news", "http://", "http:///a", "http://[::1/a",
                                 "http://example.com:99999/", "mailto:someone@example.com",
                                 "http://exa mple.com/", "http://" + "a" * 70 + ".com/"])
def test_an_invalid_url(url):
    with client(FakeTime()) as http:
        got = http.get(url)
    assert isinstance(got, Failure) and got.reason and "\n" not in got.reason


def test_tls_with_a_server_that_speaks_plain_http(webserver):
    server = webserver({"/a": page()})
    with client(FakeTime(), retries=0) as http:
        got = http.get(server.url("/a").replace("http:", "https:"))
    assert "TLS error" in got.reason


@pytest.mark.parametrize("name, reply, words", [
    ("bad chunked coding", Reply(headers={**HTML, "Transfer-Encoding": "chunked"},
                                 body=lambda sink: sink.write(b"zz\r\nabc\r\n")), "garbled"),
    ("body cut short", Reply(headers={**HTML, "Content-Length": "100"},
                             body=lambda sink: sink.write(b"short")), "broke off"),
    ("no status line", Reply(status=None, body=lambda sink: sink.write(b"hello\r\n\r\n")),
     "garbled"),
    ("hang-up at once", Reply(status=None, body=lambda sink: None), "connection reset"),
])
def test_a_broken_answer(webserver, name, reply, words):
    server = webserver({"/a": reply})
    with client(FakeTime(), retries=1) as http:
        got = http.get(server.url("/a"))
    assert isinstance(got, Failure) and words in got.reason and "\n" not in got.reason, name


def test_headers_that_are_not_utf8_do_not_break_a_fetch(webserver):
    latin = "text/html; charset=\xff\xfe"  # sent as the raw bytes ff fe
    server = webserver({"/a": Reply(headers={"Content-Type": latin, "ETag": '"\xe9"'},
                                    body=b"x")})
    with client() as http:
        got = http.get(server.url("/a"))
    assert got.body == b"x" and got.content_type == latin and got.etag == '"\xe9"'


def test_a_redirect_with_utf8_in_its_location_is_followed(webserver):
    raw = "/기사".encode().decode("latin-1")  # what http.client makes of UTF-8 bytes
    server = webserver({"/go": moved(raw), "/%EA%B8%B0%EC%82%AC": page()})
    with client() as http:
        got = http.get(server.url("/go"))
    assert got.status == 200 and got.final_url == server.url("/기사")  # sent percent-encoded
