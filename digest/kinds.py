"""The kinds of change a rebuild is told about (the watcher finds them, the build reads them)."""

from __future__ import annotations

from enum import StrEnum


class Change(StrEnum):
    """What changed in a project: its config file, content/, templates/ or static/."""

    CONFIG = "config"
    CONTENT = "content"
    TEMPLATES = "templates"
    STATIC = "static"


EVERYTHING: frozenset[Change] = frozenset(Change)
