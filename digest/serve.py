"""Preview server: serves the built site as GitHub Pages would, reloads browsers on change,
and shows build errors in the page. Standard library HTTP server; one thread per request."""

from __future__ import annotations

import contextlib
import json
import mimetypes
import posixpath
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypedDict
from urllib.parse import unquote, urlsplit

from digest.build import Builder, BuildOptions, SiteBuild
from digest.changes import RenderCount, changed_files, count, moved_pages, under
from digest.config import Config, find_config, load_config
from digest.errors import DigestError, one_line
from digest.kinds import EVERYTHING, Change
from digest.templates import PACKAGE_DIR
from digest.watch import Watcher

INTERNAL = "/__digest__/"
CLIENT_SCRIPT = PACKAGE_DIR / "preview.js"
PING_SECONDS = 15
LOOPBACK = ("127.", "localhost", "::1", "[::1]")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json", ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".wasm": "application/wasm",
    ".ico": "image/x-icon", ".webmanifest": "application/manifest+json",
}


def is_loopback(host: str) -> bool:
    return host.startswith(LOOPBACK)


class Status(TypedDict):
    """What the preview tells its pages (/__digest__/status and each event)."""

    version: int
    errors: list[str]
    moves: dict[str, str]  # old URL -> where to go, both under the base path


class PreviewState:
    """The preview's version, current errors and the pages the last change moved (old URL ->
    where to go, both under the base path); request threads wait on it for changes."""

    def __init__(self) -> None:
        self.version = 0
        self.errors: tuple[str, ...] = ()
        self.moves: dict[str, str] = {}
        self.closed = False
        self.changed = threading.Condition()

    def publish(self, errors: tuple[str, ...] = (), moves: dict[str, str] | None = None) -> None:
        """Record a finished rebuild: the errors that stopped it, if any, and the pages it
        moved (None: the site did not change, the last moves still hold)."""
        with self.changed:
            self.version += 1
            self.errors = errors
            if moves is not None:
                self.moves = moves
            self.changed.notify_all()

    def snapshot(self) -> Status:
        with self.changed:
            return self._state()

    def wait_past(self, version: int, timeout: float) -> Status | None:
        """Block until the version differs from `version` -> the new state, or None on timeout."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != version or self.closed, timeout)
            if self.closed or self.version == version:
                return None
            return self._state()

    def _state(self) -> Status:
        return {"version": self.version, "errors": list(self.errors), "moves": self.moves}

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()


class ServedSite:
    """The site being previewed: its files in memory, and the base path it is served under.
    `files` is replaced whole after each good build, so a request sees one build or the next."""

    def __init__(self, files: dict[str, bytes] | None = None, base_path: str = "/"):
        self.files = files or {}
        self.base_path = base_path


def resolve(files: dict[str, bytes], base_path: str, url_path: str) -> tuple[str, str | None]:
    """A request path -> ('file', output path), ('redirect', None) for a folder asked for
    without its slash, or ('missing', None). Only the build's own files can ever be named."""
    if not url_path.startswith(base_path):
        return "missing", None
    relative = unquote(url_path[len(base_path):])
    if "\\" in relative or "\x00" in relative or relative.startswith("/"):
        return "missing", None
    if any(part in ("..", ".") for part in relative.split("/")):
        return "missing", None
    if relative in files and not relative.endswith("/") and relative != "":
        return "file", relative
    folder_index = relative + ("index.html" if relative.endswith("/") or not relative
                               else "/index.html")
    if folder_index in files:
        return ("file", folder_index) if relative.endswith("/") or not relative else \
            ("redirect", None)
    return "missing", None


def inject(html: bytes, version: int) -> bytes:
    """An HTML page -> the same page with the reload and overlay script before </body>."""
    tag = (f'<script src="{INTERNAL}preview.js" data-version="{version}" defer></script>'
           .encode())
    at = html.rfind(b"</body>")
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


