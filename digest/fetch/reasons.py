"""What went wrong with a fetch, in one line a person understands."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from http import HTTPStatus
from urllib.parse import urlsplit

import requests
import urllib3.exceptions as u3

MAX_CHARS = 200


def one_line(text: object) -> str:
    """Any text -> its words on one line, cut to MAX_CHARS characters."""
    words = " ".join(str(text).split())
    return words if len(words) <= MAX_CHARS else words[: MAX_CHARS - 1] + "…"


def status_reason(status: int, phrase: str = "") -> str:
    """A status code and the server's phrase -> "HTTP 404 Not Found"."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = one_line(phrase)
    return one_line(f"HTTP {status} {phrase}")


def duration(seconds: float) -> str:
    """Seconds -> "45 s", "20 min", "2 h" or "3 days", rounded for a person."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """An exception -> it and what it wraps (urllib3's .reason, causes, contexts)."""
    seen: set[int] = set()
    todo = [exc]
    while todo and len(seen) < 20:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        inner = [getattr(current, "reason", None), current.__cause__, current.__context__]
        inner += [arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException)]
        todo += [item for item in inner if isinstance(item, BaseException)]


def _innermost(exc: BaseException) -> str:
    """An exception -> the words of the deepest one it wraps (its class name if it has none)."""
    inner = list(_causes(exc))[-1]
    return str(inner) or type(inner).__name__


def _first(exc: BaseException, *kinds: type) -> BaseException | None:
    return next((cause for cause in _causes(exc) if isinstance(cause, kinds)), None)


def network_reason(exc: BaseException, url: str, timeout: float) -> str:
    """An exception from requests, urllib3 or a socket -> one line saying what happened."""
    where = urlsplit(url).netloc or url
    if _first(exc, u3.NameResolutionError, socket.gaierror):
        return one_line(f"host not found: {urlsplit(url).hostname or where}")
    if _first(exc, ConnectionRefusedError):
        return one_line(f"connection refused by {where}")
    if tls := _first(exc, ssl.SSLError, requests.exceptions.SSLError, u3.SSLError):
        return one_line(f"TLS error with {where}: {_innermost(tls)}")
    if _first(exc, requests.exceptions.ConnectTimeout):
        return one_line(f"could not connect to {where} within {timeout:g} s")
    if _first(exc, requests.exceptions.Timeout, u3.TimeoutError, socket.timeout):
        return one_line(f"timed out: {where} sent nothing for {timeout:g} s")
    if _first(exc, ConnectionResetError):
        return one_line(f"connection reset by {where}")
    if _first(exc, requests.exceptions.ContentDecodingError, u3.DecodeError):
        return one_line(f"could not decompress the response from {where}")
    if _first(exc, requests.exceptions.InvalidURL, u3.LocationValueError, UnicodeError):
        return one_line(f"not a valid URL: {url}")
    if _first(exc, requests.exceptions.ChunkedEncodingError, u3.ProtocolError):
        return one_line(f"{where} broke off or garbled the response ({_innermost(exc)})")
    return one_line(f"request to {where} failed: {_innermost(exc)}")
