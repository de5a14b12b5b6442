"""The shared benchmark corpus: ../shared/bench/gen_corpus.py, the same articles for every tool."""

from __future__ import annotations

import subprocess
import sys
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
