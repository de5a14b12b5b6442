"""The build orchestrator: content/ -> site/, as a readable list of timed steps."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from digest import collate as collating
from digest.cache import (
    CACHE_DIR,
    MemoryStore,
    StoryStore,
    cache_lock,
    content_key,
    forget_state,
    load_state,
    pack_entry,
    pack_index,
    pack_problems,
    save_state,
    unpack_entry,
    unpack_index,
    unpack_problems,
)
from digest.config import Config, find_config, load_config, relative_base_url
from digest.content import MAX_ARTICLE_BYTES, load_article, scan_sources
from digest.errors import (
    Diagnostic,
    DigestError,
    OutputError,
    Severity,
    TemplateError,
    warning,
)
from digest.fetch.state import STATE_FILE
from digest.model import Index, Page, RenderedPage, Story
from digest.output import (
    Publication,
    WriteReport,
    build_lock,
    check_owned,
    output_generation,
    publish,
)
from digest.parallel import default_jobs, map_ordered
from digest.render import PAGE_TEMPLATES, Renderer, plan, site_fingerprint
from digest.routes import output_path
from digest.search.index import IndexState
from digest.templates import load_all, make_environment, theme_dir


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildOptions:
    project: Path = Path(".")
    config_path: Path | None = None
    out: Path | None = None
    base_url: str | None = None
    drafts: bool = False
    future: bool = False
    strict: bool = False
    jobs: int = field(default_factory=default_jobs)
    now: datetime | None = None
    write: bool = True  # False: keep the site in memory only (the preview serves it so)
    search: bool = True  # build the search index
    cache: bool = True  # with write: remember parsed content and page keys in .digest-cache/


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildResult:
    articles: int
    pages: int
    seconds: float
    diagnostics: tuple[Diagnostic, ...]
    report: WriteReport
    timings: tuple[tuple[str, float], ...]
    out: Path


class Progress:
    """What the build tells its caller as it goes; the CLI draws it, tests ignore it."""

    def stage(self, name: str, total: int) -> None: ...

    def advance(self, count: int) -> None: ...


def build_now(options: BuildOptions) -> datetime:
    """Options -> 'now' for this build: given, else SOURCE_DATE_EPOCH, else the clock."""
    if options.now is not None:
        return options.now
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch) if epoch else time.time(), tz=UTC)


CONFIG, CONTENT, TEMPLATES, STATIC = "config", "content", "templates", "static"
EVERYTHING = frozenset({CONFIG, CONTENT, TEMPLATES, STATIC})


def build(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the project's site; raise DigestError (site untouched) when it cannot."""
    return Builder(options).build(EVERYTHING, progress)


