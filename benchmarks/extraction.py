"""Extraction quality and ingest throughput on the dev corpus.

    python3 benchmarks/extraction.py [--set ../shared/corpus/dev] [--skip-score]

Prints the reference scorer's table (../shared/bench/extract_eval.py: title, published, author
and body F1 per input group, beside trafilatura alone), the reader-view scorer's summary
(../shared/bench/reader_eval.py: deck, body, section and outlet checks), then `digest ingest`
throughput in articles/s for each input kind, each kind ingested by one process into a fresh
project.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SCORER = SHARED / "bench" / "extract_eval.py"
GENERATOR = SHARED / "bench" / "gen_corpus.py"


def score(corpus: Path) -> None:
    """Run the reference scorer on a corpus set and print its table."""
    digest = shutil.which("digest") or f"{sys.executable} -m digest"
    done = subprocess.run([sys.executable, str(SCORER), str(corpus), "--digest", digest],
                          capture_output=True, text=True, check=False)
    print(done.stdout.strip() or done.stderr.strip())


def reader_scores(corpus: Path, workdir: Path) -> None:
    """Run the reader-view scorer (decks, bodies, sections, outlets) and print its summary."""
    scorer = SHARED / "bench" / "reader_eval.py"
    if not (scorer.is_file() and (corpus / "reader").is_dir()):
        print(f"reader view: skipped (no {scorer} or {corpus / 'reader'})")
        return
    digest = workdir / "digest"  # the scorer runs a command by path: this checkout's digest
    digest.write_text(f"#!/bin/sh\nPYTHONPATH={REPO} exec {sys.executable} -m digest \"$@\"\n")
    digest.chmod(0o755)
    done = subprocess.run([sys.executable, str(scorer), str(corpus), str(corpus / "reader"),
                           "--digest", str(digest)], capture_output=True, text=True, check=False)
    lines = done.stdout.splitlines()
    print("\n".join(line for line in lines if line.startswith(("html-ko ", "scraped-text-ko "))))


def inputs_by_kind(corpus: Path, workdir: Path) -> dict[str, list[Path]]:
    manifest = json.loads((corpus / "manifest.json").read_text())
    kinds: dict[str, list[Path]] = {
        "html": [corpus / x["input"] for x in manifest if x["kind"] == "html"],
        "scraped text": sorted((corpus / "ko-text").glob("*.txt")),
        "feed": [corpus / x["input"] for x in manifest if x["kind"] == "feed"],
    }
    if GENERATOR.is_file():
        subprocess.run([sys.executable, str(GENERATOR), "--n", "1000", "--layout", "plain",
                        "--out", str(workdir / "markdown")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kinds["markdown"] = sorted((workdir / "markdown").glob("*.md"))
    return kinds


def throughput(kind: str, paths: list[Path], workdir: Path) -> tuple[int, float]:
    """Ingest the paths into a fresh project -> (articles reported, seconds)."""
    project = workdir / f"project-{kind.replace(' ', '-')}"
    (project / "content").mkdir(parents=True)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "digest", "ingest", *map(str, paths),
                           "--report", "json"], cwd=project, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return len(reports), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=SHARED / "corpus" / "dev")
    parser.add_argument("--skip-score", action="store_true")
    args = parser.parse_args()
    if not (args.set / "manifest.json").is_file():
        sys.exit(f"skipped: no corpus at {args.set} (the shared corpus folder is needed)")
    workdir = Path(tempfile.mkdtemp(prefix="digest-extract-"))
    try:
        if not args.skip_score:
            score(args.set)
            reader_scores(args.set, workdir)
            print()
        print(f"{'input kind':<14} {'sources':>8} {'articles':>9} {'seconds':>8} "
              f"{'articles/s':>11}")
        for kind, paths in inputs_by_kind(args.set, workdir).items():
            articles, seconds = throughput(kind, paths, workdir)
            print(f"{kind:<14} {len(paths):>8} {articles:>9} {seconds:>8.2f} "
                  f"{articles / seconds:>11.1f}", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
