"""A small web server for fetch tests: 127.0.0.1 on a free port, a canned reply per path,
every request recorded (path, headers, start and end on the monotonic clock)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Sink:
    """Where a body callable writes; `wait` ends early (and aborts) when the server stops."""

    def __init__(self, wfile, stopping: threading.Event):
        self._wfile, self._stopping = wfile, stopping

    def write(self, data: bytes) -> None:
        self._wfile.write(data)
        self._wfile.flush()

    def wait(self, seconds: float) -> None:
        if self._stopping.wait(seconds):
            raise ConnectionAbortedError("the server is stopping")


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """One canned answer. Bytes get a Content-Length unless headers set one; a callable
    body writes itself into a Sink after the headers (drips, endless streams, raw chunks)."""

    status: int | None = 200  # None: the body callable writes the whole answer itself
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | Callable[[Sink], None] = b""
    delay: float = 0.0  # seconds before the status line is sent


@dataclass(frozen=True, slots=True, kw_only=True)
class Seen:
    """One request as the server saw it; `complete` is False when the client hung up first."""

    path: str
    headers: Mapping[str, str]  # names in lower case
    start: float
    end: float
    complete: bool


# a route: a Reply, or a function (how many times the path was asked before, headers) -> Reply
Route = Reply | Callable[[int, Mapping[str, str]], Reply]
NOT_FOUND = Reply(status=404, headers={"Content-Type": "text/plain"}, body=b"not found")


def drip(data: bytes, every: float) -> Callable[[Sink], None]:
    """A body that sends one byte every `every` seconds."""
    def write(sink: Sink) -> None:
        for byte in data:
            sink.write(bytes([byte]))
            sink.wait(every)
    return write


def chunked(pieces: Iterable[bytes]) -> Callable[[Sink], None]:
    """A body in chunked transfer coding (set Transfer-Encoding: chunked); endless if they are."""
    def write(sink: Sink) -> None:
        for piece in pieces:
            sink.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        sink.write(b"0\r\n\r\n")
    return write


class FakeTime:
    """A clock that only moves when the client sleeps (or a test moves it)."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class WebServer:
    """A ThreadingHTTPServer on 127.0.0.1 serving `routes` (path with query -> Route)."""

    def __init__(self, routes: Mapping[str, Route] | None = None):
        self.routes: dict[str, Route] = dict(routes or {})
        self.stopping = threading.Event()
        self._seen: list[Seen] = []
        self._asked: dict[str, int] = {}
        self._in_flight = 0
        self._done = threading.Condition()
        handler = type("Handler", (_Handler,), {"web": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def seen(self) -> list[Seen]:
        """The requests so far, in the order they began, once those under way are recorded
        (a client can have its answer, and ask again, before the handler is done)."""
        with self._done:
            self._done.wait_for(lambda: self._in_flight == 0, timeout=10)
            return sorted(self._seen, key=lambda seen: seen.start)

    def paths(self) -> list[str]:
        """The paths asked so far, in the order they were asked."""
        return [seen.path for seen in self.seen]

    def ask(self, path: str) -> int:
        """Count one request for a path -> how many came before it."""
        with self._done:
            self._in_flight += 1
            number = self._asked.get(path, 0)
            self._asked[path] = number + 1
            return number

    def record(self, seen: Seen) -> None:
        with self._done:
            self._seen.append(seen)
            self._in_flight -= 1
            self._done.notify_all()

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    web: WebServer

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        start = time.monotonic()
        headers = {name.lower(): value for name, value in self.headers.items()}
        number = self.web.ask(self.path)
        complete = False
        try:
            route = self.web.routes.get(self.path, NOT_FOUND)
            reply = route(number, headers) if callable(route) else route
            self._answer(reply, Sink(self.wfile, self.web.stopping))
            complete = True
        except OSError:
            pass  # the client hung up, or the server is stopping
        finally:
            self.web.record(Seen(path=self.path, headers=headers, start=start,
                                 end=time.monotonic(), complete=complete))

    def _answer(self, reply: Reply, sink: Sink) -> None:
        if reply.delay:
            sink.wait(reply.delay)
        if reply.status is None:
            reply.body(sink)
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        names = {name.lower() for name in reply.headers}
        if isinstance(reply.body, bytes) and "content-length" not in names:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if isinstance(reply.body, bytes):
            sink.write(reply.body)
        else:
            reply.body(sink)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def webserver() -> Iterable[Callable[..., WebServer]]:
    """Start local web servers: routes -> WebServer; every one is stopped after the test."""
    started: list[WebServer] = []

    def start(routes: Mapping[str, Route] | None = None) -> WebServer:
        started.append(WebServer(routes))
        return started[-1]

    yield start
    for server in started:
        server.stop()