class Builder:
    """Builds one project again and again, redoing only what a change needs.

    Between runs it remembers, per content file, the stamp and content key it last saw and the
    Entry and Story it gave, and per page the key of what the page was made from: in memory
    between builds of one process (the preview), and in `.digest-cache/` between processes.
    A build re-reads only files whose stamp changed, parses only contents it has not seen,
    renders only pages whose key changed and writes only files whose bytes changed. State is
    replaced only after a build succeeds: a failed build leaves site and memory as they were.
    """

    def __init__(self, options: BuildOptions):
        self.options = options
        self.out = options.out or options.project / "site"
        self.cache_dir = options.project / CACHE_DIR if options.write and options.cache \
            else None
        self.store = StoryStore(self.cache_dir / "stories.sqlite") if self.cache_dir \
            else MemoryStore()
        self.state: dict[str, Any] | None = None  # what the last build saw and made
        self.blobs: dict[str, bytes] = {}  # content key -> pickled Story, beside the store
        # content key -> Story parsed by this build, unpickled here as the parse workers send
        # them: the render workers, forked after, share them instead of each unpickling all
        self.parsed: dict[str, Story] = {}
        self.config: Config | None = None
        self.env = None
        self.index: Index | None = None
        self.pages: tuple[Page, ...] = ()
        self.rendered: dict[str, bytes] = {}  # without a cache folder: every page's bytes
        self.files: dict[str, bytes] = {}  # without a cache folder: every output file
        self.search_files: dict[str, bytes] = {}
        self.template_warnings: list[Diagnostic] = []
        self.templates_part = ""
        self.diagnostics: list[Diagnostic] = []
        self.collisions: list[Diagnostic] = []

    def build(self, changed: frozenset[str] = EVERYTHING,
              progress: Progress | None = None) -> BuildResult:
        """Rebuild after the given kinds of change; raise DigestError when it cannot."""
        now = build_now(self.options)  # read once: every step of this build sees one moment
        if self.cache_dir is None:
            return self._build(changed, progress or Progress(), now)
        with cache_lock(self.cache_dir):
            try:
                try:
                    return self._build(changed, progress or Progress(), now)
                except sqlite3.DatabaseError:  # damaged where opening it did not look
                    self.store.drop()
                    self.state = {}
                    result = self._build(EVERYTHING, progress or Progress(), now)
                    return replace(result, diagnostics=(*result.diagnostics, warning(
                        "the build cache was damaged (a crash?); this build read everything "
                        "again", str(self.cache_dir))))
            finally:
                self.store.close()  # forked workers must not share the connection

    def _build(self, changed: frozenset[str], progress: Progress, now: datetime) -> BuildResult:
        timings: list[tuple[str, float]] = []
        started = time.perf_counter()

        @contextmanager
        def step(name: str) -> Iterator[None]:
            begin = time.perf_counter()
            yield
            timings.append((name, time.perf_counter() - begin))

        options, project = self.options, self.options.project
        if self.state is None:
            self.state = load_state(self.cache_dir) if self.cache_dir else {}
            if not self.store.usable():
                self.state = {}  # the stories it names are gone
        state = self.state
        if self.config is None:
            changed = EVERYTHING
            with step("check"):
                quick = self._quick_result(state, step, now)
            if quick:
                return replace(quick, timings=tuple(timings),
                               seconds=time.perf_counter() - started)
        config, index, env = self.config, self.index, self.env
        diagnostics, pages, collisions = self.diagnostics, self.pages, self.collisions
        search_files, template_warnings = self.search_files, self.template_warnings
        templates_part = self.templates_part
        with step("config"):
            if CONFIG in changed:
                new_config = load_config(_config_path(options), base_url=options.base_url)
                if new_config != config:
                    config, changed = new_config, EVERYTHING
                if options.write:
                    check_owned(self.out.absolute())
        config_part = repr(config)
        address = self._address(config)
        sources, entries, problems = state.get("sources", {}), {}, state.get("problems", {})
        new_rows: dict[str, tuple | None] = {}
        if CONTENT in changed:
            with step("load"):
                sources, entries, problems, new_rows = self._load(state, config, config_part,
                                                                  progress)
            with step("collate"):
                selected = collating.select(entries.values(), now=now,
                                            drafts=options.drafts, future=options.future)
                index, collisions = collating.collate(selected, config)
                index = _with_health(index, project)
                diagnostics = [*_file_problems(sources, problems), *collisions]
            if options.strict and any(d.is_error for d in diagnostics):
                raise DigestError(diagnostics)
        if TEMPLATES in changed:
            with step("templates"):
                env = make_environment(config, project / "templates", self._compiled())
                template_problems = load_all(env, PAGE_TEMPLATES)
                if template_problems:
                    raise TemplateError(template_problems)
                from digest.project import stale_overrides  # only when templates change

                template_warnings = stale_overrides(project)
                templates_part = _templates_fingerprint(project / "templates")
        key_of = {path: key for path, (_, key) in sources.items()}
        fetch = self._fetcher(index, key_of)
        old_keys = self._reusable_page_keys(state, config_part)
        page_keys, reused = old_keys, set()
        with ExitStack() as stack:
            publication = None
            if options.write:  # files are written while the pages render
                stack.enter_context(build_lock(self.out.absolute()))
                publication = Publication(self.out)
                stack.callback(publication.close)
            if changed & {CONTENT, TEMPLATES} or not old_keys:
                with step("render"):
                    pages = tuple(plan(index))
                    renderer = Renderer(index, env, pages, fetch)
                    site_part = site_fingerprint(index, templates_part)
                    page_keys, shown_in = {}, defaultdict(list)
                    # Every page is new: the workers key the pages as they render them.
                    keyed_by_workers = not old_keys and publication is not None \
                        and self.cache_dir is not None
                    if not keyed_by_workers:
                        for page in pages:
                            page_keys[page.url], shown = _key(renderer, page, site_part)
                            for url in shown:
                                shown_in[url].append(page.url)
                    todo = tuple(p for p in pages if keyed_by_workers
                                 or old_keys.get(p.url) != page_keys[p.url])
                    reused = {output_path(p.url) for p in pages if p.url in old_keys} - {
                        output_path(p.url) for p in todo}
                    progress.stage("rendering", len(todo))
                    done = _render_pages(renderer, todo, options.jobs, progress,
                                         publication, keep=self.cache_dir is None,
                                         keying=(site_part, page_keys, shown_in)
                                         if keyed_by_workers else None)
            else:
                done, reused = {}, {output_path(p.url) for p in pages}
                shown_in = state.get("shown_in", {})
            search_paths, search_state = set(), None
            if options.search:
                with step("search"):
                    search_files, search_paths, search_state = self._search(
                        state, _search_docs(index, key_of), fetch, config)
            rendered = {}
            if self.cache_dir is None:  # in memory: the pages this build plans, none older
                planned = {output_path(p.url) for p in pages}
                rendered = {path: data for path, data in {**self.rendered, **done}.items()
                            if path in planned}
            extra = {**_static_files(project), **(search_files if options.search else {})}
            files = {**rendered, **extra}
            report = WriteReport(written=0, removed=0, unchanged=len(files), swapped=False)
            if publication is not None:
                with step("write"):
                    if self.cache_dir is None:  # without a cache, every file is in memory
                        publication.add({path: rendered[path] for path in reused})
                    publication.add(extra)
                    report = publication.finish(
                        keep=(reused | search_paths) if self.cache_dir else set())
        new_state = {
            "options": self._options_part(), "config": config_part,
            "inputs": _input_stamps(project, _config_path(options), config.fetch.status_page),
            "status_page": config.fetch.status_page, "sources": sources,
            "problems": {key: problems[key] for _, key in sources.values() if key in problems},
            "page_keys": page_keys, "articles": len(index.urls), "pages": len(pages),
            "generation": output_generation(self.out) if options.write else None,
            "next_reveal": collating.next_reveal(entries.values(), now=now,
                                                 future=options.future)
            if CONTENT in changed else state.get("next_reveal"),
            "diagnostics": pack_problems((*diagnostics, *template_warnings, *address)),
            "search_index": search_state.pack() if search_state else None,
            "index": pack_index(index, key_of), "shown_in": dict(shown_in),
            "templates": templates_part, "collisions": pack_problems(collisions),
            "template_warnings": pack_problems(template_warnings),
        }
        with step("cache"):  # the Stories went into the store as they were parsed
            template_warnings = [*template_warnings, *self._remember(
                new_state, {}, new_rows, {key for _, key in sources.values()}
                | set(search_state.shards if search_state else ()))]
        self.state, self.config, self.index, self.env = new_state, config, index, env
        self.diagnostics, self.pages, self.rendered = diagnostics, pages, rendered
        self.files = files if self.cache_dir is None else {}
        self.search_files, self.template_warnings = search_files, template_warnings
        self.templates_part, self.collisions = templates_part, collisions
        return BuildResult(articles=len(index.urls), pages=len(pages),
                           seconds=time.perf_counter() - started,
                           diagnostics=(*diagnostics, *template_warnings, *address),
                           report=report, timings=tuple(timings), out=self.out)

    def _quick_result(self, state: dict[str, Any], step, now: datetime) -> BuildResult | None:
        """The build, done from the cache alone, when nothing but the text of some articles
        changed since the last build (or nothing at all); None when that does not hold.
        (Its caller fills in the time taken.)"""
        options = self.options
        if not state or not options.write or state.get("options") != self._options_part():
            return None
        if options.strict and any(d.is_error for d in unpack_problems(state["diagnostics"])):
            return None  # the full path fails it before writing anything
        if state["inputs"] != _input_stamps(options.project, _config_path(options),
                                            state.get("status_page", False)):
            return None
        reveal = state["next_reveal"]
        if reveal is not None and now.timestamp() >= reveal:
            return None
        if output_generation(self.out) != state["generation"]:
            return None
        stamps = scan_sources(options.project / "content", options.project)
        known = state["sources"]
        if stamps.keys() != known.keys():
            return None
        stale = [path for path, stamp in stamps.items()
                 if stamp == NO_STAMP or known[path][0] != stamp]
        if not stale:
            pages = state["pages"]
            return BuildResult(articles=state["articles"], pages=pages, seconds=0.0,
                               diagnostics=unpack_problems(state["diagnostics"]),
                               report=WriteReport(written=0, removed=0, unchanged=pages,
                                                  swapped=False),
                               timings=(), out=self.out)
        if not _pages_can_be_reused(options.project / "templates"):
            return None  # every page may change
        with step("edits"):
            return self._rerender_edits(state, stamps, stale, step)

    def _rerender_edits(self, state: dict[str, Any], stamps: dict, stale: list[str],
                        step) -> BuildResult | None:
        """Re-render only the pages that show the edited articles, when no edit changed what
        collation sees (URL, dates, section, tags, outlet, draft): the pages, their order
        and which stories each shows are then as the last build left them."""
        options, project = self.options, self.options.project
        config = load_config(_config_path(options), base_url=options.base_url)
        config_part = repr(config)
        if config_part != state["config"]:
            return None
        sources, problems = dict(state["sources"]), dict(state["problems"])
        unchanged = {sources[path][1] for path in stale}  # a touched file: read, not parsed
        results = _load_stories(stale, project, config, config_part, unchanged, 1, Progress(),
                                search=options.search)
        fresh, rows, renamed, edited = {}, {}, {}, []
        self.store.put_search_records((result[0], result[4]) for result in results
                                      if result[4] is not None)
        for path, (key, entry, blob, found, _) in zip(stale, results, strict=True):
            old_key = sources[path][1]
            sources[path] = (_trusted(stamps[path]), key)
            if key == old_key:
                continue
            if entry is None:  # it fails to parse now, or has the bytes of another stale file
                return None
            try:
                before = self.store.entry(old_key)
            except KeyError:
                return None
            after = pack_entry(entry)
            if before is None or after[:-1] != before[:-1]:
                return None  # what collation sees changed: the full path handles it
            problems.pop(old_key, None)
            renamed[old_key], rows[key], fresh[key], self.blobs[key] = key, after, entry, blob
            if found:
                problems[key] = found
            edited.append(entry.url)
        key_of_path = {path: key for path, (_, key) in sources.items()}
        urls, keys, editions, listings = state["index"]
        keys = tuple(renamed.get(key, key) for key in keys)
        index = _with_health(unpack_index((urls, keys, editions, listings), config,
                                          self.store, fresh), options.project)
        pages = tuple(plan(index))
        by_url = {page.url: page for page in pages}
        todo = [by_url[url] for url in dict.fromkeys(
            page_url for url in edited for page_url in state["shown_in"].get(url, ()))]
        env = make_environment(config, project / "templates", self._compiled())
        renderer = Renderer(index, env, pages, self._fetcher(index, key_of_path))
        site_part = site_fingerprint(index, state["templates"])
        page_keys = dict(state["page_keys"])
        page_keys.update((page.url, renderer.fingerprint(page, site_part)) for page in todo)
        done = _render_pages(renderer, tuple(todo), 1, Progress())
        keep = {output_path(page.url) for page in pages} - done.keys()
        search = IndexState.unpack(state.get("search_index"))
        search_files, search_keep = {}, set()
        if search is not None:
            docs = [(url, renamed.get(key, key), day) for url, key, day in search.docs]
            with step("search"):
                search_files, search_keep, search = self._search(state, docs, renderer.story,
                                                                 config)
        with build_lock(self.out.absolute()):
            report = publish({**done, **_static_files(project), **search_files}, self.out,
                             keep=keep | search_keep)
        diagnostics = _file_problems(sources, problems)
        diagnostics += unpack_problems(state["collisions"])
        diagnostics += unpack_problems(state["template_warnings"])
        diagnostics += self._address(config)
        diagnostics += self._remember({
            **state, "sources": sources, "problems": problems,
            "page_keys": page_keys, "generation": output_generation(self.out),
            "index": (urls, keys, editions, listings), "diagnostics": pack_problems(diagnostics),
            "search_index": search.pack() if search else None,
        }, self.blobs, rows, None)
        return BuildResult(articles=len(urls), pages=len(pages), seconds=0.0,
                           diagnostics=tuple(diagnostics), report=report, timings=(),
                           out=self.out)

    def _remember(self, state: dict[str, Any], blobs: dict[str, bytes], rows: dict,
                  in_use: set[str] | None) -> list[Diagnostic]:
        """Save what this build learnt for the next one -> a warning if the disk refused (the
        site is already written by then, so the build still succeeds; the next one starts cold)."""
        try:
            self.store.put(blobs.items())
            self.store.put_entries(rows.items())
            if in_use is not None:
                self.store.keep_only(in_use)
            if self.cache_dir:
                save_state(self.cache_dir, state)
        except OutputError as exc:
            if self.cache_dir:
                with contextlib.suppress(OSError):
                    forget_state(self.cache_dir)
            return [warning(f"{d.message}; the next build will read everything again",
                            d.location.path if d.location else None) for d in exc.diagnostics]
        finally:
            self.blobs, self.parsed = {}, {}
        return []

    def _address(self, config: Config) -> list[Diagnostic]:
        """A warning when a site written to publish has no absolute address (kept with the
        other diagnostics, so the quick paths repeat it)."""
        if not self.options.write:
            return []  # the preview serves on this machine; check reports it itself
        return relative_base_url(config, _config_path(self.options), self.options.project,
                                 Severity.WARNING)

    def _compiled(self) -> Path | None:
        """Where compiled templates are kept between builds (in the cache folder, if any)."""
        return self.cache_dir / "templates" if self.cache_dir else None

    def _options_part(self) -> list:
        options = self.options
        # The output as seen from the project: a checkout of it elsewhere (a CI runner's) with
        # its cache restored keeps what it can; the output's own generation vouches for it.
        out = os.path.relpath(self.out.absolute(), options.project.absolute())
        return [out, str(options.config_path), options.base_url, options.drafts,
                options.future, options.search]

    def _load(self, state: dict[str, Any], config: Config, config_part: str,
              progress: Progress) -> tuple[dict, dict, dict, dict]:
        """content/ -> ({path: (stamp, key)}, {key: Entry}, {key: packed problems},
        {key: packed Entry, for contents new to the store}), reading only files whose stamp
        changed and parsing only contents not seen before."""
        same_config = state.get("config") == config_part
        known = state.get("sources", {}) if same_config else {}
        packed = self.store.entries() if same_config else {}
        problems = dict(state.get("problems", {})) if same_config else {}
        stamps = scan_sources(self.options.project / "content", self.options.project)
        sources, stale = {}, []
        for path, stamp in stamps.items():
            previous = known.get(path)
            if previous is not None and previous[0] == stamp and stamp != NO_STAMP:
                sources[path] = previous
            else:
                stale.append(path)
        progress.stage("reading", len(stale))
        results = _load_stories(stale, self.options.project, config, config_part, set(packed),
                                self.options.jobs, progress, store=self.store,
                                parsed=self.parsed, search=self.options.search)
        self.store.close()  # no database connection may be open when the render workers fork
        fresh = {}
        for path, (key, entry, _, found, _) in zip(stale, results, strict=True):
            sources[path] = (_trusted(stamps[path]), key)
            if key not in packed:
                fresh[key] = entry
                problems[key] = found
        terms: dict = {}
        entries = {}
        for _, key in sources.values():
            if key in fresh:
                if fresh[key] is not None:
                    entries[key] = fresh[key]
            elif packed.get(key) is not None:
                entries[key] = unpack_entry(packed[key], terms)
        rows = {key: pack_entry(entry) if entry else None for key, entry in fresh.items()}
        return sources, entries, {k: v for k, v in problems.items() if v}, rows

    def _fetcher(self, index: Index, key_of: dict[str, str]):
        """URL -> its Story, from this build's new parses or the store (or memory)."""
        parsed, blobs, store, entries = self.parsed, self.blobs, self.store, index.entries

        def fetch(url: str) -> Story:
            key = key_of[entries[url].path]
            found = parsed.get(key)
            if found is not None:
                return found
            blob = blobs.get(key)
            return pickle.loads(blob) if blob is not None else store.get(key)

        return fetch

    def _reusable_page_keys(self, state: dict[str, Any], config_part: str) -> dict[str, str]:
        """The last build's page keys, when its pages are still there to keep."""
        if state.get("config") != config_part or not _pages_can_be_reused(
                self.options.project / "templates"):
            return {}
        if self.cache_dir is None:
            return state.get("page_keys", {}) if self.rendered else {}
        if not self._output_unchanged(state):
            return {}
        return state.get("page_keys", {})

    def _search(self, state: dict[str, Any], docs: list[tuple[str, str, str]], fetch,
                config: Config) -> tuple[dict[str, bytes], set[str], IndexState | None]:
        """The index of these documents -> (files to write, files to keep from the output as
        they are, its state), updated from the last build's index where that one is kept."""
        from digest.search import index_paths, make_record, update  # only when searched

        if not docs:
            self.search_files = {}
            return {}, set(), None
        url_of = {key: url for url, key, _ in docs}
        store = self.store

        def records(keys: list[str]) -> Iterator[bytes]:
            for start in range(0, len(keys), 1000):  # a bounded share of the store in memory
                batch = keys[start:start + 1000]
                known = store.search_records(batch)
                made = {key: make_record(fetch(url_of[key]), config.search)
                        for key in batch if key not in known}
                store.put_search_records(made.items())
                yield from (known.get(key) or made[key] for key in batch)

        kept = self.search_files if self.cache_dir is None else None
        previous = IndexState.unpack(state.get("search_index"))
        if previous is not None and not (kept or self._output_unchanged(state)):
            previous = None  # its files are gone
        made = update(previous, docs, records, lambda key: store.search_records([key]).get(key))
        store.put_search_records(made.new_shards.items())
        if kept is None:
            return made.files, set(made.unchanged), made.state
        self.search_files = {path: made.files.get(path) or kept[path]
                             for path in index_paths(made.state)}
        return self.search_files, set(), made.state

    def _output_unchanged(self, state: dict[str, Any]) -> bool:
        """Whether the output holds what the last build wrote, so its files can be kept."""
        return self.options.write and state.get("options") == self._options_part() \
            and output_generation(self.out) == state.get("generation")


