"""The build orchestrator: content/ -> site/, as a readable list of timed steps."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from digest import routes
from digest.build import edits, steps
from digest.build.keys import input_stamps, options_key, site_key
from digest.build.load import Collated, Content, collate, fetcher, load_content, remembered
from digest.build.memory import Made, Memory, load_memory
from digest.build.records import (
    BuildOptions,
    BuildResult,
    Place,
    Progress,
    Run,
    SiteBuild,
    Timer,
    build_now,
)
from digest.build.workers import PageKeys
from digest.cache import MemoryStore, StoryStore, cache_lock, pack_index, pack_problems
from digest.cache import unpack_problems as unpacked
from digest.config import Config
from digest.errors import Diagnostic, warning
from digest.kinds import EVERYTHING, Change
from digest.model import Index, Page, Story
from digest.output import Publication, WriteReport, check_owned, output_generation
from digest.render import Renderer, plan

Result = TypeVar("Result", bound=BuildResult)
Attempt = Callable[[frozenset[Change], Progress, datetime, Timer], Result]


def build(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the project's site; raise DigestError (site untouched) when it cannot."""
    return Builder(options).build(EVERYTHING, progress)


class Builder:
    """Builds one project again and again, redoing only what a change needs.

    Between runs it remembers (digest.build.memory), per content file, the stamp and content
    key it last saw, and per page the key of what the page was made from: in memory between
    builds of one process (the preview), and in `.digest-cache/` between processes. A build
    re-reads only files whose stamp changed, parses only contents it has not seen, renders
    only pages whose key changed and writes only files whose bytes changed. The memory is
    replaced only after a build succeeds: a failed build leaves site and memory as they were.
    """

    def __init__(self, options: BuildOptions):
        self.place = Place.of(options)
        cache_dir = self.place.cache_dir
        self.store = StoryStore(cache_dir / "stories.sqlite") if cache_dir else MemoryStore()
        self.memory: Memory | None = None  # None: not read yet

    @property
    def options(self) -> BuildOptions:
        return self.place.options

    @property
    def made(self) -> Made | None:
        """What the last full build of this Builder made."""
        return self.memory.made if self.memory else None

    @property
    def config(self) -> Config | None:
        return self.made.config if self.made else None

    @property
    def index(self) -> Index | None:
        return self.made.index if self.made else None

    @property
    def pages(self) -> tuple[Page, ...]:
        return self.made.pages if self.made else ()

    @property
    def files(self) -> dict[str, bytes]:
        """Every output file of the last build, when it kept the site in memory."""
        return self.made.files if self.made else {}

    def build(self, changed: frozenset[Change] = EVERYTHING,
              progress: Progress | None = None) -> BuildResult:
        """Rebuild after the given kinds of change; raise DigestError when it cannot."""
        return self._locked(self._quick_or_full, changed, progress)

    def build_site(self, changed: frozenset[Change] = EVERYTHING,
                   progress: Progress | None = None) -> SiteBuild:
        """The same, never from the cache alone -> with the config, index and files made."""
        return self._locked(self._full, changed, progress)

    def _locked(self, attempt: Attempt[Result], changed: frozenset[Change],
                progress: Progress | None) -> Result:
        """Run one attempt at a build under the cache's lock, once more from nothing when the
        cache turns out damaged."""
        now = build_now(self.options)  # read once: every step of this build sees one moment
        cache_dir = self.place.cache_dir
        if cache_dir is None:
            return attempt(changed, progress or Progress(), now, Timer())
        with cache_lock(cache_dir):
            try:
                try:
                    return attempt(changed, progress or Progress(), now, Timer())
                except sqlite3.DatabaseError:  # damaged where opening it did not look
                    self.store.drop()
                    self.memory = Memory()
                    result = attempt(EVERYTHING, progress or Progress(), now, Timer())
                    return replace(result, diagnostics=(*result.diagnostics, warning(
                        "the build cache was damaged (a crash?); this build read everything "
                        "again", str(cache_dir))))
            finally:
                self.store.close()  # forked workers must not share the connection

    def _recall(self) -> Memory:
        """The last build's memory, read from the cache folder the first time."""
        if self.memory is None:
            cache_dir = self.place.cache_dir
            self.memory = load_memory(cache_dir) if cache_dir else Memory()
            if not self.store.usable():
                self.memory = Memory()  # the stories it names are gone
        return self.memory

    def _quick_or_full(self, changed: frozenset[Change], progress: Progress, now: datetime,
                       timer: Timer) -> BuildResult:
        memory = self._recall()
        if memory.made is None:
            with timer.step("check"):
                quick = edits.quick(self.place, self.store, memory, now, timer)
            if quick is not None:
                self.memory = quick.memory
                return replace(quick.result, timings=tuple(timer.timings),
                               seconds=timer.seconds())
        return self._full(changed, progress, now, timer)

    def _full(self, changed: frozenset[Change], progress: Progress, now: datetime,
              timer: Timer) -> SiteBuild:
        """Every step of a build, each skipped where the kinds of change allow."""
        memory = self._recall()
        made = memory.made
        with timer.step("config"):
            run, changed = self._configure(made, EVERYTHING if made is None else changed, now)
        content, collated = self._content(run, memory, changed, progress, timer)
        if Change.TEMPLATES in changed or made is None:
            with timer.step("templates"):
                looks = steps.dress(run)
        else:
            looks = steps.Looks(env=made.env, warnings=unpacked(memory.template_warnings),
                                key=memory.templates)
        key_of = content.key_of()
        fetch = fetcher(run, self.store, collated.index, key_of)
        with steps.publishing(self.place) as publication:
            rendered = self._render(run, memory, changed, collated.index, looks, fetch,
                                    publication, progress, timer)
            searched = self._search(run, memory, collated.index, key_of, fetch, timer)
            output = self._write(run, memory, rendered, searched, publication, timer)
        made = Made(config=run.config, env=looks.env, index=collated.index,
                    pages=rendered.pages, rendered=output.pages, files=output.files,
                    search_files=searched.files)
        return self._remember(run, content, collated, looks, rendered, searched, made,
                              output, timer)

    def _configure(self, made: Made | None, changed: frozenset[Change],
                   now: datetime) -> tuple[Run, frozenset[Change]]:
        """Read the config when it changed -> the run, and the kinds of change (all of them
        when the config is another)."""
        place = self.place
        if made is not None and Change.CONFIG not in changed:
            return Run(place=place, config_path=place.config_file(), config=made.config,
                       config_key=repr(made.config), now=now), changed
        run = steps.configure(place, now)
        if self.options.write:
            check_owned(place.out.absolute())
        if made is None or run.config != made.config:
            return run, EVERYTHING
        return replace(run, config=made.config), changed  # the one the templates were made with

    def _content(self, run: Run, memory: Memory, changed: frozenset[Change], progress: Progress,
                 timer: Timer) -> tuple[Content, Collated]:
        """Load and collate content/ when it changed, else take both from memory."""
        if Change.CONTENT not in changed and memory.made is not None:
            return remembered(memory, memory.made.index)
        with timer.step("load"):
            content = load_content(run, memory, self.store, progress)
        with timer.step("collate"):
            return content, collate(run, content)

    def _render(self, run: Run, memory: Memory, changed: frozenset[Change], index: Index,
                looks: steps.Looks, fetch: Callable[[str], Story],
                publication: Publication | None, progress: Progress,
                timer: Timer) -> steps.Rendered:
        """Plan, key and render the pages (none, when neither content nor templates changed
        and the last build's pages are there to keep)."""
        old_keys = steps.reusable_page_keys(run, memory)
        if memory.made is not None and old_keys and not changed & {Change.CONTENT,
                                                                     Change.TEMPLATES}:
            pages = memory.made.pages
            return steps.Rendered(pages=pages, keys=PageKeys(keys=old_keys,
                                                             shown_in=memory.shown_in),
                                  done={}, reused={routes.output_path(p.url) for p in pages})
        with timer.step("render"):
            pages = tuple(plan(index))
            renderer = Renderer(index, looks.env, pages, fetch)
            return steps.render(run, renderer, old_keys, site_key(index, looks.key),
                                publication, progress)

    def _search(self, run: Run, memory: Memory, index: Index, key_of: dict[str, str],
                fetch: Callable[[str], Story], timer: Timer) -> steps.Searched:
        """The search index of the listed stories (nothing, without search)."""
        if not run.options.search:
            made = memory.made
            return steps.Searched(files=made.search_files if made else {}, keep=set(),
                                  state=None)
        with timer.step("search"):
            return steps.search(run, memory, self.store, _search_docs(index, key_of), fetch)

    def _write(self, run: Run, memory: Memory, rendered: steps.Rendered,
               searched: steps.Searched, publication: Publication | None,
               timer: Timer) -> steps.Output:
        """Write the output's remaining files and swap it in (or keep it all in memory)."""
        in_memory = run.place.cache_dir is None
        pages: dict[str, bytes] = {}
        if in_memory:  # the pages this build plans, none older
            planned = {routes.output_path(p.url) for p in rendered.pages}
            made = memory.made.rendered if memory.made else {}
            pages = {path: data for path, data in {**made, **rendered.done}.items()
                     if path in planned}
        extra = {**steps.static_files(run.options.project),
                 **(searched.files if run.options.search else {})}
        files = {**pages, **extra}
        report = WriteReport(written=0, removed=0, unchanged=len(files), swapped=False)
        if publication is not None:
            with timer.step("write"):
                if in_memory:  # without a cache, every file is in memory
                    publication.add({path: pages[path] for path in rendered.reused})
                report = steps.finish(publication, extra, set() if in_memory
                                      else rendered.reused | searched.keep)
        return steps.Output(pages=pages, files=files if in_memory else {}, report=report)

    def _remember(self, run: Run, content: Content, collated: Collated, looks: steps.Looks,
                  rendered: steps.Rendered, searched: steps.Searched, made: Made,
                  output: steps.Output, timer: Timer) -> SiteBuild:
        """Keep what this build saw and made for the next one -> the build's result."""
        address = steps.address(run)
        memory = _memory(run, content, collated, looks, rendered, searched, made, address)
        in_use = {key for _, key in content.sources.values()} | set(
            searched.state.shards if searched.state else ())
        with timer.step("cache"):  # the Stories went into the store as they were parsed
            warnings = steps.remember(run.place, self.store, memory, content.rows, in_use)
        self.memory = memory
        index = collated.index
        return SiteBuild(articles=len(index.urls), pages=len(rendered.pages),
                         seconds=timer.seconds(), report=output.report,
                         diagnostics=(*collated.diagnostics, *looks.warnings, *warnings,
                                      *address),
                         timings=tuple(timer.timings), out=run.place.out, config=run.config,
                         index=index, files=output.files)