class PreviewHandler(BaseHTTPRequestHandler):
    """Answers a preview's requests: the built files (pages with the reload script), the
    script itself, the status and the event stream; make_handler binds it to one preview."""

    site: ServedSite
    state: PreviewState
    server_version = "digest-preview"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        pass  # the terminal is for build results and errors

    def do_HEAD(self) -> None:  # noqa: N802 (stdlib name)
        self._serve(head=True)

    def do_GET(self) -> None:  # noqa: N802 (stdlib name)
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        path = urlsplit(self.path).path
        if path.startswith(INTERNAL):
            return self._internal(path[len(INTERNAL):], head)
        if path in ("", "/") and self.site.base_path != "/":
            return self._redirect(self.site.base_path)
        files = self.site.files  # this request sees this build, whatever happens meanwhile
        found, name = resolve(files, self.site.base_path, path)
        if found == "redirect":
            return self._redirect(path + "/")
        if name is None:
            body = files.get("404.html", b"<h1>404</h1>")
            return self._send(HTTPStatus.NOT_FOUND, inject(body, self.state.version),
                              CONTENT_TYPES[".html"], head)
        body = files[name]
        kind = content_type(name)
        if kind.startswith("text/html"):
            body = inject(body, self.state.version)
        self._send(HTTPStatus.OK, body, kind, head)

    def _internal(self, name: str, head: bool) -> None:
        if name == "preview.js":
            return self._send(HTTPStatus.OK, CLIENT_SCRIPT.read_bytes(),
                              CONTENT_TYPES[".js"], head)
        if name == "status":
            return self._send(HTTPStatus.OK, json.dumps(self.state.snapshot()).encode(),
                              CONTENT_TYPES[".json"], head)
        if name == "events" and not head:
            return self._events()
        self._send(HTTPStatus.NOT_FOUND, b"not found", CONTENT_TYPES[".txt"], head)

    def _events(self) -> None:
        """Server-sent events: the current state at once, then every change."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        current = self.state.snapshot()
        try:
            self.wfile.write(b"retry: 500\n" + _event(current))
            self.wfile.flush()
            while not self.state.closed:
                update = self.state.wait_past(current["version"], PING_SECONDS)
                if update is None:
                    self.wfile.write(b": ping\n\n")
                else:
                    current = update
                    self.wfile.write(_event(update))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, body: bytes, kind: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)


def make_handler(site: ServedSite, state: PreviewState) -> type[BaseHTTPRequestHandler]:
    """The request handler class for one preview."""
    return type("Handler", (PreviewHandler,), {"site": site, "state": state})


def _event(update: Status) -> bytes:
    return f"data: {json.dumps(update, ensure_ascii=False)}\n\n".encode()


def content_type(name: str) -> str:
    """An output file name -> the Content-Type GitHub Pages would send for it."""
    suffix = posixpath.splitext(name)[1].lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or \
        "application/octet-stream"


def make_server(host: str, port: int, site: ServedSite,
                state: PreviewState) -> ThreadingHTTPServer:
    """Bind the preview server (port 0 picks a free port); OSError when the port is taken."""
    # The standard library listens with a backlog of 5: a burst of connections (many tabs,
    # a load test) then waits seconds for SYN retries. Allow a long queue.
    server_class = type("PreviewServer", (ThreadingHTTPServer,), {"request_queue_size": 1024})
    if ":" in host.strip("[]"):
        server_class = type("IPv6Server", (server_class,), {"address_family": 10})
    server = server_class((host.strip("[]"), port), make_handler(site, state))
    server.daemon_threads = True
    return server


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviewOptions:
    build: BuildOptions
    host: str = "127.0.0.1"
    port: int = 8000
    poll: bool = False


class Preview:
    """Builds, serves and rebuilds one project; `say(line, is_error)` reports to the terminal."""

    def __init__(self, options: PreviewOptions, say: Callable[[str, bool], None]):
        self.options = options
        self.say = say
        # Preview builds stay in memory, and fail on any content error so the last good
        # site stays up.
        self.builder = Builder(replace(options.build, strict=True, write=False))
        self.built: SiteBuild | None = None  # the last build that succeeded
        self.site = ServedSite()
        self.state = PreviewState()
        self.moves: dict[str, str] = {}  # site URL of a page gone -> where to look instead
        self.building = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.watcher: Watcher | None = None

    def rebuild(self, kinds: frozenset[Change] = EVERYTHING) -> bool:
        """Rebuild after a change; on failure keep the last good site and report -> success."""
        with self.building:
            before, rendering = self.built.index if self.built else None, RenderCount()
            try:
                result = self.builder.build_site(kinds, rendering)
            except Exception as exc:  # whatever a build raises, the preview keeps serving
                self._failed(exc, first=before is None)
                return False
            files = result.files
            if before is None:
                self.say(f"built {count(result.articles, 'article')} into "
                         f"{count(result.pages, 'page')} in {result.seconds:.2f} s", False)
            else:
                self.say(f"{', '.join(sorted(kinds))} changed: {rendering.pages} of "
                         f"{count(result.pages, 'page')} re-rendered, "
                         f"{count(changed_files(self.site.files, files), 'file')} changed, "
                         f"in {result.seconds:.2f} s", False)
            self.built = result
            self.moves = moved_pages(before, result.index, files, self.moves)
            self.site.files = files  # one assignment: never a half-built site
            self.state.publish((), under(self.site.base_path, self.moves))
            return True

    def _failed(self, exc: Exception, first: bool) -> None:
        """Report a failed build on the terminal and in the pages' overlay."""
        still = "the page shows why until a save fixes it" if first \
            else "still serving the last good site"
        if isinstance(exc, DigestError):
            lines = tuple(str(d) for d in exc.diagnostics)
            for line in lines:
                self.say(line, True)
            self.say(f"{'build' if first else 'rebuild'} failed; {still}", True)
        else:
            lines = (one_line(exc, self.options.build.project),)
            self.say(f"{'build' if first else 'rebuild'} failed: {lines[0]}; {still}", True)
        self.state.publish(lines)

    def start(self) -> str:
        """First build, then bind and watch -> the URL being served (raises OSError)."""
        config = self.built.config if self.rebuild() and self.built else self._show_something()
        self.site.base_path = config.base_path if config else "/"
        self.server = make_server(self.options.host, self.options.port, self.site, self.state)
        build = self.options.build
        self.watcher = Watcher(build.project, self.rebuild, poll=self.options.poll,
                               config_file=build.config_path)
        self.watcher.start()
        host, port = self.server.server_address[:2]
        if not isinstance(host, str):  # the type allows bytes; an IP socket's address is text
            host = bytes(host).decode()
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}{self.site.base_path}"

    def _show_something(self) -> Config | None:
        """After a failed first build: build leniently so there is a site under the overlay
        (none if that fails too), and read the config for its base path if it can be read."""
        lenient = Builder(replace(self.options.build, strict=False, write=False))
        with contextlib.suppress(Exception):  # the overlay already says what went wrong
            result = lenient.build_site()
            self.site.files = result.files
            return result.config
        with contextlib.suppress(Exception):
            build = self.options.build
            return load_config(find_config(build.project, build.config_path),
                               base_url=build.base_url)
        return None

    def serve_forever(self) -> None:
        """Serve until Ctrl-C (KeyboardInterrupt) or stop() from another thread."""
        if self.server is None:
            raise RuntimeError("start() binds the server first")
        try:
            self.server.serve_forever(poll_interval=0.25)
        finally:
            self._close()

    def stop(self) -> None:
        """Stop a preview serving in another thread."""
        if self.server:
            self.server.shutdown()
        self._close()

    def _close(self) -> None:
        self.state.close()  # wakes every waiting event stream so its thread ends
        if self.watcher:
            self.watcher.stop()
        if self.server:
            self.server.server_close()
