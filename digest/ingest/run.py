"""The ingest orchestrator: sources -> articles in content/, one Outcome per article found."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import NotRequired, Protocol, TypedDict

from digest.config import Config
from digest.ingest.captures import compare
from digest.ingest.library import Known, Library, same_content, with_checksum
from digest.ingest.normalize import content_path, section_key
from digest.ingest.sources import STDIN, Found, expand, is_web_address, read_articles
from digest.model import Article
from digest.parallel import map_ordered
from digest.store import dumps

WRITTEN, UNCHANGED, DUPLICATE, FAILED = "written", "unchanged", "duplicate", "failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestOptions:
    project: Path
    config: Config
    force: bool = False
    dry_run: bool = False
    jobs: int = 1
    now: datetime | None = None


class OutcomeJson(TypedDict):
    """One line of `digest ingest --report json`."""

    source: str
    status: str
    path: str | None
    reason: str | None
    warnings: list[str]
    entry: NotRequired[int]  # which entry of a feed or multi-article file


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    source: str
    status: str
    path: str | None = None
    reason: str | None = None
    entry: int | None = None
    warnings: tuple[str, ...] = ()

    def as_json(self) -> OutcomeJson:
        report: OutcomeJson = {"source": self.source, "status": self.status, "path": self.path,
                               "reason": self.reason, "warnings": list(self.warnings)}
        if self.entry is not None:
            report["entry"] = self.entry
        return report


class _Reader:
    """Reads and extracts one source; module-level state so forked workers can run it."""

    config: Config
    now: datetime
    project: Path

    @classmethod
    def run(cls, source: str) -> list[Found]:
        try:
            data = sys.stdin.buffer.read() if source == STDIN else Path(source).read_bytes()
        except OSError as exc:
            return [Found(source=source, reason=f"cannot read: {exc.strerror or exc}")]
        if source == STDIN:
            return read_articles("<stdin>", data, cls.config, cls.now)
        return read_articles(source, data, cls.config, cls.now,
                             origin=recorded_source(Path(source), cls.project))


def ingest(inputs: list[str], options: IngestOptions,
           advance: Callable[[int], None] = lambda n: None) -> list[Outcome]:
    """Source paths -> Outcomes, writing each new or updated article into content/."""
    now = options.now or datetime.now(UTC)
    sources, missing = expand(inputs)
    outcomes = [Outcome(source=f.source, status=FAILED, reason=f.reason) for f in missing]
    if not options.dry_run:
        remove_leftovers(options.project / "content")
    library = Library(options.project, options.config)
    pages = [s for s in sources if is_web_address(s)]
    if pages:
        from digest.fetch.pages import fetch_pages  # only when fetching

        outcomes += [place(f, library, options) for f in fetch_pages(pages, options.config, now)]
        sources = [s for s in sources if s not in pages]
    _Reader.config, _Reader.now, _Reader.project = options.config, now, options.project
    jobs = 1 if STDIN in sources else options.jobs
    # Reading a page costs ~50 ms, so workers pay off from a handful of sources.
    for found_list in map_ordered(_Reader.run, sources, jobs=jobs, advance=advance,
                                  serial_below=8, min_chunk=1):
        for found in found_list:
            outcomes.append(place(found, library, options))
    return _final_warnings(outcomes, library)


def _final_warnings(outcomes: list[Outcome], library: Library) -> list[Outcome]:
    """Warnings stay only on the outcome whose article content/ holds at the end (a page
    text written first and then replaced by its saved HTML warns of nothing)."""
    last = {o.path: i for i, o in enumerate(outcomes) if o.status in (WRITTEN, UNCHANGED)}
    return [o if not o.warnings or (last.get(o.path) == i and o.path in library.items)
            else replace(o, warnings=()) for i, o in enumerate(outcomes)]


def recorded_source(source: Path, project: Path) -> str:
    """A source file -> the name its articles' provenance records: the path relative to the
    project when inside it, else only the file name (never a path of the user's machine)."""
    resolved = source.resolve()
    try:
        return resolved.relative_to(project.resolve()).as_posix()
    except ValueError:
        return resolved.name


class _MakeOutcome(Protocol):
    """The Outcome of one found article, given what became of it."""

    def __call__(self, status: str, path: str | None = None, reason: str | None = None,
                 article: Article | None = None) -> Outcome: ...


def place(found: Found, library: Library, options: IngestOptions) -> Outcome:
    """Decide what one found article means for content/, and write it if it is new."""
    def outcome(status: str, path: str | None = None, reason: str | None = None,
                article: Article | None = None) -> Outcome:
        return Outcome(source=found.source, status=status, path=path, reason=reason,
                       entry=found.entry, warnings=warnings(article))

    if found.article is None:
        return outcome(FAILED, reason=found.reason)
    article = found.article
    known, why = library.match(article, content_path(article, options.config))
    if known is None:
        article = library.free_slug(article)
        return _write(article, content_path(article, options.config), library, options,
                      outcome, reason=_section_note(article, options.config))
    if same_content(known.article, replace(article, slug=known.article.slug)):
        return outcome(UNCHANGED, known.path, article=known.article)
    verdict = compare(article, known.article)
    if not verdict.new_wins:
        kept = "a newer version" if verdict.newer else "the richer capture"
        kept = "the one edited by hand" if known.edited else kept
        return outcome(DUPLICATE, known.path, f"same article as {known.path} ({why}; kept "
                                              f"{kept}: {verdict.why})")
    if known.edited and not options.force:
        return outcome(FAILED, known.path, f"{known.path} was edited by hand; "
                                           "not overwritten (use --force)")
    if verdict.newer:  # a later version keeps its slug, so its URL
        article = replace(article, slug=known.article.slug)
    article, path = _moved(article, known, library, options)
    reason = (f"updated {known.path} ({why}; newer version: {verdict.why})" if verdict.newer
              else f"replaced {known.path} ({why}; richer capture: {verdict.why})")
    written = _write(article, path, library, options, outcome, reason, replaces=known.path)
    if written.status == FAILED:  # the stored one is still on disk, and still known
        library.add(known.path, known.article)
    return written


def _moved(article: Article, known: Known, library: Library,
           options: IngestOptions) -> tuple[Article, str]:
    """The capture replacing a stored one -> itself at its own file name (its section and
    slug), or at the stored one's file name when its own is taken by another story."""
    library.remove(known.path)
    own = library.free_slug(article)
    if own.slug != article.slug:
        own = replace(article, slug=known.article.slug)
        return own, known.path
    return own, content_path(own, options.config)


def warnings(article: Article | None) -> tuple[str, ...]:
    """What a reader of the stored article will miss: a link to the original."""
    if article is None or article.source_url:
        return ()
    return (NO_SOURCE_URL,)


NO_SOURCE_URL = "no source URL: the page cannot link to the original"


def _section_note(article: Article, config: Config) -> str | None:
    """A note when the article's section is not configured, naming the key it was given."""
    if not article.section or config.section_for(article.section):
        return None
    return (f"section '{article.section}' is not in digest.yaml; filed under "
            f"'{section_key(article, config)}'")


def _write(article: Article, path: str, library: Library, options: IngestOptions,
           outcome: _MakeOutcome, reason: str | None, replaces: str | None = None) -> Outcome:
    article = with_checksum(replace(article, path=path))
    if not options.dry_run:
        try:
            write_atomically(options.project / path, dumps(article))
            if replaces and replaces != path:
                (options.project / replaces).unlink(missing_ok=True)
        except OSError as exc:
            return outcome(FAILED, path, f"cannot write: {exc.strerror or exc}")
    if replaces:
        library.remove(replaces)
    library.add(path, article)
    return outcome(WRITTEN, path, reason, article=article)


TEMPORARY_SUFFIX = ".tmp"


def remove_leftovers(content: Path) -> int:
    """Delete temporary files an interrupted ingest left in content/ -> how many."""
    leftovers = [p for p in content.rglob(f".*.md.*{TEMPORARY_SUFFIX}") if p.is_file()]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return len(leftovers)


def write_atomically(path: Path, text: str) -> None:
    """Write a file so that a crash leaves either the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=TEMPORARY_SUFFIX)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
