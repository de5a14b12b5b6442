"""The ingest orchestrator: sources -> articles in content/, one Outcome per article found."""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from digest.config import Config
from digest.ingest.library import Library, is_newer_version, same_content, with_checksum
from digest.ingest.normalize import content_path, section_key
from digest.ingest.sources import STDIN, Found, expand, read_articles
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


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    source: str
    status: str
    path: str | None = None
    reason: str | None = None
    entry: int | None = None

    def as_json(self) -> dict:
        report = {"source": self.source, "status": self.status, "path": self.path,
                  "reason": self.reason}
        return report | ({"entry": self.entry} if self.entry is not None else {})


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


def ingest(inputs: list[str], options: IngestOptions, advance=lambda n: None) -> list[Outcome]:
    """Source paths -> Outcomes, writing each new or updated article into content/."""
    now = options.now or datetime.now(UTC)
    sources, missing = expand(inputs)
    outcomes = [Outcome(source=f.source, status=FAILED, reason=f.reason) for f in missing]
    if not options.dry_run:
        remove_leftovers(options.project / "content")
    library = Library(options.project, options.config)
    _Reader.config, _Reader.now, _Reader.project = options.config, now, options.project
    jobs = 1 if STDIN in sources else options.jobs
    # Reading a page costs ~50 ms, so workers pay off from a handful of sources.
    for found_list in map_ordered(_Reader.run, sources, jobs=jobs, advance=advance,
                                  serial_below=8, min_chunk=1):
        for found in found_list:
            outcomes.append(_place(found, library, options))
    return outcomes


def recorded_source(source: Path, project: Path) -> str:
    """A source file -> the name its articles' provenance records: the path relative to the
    project when inside it, else only the file name (never a path of the user's machine)."""
    resolved = source.resolve()
    try:
        return resolved.relative_to(project.resolve()).as_posix()
    except ValueError:
        return resolved.name


def _place(found: Found, library: Library, options: IngestOptions) -> Outcome:
    """Decide what one found article means for content/, and write it if it is new."""
    def outcome(status: str, path: str | None = None, reason: str | None = None) -> Outcome:
        return Outcome(source=found.source, status=status, path=path, reason=reason,
                       entry=found.entry)

    if found.article is None:
        return outcome(FAILED, reason=found.reason)
    target = content_path(found.article, options.config)
    known, why = library.match(found.article, target)
    if known is None:
        return _write(found.article, target, library, options, outcome,
                      reason=_section_note(found.article, options.config))
    if same_content(known.article, found.article):
        return outcome(UNCHANGED, known.path)
    if known.path == target or is_newer_version(found.article, known.article):
        if known.edited and not options.force:
            return outcome(FAILED, known.path, f"{known.path} was edited by hand; "
                                               "not overwritten (use --force)")
        updated = replace(found.article, slug=known.article.slug)
        return _write(updated, known.path, library, options, outcome,
                      reason=f"updated {known.path} ({why}, newer version)")
    return outcome(DUPLICATE, known.path, f"same article as {known.path} ({why})")


def _section_note(article: Article, config: Config) -> str | None:
    """A note when the article's section is not configured, naming the key it was given."""
    if not article.section or config.section_for(article.section):
        return None
    return (f"section '{article.section}' is not in digest.yaml; filed under "
            f"'{section_key(article, config)}'")


def _write(article: Article, path: str, library: Library, options: IngestOptions, outcome,
           reason: str | None) -> Outcome:
    article = with_checksum(replace(article, path=path))
    if not options.dry_run:
        try:
            write_atomically(options.project / path, dumps(article))
        except OSError as exc:
            return outcome(FAILED, path, f"cannot write: {exc.strerror or exc}")
    library.add(path, article)
    return outcome(WRITTEN, path, reason)


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
