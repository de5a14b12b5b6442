"""digest against Hugo and Pelican on the same generated articles, on this machine, in one run.

    python3 benchmarks/compare.py --n 1000 --n 10000 [--runs 3] [--tools digest,hugo,pelican]
                                  [--baseline CHECKOUT]

Install the other tools first with `bash scripts/bench-setup.sh`; this script installs nothing
and skips (saying so) a tool that is missing. Each tool builds its own layout of the same
articles from ../shared/bench/gen_corpus.py with the configs in ../shared/bench/. Rounds
alternate between the tools; every scenario is a separate whole process, timed by wall clock,
with the peak memory of its largest process:

- cold: no previous output and no cache;
- first edit: one article gets a new first paragraph, right after the cold build (digest then
  also links its twin tree from site/, which a cold build does not make);
- nothing changed: the same build again;
- one edit: another new first paragraph, as in any later edit.

A cold build starts with the last one's output moved aside, not deleted; all of it is deleted
when the run ends. This machine's root file system (ext4 without a journal) skips inodes freed
in the last few minutes when it allocates new ones, so a build started right after deleting
30,000 files and folders spends seconds of system time scanning past them, more the more was
deleted before it: that would measure the deletion (and the order of the tools), not the build.

digest runs with --no-search, since the other tools' configs build no search index; the
tool `digest+search` is digest's default build, with its search index, on its own copy of the
articles. The time the search step takes in a cold build is printed after the table.

digest runs from this checkout, compiled to bytecode first (see benchmarks/digest_run.py).

`--baseline CHECKOUT` also runs digest from another checkout of this repository (for instance
`git worktree add --detach ../before REV`), as `digest@base` beside `digest` (and
`digest+search@base`), in the same rounds: a change's before and after measured in one run.
Two separate runs cannot be compared, since a run ends by deleting what it moved aside, which
slows the next run's file creation (see above).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import GENERATOR, edit_one, generate  # noqa: E402
from benchmarks.digest_run import compile_checkout, digest_command, digest_env  # noqa: E402

ANCHORS = GENERATOR.parent
SCENARIOS = ("cold", "first edit", "nothing changed", "one edit")


@dataclass(frozen=True)
class Tool:
    name: str
    command: tuple[str, ...]
    outputs: tuple[str, ...]  # removed before a cold build: output and caches
    program: str
    layout: str = ""  # the corpus layout, when not the tool's name
    checkout: Path | None = None  # for digest: the checkout it runs from

    def available(self) -> bool:
        return shutil.which(self.program) is not None


TOOLS = {
    "digest": Tool("digest", tuple(digest_command("build", "-q", "--no-search")),
                   ("site", ".site.digest", ".digest-cache"), sys.executable, checkout=REPO),
    "digest+search": Tool("digest+search", tuple(digest_command("build", "-q")),
                          ("site", ".site.digest", ".digest-cache"), sys.executable, "digest",
                          checkout=REPO),
    "hugo": Tool("hugo", ("hugo", "--quiet"), ("public", "resources"), "hugo"),
    "pelican": Tool("pelican", ("pelican", "content", "-s", "pelicanconf.py", "-o", "output",
                                "-q"), ("output", "cache"), "pelican"),
}


def prepare(tool: Tool, n: int, workdir: Path) -> Path:
    """A project folder for `tool` holding n generated articles and the tool's config."""
    project = workdir / f"{tool.name}-{n}"
    if project.exists():
        return project
    generate(n, project, layout=tool.layout or tool.name)
    if tool.name == "hugo":
        shutil.copytree(ANCHORS / "hugo", project, dirs_exist_ok=True)
    elif tool.name == "pelican":
        shutil.copy(ANCHORS / "pelican" / "pelicanconf.py", project)
    return project


