"""Run a function over many items on every core, in order, reporting progress per chunk."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
SERIAL_BELOW = 400  # under this many items, starting workers costs more than it saves


def default_jobs() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # None where the count cannot be told


def _follow_parent(parent: int) -> None:
    """In a worker: die with the build process, even when it is killed outright (SIGKILL);
    otherwise an orphaned worker waits on its queue forever."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: no such guard
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def will_fork(count: int, jobs: int, serial_below: int = SERIAL_BELOW) -> bool:
    """Whether map_ordered runs `count` items in forked workers (else here, one by one)."""
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    return jobs > 1 and count >= serial_below and can_fork


def run_chunk(function: Callable[[Item], Result], chunk: Sequence[Item]) -> list[Result]:
    return [function(item) for item in chunk]


def map_ordered(function: Callable[[Item], Result], items: Sequence[Item], *, jobs: int,
                advance: Callable[[int], None] = lambda n: None,
                serial_below: int = SERIAL_BELOW, min_chunk: int = 16,
                on_chunk: Callable[[list[Result]], None] | None = None) -> list[Result]:
    """Apply `function` (a module-level function) to each item, in forked workers when it pays.
    With `on_chunk`, results go to it as they arrive (in any order) and none are returned."""
    if not will_fork(len(items), jobs, serial_below):
        results = []
        for item in items:
            result = function(item)
            if on_chunk is None:
                results.append(result)
            else:
                on_chunk([result])
            advance(1)
        return results
    size = max(min_chunk, len(items) // (jobs * 8))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    ordered: list[list[Result]] = [[] for _ in chunks]
    # fork: workers inherit the parent's state (the config, the compiled templates) for free
    # (the caller may gc.freeze() first, so that the workers' collector leaves it shared).
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_follow_parent, initargs=(os.getpid(),))
    try:
        futures = {pool.submit(run_chunk, function, chunk): n for n, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            if on_chunk is None:
                ordered[futures[future]] = future.result()
            else:
                on_chunk(future.result())
            advance(len(chunks[futures[future]]))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # after an error, drop the queued chunks
    return [result for chunk in ordered for result in chunk]
