"""What the Pages workflow's cache saves: a cold build against a build in a fresh checkout with
the cache and site of the last run restored, as actions/cache restores them.

    python3 benchmarks/ci_cache.py --n 1000 --n 10000 [--runs 3] [--steps] [--keep DIR]

For each size: a cold build of N generated articles (../shared/bench/gen_corpus.py), with the
search index as the workflow builds it. Then, as a workflow run does: the project folder is
made again from the pristine files (every file new: new mtime, ctime and inode), the build's
folders (.digest-cache/, site/, .site.digest/) are restored from a tar archive of them (mtimes
and hard links kept, inodes new), and the project is built. Three such runs: one with nothing
changed (a push that touches no input, or a re-run); one after an article got a new first
paragraph (this run also makes the twin tree, once after a cold build, see README); and the
run after it, with another edit, whose restored cache holds the twin. Each build runs in its
own process; the report gives its wall time and its CPU time (user and system, with its
workers), medians over the runs, and the articles it parsed, the pages it rendered
and the files it wrote.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import edit_one, generate  # noqa: E402

CACHED = (".digest-cache", "site", ".site.digest")  # what the workflow's actions/cache keeps
BASE_URL = "https://user.github.io/bench/"


def counted_build() -> None:
    """In the child: run `digest build`, counting what it parses, renders and writes."""
    import digest.build.workers as workers
    import digest.cli as cli

    counts = {"parsed": 0, "rendered": 0, "written": 0}
    load, render, run = workers.load_stories, workers.render_pages, cli.build

    def loading(paths, project, job, *args, **kwargs):
        results = load(paths, project, job, *args, **kwargs)
        counts["parsed"] += sum(1 for loaded in results if loaded.key not in job.known)
        return results

    def rendering(job, pages, *args, **kwargs):
        counts["rendered"] += len(pages)
        return render(job, pages, *args, **kwargs)

    def building(*args, **kwargs):
        result = run(*args, **kwargs)
        counts["written"] = result.report.written
        return result

    workers.load_stories, workers.render_pages = loading, rendering
    cli.build = building
    try:
        cli.main(sys.argv[2:], standalone_mode=False)
    finally:
        Path(os.environ["DIGEST_BENCH_COUNTS"]).write_text(json.dumps(counts))


def timed_build(project: Path, steps: bool) -> dict:
    """One `digest build` process -> its wall seconds and counts (with `steps`, it prints the
    time of each of its steps)."""
    counts = project.parent / "counts.json"
    command = [sys.executable, __file__, "--child", "build", "-v" if steps else "-q",
               "--base-url", BASE_URL]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=project,
                             env={**os.environ, "DIGEST_BENCH_COUNTS": str(counts)})
    _, status, usage = os.wait4(child.pid, 0)  # its usage and that of its workers and Pagefind
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"digest build failed in {project}")
    return {"seconds": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
            **json.loads(counts.read_text())}


def checkout(pristine: Path, project: Path, archive: Path) -> None:
    """Make `project` as a fresh checkout of `pristine` would, then restore the cache there."""
    shutil.rmtree(project)
    shutil.copytree(pristine, project, copy_function=shutil.copyfile)  # new mtimes and inodes
    with tarfile.open(archive) as tar:
        tar.extractall(project, filter="tar")


def save_cache(project: Path, archive: Path) -> None:
    with tarfile.open(archive, "w") as tar:  # tar keeps hard links and mtimes, as the cache does
        for name in CACHED:
            if (project / name).exists():
                tar.add(project / name, arcname=name)


def bench(n: int, workdir: Path, steps: bool) -> dict[str, dict]:
    """One round of the four builds at n articles -> {build: its figures}."""
    pristine, project = workdir / f"pristine-{n}", workdir / f"project-{n}"
    archive = workdir / f"cache-{n}.tar"
    for folder in (pristine, project):
        shutil.rmtree(folder, ignore_errors=True)
    generate(n, pristine)
    shutil.copytree(pristine, project, copy_function=shutil.copyfile)
    os.sync()
    results = {"cold": timed_build(project, steps)}
    save_cache(project, archive)
    checkout(pristine, project, archive)
    os.sync()
    results["cached, nothing changed"] = timed_build(project, steps)
    checkout(pristine, project, archive)
    edit_one(project, 0)
    os.sync()
    results["cached, one edit"] = timed_build(project, steps)
    # The run after: its cache holds the twin tree too (made by the run before), as from then
    # on in a workflow. The pristine files get that edit, as the repository did.
    save_cache(project, archive)
    edit_one(pristine, 0)
    checkout(pristine, project, archive)
    edit_one(project, 1)
    os.sync()
    results["next run, one edit"] = timed_build(project, steps)
    return results


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        return counted_build()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="article count (repeatable)")
    parser.add_argument("--keep", type=Path, help="keep the projects in this folder")
    parser.add_argument("--steps", action="store_true", help="print each build's step times")
    parser.add_argument("--runs", type=int, default=1, help="rounds; times are medians")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="digest-ci-cache-"))
    print(f"{'articles':>9} {'build':<24} {'wall s':>7} {'CPU s':>7} {'parsed':>7} "
          f"{'rendered':>9} {'written':>8}")
    try:
        for n in args.n or [1000]:
            rounds = [bench(n, workdir, args.steps) for _ in range(args.runs)]
            for name, row in rounds[-1].items():
                for figure in ("seconds", "cpu"):
                    row[figure] = statistics.median(r[name][figure] for r in rounds)
                print(f"{n:>9} {name:<24} {row['seconds']:>7.2f} {row['cpu']:>7.2f} "
                      f"{row['parsed']:>7} {row['rendered']:>9} {row['written']:>8}", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