def _file_problems(sources: dict[str, tuple], problems: dict[str, tuple]) -> list[Diagnostic]:
    """The diagnostics of every content file, in file order (each content once)."""
    return [diagnostic for key in dict.fromkeys(key for _, key in sources.values())
            for diagnostic in unpack_problems(problems.get(key, ()))]


def _pages_can_be_reused(project_templates: Path) -> bool:
    """Whether unchanged pages may keep their bytes: not when the project's own templates read
    `site.` directly, since a page could then show any story (the theme does not)."""
    if not project_templates.is_dir():
        return True
    return not any(_READS_SITE.search(path.read_text(errors="replace"))
                   for path in project_templates.rglob("*") if path.is_file())


_READS_SITE = re.compile(r"\bsite\s*\.")


NO_STAMP = ()
RACY_NS = 50_000_000  # a file changed this recently may change again within one clock tick


def _trusted(stamp: tuple[int, ...]) -> tuple[int, ...]:
    """A stat stamp to remember, or NO_STAMP when it is too fresh to vouch for the bytes read
    (the file may be rewritten within the same timestamp), so the next build re-reads it."""
    if not stamp or max(stamp[0], stamp[1]) > time.time_ns() - RACY_NS:
        return NO_STAMP
    return stamp


def _input_stamps(project: Path, config_path: Path | None, status_page: bool) -> list:
    """Stamps of every input but content/: the config file, templates, static files and the
    theme, so a build can tell that none changed without reading them."""
    stamps = []
    for root in (project / "templates", project / "static", theme_dir()):
        for folder, subfolders, files in os.walk(root):
            subfolders.sort()
            for name in sorted(files):
                stamps.append(_file_stamp(os.path.join(folder, name)))
    if config_path is not None:
        stamps.append(_file_stamp(str(config_path)))
    if status_page:  # the fetch state, which the sources page shows
        stamps.append(_file_stamp(str(project / STATE_FILE)))
    return stamps


