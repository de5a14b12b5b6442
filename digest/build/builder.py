"""The build orchestrator: content/ -> site/, as a readable list of timed steps."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from digest.build import quick as fast
from digest.build.memory import Made, Memory, load_memory
from digest.build.records import (
    BuildOptions,
    BuildResult,
    Place,
    Progress,
    SiteBuild,
    Timer,
    build_now,
)
from digest.cache import MemoryStore, StoryStore, cache_lock
from digest.config import Config
from digest.errors import warning
from digest.kinds import EVERYTHING, Change
from digest.model import Index, Page

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
                quick = fast.quick(self.place, self.store, memory, now, timer)
            if quick is not None:
                self.memory = quick.memory
                return replace(quick.result, timings=tuple(timer.timings),
                               seconds=timer.seconds())
        return self._full(changed, progress, now, timer)

    def _full(self, changed: frozenset[Change], progress: Progress, now: datetime,
              timer: Timer) -> SiteBuild:
        """Every step of a build, each skipped where the kinds of change allow."""
        from digest.build.full import FullBuild  # only when the cache cannot answer alone

        done = FullBuild(self.place, self.store, self._recall()).run(changed, progress, now,
                                                                     timer)
        self.memory = done.memory
        return done.result
