"""The build orchestrator: content/ -> site/, as a readable list of timed steps."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from digest import collate as collating
from digest.config import CONFIG_FILE, Config, load_config
from digest.content import find_sources, load_article
from digest.errors import Diagnostic, DigestError, TemplateError
from digest.model import Page, RenderedPage, Story
from digest.output import WriteReport, build_lock, check_owned, publish
from digest.parallel import default_jobs, map_ordered
from digest.project import stale_overrides
from digest.render import PAGE_TEMPLATES, Renderer, plan, site_fingerprint
from digest.routes import output_path
from digest.search import index_files, records
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
    search: bool = True  # build the Pagefind search index


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


@dataclass(frozen=True, slots=True)
class _Loaded:
    """One content file as last read: its stamp, and the Story (or problems) it gave."""

    stamp: tuple[int, int, int]
    story: Story | None
    entry: collating.Entry | None
    problems: tuple[Diagnostic, ...]


class Builder:
    """Builds one project again and again, redoing only what a change needs.

    A config change reloads everything; a content change re-reads only the files whose
    stamp changed and re-renders; a template change re-renders from the stories it holds; a
    static change only copies files. State is replaced only after a build succeeds, so a failed
    build leaves both the site and the builder as they were.
    """

    def __init__(self, options: BuildOptions):
        self.options = options
        self.out = options.out or options.project / "site"
        self.config: Config | None = None
        self.loaded: dict[Path, _Loaded] = {}
        self.site = None
        self.env = None
        self.pages: tuple[Page, ...] = ()
        self.rendered: dict[str, bytes] = {}
        self.files: dict[str, bytes] = {}  # every output file of the last good build
        self.search_files: dict[str, bytes] = {}
        self.template_warnings: list[Diagnostic] = []
        self.page_keys: dict[str, str] = {}  # page URL -> fingerprint of what it was made from
        self.generation = 0  # counts template environments, so a template edit changes keys
        self.diagnostics: list[Diagnostic] = []

    def build(self, changed: frozenset[str] = EVERYTHING,
              progress: Progress | None = None) -> BuildResult:
        """Rebuild after the given kinds of change; raise DigestError when it cannot."""
        progress = progress or Progress()
        timings: list[tuple[str, float]] = []
        started = time.perf_counter()

        @contextmanager
        def step(name: str) -> Iterator[None]:
            begin = time.perf_counter()
            yield
            timings.append((name, time.perf_counter() - begin))

        options, project = self.options, self.options.project
        config, loaded, site, env = self.config, self.loaded, self.site, self.env
        diagnostics, pages, rendered = self.diagnostics, self.pages, self.rendered
        page_keys, generation = self.page_keys, self.generation
        search_files, template_warnings = self.search_files, self.template_warnings
        if config is None:
            changed = EVERYTHING
        with step("config"):
            if CONFIG in changed:
                new_config = load_config(_config_path(options), base_url=options.base_url)
                if new_config != config:
                    config, loaded, changed = new_config, {}, EVERYTHING
                if options.write:
                    check_owned(self.out.absolute())
        if CONTENT in changed:
            with step("load"):
                loaded = self._load(config, loaded, progress)
            with step("collate"):
                entries = [item.entry for item in loaded.values() if item.entry]
                selected = collating.select(entries, now=build_now(options),
                                            drafts=options.drafts, future=options.future)
                site, collisions = collating.collate(selected, config)
                diagnostics = [d for entry in loaded.values() for d in entry.problems]
                diagnostics += collisions
            if options.strict and any(d.is_error for d in diagnostics):
                raise DigestError(diagnostics)
        if TEMPLATES in changed:
            with step("templates"):
                env = make_environment(config, project / "templates")
                template_problems = load_all(env, PAGE_TEMPLATES)
                if template_problems:
                    raise TemplateError(template_problems)
                template_warnings = stale_overrides(project)
        if TEMPLATES in changed:
            generation += 1
        if changed & {CONTENT, TEMPLATES}:
            with step("render"):
                pages = tuple(plan(site))
                by_path = {item.entry.path: item.story for item in loaded.values() if item.entry}
                renderer = Renderer(site, env, pages,
                                    lambda url, index=site: by_path[index.entries[url].path])
                site_part = site_fingerprint(site, generation)
                keys = {p.url: renderer.fingerprint(p, site_part) for p in pages}
                reuse = _pages_can_be_reused(project / "templates")
                todo = tuple(p for p in pages if not (
                    reuse and page_keys.get(p.url) == keys[p.url]))
                progress.stage("rendering", len(todo))
                done = {r.path: r.data for r in _render_pages(renderer, todo, options.jobs,
                                                              progress)}
                rendered = {path: done[path] if path in done else rendered[path]
                            for path in (output_path(p.url) for p in pages)}
                page_keys = keys
        if options.search and (changed & {CONFIG, CONTENT} or not search_files):
            with step("search"):
                by_path = {item.entry.path: item.story for item in loaded.values() if item.entry}
                search_files = index_files(records(by_path[site.entries[url].path]
                                                   for url in site.urls), config.language)
        files = {**rendered, **_static_files(project),
                 **(search_files if options.search else {})}
        report = WriteReport(written=0, removed=0, unchanged=len(files), swapped=False)
        if options.write:
            with step("write"), build_lock(self.out.absolute()):
                report = publish(files, self.out)
        self.config, self.loaded, self.site, self.env = config, loaded, site, env
        self.diagnostics, self.pages, self.rendered = diagnostics, pages, rendered
        self.page_keys, self.generation, self.files = page_keys, generation, files
        self.search_files, self.template_warnings = search_files, template_warnings
        return BuildResult(articles=len(site.urls), pages=len(pages),
                           seconds=time.perf_counter() - started,
                           diagnostics=(*diagnostics, *template_warnings), report=report,
                           timings=tuple(timings), out=self.out)

    def _load(self, config: Config, previous: dict[Path, _Loaded],
              progress: Progress) -> dict[Path, _Loaded]:
        """content/ -> every file's Story, re-reading only files whose stamp changed."""
        sources = find_sources(self.options.project / "content")
        stamps = {path: _stamp(path) for path in sources}
        stale = [p for p in sources if p not in previous or previous[p].stamp != stamps[p]]
        progress.stage("reading", len(stale))
        results = _load_stories(stale, self.options.project, config, self.options.jobs,
                                progress)
        fresh = {path: _Loaded(stamp=stamps[path], story=story, problems=tuple(problems),
                               entry=collating.entry(story) if story else None)
                 for path, (story, problems) in zip(stale, results, strict=True)}
        return {path: fresh.get(path) or previous[path] for path in sources
                if path in fresh or path in previous}


