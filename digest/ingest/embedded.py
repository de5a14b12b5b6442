"""Article text a page keeps in its own data rather than in its visible HTML: JSON-LD
`articleBody`, and the application state of pages rendered by scripts (the ANS documents of
Arc XP sites in `Fusion.globalContent`, Next.js `__NEXT_DATA__` and the like)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

from bs4 import BeautifulSoup

from digest.text import nfc

_STATE = re.compile(r"(?:Fusion\.globalContent|__NEXT_DATA__|__INITIAL_STATE__|"
                    r"__PRELOADED_STATE__|__NUXT__)\s*=\s*")
_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<br\s*/?>|</p>", re.IGNORECASE)
MAX_DEPTH = 8


def embedded_body(soup: BeautifulSoup, ld: dict[str, Any]) -> str | None:
    """The longest article text in the page's data, as paragraphs; None when it has none."""
    found = [_paragraphs(ld.get("articleBody"))]
    found += [_state_body(state, 0) for state in _states(soup)]
    return max((text for text in found if text), key=len, default=None)


def _states(soup: BeautifulSoup) -> Iterator[Any]:
    for script in soup.find_all("script"):
        text = script.string or ""
        if script.get("id") == "__NEXT_DATA__":
            start = 0
        else:
            match = _STATE.search(text)
            if not match:
                continue
            start = match.end()
        try:
            yield json.JSONDecoder(strict=False).raw_decode(text, start)[0]
        except ValueError:
            continue


def _state_body(data: Any, depth: int) -> str | None:
    """Application state -> the text of its first ANS-style story (content_elements of type
    text) or articleBody, searched breadth-first a few levels down."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(data, dict):
        elements = data.get("content_elements")
        if isinstance(elements, list):
            texts = [_paragraphs(e.get("content")) for e in elements
                     if isinstance(e, dict) and e.get("type") == "text"]
            if any(texts):
                return "\n\n".join(t for t in texts if t)
        if isinstance(data.get("articleBody"), str):
            return _paragraphs(data["articleBody"])
        children = list(data.values())
    elif isinstance(data, list):
        children = data
    else:
        return None
    for child in children:
        if isinstance(child, (dict, list)):
            found = _state_body(child, depth + 1)
            if found:
                return found
    return None


def _paragraphs(value: Any) -> str | None:
    """A text or HTML fragment -> plain paragraphs, one per line break or <p>."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", value)))
    lines = [" ".join(nfc(line).split()) for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line) or None
