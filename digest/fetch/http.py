"""The polite HTTP client of digest fetch: robots.txt, one request at a time per host, caps."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, replace
from types import TracebackType
from typing import TYPE_CHECKING, Self
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import ConnectionPool
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from digest.fetch import robots
from digest.fetch.reasons import duration, network_reason, one_line, status_reason

if TYPE_CHECKING:
    from digest.config import Config

CHUNK = 64 * 1024  # decoded bytes per read: the most a body may pass the cap by
MAX_REDIRECTS = 10
RETRY_AFTER_TRIES = 3  # how often one URL's 429/503 is waited out before giving up
BACKOFF = 0.5  # urllib3's backoff factor: 0 s, 1 s, 2 s, 4 s ... between retries
RETRY_STATUSES = (500, 502, 503, 504)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
# digest reads only text; these are never it (anything else is returned with its type)
NOT_TEXT = ("image/", "video/", "audio/", "font/", "model/", "application/octet-stream",
            "application/pdf", "application/zip", "application/x-zip-compressed",
            "application/gzip", "application/x-gzip")
# gzip and deflate, and br or zstd only when their decoder is installed
ACCEPT_ENCODING = urllib3.util.make_headers(accept_encoding=True)["accept-encoding"]
NETWORK_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError,
                  http.client.HTTPException, OSError, ValueError)


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    url: str  # as requested
    final_url: str  # after redirects
    status: int  # 200 (any 2xx) or 304
    body: bytes  # decompressed; b"" for 304
    content_type: str  # "" when absent
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    url: str
    reason: str  # one line for a person: "HTTP 404 Not Found", "timed out ..."
    retry_after: float | None = None  # seconds, when the server asked for longer than we wait
    disallowed: bool = False  # robots.txt said no


@dataclass(frozen=True, slots=True, kw_only=True)
class _Reply:
    """One answer of a server: its body read when it is a 2xx, else left unread."""

    status: int
    headers: Mapping[str, str]
    body: bytes = b""


class _Refused(Exception):
    """The client stopped reading an answer; the message says why."""


class _Host:
    """What the client keeps per host (scheme, name, port): its locks, rules and pacing."""

    __slots__ = ("lock", "robots_lock", "rules", "ready_at", "delay")

    def __init__(self) -> None:
        self.lock = threading.Lock()  # held for each request: one at a time
        self.robots_lock = threading.Lock()  # held while robots.txt is fetched, once
        self.rules: robots.Rules | None = None
        self.ready_at = float("-inf")  # clock() before which no request may start
        self.delay = 0.0  # the host's robots.txt Crawl-delay, when longer than our pause


class _Retry(Retry):
    """urllib3's Retry sleeping its backoff through the client's sleep; a 429 or 503 with
    Retry-After is left to the client, which waits it out only up to max_wait."""

    backoff_sleep: Callable[[float], object] = staticmethod(time.sleep)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        return not has_retry_after and super().is_retry(method, status_code, False)

    def increment(self, method: str | None = None, url: str | None = None,
                  response: BaseHTTPResponse | None = None, error: Exception | None = None,
                  _pool: ConnectionPool | None = None,
                  _stacktrace: TracebackType | None = None) -> Self:
        if response is not None:
            response.close()  # urllib3 would drain the body first, however long it is
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        backoff = self.get_backoff_time()
        if backoff > 0:
            self.backoff_sleep(backoff)


class Client:
    """Polite GETs: robots.txt obeyed, one request at a time per host with a pause between,
    bounded in time and size; thread-safe, a context manager, never raises for the network."""

    def __init__(self, *, user_agent: str, pause: float = 1.0, timeout: float = 10.0,
                 deadline: float = 30.0, max_bytes: int = 5_000_000, retries: int = 2,
                 max_wait: float = 60.0, sleep: Callable[[float], object] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.user_agent, self.pause, self.timeout = user_agent, pause, timeout
        self.deadline, self.max_bytes, self.max_wait = deadline, max_bytes, max_wait
        self.retries = retries
        self._agent = robots.product_token(user_agent)
        self._sleep, self._clock = sleep, clock
        self._hosts: dict[tuple[str, str, int], _Host] = {}
        self._hosts_lock = threading.Lock()
        retry_class = type("ClientRetry", (_Retry,), {"backoff_sleep": staticmethod(sleep)})
        self._retry = retry_class(total=retries, backoff_factor=BACKOFF,
                                  status_forcelist=RETRY_STATUSES, raise_on_status=False,
                                  retry_after_max=10**9)
        self._session = requests.Session()
        adapter = HTTPAdapter(max_retries=self._retry)
        for scheme in DEFAULT_PORTS:
            self._session.mount(f"{scheme}://", adapter)
        self._session.headers.update({"User-Agent": user_agent,
                                      "Accept-Encoding": ACCEPT_ENCODING})

    @classmethod
    def for_config(cls, config: Config) -> Client:
        """A loaded Config -> a Client with its fetch settings and user agent."""
        from digest.fetch.settings import default_user_agent  # settings needs the config

        fetch = config.fetch
        return cls(user_agent=fetch.user_agent or default_user_agent(config), pause=fetch.pause,
                   timeout=fetch.timeout, deadline=fetch.deadline, max_bytes=fetch.max_bytes,
                   retries=fetch.retries)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()

    def get(self, url: str, *, etag: str | None = None,
            last_modified: str | None = None) -> Response | Failure:
        """A URL (and a stored copy's validators) -> its Response, or a Failure saying why."""
        validators = {"If-None-Match": etag, "If-Modified-Since": last_modified}
        headers = {name: value for name, value in validators.items() if value}
        hops = [url]
        while True:
            if problem := url_problem(hops[-1]):
                return Failure(url=url, reason=problem)
            reply = self._get_one(hops[-1], headers)
            if isinstance(reply, Failure):
                return replace(reply, url=url)
            if reply.status not in REDIRECTS:
                return _outcome(url, hops[-1], reply, etag, last_modified)
            target = redirect_target(hops[-1], reply.headers)
            if target is None:
                return Failure(url=url,
                               reason=f"a redirect without a usable Location at {hops[-1]}")
            if problem := _hop_problem(hops, target):
                return Failure(url=url, reason=problem)
            hops.append(target)

    def _get_one(self, url: str, headers: dict[str, str]) -> _Reply | Failure:
        """One URL, no redirects followed: robots.txt asked, a 429/503 waited out if short."""
        host = self._host(url)
        rules = self._rules(host, url)
        if not rules.allows(url, self._agent):
            return Failure(url=url, reason=rules.problem or one_line(f"robots.txt disallows {url}"),
                           disallowed=True)
        waits = 0
        while True:
            reply = self._paced(host, url, headers, self._read_page)
            if isinstance(reply, Failure):
                return reply
            wait = self._retry_after(reply)
            if wait is None:
                return reply
            said = status_reason(reply.status)
            if wait > self.max_wait:
                return Failure(url=url, reason=f"{said}: asked to come back in {duration(wait)}",
                               retry_after=wait)
            if waits == RETRY_AFTER_TRIES:
                return Failure(url=url, reason=f"{said} after waiting {waits} times as asked")
            waits += 1
            with host.lock:  # every request to this host waits, not only this one
                host.ready_at = max(host.ready_at, self._clock() + wait)

    def _retry_after(self, reply: _Reply) -> float | None:
        """A 429 or 503 answer -> the seconds its Retry-After asks for (None: none, or unread)."""
        if reply.status not in (429, 503):
            return None
        value = reply.headers.get("Retry-After")
        try:
            return self._retry.parse_retry_after(value) if value else None
        except (urllib3.exceptions.InvalidHeader, ValueError, OverflowError):
            return None

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        key = (scheme, parts.hostname or "", parts.port or DEFAULT_PORTS[scheme])
        with self._hosts_lock:
            return self._hosts.setdefault(key, _Host())

    def _rules(self, host: _Host, url: str) -> robots.Rules:
        """The robots.txt rules of a URL's host, fetched on the first ask and kept."""
        with host.robots_lock:
            if host.rules is None:
                host.rules = self._fetch_rules(robots.robots_url(url))
                host.delay = host.rules.crawl_delay(self._agent)
            return host.rules

    def _fetch_rules(self, url: str) -> robots.Rules:
        """A robots.txt URL -> its rules, redirects followed (RFC 9309 2.3.1)."""
        for _ in range(robots.MAX_REDIRECTS + 1):
            answer = self._paced(self._host(url), url, {}, self._read_robots)
            if isinstance(answer, Failure):
                return robots.unreadable(answer.reason)
            if answer.status not in REDIRECTS:
                return robots.from_answer(answer.status, answer.body)
            target = redirect_target(url, answer.headers)
            if target is None or url_problem(target):
                return robots.unreadable(f"redirected to {one_line(target or 'nowhere')}")
            url = target
        return robots.ALLOW_ALL  # past five redirects robots.txt counts as unavailable

    def _paced(self, host: _Host, url: str, headers: dict[str, str],
               read: Callable[[requests.Response, float], _Reply]) -> _Reply | Failure:
        """One request with the host to itself, `pause` after its previous one ended."""
        with host.lock:
            wait = host.ready_at - self._clock()
            if wait > 0:
                self._sleep(wait)
            try:
                return self._exchange(url, headers, read)
            finally:
                host.ready_at = max(host.ready_at, self._clock() + max(self.pause, host.delay))

    def _exchange(self, url: str, headers: dict[str, str],
                  read: Callable[[requests.Response, float], _Reply]) -> _Reply | Failure:
        """Send one GET and read its answer; whatever goes wrong becomes a Failure."""
        start = self._clock()
        wait = min(self.timeout, self.deadline)
        try:
            with self._session.get(url, headers=headers, stream=True, allow_redirects=False,
                                   timeout=(wait, wait)) as response:
                return read(response, start)
        except _Refused as refused:
            return Failure(url=url, reason=str(refused))
        except NETWORK_ERRORS as exc:
            if self._clock() - start >= self.deadline:
                return Failure(url=url, reason=self._late())
            return Failure(url=url, reason=network_reason(exc, url, self.timeout))

    def _read_page(self, response: requests.Response, start: float) -> _Reply:
        """A page's answer -> its reply, the body read when it is a 2xx of a text type."""
        if not 200 <= response.status_code < 300:
            return _Reply(status=response.status_code, headers=response.headers)
        if problem := _header_problem(response.headers, self.max_bytes):
            raise _Refused(problem)
        body = self._read_body(response, self.max_bytes, start)
        if len(body) > self.max_bytes:
            raise _Refused(f"the body is over the {self.max_bytes:,}-byte cap; stopped reading")
        return _Reply(status=response.status_code, headers=response.headers, body=body)

    def _read_robots(self, response: requests.Response, start: float) -> _Reply:
        """A robots.txt answer -> its reply, the first robots.MAX_BYTES of a 2xx body read."""
        body = b""
        if 200 <= response.status_code < 300:
            body = self._read_body(response, robots.MAX_BYTES, start)
        return _Reply(status=response.status_code, headers=response.headers, body=body)

    def _read_body(self, response: requests.Response, limit: int, start: float) -> bytes:
        """The decoded body, read until its end or just past `limit` bytes, by the deadline."""
        raw = response.raw
        body = bytearray()
        while len(body) <= limit:
            left = self.deadline - (self._clock() - start)
            if left <= 0:
                raise _Refused(self._late())
            # each read waits at most until the deadline, however slowly the server drips
            sock = getattr(getattr(raw, "connection", None), "sock", None)
            if sock is not None:
                sock.settimeout(min(self.timeout, left))
            chunk = raw.read1(CHUNK, decode_content=True)
            if not chunk:
                break
            body += chunk
        return bytes(body)

    def _late(self) -> str:
        return f"no complete answer within the {self.deadline:g} s deadline; cut off"


def url_problem(url: str) -> str | None:
    """A URL -> why the client will not request it, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError:
        return one_line(f"not a valid URL: {url}")
    if parts.scheme.lower() not in DEFAULT_PORTS:
        return one_line(f"not an http(s) URL: {url}")
    if not parts.hostname:
        return one_line(f"no host in the URL: {url}")
    return None


def redirect_target(url: str, headers: Mapping[str, str]) -> str | None:
    """A redirect's URL and headers -> the absolute URL its Location names, or None."""
    location = headers.get("Location", "").strip()
    with suppress(UnicodeError):  # http.client reads headers as Latin-1; servers send UTF-8
        location = location.encode("latin-1").decode("utf-8")
    try:
        return urljoin(url, location) if location else None
    except ValueError:
        return None


def _hop_problem(hops: list[str], target: str) -> str | None:
    """The URLs so far and where the last one redirects -> why not to follow, or None."""
    scheme = urlsplit(target).scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return one_line(f"redirected to a {scheme}: URL, not followed: {target}")
    if target in hops:
        return one_line(f"redirect loop: {hops[-1]} leads back to {target}")
    if len(hops) > MAX_REDIRECTS:
        return one_line(f"more than {MAX_REDIRECTS} redirects; stopped at {target}")
    return None


def _header_problem(headers: Mapping[str, str], max_bytes: int) -> str | None:
    """A 2xx answer's headers -> why its body is not read (a type not text, too long), or None."""
    kind = headers.get("Content-Type", "").split(";")[0].strip().lower()
    if kind.startswith(NOT_TEXT):
        return one_line(f"not text ({kind}); digest reads only text")
    length = headers.get("Content-Length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        return f"Content-Length {int(length):,} is over the {max_bytes:,}-byte cap; not read"
    return None


def _outcome(url: str, final: str, reply: _Reply, etag: str | None,
             last_modified: str | None) -> Response | Failure:
    """The last answer for a URL -> a Response (2xx, 304) or a Failure naming the status."""
    status = reply.status
    if status != 304 and not 200 <= status < 300:
        where = "" if final == url else f" at {final}"
        return Failure(url=url, reason=one_line(status_reason(status) + where))
    if status == 304:  # a 304 may omit the validators; the stored copy's still hold
        etag = reply.headers.get("ETag") or etag
        last_modified = reply.headers.get("Last-Modified") or last_modified
    else:
        etag, last_modified = reply.headers.get("ETag"), reply.headers.get("Last-Modified")
    return Response(url=url, final_url=final, status=status, body=reply.body,
                    content_type=reply.headers.get("Content-Type", ""), etag=etag,
                    last_modified=last_modified)
