"""The shared benchmark corpus: ../shared/bench/gen_corpus.py, the same articles for every tool."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO.parent / "shared" / "bench" / "gen_corpus.py"


def generate(n: int, into: Path, layout: str = "digest") -> Path:
    """Article count -> a folder holding that many generated articles (exits when the shared
    benchmark folder is absent, saying so)."""
    if not GENERATOR.is_file():
        sys.exit(f"skipped: {GENERATOR} is absent (the shared benchmark folder is needed)")
    subprocess.run([sys.executable, str(GENERATOR), "--n", str(n), "--layout", layout,
                    "--out", str(into)], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return into


def edit_one(project: Path, round_number: int) -> Path:
    """Give one article (the same one every round) a new first paragraph, so the change shows
    in its page, its summary on list pages and its excerpt; return the file."""
    article = min((project / "content").rglob("*.md"))
    text = article.read_text(encoding="utf-8")
    closing = text.index("\n---\n", 4) + len("\n---\n")
    article.write_text(f"{text[:closing]}\n수정 {round_number}: 새로 쓴 첫 문단입니다.\n"
                       f"{text[closing:]}", encoding="utf-8")
    return article


def add_day(project: Path, count: int) -> None:
    """Add `count` articles dated the day after the latest one (copies of the latest ones'
    text, under new names), as a day's ingest would."""
    files = sorted((project / "content").rglob("*.md"), key=lambda p: p.name)[-count:]
    latest = max(_DATE.search(p.read_text(encoding="utf-8")).group(1) for p in files)
    day = (date.fromisoformat(latest) + timedelta(days=1)).isoformat()
    for n, source in enumerate(files):
        text = _DATE.sub(lambda m: m.group(0).replace(m.group(1), day),
                         source.read_text(encoding="utf-8"))
        (source.parent / f"{day}-new-{n:03d}.md").write_text(text, encoding="utf-8")


_DATE = re.compile(r"^(?:date|updated): (\d{4}-\d{2}-\d{2})", re.MULTILINE)
