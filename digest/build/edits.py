"""The edit fast path: only the text of some articles changed, so only the pages that show
them are rendered again, with the full build's steps (digest.build.quick decides)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from digest.build import steps, workers
from digest.build.keys import (
    Stamp,
    site_key,
    trusted_stamp,
)
from digest.build.load import fetcher, file_problems, with_health
from digest.build.memory import Memory, Source
from digest.build.quick import Outcome
from digest.build.records import BuildResult, Place, Progress, Run, Timer
from digest.cache import (
    MemoryStore,
    PackedEntry,
    PackedIndex,
    PackedProblems,
    pack_entry,
    pack_problems,
    unpack_entry,
    unpack_index,
    unpack_problems,
)
from digest.collate import Entry
from digest.model import Page
from digest.output import WriteReport, output_generation
from digest.render import Renderer, plan


@dataclass(frozen=True, slots=True, kw_only=True)
class Edits:
    """Edited articles whose collation is as before: their new keys, Entries and problems."""

    sources: dict[str, Source]
    problems: dict[str, PackedProblems]
    fresh: dict[str, Entry]  # new content key -> its Entry
    rows: dict[str, PackedEntry]  # new content key -> its packed Entry
    renamed: dict[str, str]  # old content key -> new
    edited: list[str]  # the edited stories' URLs
    index: PackedIndex  # the last build's, with the new content keys


def rerender_edits(place: Place, store: MemoryStore, memory: Memory, stamps: dict[str, Stamp],
                   stale: list[str], now: datetime, timer: Timer) -> Outcome | None:
    """Re-render only the pages that show the edited articles, when no edit changed what
    collation sees (URL, dates, section, tags, outlet, draft): the pages, their order
    and which stories each shows are then as the last build left them."""
    run = steps.configure(place, now)
    edits = load_edits(run, memory, store, stamps, stale)
    if edits is None:
        return None
    index = with_health(unpack_index(edits.index, run.config, store, edits.fresh),
                        place.options.project)
    key_of = {path: key for path, (_, key) in edits.sources.items()}
    renderer = Renderer(index, steps.environment(run), tuple(plan(index)),
                        fetcher(run, store, index, key_of))
    with steps.publishing(place) as publication:
        rendered = steps.render(run, renderer, memory.page_keys,
                                site_key(index, memory.templates), publication, Progress(),
                                candidates=_showing(renderer.pages, memory, edits.edited))
        searched = _search(run, memory, store, edits, renderer, timer)
        report = steps.finish(publication, {**steps.static_files(place.options.project),
                                            **searched.files}, rendered.reused | searched.keep) \
            if publication else WriteReport(written=0, removed=0, unchanged=0, swapped=False)
    return _remembered(run, store, memory, edits, replace(
        memory, sources=edits.sources, problems=edits.problems,
        page_keys={**memory.page_keys, **rendered.keys.keys},
        generation=output_generation(place.out), index=edits.index,
        articles=len(index.urls), pages=len(renderer.pages),
        search_index=searched.state.pack() if searched.state else None), report)


def load_edits(run: Run, memory: Memory, store: MemoryStore, stamps: dict[str, Stamp],
               stale: list[str]) -> Edits | None:
    """Read the stale files -> their edits, or None when one changed what collation sees
    (or the config is another)."""
    if run.config_key != memory.config or memory.index is None:
        return None
    sources, problems = dict(memory.sources), dict(memory.problems)
    unchanged = {sources[path][1] for path in stale}  # a touched file: read, not parsed
    job = workers.LoadJob(config=run.config, config_key=run.config_key, known=unchanged,
                          search=run.options.search)
    results = workers.load_stories(stale, run.options.project, job, 1, Progress(), store,
                                   run.parsed)
    fresh: dict[str, Entry] = {}
    renamed: dict[str, str] = {}
    for path, loaded in zip(stale, results, strict=True):
        old_key = sources[path][1]
        sources[path] = (trusted_stamp(stamps[path]), loaded.key)
        if loaded.key == old_key:
            continue
        entry = loaded.entry  # None: it fails to parse now, or has another stale file's bytes
        if entry is None or not _collated_alike(store, old_key, entry):
            return None  # what collation sees changed: the full path handles it
        problems.pop(old_key, None)
        renamed[old_key], fresh[loaded.key] = loaded.key, entry
        if loaded.problems:
            problems[loaded.key] = loaded.problems
    urls, keys, editions, listings = memory.index
    return Edits(sources=sources, problems=problems, fresh=fresh, renamed=renamed,
                 rows={key: pack_entry(entry) for key, entry in fresh.items()},
                 edited=[entry.url for entry in fresh.values()],
                 index=(urls, tuple(renamed.get(key, key) for key in keys), editions, listings))


def _collated_alike(store: MemoryStore, old_key: str, entry: Entry) -> bool:
    """Whether the Entry is the one stored under `old_key` but for its fingerprint."""
    try:
        before = store.entry(old_key)
    except KeyError:
        return False
    if before is None:
        return False
    return unpack_entry(before, {})._replace(fingerprint="") == entry._replace(fingerprint="")


def _showing(pages: tuple[Page, ...], memory: Memory, edited: list[str]) -> list[Page]:
    """The planned pages that show the edited stories."""
    by_url = {page.url: page for page in pages}
    return [by_url[url] for url in dict.fromkeys(
        page_url for url in edited for page_url in memory.shown_in.get(url, ()))]


def _search(run: Run, memory: Memory, store: MemoryStore, edits: Edits, renderer: Renderer,
            timer: Timer) -> steps.Searched:
    """The search index with the edited stories' documents made again."""
    from digest.search.index import IndexState

    search = IndexState.unpack(memory.search_index)
    if search is None:
        return steps.Searched(files={}, keep=set(), state=None)
    docs = [(url, edits.renamed.get(key, key), day) for url, key, day in search.docs]
    with timer.step("search"):
        return steps.search(run, memory, store, docs, renderer.story)


def _remembered(run: Run, store: MemoryStore, memory: Memory, edits: Edits, new: Memory,
                report: WriteReport) -> Outcome:
    """Save the memory the edits leave -> the build's outcome."""
    diagnostics = file_problems(edits.sources, edits.problems)
    diagnostics += unpack_problems(memory.collisions)
    diagnostics += unpack_problems(memory.template_warnings)
    diagnostics += steps.address(run)
    new = replace(new, diagnostics=pack_problems(diagnostics))
    diagnostics += steps.remember(run.place, store, new, edits.rows, None)
    result = BuildResult(articles=new.articles, pages=new.pages,
                         seconds=0.0, diagnostics=tuple(diagnostics), report=report,
                         timings=(), out=run.place.out)
    return Outcome(result=result, memory=new)
