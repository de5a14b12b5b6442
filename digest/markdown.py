"""Markdown -> HTML and plain-text paragraphs, configured once. Raw HTML is escaped."""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache

from digest.text import truncate_chars


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderedMarkdown:
    html: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@cache
def _parser():
    from markdown_it import MarkdownIt  # imported here: a build with nothing to parse skips it
    from mdit_py_plugins.footnote import footnote_plugin

    # html=False escapes raw HTML: scraped text is untrusted. validateLink keeps its default,
    # which refuses javascript:, vbscript:, file: and non-image data: URLs.
    return (MarkdownIt("commonmark", {"html": False, "typographer": False})
            .enable(["table", "strikethrough"])
            .use(footnote_plugin))


def render(source: str) -> RenderedMarkdown:
    """Markdown text -> its HTML and the plain text of each paragraph."""
    parser = _parser()
    tokens = parser.parse(source)
    paragraphs = []
    in_footnotes = False
    for previous, token in zip(tokens, tokens[1:], strict=False):
        in_footnotes = in_footnotes or token.type == "footnote_block_open"
        if token.type == "inline" and previous.type == "paragraph_open" and not in_footnotes:
            text = _plain(token)
            if text:
                paragraphs.append(text)
    return RenderedMarkdown(html=parser.renderer.render(tokens, parser.options, {}),
                            paragraphs=tuple(paragraphs))


def _plain(inline) -> str:
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def excerpt_paragraphs(paragraphs: tuple[str, ...], limit: int) -> tuple[str, ...]:
    """Plain paragraphs -> the leading ones holding at most `limit` characters, the last cut."""
    kept: list[str] = []
    left = limit
    for paragraph in paragraphs:
        if left <= 0:
            break
        if len(paragraph) <= left:
            kept.append(paragraph)
            left -= len(paragraph)
        else:
            kept.append(truncate_chars(paragraph, left))
            break
    return tuple(kept)


def paragraphs_html(paragraphs: tuple[str, ...]) -> str:
    """Plain paragraphs -> escaped <p> elements."""
    return "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
