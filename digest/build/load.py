"""The build's content steps: content/ -> the Entries and Stories it gives, read only where a
file's stamp changed and parsed only where its content is new; then collated."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from digest import collate as collating
from digest import content as content_files
from digest.build import workers
from digest.build.keys import NO_STAMP, Stamp, trusted_stamp
from digest.build.memory import Memory, Source
from digest.build.records import Progress, Run
from digest.cache import (
    MemoryStore,
    PackedEntry,
    PackedProblems,
    pack_entry,
    unpack_entry,
    unpack_problems,
)
from digest.collate import Entry
from digest.errors import Diagnostic, DigestError
from digest.model import Index, Story, Term


@dataclass(frozen=True, slots=True, kw_only=True)
class Content:
    """content/ as this build sees it."""

    sources: dict[str, Source]  # shown path -> its stamp and content key
    problems: dict[str, PackedProblems]  # content key -> its file's problems (none: absent)
    entries: dict[str, Entry]  # content key -> its Entry, for each file that gives one
    rows: dict[str, PackedEntry | None]  # packed Entries new to the store

    def key_of(self) -> dict[str, str]:
        """Shown path -> content key."""
        return {path: key for path, (_, key) in self.sources.items()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Collated:
    """The collated site and what collating found."""

    index: Index
    collisions: tuple[Diagnostic, ...]
    diagnostics: tuple[Diagnostic, ...]  # every file's problems, then the collisions
    next_reveal: float | None  # when a story held back for its date comes due


def unchanged_sources(stamps: dict[str, Stamp],
                      known: Mapping[str, Source]) -> tuple[dict[str, Source], list[str]]:
    """Content files' stamps -> (the sources known with the same stamp, the other paths)."""
    sources, stale = {}, []
    for path, stamp in stamps.items():
        previous = known.get(path)
        if previous is not None and previous[0] == stamp and stamp != NO_STAMP:
            sources[path] = previous
        else:
            stale.append(path)
    return sources, stale


def load_content(run: Run, memory: Memory, store: MemoryStore, progress: Progress) -> Content:
    """content/ -> what it gives, reading only files whose stamp changed and parsing only
    contents the store does not have."""
    same_config = memory.config == run.config_key
    packed = store.entries() if same_config else {}
    problems = dict(memory.problems) if same_config else {}
    project = run.options.project
    stamps = content_files.scan_sources(project / "content", project)
    sources, stale = unchanged_sources(stamps, memory.sources if same_config else {})
    progress.stage("reading", len(stale))
    job = workers.LoadJob(config=run.config, config_key=run.config_key, known=set(packed),
                          search=run.options.search)
    results = workers.load_stories(stale, project, job, run.options.jobs, progress, store,
                                   run.parsed)
    store.close()  # no database connection may be open when the render workers fork
    fresh: dict[str, Entry | None] = {}
    for path, loaded in zip(stale, results, strict=True):
        sources[path] = (trusted_stamp(stamps[path]), loaded.key)
        if loaded.key not in packed:
            fresh[loaded.key] = loaded.entry
            problems[loaded.key] = loaded.problems
    return Content(sources=sources, problems={k: v for k, v in problems.items() if v},
                   entries=_entries(sources, fresh, packed),
                   rows={key: pack_entry(entry) if entry else None
                         for key, entry in fresh.items()})


def _entries(sources: dict[str, Source], fresh: dict[str, Entry | None],
             packed: dict[str, PackedEntry | None]) -> dict[str, Entry]:
    """Every source's Entry: parsed now, else unpacked from the store."""
    terms: dict[tuple[str, str], Term] = {}
    entries = {}
    for _, key in sources.values():
        if key in fresh:
            found = fresh[key]
            if found is not None:
                entries[key] = found
        else:
            row = packed.get(key)
            if row is not None:
                entries[key] = unpack_entry(row, terms)
    return entries


def collate(run: Run, content: Content) -> Collated:
    """The Entries -> the collated site (DigestError on an error, when strict)."""
    options = run.options
    selected = collating.select(content.entries.values(), now=run.now,
                                drafts=options.drafts, future=options.future)
    index, collisions = collating.collate(selected, run.config)
    diagnostics = (*file_problems(content.sources, content.problems), *collisions)
    if options.strict and any(d.is_error for d in diagnostics):
        raise DigestError(list(diagnostics))
    return Collated(index=with_health(index, options.project), collisions=tuple(collisions),
                    diagnostics=diagnostics,
                    next_reveal=collating.next_reveal(content.entries.values(), now=run.now,
                                                      future=options.future))


def remembered(memory: Memory, index: Index) -> tuple[Content, Collated]:
    """Content and collation as the last build left them (content/ did not change)."""
    content = Content(sources=memory.sources, problems=memory.problems, entries={}, rows={})
    collisions = unpack_problems(memory.collisions)
    return content, Collated(
        index=index, collisions=collisions, next_reveal=memory.next_reveal,
        diagnostics=(*file_problems(memory.sources, memory.problems), *collisions))


def file_problems(sources: Mapping[str, Source],
                  problems: Mapping[str, PackedProblems]) -> list[Diagnostic]:
    """The diagnostics of every content file, in file order (each content once)."""
    return [diagnostic for key in dict.fromkeys(key for _, key in sources.values())
            for diagnostic in unpack_problems(problems.get(key, ()))]


def with_health(index: Index, project: Path) -> Index:
    """The index with the fetch sources' health, when the site shows a status page."""
    if not index.config.fetch.status_page:
        return index
    from digest.fetch.health import site_health

    return replace(index, health=site_health(index.config, project))


def fetcher(run: Run, store: MemoryStore, index: Index,
            key_of: dict[str, str]) -> Callable[[str], Story]:
    """URL -> its Story, from this build's new parses or the store (or memory)."""
    parsed, entries = run.parsed, index.entries

    def fetch(url: str) -> Story:
        key = key_of[entries[url].path]
        found = parsed.get(key)
        return found if found is not None else store.get(key)

    return fetch
