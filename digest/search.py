"""Static full-text search that works for Korean: Pagefind over our own segmentation.

Pagefind splits Korean only at spaces, so `원팀` would not find `'AI원팀'에` and `전자` would not
find `삼성전자`. Each run of Hangul is therefore indexed as its overlapping syllable pairs
(`삼성전자` -> `삼성 성전 전자`, each written as hex code points, see _code), and the browser
segments the query the same way
(templates/static/search.js), so every pair of the query must be in the article. Latin words
and numbers stay whole. Pagefind indexes metadata too, so the original text is not stored in
the index: the search page takes each result's excerpt from the article page itself.
"""

from __future__ import annotations

import html
import marshal
import re
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from digest.errors import DigestError, error
from digest.model import Story

INDEX_FOLDER = "pagefind/"
_TOKEN = re.compile(r"[^\W_]+")
_RUNS = re.compile(r"[\uac00-\ud7a3]+|[^\uac00-\ud7a3]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_TAGS = re.compile(r"<[^>]+>")


def segment(text: str) -> str:
    """Text -> its index form: Hangul as overlapping syllable pairs, other words lowercased."""
    words: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        for run in _RUNS.findall(token):
            if len(run) > 1 and _HANGUL.match(run):
                words.extend(_code(run[i:i + 2]) for i in range(len(run) - 1))
            else:
                words.append(_code(run) if _HANGUL.match(run) else run)
    return " ".join(words)


def _code(hangul: str) -> str:
    """Hangul -> its code points in hex plus 'k' ('전자' -> 'c804c790k'). Pagefind splits its
    index into chunks by leading characters; all Hangul shares four leading UTF-8 bytes, so
    without this one chunk held every Korean word (2.8 MB of 3.4 MB at 10,000 articles)."""
    return "".join(f"{ord(c):04x}" for c in hangul) + "k"


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    url: str
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]]
    sort: dict[str, str]


def records(stories: Iterable[Story]) -> list[Record]:
    """Stories -> one search record each: segmented text, original text, facets."""
    found = []
    for story in stories:
        # What the page shows (the excerpt, in excerpt mode): the index never reveals more.
        original = " ".join(html.unescape(_TAGS.sub(" ", story.html)).split())
        found.append(Record(
            url=story.url,
            # Each word once: the posting lists of frequent syllable pairs stay small (a page's
            # excerpt comes from the page itself, so positions of repeats are not needed).
            content=" ".join(dict.fromkeys(
                segment(" ".join([story.title, story.subtitle or "", original])).split())),
            meta={"title": story.title, "date": story.published.isoformat(),
                  "section": story.section.name},
            filters={"section": [story.section.name]},
            sort={"date": story.published.isoformat()},
        ))
    return found


def pack_record(record: Record) -> bytes:
    """Record -> bytes to keep in the build cache."""
    return marshal.dumps((record.url, record.content, record.meta, record.filters, record.sort))


def unpack_record(data: bytes) -> Record:
    url, content, meta, filters, sort = marshal.loads(data)
    return Record(url=url, content=content, meta=meta, filters=filters, sort=sort)


def index_files(found: list[Record], language: str) -> dict[str, bytes]:
    """Search records -> the Pagefind bundle {'pagefind/…': bytes}; no records, no bundle (the
    search page then says there is nothing to search yet).

    Each record becomes a small HTML page (index form in the body; original text, facets and
    sort key as data-pagefind-* elements that are not indexed), and Pagefind's extended binary
    indexes the folder in one run. (Its Python API sends records one by one and waits 0.1 s per
    reply: 100 s for 1,000 articles.)"""
    if not found:
        return {}  # Pagefind refuses an empty folder ("not able to build an index")
    lang = language[:2] or "ko"
    with tempfile.TemporaryDirectory(prefix="digest-search-") as work:
        pages = Path(work) / "pages"
        for record in found:
            page = pages / record.url / "index.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(_document(record, lang), encoding="utf-8")
        bundle = Path(work) / "bundle"
        _run_pagefind([str(_pagefind()), "--site", str(pages), "--output-path", str(bundle),
                       "--force-language", lang, "--silent"])
        return {INDEX_FOLDER + path.relative_to(bundle).as_posix(): path.read_bytes()
                for path in sorted(bundle.rglob("*"))
                if path.is_file() and not path.name.startswith(_UNUSED)}


class SearchIndexError(DigestError):
    """Pagefind could not build the index: one line saying what failed."""


def _failed(message: str) -> SearchIndexError:
    return SearchIndexError([error(f"search index: {message} (--no-search builds without it)")])


_UNUSED = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "playground")


def _run_pagefind(command: list[str]) -> None:
    """Run Pagefind; raise SearchIndexError with the first line it printed when it fails."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, errors="replace")
    except OSError as exc:
        raise _failed(f"cannot run {command[0]}: {exc.strerror or exc}") from None
    if done.returncode != 0:
        said = next((line.strip() for line in (done.stderr + done.stdout).splitlines()
                     if line.strip()), "no message")
        raise _failed(f"{command[0]} failed (exit {done.returncode}): {said}")


def engine_version() -> str:
    """The version of Pagefind that builds the index (a new one may write other files)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "unknown"


def _pagefind() -> Path:
    try:
        from pagefind.service import get_executable
    except ImportError:
        get_executable = None
    executable = get_executable() if get_executable else None
    if executable is None:
        raise _failed("the pagefind binary is missing: pip install 'pagefind[extended]'")
    return Path(executable)


def _document(record: Record, language: str) -> str:
    facts = [f'<span data-pagefind-meta="{key}">{html.escape(value)}</span>'
             for key, value in record.meta.items()]
    facts += [f'<span data-pagefind-filter="{key}">{html.escape(value)}</span>'
              for key, values in record.filters.items() for value in values]
    facts += [f'<span data-pagefind-sort="{key}">{html.escape(value)}</span>'
              for key, value in record.sort.items()]
    return (f'<!doctype html><html lang="{language}"><body><main data-pagefind-body>'
            f"<p>{html.escape(record.content)}</p>"
            f'<div data-pagefind-ignore="index">{"".join(facts)}</div></main></body></html>')
