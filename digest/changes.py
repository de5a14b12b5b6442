"""What a rebuild changed, as the preview reports it: pages rendered and files that differ."""

from __future__ import annotations

from digest.build import Progress


class RenderCount(Progress):
    """Counts the pages a build renders."""

    def __init__(self):
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
