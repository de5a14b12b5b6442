"""The full build: every step, each skipped where the kinds of change allow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from digest import routes
from digest.build import steps
from digest.build.keys import input_stamps, options_key, site_key
from digest.build.load import Collated, Content, collate, fetcher, load_content, remembered
from digest.build.memory import Made, Memory
from digest.build.records import BuildOptions, Place, Progress, Run, SiteBuild, Timer
from digest.build.workers import PageKeys
from digest.cache import MemoryStore, pack_index, pack_problems
from digest.cache import unpack_problems as unpacked
from digest.errors import Diagnostic
from digest.kinds import EVERYTHING, Change
from digest.model import Index, Story
from digest.output import Publication, WriteReport, check_owned, output_generation
from digest.render import Renderer, plan


@dataclass(frozen=True, slots=True, kw_only=True)
class Full:
    """A full build's result, and the memory it leaves."""

    result: SiteBuild
    memory: Memory


class FullBuild:
    """One full build of a Builder's project, from the memory of the last build."""

    def __init__(self, place: Place, store: MemoryStore, memory: Memory):
        self.place, self.store, self.memory = place, store, memory

    @property
    def options(self) -> BuildOptions:
        return self.place.options

    def run(self, changed: frozenset[Change], progress: Progress, now: datetime,
            timer: Timer) -> Full:
        """Every step of a build, each skipped where the kinds of change allow."""
        memory = self.memory
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
                  output: steps.Output, timer: Timer) -> Full:
        """Keep what this build saw and made for the next one -> the build's result."""
        address = steps.address(run)
        memory = _memory(run, content, collated, looks, rendered, searched, made, address)
        in_use = {key for _, key in content.sources.values()} | set(
            searched.state.shards if searched.state else ())
        with timer.step("cache"):  # the Stories went into the store as they were parsed
            warnings = steps.remember(run.place, self.store, memory, content.rows, in_use)
        index = collated.index
        result = SiteBuild(articles=len(index.urls), pages=len(rendered.pages),
                           seconds=timer.seconds(), report=output.report,
                           diagnostics=(*collated.diagnostics, *looks.warnings, *warnings,
                                        *address),
                           timings=tuple(timer.timings), out=run.place.out, config=run.config,
                           index=index, files=output.files)
        return Full(result=result, memory=memory)

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
