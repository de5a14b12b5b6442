"""Build N generated articles and report articles/s, wall time and peak memory.

    python3 benchmarks/build.py --n 1000 --n 10000 [--runs 3] [--keep DIR] [--search]

The corpus comes from ../shared/bench/gen_corpus.py (the same articles every tool gets).
Each scenario runs `digest build` as a separate process, as a user would:
cold (no previous output or cache), unchanged (run again), one edit (one article gets a new first
paragraph). Without --search the builds skip the search index, as in compare.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import edit_one, generate  # noqa: E402
from benchmarks.digest_run import compile_checkout, digest_command, digest_env  # noqa: E402


def timed_build(project: Path, *extra: str) -> tuple[float, int]:
    """Run `digest build` in a child process -> (wall seconds, peak RSS in MB of its largest
    process)."""
    start = time.perf_counter()
    child = subprocess.Popen(digest_command("build", "-q", *extra), cwd=project,
                             env=digest_env())
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"digest build failed in {project}")
    return time.perf_counter() - start, usage.ru_maxrss // 1024


def clean_output(project: Path) -> None:
    for name in ("site", ".site.digest", ".digest-cache"):
        shutil.rmtree(project / name, ignore_errors=True)


def bench(n: int, runs: int, workdir: Path,
          extra: tuple[str, ...]) -> dict[str, tuple[float, int]]:
    project = generate(n, workdir / f"corpus-{n}")
    results: dict[str, list[tuple[float, int]]] = {"cold": [], "unchanged": [], "one edit": []}
    for round_number in range(runs):
        clean_output(project)
        results["cold"].append(timed_build(project, *extra))
        timed_build(project, *extra)  # as a user would: build again, nothing changed
        results["unchanged"].append(timed_build(project, *extra))
        edit_one(project, round_number)
        results["one edit"].append(timed_build(project, *extra))
    return {name: (statistics.median(s for s, _ in values), max(m for _, m in values))
            for name, values in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="article count (repeatable)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep generated corpora in this folder")
    parser.add_argument("--search", action="store_true", help="also build the search index")
    args = parser.parse_args()
    compile_checkout()
    counts = args.n or [1000]
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="digest-bench-"))
    print(f"{'articles':>9} {'scenario':<10} {'wall s':>8} {'articles/s':>11} {'peak MB':>8}")
    try:
        for n in counts:
            extra = () if args.search else ("--no-search",)
            for name, (seconds, peak) in bench(n, args.runs, workdir, extra).items():
                print(f"{n:>9} {name:<10} {seconds:>8.2f} {n / seconds:>11.0f} {peak:>8}",
                      flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
