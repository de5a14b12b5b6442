"""File events -> kinds of change. classify() is pure; Watcher adapts watchdog and debounces."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from digest.config import CONFIG_FILE
from digest.kinds import Change

# Editor droppings: vim swap/backup and its 4913 probe, emacs lock/autosave, JetBrains and
# VS Code temporary copies, macOS metadata, our own atomic-write temporaries.
_TEMPORARY = re.compile(r"(^\.#|^#.*#$|~$|\.sw[a-p]x?$|^4913$|\.tmp$|\.bak$|\.part$|"
                        r"___jb_\w+___$|^\.DS_Store$|\.crdownload$)")
DEBOUNCE_SECONDS = 0.08
WATCHED_FOLDERS = ("content", "templates", "static")


def classify(path: PurePath, project: PurePath,
             config_file: PurePath | None = None) -> Change | None:
    """A changed path -> the kind of change it is, or None to ignore it.
    `config_file` is the config's absolute path (default: digest.yaml in the project)."""
    if path == (config_file or project / CONFIG_FILE):
        return Change.CONFIG
    try:
        relative = path.relative_to(project)
    except ValueError:
        return None
    parts = relative.parts
    if not parts or _TEMPORARY.search(parts[-1]) or any(
            p in ("__pycache__", ".git") for p in parts):
        return None
    if parts[0] == "content" and len(parts) > 1:
        hidden = any(p.startswith((".", "_")) for p in parts[1:])
        return None if hidden else Change.CONTENT
    if parts[0] == "templates" and len(parts) > 1:
        return Change.TEMPLATES
    if parts[0] == "static" and len(parts) > 1:
        return None if parts[-1].startswith(".") else Change.STATIC
    return None


def kinds_of(paths: Iterable[PurePath], project: PurePath,
             config_file: PurePath | None = None) -> frozenset[Change]:
    """Changed paths -> the set of change kinds they add up to."""
    return frozenset(k for k in (classify(p, project, config_file) for p in paths) if k)


class Watcher(FileSystemEventHandler):
    """Watches a project and its config file, wherever that is, and calls `on_change(kinds)`
    once a burst of events has settled."""

    def __init__(self, project: Path, on_change: Callable[[frozenset[Change]], object], *,
                 poll: bool = False, config_file: Path | None = None):
        self.project = project.resolve()
        config_file = config_file or self.project / CONFIG_FILE
        # The folder resolved, not the file: a symlinked config is still matched by its name.
        self.config_file = config_file.absolute().parent.resolve() / config_file.name
        self.on_change = on_change
        self.pending: set[PurePath] = set()
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stopped = False
        self.observer = PollingObserver(timeout=0.25) if poll else Observer()
        # Not the whole project: the build writes (and swaps) output folders inside it.
        self.observer.schedule(self, str(self.project), recursive=False)
        self.watched: set[str] = set()
        for name in WATCHED_FOLDERS:
            self._watch_folder(self.project / name)
        config_folder = self.config_file.parent
        if config_folder != self.project and config_folder.is_dir():
            self.observer.schedule(self, str(config_folder), recursive=False)
        self.worker = threading.Thread(target=self._settle, name="digest-debounce", daemon=True)

    def start(self) -> None:
        self.observer.start()
        self.worker.start()

    def stop(self) -> None:
        self.stopped = True
        self.wake.set()
        self.observer.stop()
        self.observer.join(timeout=2)

    def _watch_folder(self, folder: Path) -> None:
        if folder.is_dir() and folder.name not in self.watched:
            self.watched.add(folder.name)
            self.observer.schedule(self, str(folder), recursive=True)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        given = (event.src_path, getattr(event, "dest_path", ""))
        paths = {PurePath(os.fsdecode(p)) for p in given if p}
        folder = Path(os.fsdecode(event.src_path))
        if event.is_directory and folder.parent == self.project and (
                folder.name in WATCHED_FOLDERS):
            self._watch_folder(folder)  # e.g. templates/ made after we started
            paths.add(PurePath(folder) / "new-folder")  # and count it as a change in it
        with self.lock:
            self.pending.update(paths)
        self.wake.set()

    def _settle(self) -> None:
        while not self.stopped:
            self.wake.wait()
            while self.wake.is_set() and not self.stopped:  # wait for the burst to end
                self.wake.clear()
                time.sleep(DEBOUNCE_SECONDS)
            with self.lock:
                paths, self.pending = self.pending, set()
            kinds = kinds_of(paths, self.project, self.config_file)
            if kinds and not self.stopped:
                self.on_change(kinds)