def _pages_can_be_reused(project_templates: Path) -> bool:
    """Whether unchanged pages may keep their bytes: not when the project's own templates read
    `site.` directly, since a page could then show any story (the theme does not)."""
    if not project_templates.is_dir():
        return True
    return not any(_READS_SITE.search(path.read_text(errors="replace"))
                   for path in project_templates.rglob("*") if path.is_file())


_READS_SITE = re.compile(r"\bsite\s*\.")


def _stamp(path: Path) -> tuple[int, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0, 0)  # gone since the scan: reading it will report the problem
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def _config_path(options: BuildOptions) -> Path | None:
    if options.config_path is not None:
        if not options.config_path.is_file():
            raise DigestError([Diagnostic(message=f"config file not found: "
                                                  f"{options.config_path}")])
        return options.config_path
    default = options.project / CONFIG_FILE
    return default if default.is_file() else None


_WORKER_CONFIG: Config | None = None
_WORKER_RENDERER: Renderer | None = None


def _load_one(job: tuple[Path, str]) -> tuple[Story | None, list[Diagnostic]]:
    path, shown = job
    article, problems = load_article(path, shown, _WORKER_CONFIG)
    return (collating.make_story(article, _WORKER_CONFIG) if article else None), problems


def _load_stories(sources: list[Path], project: Path, config: Config, jobs: int,
                  progress: Progress) -> list[tuple[Story | None, list[Diagnostic]]]:
    global _WORKER_CONFIG
    _WORKER_CONFIG = config  # read by forked workers; set before they start
    jobs_list = [(path, _shown(path, project)) for path in sources]
    return map_ordered(_load_one, jobs_list, jobs=jobs, advance=progress.advance)


def _render_one(page: Page) -> RenderedPage:
    return _WORKER_RENDERER.render(page)


def _render_pages(renderer: Renderer, pages: tuple[Page, ...], jobs: int,
                  progress: Progress) -> list[RenderedPage]:
    global _WORKER_RENDERER
    _WORKER_RENDERER = renderer  # inherited by forked workers with its compiled templates
    try:
        return map_ordered(_render_one, pages, jobs=jobs, advance=progress.advance)
    finally:
        _WORKER_RENDERER = None


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


def _shown(path: Path, project: Path) -> str:
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return str(path)