def run(tool: Tool, project: Path) -> tuple[float, int]:
    """One whole build process -> (wall seconds, peak RSS in MB of its largest process)."""
    env = digest_env(tool.checkout) if tool.checkout else None
    start = time.perf_counter()
    child = subprocess.Popen(tool.command, cwd=project, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{tool.name} failed in {project} (exit {child.returncode})")
    return seconds, usage.ru_maxrss // 1024


def clean(tool: Tool, project: Path, trash: Path) -> None:
    """Move the tool's output and caches into `trash` (see the module docstring), then flush
    what earlier builds left for the disk to write, so that no tool's cold build pays for it."""
    aside = Path(tempfile.mkdtemp(dir=trash))
    for name in tool.outputs:
        if (project / name).exists():
            (project / name).rename(aside / name)
    os.sync()


def one_round(tool: Tool, project: Path, round_number: int,
              trash: Path) -> dict[str, tuple[float, int]]:
    clean(tool, project, trash)
    cold = run(tool, project)
    edit_one(project, 2 * round_number)
    first_edit = run(tool, project)
    unchanged = run(tool, project)
    edit_one(project, 2 * round_number + 1)
    return {"cold": cold, "first edit": first_edit, "nothing changed": unchanged,
            "one edit": run(tool, project)}


def search_seconds(project: Path) -> float:
    """The time digest's search step takes in a cold build at this size (`digest build -v`)."""
    for name in TOOLS["digest+search"].outputs:
        shutil.rmtree(project / name, ignore_errors=True)
    result = subprocess.run(digest_command("build", "-v"), cwd=project, env=digest_env(),
                            capture_output=True, text=True, check=True)
    found = re.search(r"^\s*search\s+([\d.]+) s", result.stderr, re.MULTILINE)
    return float(found.group(1)) if found else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="article count (repeatable)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tools", default="digest,digest+search,hugo,pelican")
    parser.add_argument("--keep", type=Path, help="keep generated corpora in this folder")
    parser.add_argument("--baseline", type=Path, help="also run digest from this checkout")
    args = parser.parse_args()
    tools = []
    for name in args.tools.split(","):
        if TOOLS[name].available():
            tools.append(TOOLS[name])
        else:
            print(f"skipped {name}: `{TOOLS[name].program}` is not installed "
                  "(bash scripts/bench-setup.sh installs it)")
    if args.baseline:  # each right after its own, so the two meet the same minute
        tools = [twin for tool in tools for twin in
                 ((tool, baseline(tool, args.baseline)) if tool.name.startswith("digest")
                  else (tool,))]
    for checkout in {tool.checkout for tool in tools if tool.checkout}:
        compile_checkout(checkout)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="digest-compare-"))
    trash = workdir / "moved-aside"
    trash.mkdir(parents=True, exist_ok=True)
    try:
        for n in args.n or [1000]:
            report(n, tools, args.runs, workdir, trash)
    finally:
        shutil.rmtree(trash if args.keep else workdir, ignore_errors=True)


def baseline(tool: Tool, checkout: Path) -> Tool:
    """The same digest tool, run from another checkout of the repository."""
    if not (checkout / "digest" / "__main__.py").is_file():
        raise SystemExit(f"--baseline {checkout}: not a checkout of digest")
    return replace(tool, name=f"{tool.name}@base", layout="digest", checkout=checkout.resolve())


def report(n: int, tools: list[Tool], runs: int, workdir: Path, trash: Path) -> None:
    projects = {tool.name: prepare(tool, n, workdir) for tool in tools}
    results: dict[str, dict[str, list[tuple[float, int]]]] = {
        tool.name: {scenario: [] for scenario in SCENARIOS} for tool in tools}
    for round_number in range(runs):
        for tool in tools:  # alternate, so a slow minute of the machine hits every tool
            for scenario, measured in one_round(tool, projects[tool.name], round_number,
                                                trash).items():
                results[tool.name][scenario].append(measured)
    print(f"\n{n:,} articles, median of {runs} runs")
    print(f"{'scenario':<16} {'tool':<18} {'wall s':>8} {'peak MB':>8} {'digest/hugo':>12}")
    for scenario in SCENARIOS:
        medians = {name: statistics.median(s for s, _ in results[name][scenario])
                   for name in results}
        for name in results:
            peak = max(m for _, m in results[name][scenario])
            ratio = f"{medians[name] / medians['hugo']:.3f}" \
                if name in ("digest", "digest@base") and "hugo" in medians else ""
            print(f"{scenario:<16} {name:<18} {medians[name]:>8.2f} {peak:>8} {ratio:>12}")
    if "digest+search" in projects:
        seconds = search_seconds(projects["digest+search"])
        print(f"digest's search step in a cold build: {seconds:.2f} s", flush=True)


if __name__ == "__main__":
    main()