def _with_health(index: Index, project: Path) -> Index:
    """The index with the fetch sources' health, when the site shows a status page."""
    if not index.config.fetch.status_page:
        return index
    from digest.fetch.health import site_health

    return replace(index, health=site_health(index.config, project))


def _file_stamp(path: str) -> list:
    try:
        stat = os.stat(path)
    except OSError:
        return [path]
    trusted = _trusted((stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino))
    # A stamp too fresh to vouch for the bytes must not match the next build's: it looks again.
    return [path, *trusted] if trusted else [path, "racy", time.time_ns()]


def _search_docs(index: Index, key_of: dict[str, str]) -> list[tuple[str, str, str]]:
    """The listed stories, oldest first, as the search index numbers them: (URL, content
    key, ISO day)."""
    entries = index.entries
    return [(url, key_of[entries[url].path], entries[url].day.isoformat())
            for url in reversed(index.urls)]


def _templates_fingerprint(project_templates: Path) -> str:
    """The bytes of every template, the project's and the theme's, as one hash."""
    digest = hashlib.blake2b(digest_size=16)
    for root in (project_templates, theme_dir()):
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    digest.update(f"{path.relative_to(root)}\x00".encode())
                    digest.update(path.read_bytes())
    return digest.hexdigest()


def _config_path(options: BuildOptions) -> Path | None:
    return find_config(options.project, options.config_path)


