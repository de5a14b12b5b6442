"""What a rebuild changed, as the preview reports it: pages rendered, files that differ, and
the pages that moved, so that an open tab can follow its page."""

from __future__ import annotations

from digest import routes
from digest.build import Progress
from digest.model import Index


class RenderCount(Progress):
    """Counts the pages a build renders."""

    def __init__(self) -> None:
        self.pages = 0

    def stage(self, name: str, total: int) -> None:
        if name == "rendering":
            self.pages += total


def count(number: int, noun: str) -> str:
    """(3, 'page') -> '3 pages'."""
    return f"{number} {noun}" + ("" if number == 1 else "s")


def changed_files(old: dict[str, bytes], new: dict[str, bytes]) -> int:
    """Two builds' files -> how many were added, changed or removed."""
    differ = sum(1 for path, data in new.items()
                 if old.get(path) is not data and old.get(path) != data)
    return differ + sum(1 for path in old if path not in new)


def moved_pages(old: Index | None, new: Index, files: dict[str, bytes],
                earlier: dict[str, str]) -> dict[str, str]:
    """The article pages a rebuild took away -> {old site URL: where its article is now, or
    its section's page when it is gone (the front page when that is gone too)}. Earlier moves
    are kept, following their page further, so that a tab that missed a rebuild still finds
    its page: those whose old URL is a page again are dropped."""
    moves = {}
    if old is not None and old is not new:
        now_at = None
        for url, entry in old.entries.items():
            if routes.output_path(url) in files:
                continue
            if now_at is None:  # only when some page went away
                now_at = {e.path: new_url for new_url, e in new.entries.items()}
            target = now_at.get(entry.path)
            if target is None:
                section = routes.listing("sections", entry.section.key)
                target = section if routes.output_path(section) in files else routes.FRONT
            moves[url] = target
    kept = {url: moves.get(target, target) for url, target in earlier.items()
            if routes.output_path(url) not in files}
    return {**{url: to for url, to in kept.items() if routes.output_path(to) in files},
            **moves}


def under(base_path: str, moves: dict[str, str]) -> dict[str, str]:
    """Moves between site URLs -> the same between paths under the base path, as linked."""
    return {base_path + routes.href(url): base_path + routes.href(to)
            for url, to in moves.items()}
