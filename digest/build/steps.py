"""The build's steps but the content ones: config, templates, page keys and rendering,
search, writing the output and remembering what was made. The full build and the edit fast
path share them."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from digest import templates
from digest.build import workers
from digest.build.keys import options_key, page_key, pages_can_be_reused, templates_key
from digest.build.memory import Memory, forget_memory, save_memory
from digest.build.records import Place, Progress, Run
from digest.build.workers import PageKeys, RenderJob
from digest.cache import MemoryStore, PackedEntry
from digest.config import load_config, relative_base_url
from digest.errors import Diagnostic, OutputError, Severity, TemplateError, warning
from digest.model import Page, Story
from digest.output import Publication, WriteReport, build_lock, output_generation
from digest.render import PAGE_TEMPLATES, Renderer
from digest.routes import output_path
from digest.search.index import IndexState
from digest.templates import SiteEnvironment


@dataclass(frozen=True, slots=True, kw_only=True)
class Looks:
    """The templates as this build renders with them."""

    env: SiteEnvironment
    warnings: tuple[Diagnostic, ...]  # ejected templates whose default changed since
    key: str  # keys.templates_key


@dataclass(frozen=True, slots=True, kw_only=True)
class Rendered:
    """The pages this build planned, their keys, and what rendering them made."""

    pages: tuple[Page, ...]
    keys: PageKeys
    done: dict[str, bytes]  # output path -> bytes, of the pages rendered and kept in memory
    reused: set[str]  # output paths whose file the last build wrote as it is


@dataclass(frozen=True, slots=True, kw_only=True)
class Output:
    """What writing the output left: the site's bytes when kept in memory, and a report."""

    pages: dict[str, bytes]  # without a cache folder: every planned page's bytes
    files: dict[str, bytes]  # without a cache folder: every output file
    report: WriteReport


@dataclass(frozen=True, slots=True, kw_only=True)
class Searched:
    """The search index: files to write, files to keep as the output has them, its state."""

    files: Mapping[str, bytes]
    keep: set[str]
    state: IndexState | None


def configure(place: Place, now: datetime) -> Run:
    """Read the config file (ConfigError with every problem) -> this build's run."""
    config_path = place.config_file()
    config = load_config(config_path, base_url=place.options.base_url)
    return Run(place=place, config_path=config_path, config=config, config_key=repr(config),
               now=now)


def environment(run: Run) -> SiteEnvironment:
    """The Jinja environment of this build's templates (compiled ones kept in the cache)."""
    project = run.options.project
    return templates.make_environment(run.config, project / "templates", run.place.compiled)


def dress(run: Run) -> Looks:
    """Load every page template (TemplateError with every problem) -> the templates."""
    env = environment(run)
    problems = templates.load_all(env, PAGE_TEMPLATES)
    if problems:
        raise TemplateError(problems)
    from digest.project import stale_overrides  # only when templates change

    project = run.options.project
    return Looks(env=env, warnings=tuple(stale_overrides(project)),
                 key=templates_key(project / "templates"))


def output_unchanged(place: Place, memory: Memory) -> bool:
    """Whether the output holds what the last build wrote, so its files can be kept."""
    return place.options.write and memory.options == options_key(place) \
        and output_generation(place.out) == memory.generation


def reusable_page_keys(run: Run, memory: Memory) -> dict[str, str]:
    """The last build's page keys, when its pages are still there to keep."""
    if memory.config != run.config_key or not pages_can_be_reused(
            run.options.project / "templates"):
        return {}
    if run.place.cache_dir is None:
        return memory.page_keys if memory.made and memory.made.rendered else {}
    if not output_unchanged(run.place, memory):
        return {}
    return memory.page_keys


def key_pages(renderer: Renderer, pages: Sequence[Page], site_part: str) -> PageKeys:
    """Pages -> their keys and the pages that show each story."""
    keys = PageKeys(keys={}, shown_in=defaultdict(list))
    for page in pages:
        keys.keys[page.url], shown = page_key(renderer, page, site_part)
        for url in shown:
            keys.shown_in[url].append(page.url)
    return keys


