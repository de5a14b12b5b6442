"""Sections and outlets of the dev corpus, plain and leave-one-outlet-out.

    python3 benchmarks/outlets.py [--set ../shared/corpus/dev]

Scores `section_ok` and `outlet_ok` with the reader scorer (../shared/bench/reader_eval.py) for
the labelled Korean pages and their page-text captures, once with the whole outlet table and
then, for each outlet of the set, its pages alone with that outlet left out of the built-in
table (DIGEST_OUTLETS_EXCLUDE): what digest finds on pages it was never tuned on. The section
vocabulary is not per outlet and stays whole. Prints one row per outlet and the totals.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SCORER = SHARED / "bench" / "reader_eval.py"
CHECKS = ("section_ok", "outlet_ok")
GROUPS = ("html-ko", "scraped-text-ko")


def score(corpus: Path, work: Path, excluded: str = "") -> list[dict]:
    """One reader-scorer run over a corpus folder -> its rows."""
    digest = work / "digest"
    if not digest.exists():
        digest.write_text(f"#!/bin/sh\nPYTHONPATH={REPO} exec {sys.executable} -m digest "
                          '"$@"\n')
        digest.chmod(0o755)
    out = work / f"rows-{len(list(work.glob('rows-*')))}.json"
    env = {**os.environ, "PYTHONPATH": str(REPO), "DIGEST_OUTLETS_EXCLUDE": excluded}
    subprocess.run([sys.executable, str(SCORER), str(corpus), str(corpus / "reader"),
                    "--digest", str(digest), "--json", str(out)], check=True,
                   capture_output=True, env=env, timeout=900)
    return json.loads(out.read_text())["rows"]


def labelled(corpus: Path) -> set[str]:
    return set(outlet_of_items(corpus))


def outlet_of_items(corpus: Path) -> dict[str, str]:
    """Labelled item id -> its outlet (the label's first name)."""
    outlets = {}
    for path in sorted((corpus / "reader").glob("*.reader.json")):
        label = json.loads(path.read_text("utf-8"))
        if label.get("is_article") and label.get("outlet"):
            outlets[label["id"]] = label["outlet"][0]
    return outlets


def only(corpus: Path, ids: set[str], work: Path) -> Path:
    """A corpus folder holding only these items (links to the real files)."""
    root = work / f"set-{len(list(work.glob('set-*')))}"
    (root / "dev").mkdir(parents=True)
    manifest = json.loads((corpus / "manifest.json").read_text("utf-8"))
    chosen = [item for item in manifest if item["id"] in ids]
    if not chosen:  # the scorer needs one HTML page to run: carry the seed with another one
        chosen = [next(item for item in manifest if item["id"] in labelled(corpus))]
    (root / "dev" / "manifest.json").write_text(json.dumps(chosen))
    for name in ("ko", "ko-text", "reader"):
        (root / "dev" / name).symlink_to(corpus / name)
    if "seed" in ids and (corpus.parent / "seed").is_dir():
        (root / "seed").symlink_to(corpus.parent / "seed")
    return root / "dev"


def tally(rows: list[dict]) -> dict[tuple[str, str], list[bool]]:
    counts: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for row in rows:
        for check in CHECKS:
            if row.get(check) is not None:
                counts[row["group"], check].append(bool(row[check]))
    return counts


def pad(text: str, width: int) -> str:
    """Text padded to a width in terminal columns (Hangul takes two)."""
    wide = sum(1 for c in text if unicodedata.east_asian_width(c) in "WF")
    return text + " " * max(0, width - len(text) - wide)


def figure(values: list[bool]) -> str:
    return f"{sum(values) / len(values):.3f}" if values else "  -  "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=SHARED / "corpus" / "dev")
    args = parser.parse_args()
    corpus = args.set.resolve()
    if not (SCORER.is_file() and (corpus / "reader").is_dir()):
        sys.exit(f"skipped: no reader labels or scorer under {SHARED}")
    outlets = outlet_of_items(corpus)
    with tempfile.TemporaryDirectory(prefix="digest-outlets-") as tmp:
        work = Path(tmp)
        plain_rows = score(corpus, work)
        left_out: list[dict] = []
        print(f"{'outlet':<12} {'pages':>5}" + "".join(
            f"  {g + ' ' + c.removesuffix('_ok'):>22}" for g in GROUPS for c in CHECKS))
        print(f"{'':<18}" + "  {:>22}".format("plain / left out") * 4)
        for outlet in sorted(set(outlets.values())):
            ids = {i for i, o in outlets.items() if o == outlet}
            rows = [r for r in score(only(corpus, ids, work), work, excluded=outlet)
                    if r["id"] in ids]
            left_out += rows
            print(row(outlet, len(ids), [r for r in plain_rows if r["id"] in ids], rows),
                  flush=True)
        print(row("all", len(outlets), plain_rows, left_out))


def row(name: str, pages: int, plain: list[dict], left_out: list[dict]) -> str:
    """One line of the table: each group's checks, plain and with the outlet left out."""
    ours, theirs = tally(plain), tally(left_out)
    return f"{pad(name, 12)} {pages:>5}" + "".join(
        f"  {figure(ours[g, c]) + ' / ' + figure(theirs[g, c]):>22}"
        for g in GROUPS for c in CHECKS)

if __name__ == "__main__":
    main()
