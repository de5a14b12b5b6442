"""The records a build passes between its steps: its options, its run, its result."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from digest.cache import CACHE_DIR
from digest.config import Config, find_config
from digest.errors import Diagnostic
from digest.model import Index, Story
from digest.output import WriteReport
from digest.parallel import default_jobs


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


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteBuild(BuildResult):
    """A full build's result with what it made: what the preview serves and `check` reads."""

    config: Config
    index: Index
    files: dict[str, bytes]  # every output file, when the site is kept in memory only


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Place:
    """Where one project's builds read and write: fixed for a Builder's life."""

    options: BuildOptions
    out: Path
    cache_dir: Path | None  # None: no cache folder (the preview, --no-cache, check)

    @classmethod
    def of(cls, options: BuildOptions) -> Place:
        """Options -> where they build."""
        cached = options.write and options.cache
        return cls(options=options, out=options.out or options.project / "site",
                   cache_dir=options.project / CACHE_DIR if cached else None)

    def config_file(self) -> Path | None:
        """The config file as it is now (ConfigError when the one given is missing)."""
        return find_config(self.options.project, self.options.config_path)

    @property
    def compiled(self) -> Path | None:
        """Where compiled templates are kept between builds (in the cache folder, if any)."""
        return self.cache_dir / "templates" if self.cache_dir else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    """One build: where, with which config (and its key), and 'now', read once."""

    place: Place
    config_path: Path | None
    config: Config
    config_key: str  # repr(config): part of every content and page key
    now: datetime
    # content key -> Story parsed by this build, unpickled here as the parse workers send
    # them: the render workers, forked after, share them instead of each unpickling all
    parsed: dict[str, Story] = field(default_factory=dict)

    @property
    def options(self) -> BuildOptions:
        return self.place.options


class Timer:
    """The wall time of a build and of each of its steps, as `digest build -v` shows them."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.timings: list[tuple[str, float]] = []

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time the steps run inside."""
        begin = time.perf_counter()
        yield
        self.timings.append((name, time.perf_counter() - begin))

    def seconds(self) -> float:
        """Seconds since the build began."""
        return time.perf_counter() - self.started
