"""Markdown -> HTML and plain-text paragraphs, configured once. Raw HTML is escaped."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from digest.text import truncate_chars

if TYPE_CHECKING:
    import markdown_it
    import markdown_it_pyrs
    from markdown_it.token import Token


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderedMarkdown:
    html: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@cache
def _parser() -> markdown_it.MarkdownIt:
    from markdown_it import MarkdownIt  # imported here: a build with nothing to parse skips it
    from mdit_py_plugins.footnote import footnote_plugin

    # html=False escapes raw HTML: scraped text is untrusted. validateLink keeps its default,
    # which refuses javascript:, vbscript:, file: and non-image data: URLs.
    return (MarkdownIt("commonmark", {"html": False, "typographer": False})
            .enable(["table", "strikethrough"])
            .use(footnote_plugin))


def render(source: str) -> RenderedMarkdown:
    """Markdown text -> its HTML and the plain text of each paragraph."""
    if is_prose(source):
        fast = _render_prose(source)
        if fast is not None:
            return fast
    return render_reference(source)


# Prose: paragraphs, ATX headings and block quotes, with **strong** and [links](url), nothing
# else. For such text markdown-it-pyrs (Rust) gives byte for byte what markdown-it-py gives
# (checked on the test corpus, hostile text and fuzzed documents in tests/unit/test_markdown.py);
# anything else, even one backtick or non-breaking space, goes to markdown-it-py. Where they
# were seen to differ: footnotes, reference definitions, lists, code, empty block quotes,
# thematic breaks, single-`*` and `_` emphasis (delimiter rules), entities, and Unicode spaces
# at the ends of a paragraph; pyrs can also panic on code spans inside links.
_PROSE_BREAKING_LINE = re.compile(
    r"^(?: {0,3}> ?)*"  # at the start of a line, after any quote markers:
    r"(?: {0,3}(?:[*+-](?:[ \t]|$|\n)|[=|\[]|-{2,}|```|~~~|\d{1,9}[.)](?:[ \t]|$|\n)"
    r"|[*-][* -]*(?:$|\n)|#{7,}|>[ >]*(?:$|\n))|(?: {4}|\t))",  # lists, rules, code, refs
    re.MULTILINE)
_PROSE_BREAKING_CHARACTER = re.compile(  # inline syntax, spaces other than ' '
    r"[<`\\~|_\t\r\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_PROSE_BREAKING_PAIRS = ("![", "^[", "[^")  # images, footnotes
_ENTITY = re.compile(r"&(?:#|[A-Za-z0-9]+;)")


def is_prose(source: str) -> bool:
    """Whether text uses only the Markdown both parsers agree on (see above)."""
    # Plain substring tests first: a regex with alternatives is several times slower.
    if _PROSE_BREAKING_CHARACTER.search(source) \
            or any(pair in source for pair in _PROSE_BREAKING_PAIRS) \
            or ("&" in source and _ENTITY.search(source)) or _PROSE_BREAKING_LINE.search(source):
        return False
    return "*" not in source or _only_strong(source)


def _only_strong(source: str) -> bool:
    """Whether every run of `*` is a `**` that is not beside a Unicode symbol or punctuation
    mark (the two parsers disagree on what flanks those)."""
    if "***" in source or source.count("*") != 2 * source.count("**"):
        return False  # some run is not exactly two long
    start = source.find("**")
    while start >= 0:
        before, after = source[start - 1:start], source[start + 2:start + 3]
        if not (_flanks_alike(before) and _flanks_alike(after)):
            return False
        start = source.find("**", start + 2)
    return True


def _flanks_alike(neighbour: str) -> bool:
    return not neighbour or neighbour.isascii() or neighbour.isalnum()


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


@cache
def _prose_parser() -> markdown_it_pyrs.MarkdownIt | None:
    try:
        from markdown_it_pyrs import MarkdownIt
    except ImportError:  # not built for this platform: everything takes the other path
        return None
    # The "zero" preset has no rule at all (no raw HTML): only what plain prose needs.
    parser = MarkdownIt("zero")
    parser.enable_many(["paragraph", "heading", "blockquote", "emphasis", "link", "newline"])
    return parser


def _render_prose(source: str) -> RenderedMarkdown | None:
    parser = _prose_parser()
    if parser is None:
        return None
    try:
        rendered = parser.render(source)
    except BaseException as exc:  # pyrs reports a Rust panic as a BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return None
    paragraphs = (html.unescape(_TAG.sub("", inner)).replace("\n", " ").strip()
                  for inner in _PARAGRAPH.findall(rendered))
    return RenderedMarkdown(html=rendered, paragraphs=tuple(p for p in paragraphs if p))


def render_reference(source: str) -> RenderedMarkdown:
    """Markdown text -> its HTML and paragraphs by markdown-it-py (any Markdown)."""
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


def _plain(inline: Token) -> str:
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
