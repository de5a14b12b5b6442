"""The fast paths a cache makes possible, decided before anything is loaded: nothing changed
(the last build's result again), or only the text of some articles (digest.build.edits).
It imports little, so that a build with nothing to do is quick to start too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from digest import content as content_files
from digest.build.keys import NO_STAMP, input_stamps, options_key, pages_can_be_reused
from digest.build.memory import Memory
from digest.build.records import BuildResult, Place, Timer
from digest.cache import MemoryStore, unpack_problems
from digest.output import WriteReport, output_generation


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """A build done on a fast path, and the memory it leaves."""

    result: BuildResult
    memory: Memory


def quick(place: Place, store: MemoryStore, memory: Memory, now: datetime,
          timer: Timer) -> Outcome | None:
    """The build, done from the cache alone, when nothing but the text of some articles
    changed since the last build (or nothing at all); None when that does not hold."""
    project = place.options.project
    if not _inputs_unchanged(place, memory, now):
        return None
    stamps = content_files.scan_sources(project / "content", project)
    if stamps.keys() != memory.sources.keys():
        return None
    stale = [path for path, stamp in stamps.items()
             if stamp == NO_STAMP or memory.sources[path][0] != stamp]
    if not stale:
        result = BuildResult(articles=memory.articles, pages=memory.pages, seconds=0.0,
                             diagnostics=unpack_problems(memory.diagnostics),
                             report=WriteReport(written=0, removed=0, unchanged=memory.pages,
                                                swapped=False), timings=(), out=place.out)
        return Outcome(result=result, memory=memory)
    if not pages_can_be_reused(project / "templates"):
        return None  # every page may change
    from digest.build.edits import rerender_edits  # only when some articles changed

    with timer.step("edits"):
        return rerender_edits(place, store, memory, stamps, stale, now, timer)


def _inputs_unchanged(place: Place, memory: Memory, now: datetime) -> bool:
    """Whether the output and every input but content/ are as the last build left them."""
    options = place.options
    if memory.cold or not options.write or memory.options != options_key(place):
        return False
    if options.strict and any(d.is_error for d in unpack_problems(memory.diagnostics)):
        return False  # the full path fails it before writing anything
    if memory.inputs != input_stamps(options.project, place.config_file(),
                                     memory.status_page):
        return False
    if memory.next_reveal is not None and now.timestamp() >= memory.next_reveal:
        return False
    return output_generation(place.out) == memory.generation