_WORKER_CONFIG: Config | None = None
_WORKER_CONFIG_PART = ""
_WORKER_KNOWN: set[str] = set()
_WORKER_SEARCH = False


def _load_one(job: tuple[str, Path]) -> tuple[str, str, Any, bytes | None, tuple,
                                              bytes | None]:
    """(shown path, file) -> (shown path, content key, Entry, pickled Story, packed
    problems, packed search record); only the key when the content was seen before."""
    shown, path = job
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= MAX_ARTICLE_BYTES else None
    except OSError:
        size, data = -1, None  # load_article reports why
    key = content_key(f"{size}".encode() if data is None else data, shown, _WORKER_CONFIG_PART)
    if key in _WORKER_KNOWN:
        return shown, key, None, None, (), None
    article, problems = load_article(path, shown, _WORKER_CONFIG, data)
    if article is None:
        return shown, key, None, None, pack_problems(problems), None
    story = collating.make_story(article, _WORKER_CONFIG, fingerprint=key)
    record = None
    if _WORKER_SEARCH:  # segmenting for search is per file, so it runs in the workers too
        from digest.search import make_record

        record = make_record(story, _WORKER_CONFIG.search)
    return (shown, key, collating.entry(story), pickle.dumps(story, pickle.HIGHEST_PROTOCOL),
            pack_problems(problems), record)