def render(run: Run, renderer: Renderer, old_keys: dict[str, str], site_part: str,
           publication: Publication | None, progress: Progress,
           candidates: Sequence[Page] | None = None) -> Rendered:
    """Render those of the planned pages (or of the `candidates` among them) whose key
    changed: all, keyed as they render, when there are no old keys and the workers write."""
    pages, cached = renderer.pages, run.place.cache_dir is not None
    by_workers = not old_keys and publication is not None and cached
    keys = PageKeys(keys={}, shown_in=defaultdict(list)) if by_workers \
        else key_pages(renderer, pages if candidates is None else candidates, site_part)
    todo = pages if by_workers else tuple(p for p in (pages if candidates is None else candidates)
                                          if old_keys.get(p.url) != keys.keys[p.url])
    reused = {output_path(p.url) for p in pages if p.url in old_keys} - {
        output_path(p.url) for p in todo}
    progress.stage("rendering", len(todo))
    job = RenderJob(renderer=renderer, publication=publication,
                    site_part=site_part if by_workers else None)
    done = workers.render_pages(job, todo, run.options.jobs, progress, keep=not cached,
                                keying=keys if by_workers else None)
    return Rendered(pages=pages, keys=keys, done=done, reused=reused)


def search(run: Run, memory: Memory, store: MemoryStore, docs: list[tuple[str, str, str]],
           fetch: Callable[[str], Story]) -> Searched:
    """The index of these documents, updated from the last build's where that one is kept."""
    from digest.search import index_paths, make_record, update  # only when searched

    if not docs:
        return Searched(files={}, keep=set(), state=None)
    url_of = {key: url for url, key, _ in docs}

    def records(keys: list[str]) -> Iterator[bytes]:
        for start in range(0, len(keys), 1000):  # a bounded share of the store in memory
            batch = keys[start:start + 1000]
            known = store.search_records(batch)
            made = {key: make_record(fetch(url_of[key]), run.config.search)
                    for key in batch if key not in known}
            store.put_search_records(made.items())
            yield from (known.get(key) or made[key] for key in batch)

    kept = memory.made.search_files if memory.made and run.place.cache_dir is None else None
    previous = IndexState.unpack(memory.search_index)
    if previous is not None and not (kept or output_unchanged(run.place, memory)):
        previous = None  # its files are gone
    made = update(previous, docs, records, lambda key: store.search_records([key]).get(key))
    store.put_search_records(made.new_shards.items())
    if kept is None:
        return Searched(files=made.files, keep=set(made.unchanged), state=made.state)
    files = {path: made.files.get(path) or kept[path] for path in index_paths(made.state)}
    return Searched(files=files, keep=set(), state=made.state)


@contextmanager
def publishing(place: Place) -> Iterator[Publication | None]:
    """The output being written while the pages render (None: a build kept in memory)."""
    if not place.options.write:
        yield None
        return
    with build_lock(place.out.absolute()):
        publication = Publication(place.out)
        try:
            yield publication
        finally:
            publication.close()


def finish(publication: Publication, files: Mapping[str, bytes], keep: set[str]) -> WriteReport:
    """Add the last files, keep the named ones as the output has them, swap the output in."""
    publication.add(files)
    return publication.finish(keep=keep)


def static_files(project: Path) -> dict[str, bytes]:
    """Theme static files, then the project's static/ over them -> {'static/…': bytes}."""
    files: dict[str, bytes] = {}
    for root in (templates.theme_dir() / "static", project / "static"):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not any(p.startswith(".") for p in path.relative_to(root).parts):
                files["static/" + path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def address(run: Run) -> list[Diagnostic]:
    """A warning when a site written to publish has no absolute address (kept with the
    other diagnostics, so the quick paths repeat it)."""
    if not run.options.write:
        return []  # the preview serves on this machine; check reports it itself
    return relative_base_url(run.config, run.config_path, run.options.project,
                             Severity.WARNING)


def remember(place: Place, store: MemoryStore, memory: Memory,
             rows: Mapping[str, PackedEntry | None],
             in_use: set[str] | None) -> list[Diagnostic]:
    """Save what this build learnt for the next one -> a warning if the disk refused (the
    site is already written by then, so the build still succeeds; the next one starts cold)."""
    try:
        store.put_entries(rows.items())
        if in_use is not None:
            store.keep_only(in_use)
        if place.cache_dir:
            save_memory(place.cache_dir, memory)
    except OutputError as exc:
        if place.cache_dir:
            with contextlib.suppress(OSError):
                forget_memory(place.cache_dir)
        return [warning(f"{d.message}; the next build will read everything again",
                        d.location.path if d.location else None) for d in exc.diagnostics]
    return []