def _memory(run: Run, content: Content, collated: Collated, looks: steps.Looks,
            rendered: steps.Rendered, searched: steps.Searched, made: Made,
            address: list[Diagnostic]) -> Memory:
    """What a full build saw and made, for the next build."""
    index, sources, status_page = collated.index, content.sources, run.config.fetch.status_page
    return Memory(
        options=options_key(run.place), config=run.config_key,
        inputs=input_stamps(run.options.project, run.config_path, status_page),
        status_page=status_page, sources=sources,
        problems={key: content.problems[key] for _, key in sources.values()
                  if key in content.problems},
        page_keys=rendered.keys.keys, articles=len(index.urls), pages=len(rendered.pages),
        generation=output_generation(run.place.out) if run.options.write else None,
        next_reveal=collated.next_reveal,
        diagnostics=pack_problems((*collated.diagnostics, *looks.warnings, *address)),
        search_index=searched.state.pack() if searched.state else None,
        index=pack_index(index, content.key_of()), shown_in=dict(rendered.keys.shown_in),
        templates=looks.key, collisions=pack_problems(collated.collisions),
        template_warnings=pack_problems(looks.warnings), made=made)


def _search_docs(index: Index, key_of: dict[str, str]) -> list[tuple[str, str, str]]:
    """The listed stories, oldest first, as the search index numbers them: (URL, content
    key, ISO day)."""
    entries = index.entries
    return [(url, key_of[entries[url].path], entries[url].day.isoformat())
            for url in reversed(index.urls)]
