"""What the last build saw and made: one frozen record, kept in memory and in `state.bin`.

The record is saved field by field under a format number and digest's code version; a file
that is missing, unreadable, of another format or made by other code is no memory at all
(a cold build), never a crash.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

from digest import cache
from digest.build.keys import Stamp
from digest.cache import PackedIndex, PackedProblems
from digest.errors import OutputError, error

if TYPE_CHECKING:  # not imported by a build that finds nothing to do
    from digest.config import Config
    from digest.model import Index, Page
    from digest.search.index import PackedIndexState
    from digest.templates import SiteEnvironment

FORMAT = 5  # bump whenever what state.bin holds changes
Source = tuple[Stamp, str]  # a content file's stat stamp and content key


@dataclass(frozen=True, slots=True, kw_only=True)
class Made:
    """What the last build made in this process, for the next build of the same Builder."""

    config: Config
    env: SiteEnvironment
    index: Index
    pages: tuple[Page, ...]
    rendered: Mapping[str, bytes]  # without a cache folder: every page's bytes
    files: dict[str, bytes]  # without a cache folder: every output file
    search_files: Mapping[str, bytes]


@dataclass(frozen=True, slots=True, kw_only=True)
class Memory:
    """What the last build saw and made. Every field but `made` is saved in state.bin."""

    options: list[object] = field(default_factory=list)  # keys.options_key
    config: str = ""  # the config's key
    inputs: list[list[object]] = field(default_factory=list)  # keys.input_stamps
    status_page: bool = False
    sources: dict[str, Source] = field(default_factory=dict)  # shown path -> its source
    problems: dict[str, PackedProblems] = field(default_factory=dict)  # content key -> …
    page_keys: dict[str, str] = field(default_factory=dict)  # page URL -> its key
    articles: int = 0
    pages: int = 0
    generation: str | None = None  # the output's, as this build left it
    next_reveal: float | None = None  # when a story held back for its date comes due
    diagnostics: PackedProblems = ()  # everything the build reported
    search_index: PackedIndexState | None = None
    index: PackedIndex | None = None  # None: no memory at all
    shown_in: dict[str, list[str]] = field(default_factory=dict)  # story URL -> page URLs
    templates: str = ""  # keys.templates_key
    collisions: PackedProblems = ()
    template_warnings: PackedProblems = ()
    made: Made | None = None  # in this process only

    @property
    def cold(self) -> bool:
        """Whether there is nothing to remember."""
        return self.index is None


NOTHING = Memory()
SAVED = tuple(f.name for f in fields(Memory) if f.name != "made")
_OPTIONAL: dict[str, type | tuple[type, ...]] = {
    "generation": str, "next_reveal": (int, float), "search_index": tuple, "index": tuple}


def load_memory(folder: Path) -> Memory:
    """The last build's memory as saved in `folder`, or NOTHING when there is none usable."""
    try:
        saved = marshal.loads((folder / "state.bin").read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return NOTHING
    if not isinstance(saved, dict) or saved.get("format") != (FORMAT, cache.code_version()):
        return NOTHING
    if not all(name in saved and _well_typed(name, saved[name]) for name in SAVED):
        return NOTHING
    return Memory(**{name: saved[name] for name in SAVED})


def _well_typed(name: str, value: object) -> bool:
    """Whether a saved field holds the kind of value the record has there."""
    if name in _OPTIONAL:
        return value is None or isinstance(value, _OPTIONAL[name])
    return isinstance(value, type(getattr(NOTHING, name)))


def save_memory(folder: Path, memory: Memory) -> None:
    """Write the memory atomically (a crash leaves the old one or the new one); OutputError
    when the disk refuses."""
    saved = {name: getattr(memory, name) for name in SAVED}
    temporary = folder / "state.bin.new"
    try:
        with open(temporary, "wb") as handle:
            handle.write(marshal.dumps({**saved, "format": (FORMAT, cache.code_version())}))
        os.replace(temporary, folder / "state.bin")
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OutputError([error(f"cannot write the build cache: {exc.strerror or exc}",
                                 str(folder))]) from None


def forget_memory(folder: Path) -> None:
    """Remove the saved memory (when it could not be brought up to date): the next build
    starts cold."""
    with contextlib.suppress(OSError):
        (folder / "state.bin").unlink(missing_ok=True)