def _load_stories(paths: list[str], project: Path, config: Config, config_part: str,
                  known: set[str], jobs: int, progress: Progress,
                  store: MemoryStore | None = None,
                  parsed: dict[str, Story] | None = None, search: bool = False) -> list[tuple]:
    """Content files -> (key, Entry, pickled Story, problems, search record or None) for
    each, in order; new Stories (and records) go into `store` (and unpickled into `parsed`) as
    they arrive, while the other files are still being parsed."""
    global _WORKER_CONFIG, _WORKER_CONFIG_PART, _WORKER_KNOWN, _WORKER_SEARCH
    # read by forked workers; set before they start
    _WORKER_CONFIG, _WORKER_CONFIG_PART, _WORKER_KNOWN = config, config_part, known
    _WORKER_SEARCH = search
    jobs_list = [(shown, project / shown) for shown in paths]
    arrived: dict[str, tuple] = {}

    def keep(results: list[tuple]) -> None:
        for shown, *result in results:
            arrived[shown] = tuple(result)
        if store is not None:
            store.put((key, blob) for _, key, _, blob, _, _ in results if blob is not None)
            store.put_search_records((key, record) for _, key, _, _, _, record in results
                                     if record is not None)
        if parsed is not None:
            parsed.update((key, pickle.loads(blob)) for _, key, _, blob, _, _ in results
                          if blob is not None)

    map_ordered(_load_one, jobs_list, jobs=jobs, advance=progress.advance, on_chunk=keep)
    return [arrived[shown] for shown in paths]


