"""The build's worker processes: parsing content files and rendering pages, forked.

A forked worker inherits what it needs (the config, the renderer with its compiled templates)
from one job record that `working` installs before the workers start; the build's objects are
frozen for the collector first, so the workers share their memory pages instead of copying
them on first touch.
"""

from __future__ import annotations

import gc
import pickle
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TypeVar

from digest import collate as collating
from digest.build.keys import content_key, page_key
from digest.build.records import Progress
from digest.cache import MemoryStore, PackedProblems, pack_problems
from digest.collate import Entry
from digest.config import Config
from digest.content import MAX_ARTICLE_BYTES, load_article
from digest.model import Page, RenderedPage, Story
from digest.output import Publication
from digest.parallel import map_ordered, will_fork
from digest.render import Renderer

Item = TypeVar("Item")
Result = TypeVar("Result")


class Loaded(NamedTuple):
    """What one content file gave: its key and, when its content is new, the rest (a named
    tuple, as Written: one crosses from a worker per file, so it must pickle cheaply)."""

    shown: str
    key: str
    entry: Entry | None = None
    blob: bytes | None = None  # the pickled Story
    problems: PackedProblems = ()
    record: bytes | None = None  # its packed search record


class Written(NamedTuple):
    """One page a worker rendered and wrote (and keyed, when asked)."""

    url: str
    path: str
    digest: str
    wrote: bool
    key: str | None
    shown: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadJob:
    """What the parse workers need: the config, its key, the contents already known."""

    config: Config
    config_key: str
    known: frozenset[str] | set[str]  # content keys parsed before: not parsed again
    search: bool  # segmenting for search is per file, so it runs in the workers too


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderJob:
    """What the render workers need: the renderer, the output they write into."""

    renderer: Renderer
    publication: Publication | None = None
    site_part: str | None = None  # set: the workers key the pages they render


@dataclass(frozen=True, slots=True, kw_only=True)
class PageKeys:
    """Page URL -> its key, and story URL -> the pages that show it."""

    keys: dict[str, str]
    shown_in: dict[str, list[str]]  # a defaultdict while the keys are made


_job: LoadJob | RenderJob | None = None  # what forked workers inherit


@contextmanager
def working(job: LoadJob | RenderJob, count: int, jobs: int) -> Iterator[None]:
    """Install the job for `count` items over `jobs` workers, freezing the collector's view
    of this process first when the workers will be forked."""
    global _job
    _job = job
    if will_fork(count, jobs):
        gc.freeze()  # never unfrozen: a later fork shares these pages again
    try:
        yield
    finally:
        _job = None


def _load_job() -> LoadJob:
    if not isinstance(_job, LoadJob):
        raise RuntimeError("no load job installed")
    return _job


def _render_job() -> RenderJob:
    if not isinstance(_job, RenderJob):
        raise RuntimeError("no render job installed")
    return _job


def load_one(job: tuple[str, Path]) -> Loaded:
    """(shown path, file) -> what it gives; only the key when the content was seen before."""
    shown, path = job
    work = _load_job()
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= MAX_ARTICLE_BYTES else None
    except OSError:
        size, data = -1, None  # load_article reports why
    key = content_key(f"{size}".encode() if data is None else data, shown, work.config_key)
    if key in work.known:
        return Loaded(shown, key)
    article, problems = load_article(path, shown, work.config, data)
    if article is None:
        return Loaded(shown, key, problems=pack_problems(problems))
    story = collating.make_story(article, work.config, fingerprint=key)
    record = None
    if work.search:
        from digest.search import make_record

        record = make_record(story, work.config.search)
    return Loaded(shown, key, collating.entry(story),
                  pickle.dumps(story, pickle.HIGHEST_PROTOCOL), pack_problems(problems), record)


def load_stories(paths: list[str], project: Path, job: LoadJob, jobs: int, progress: Progress,
                 store: MemoryStore, parsed: dict[str, Story]) -> list[Loaded]:
    """Content files -> what each gives, in order; new Stories (and search records) go into
    `store` (and unpickled into `parsed`) as they arrive, while the others are being parsed."""
    arrived: dict[str, Loaded] = {}

    def keep(results: list[Loaded]) -> None:
        for result in results:
            arrived[result.shown] = result
        store.put((r.key, r.blob) for r in results if r.blob is not None)
        store.put_search_records((r.key, r.record) for r in results if r.record is not None)
        parsed.update((r.key, pickle.loads(r.blob)) for r in results if r.blob is not None)

    with working(job, len(paths), jobs):
        map_ordered(load_one, [(shown, project / shown) for shown in paths], jobs=jobs,
                    advance=progress.advance, on_chunk=keep)
    return [arrived[shown] for shown in paths]


def render_one(page: Page) -> RenderedPage:
    return _render_job().renderer.render(page)


def render_and_write(page: Page) -> Written:
    work = _render_job()
    rendered = work.renderer.render(page)
    if work.publication is None:
        raise RuntimeError("no publication to write into")
    digest, wrote = work.publication.write_now(rendered.path, rendered.data)
    if work.site_part is None:
        return Written(page.url, rendered.path, digest, wrote, None, ())
    return Written(page.url, rendered.path, digest, wrote,
                   *page_key(work.renderer, page, work.site_part))


def render_pages(job: RenderJob, pages: Sequence[Page], jobs: int, progress: Progress,
                 keep: bool = True, keying: PageKeys | None = None) -> dict[str, bytes]:
    """Render pages -> {output path: bytes} (when `keep`). With the job's publication, each
    page is also written into it: by the worker that rendered it, when the bytes are not
    kept; those workers then also key the pages into `keying`, when given."""
    kept: dict[str, bytes] = {}
    publication = job.publication

    def arrived(results: list[RenderedPage]) -> None:
        batch = {r.path: r.data for r in results}
        if publication is not None:
            publication.add(batch)
        kept.update(batch)

    with working(job, len(pages), jobs):
        if publication is not None and not keep:
            _map(render_and_write, pages, jobs, progress, _recorder(publication, keying))
        else:
            _map(render_one, pages, jobs, progress, arrived)
    return kept


def _recorder(publication: Publication,
              keying: PageKeys | None) -> Callable[[list[Written]], None]:
    """-> what takes the workers' reports of pages written (and keyed)."""

    def written(results: list[Written]) -> None:
        for result in results:
            publication.record(result.path, result.digest, result.wrote)
            if keying is not None and result.key is not None:
                keying.keys[result.url] = result.key
                for url in result.shown:
                    keying.shown_in[url].append(result.url)

    return written


def _map(function: Callable[[Item], Result], items: Sequence[Item], jobs: int,
         progress: Progress, on_chunk: Callable[[list[Result]], None]) -> None:
    map_ordered(function, items, jobs=jobs, advance=progress.advance, on_chunk=on_chunk)