_WORKER_RENDERER: Renderer | None = None
_WORKER_PUBLICATION: Publication | None = None
_WORKER_SITE_PART: str | None = None


def _render_one(page: Page) -> RenderedPage:
    return _WORKER_RENDERER.render(page)


def _render_and_write(page: Page) -> tuple:
    rendered = _WORKER_RENDERER.render(page)
    digest, wrote = _WORKER_PUBLICATION.write_now(rendered.path, rendered.data)
    if _WORKER_SITE_PART is None:
        return page.url, rendered.path, digest, wrote, None, ()
    return page.url, rendered.path, digest, wrote, *_key(_WORKER_RENDERER, page,
                                                           _WORKER_SITE_PART)


def _key(renderer: Renderer, page: Page, site_part: str) -> tuple[str, tuple[str, ...]]:
    """Page -> (its key, the URLs of the stories it shows, each once)."""
    shown: list[str] = []
    key = renderer.fingerprint(page, site_part, shown)
    return key, tuple(dict.fromkeys(shown))


def _render_pages(renderer: Renderer, pages: tuple[Page, ...], jobs: int, progress: Progress,
                  publication: Publication | None = None, keep: bool = True,
                  keying: tuple[str, dict, dict] | None = None) -> dict[str, bytes]:
    """Render pages -> {output path: bytes} (when `keep`). With a publication, each page is
    also written into it: by the worker that rendered it, when the bytes are not kept. With
    `keying` (site part, page keys, shown in), those workers also key the pages."""
    global _WORKER_RENDERER, _WORKER_PUBLICATION, _WORKER_SITE_PART
    # inherited by forked workers with the compiled templates
    _WORKER_RENDERER, _WORKER_PUBLICATION = renderer, publication
    _WORKER_SITE_PART = keying[0] if keying else None
    kept: dict[str, bytes] = {}

    def arrived(results: list[RenderedPage]) -> None:
        batch = {r.path: r.data for r in results}
        if publication is not None:
            publication.add(batch)
        kept.update(batch)

    def written(results: list[tuple]) -> None:
        for page, path, digest, wrote, key, shown in results:
            publication.record(path, digest, wrote)
            if keying:
                keying[1][page] = key
                for url in shown:
                    keying[2][url].append(page)

    try:
        if publication is not None and not keep:
            map_ordered(_render_and_write, pages, jobs=jobs, advance=progress.advance,
                        on_chunk=written)
        else:
            map_ordered(_render_one, pages, jobs=jobs, advance=progress.advance,
                        on_chunk=arrived)
    finally:
        _WORKER_RENDERER = _WORKER_PUBLICATION = _WORKER_SITE_PART = None
    return kept


def _static_files(project: Path) -> dict[str, bytes]:
    """Theme static files, then the project's static/ over them -> {'static/…': bytes}."""
    files: dict[str, bytes] = {}
    for root in (theme_dir() / "static", project / "static"):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not any(p.startswith(".") for p in path.relative_to(root).parts):
                files["static/" + path.relative_to(root).as_posix()] = path.read_bytes()
    return files
