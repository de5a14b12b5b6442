"""Write a build into place atomically, rewriting only the files whose bytes changed.

The output directory (site/) has a twin beside it, `.site.digest/next/`, holding the
generation before the current one. A build updates the twin to the new bytes (writing only
files whose hash differs), then exchanges the two directories in one atomic rename. So site/
is always either the previous complete build or the new complete build, a failed build never
touches it, and a rebuild never deletes a whole tree.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import marshal
import os
import shutil
from collections.abc import Iterator, Mapping, Set
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from digest.errors import OutputError, error

MARKER = ".digest-build"
WRITERS = 4
MARKER_TEXT = "Written by `digest build`, which replaces this directory. Generation {}\n"


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteReport:
    written: int
    removed: int
    unchanged: int
    swapped: bool


def state_dir(out: Path) -> Path:
    """Output directory -> the hidden folder beside it holding the twin tree and manifests."""
    return out.parent / f".{out.name}.digest"


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output directory, so two builds never interleave."""
    with exclusive(state_dir(out) / "lock", "another digest build is writing this output",
                   str(out)):
        yield


@contextmanager
def exclusive(lock_file: Path, busy: str, shown: str) -> Iterator[None]:
    """Hold an flock on `lock_file` (creating its folder), or raise OutputError saying `busy`
    when another process holds it: a second build stops rather than waits."""
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_file, "w")  # noqa: SIM115 (closed below; closing unlocks)
    except OSError as exc:
        raise _output_error(exc, lock_file.parent) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError([error(f"{busy}; try again when it finishes", shown)]) from None
        yield


def check_owned(out: Path) -> None:
    """Raise OutputError when `out` holds files that digest did not write."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError([error("output is not a directory", str(out))])
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError([error(
            f"refusing to replace {out}: it is not empty and was not written by digest "
            f"(no {MARKER} file); remove it or choose another --out", str(out))])


def publish(files: Mapping[str, bytes], out: Path, keep: Set[str] = frozenset()) -> WriteReport:
    """Output files {relative path: bytes}, plus the files named in `keep` as `out` has them
    now -> that tree in `out`, swapped in atomically. Any failure (a full or read-only disk)
    raises OutputError and leaves `out` as it was."""
    publication = Publication(out)
    try:
        publication.add(files)
        return publication.finish(keep)
    finally:
        publication.close()


class Publication:
    """One build written into the twin as its files arrive (so writing overlaps rendering),
    then swapped in by `finish`. Until then `out` is untouched; `close` without `finish`
    abandons the build (the twin is rebuilt next time)."""

    def __init__(self, out: Path):
        self.out = out.absolute()
        self.hashes: dict[str, str] = {}
        self.written = 0
        self._pending: list[Future[None]] = []
        self._writers = ThreadPoolExecutor(WRITERS)
        with _as_output_error(self.out):
            _recover(self.out)
            check_owned(self.out)
            state = state_dir(self.out)
            self.manifests = state / "manifests"
            self.manifests.mkdir(parents=True, exist_ok=True)
            self.twin, self.old = _prepare_twin(state / "next", self.out, self.manifests)
            (self.twin / MARKER).unlink(missing_ok=True)  # dirty until complete

    def add(self, files: Mapping[str, bytes]) -> None:
        """Queue these output files for writing, where their bytes are new to the twin."""
        for relative, data in files.items():
            digest = _hash(data)
            self.hashes[relative] = digest
            if self.old.get(relative) != digest:
                target = _inside(self.twin, relative)
                self._pending.append(self._writers.submit(self._put, target, data))
                self.written += 1

    def write_now(self, relative: str, data: bytes) -> tuple[str, bool]:
        """Write one file into the twin here and now, where its bytes are new (render workers
        call this, sparing the bytes a trip to this process) -> (its hash, whether written).
        The publishing process then `record`s it."""
        digest = _hash(data)
        if self.old.get(relative) == digest:
            return digest, False
        with _as_output_error(self.out):
            self._put(_inside(self.twin, relative), data)
        return digest, True

    def record(self, relative: str, digest: str, written: bool) -> None:
        """Count a file that `write_now` handled."""
        self.hashes[relative] = digest
        self.written += written

    def finish(self, keep: Set[str] = frozenset()) -> WriteReport:
        """Add `keep` as `out` has them, complete the twin and swap it in (unless it equals
        `out`); raise OutputError, leaving `out` as it was, when that fails."""
        with _as_output_error(self.out):
            return self._finish(keep)

    def close(self) -> None:
        """Stop the writers (after finish, or to abandon the build)."""
        self._writers.shutdown(wait=True, cancel_futures=True)

    def _put(self, target: str, data: bytes) -> None:
        # A twin started empty has no file that the live output shares: nothing to unlink.
        _write(target, data, fresh=not self.old)

    def _finish(self, keep: Set[str]) -> WriteReport:
        out = self.out
        current = _manifest(out, self.manifests) if keep else {}
        if current is None or keep - current.keys():
            raise OutputError([error("the site changed under the build cache; build again",
                                     str(out))])
        for relative in keep:
            digest = self.hashes[relative] = current[relative]
            if self.old.get(relative) != digest:  # share the live site's file
                self._pending.append(self._writers.submit(
                    _link, out / relative, self.twin / relative))
        for future in self._pending:
            future.result()  # raises what a writer met
        hashes = dict(sorted(self.hashes.items()))
        generation = _hash("\n".join(f"{path}\x00{digest}" for path, digest in hashes.items())
                           .encode())
        stale = [relative for relative in self.old if relative not in hashes]
        for relative in stale:
            (self.twin / relative).unlink(missing_ok=True)
        for folder in sorted({(self.twin / r).parent for r in stale}, key=lambda p: -len(p.parts)):
            _remove_empty_dirs(folder, self.twin)
        (self.manifests / f"{generation}.bin").write_bytes(marshal.dumps(hashes))
        marker = MARKER_TEXT.format(generation).encode()
        _write(self.twin / MARKER, marker)
        unchanged = _generation(out) == generation
        if not unchanged:
            _swap(self.twin, out)
        _prune_manifests(self.manifests, keep={generation, _generation(self.twin)})
        if unchanged:
            return WriteReport(written=0, removed=0, unchanged=len(hashes), swapped=False)
        return WriteReport(written=self.written, removed=len(stale), swapped=True,
                           unchanged=len(hashes) - self.written)


@contextmanager
def _as_output_error(out: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise _output_error(exc, out) from None


def _link(source: Path, target: Path) -> None:
    _make_room(target)
    os.link(source, target)


def _output_error(exc: OSError, where: Path) -> OutputError:
    return OutputError([error(f"cannot write the site: {exc.strerror or exc}",
                              str(exc.filename or where))])


def output_generation(out: Path) -> str | None:
    """The generation of the build in `out`; None when it holds no complete build or its
    manifest is gone (so nothing in it can be kept as it is)."""
    out = out.absolute()
    generation = _generation(out)
    if generation is None or not (state_dir(out) / "manifests" / f"{generation}.bin").is_file():
        return None
    return generation


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _generation(tree: Path) -> str | None:
    try:
        text = (tree / MARKER).read_text()
    except (OSError, UnicodeDecodeError):
        return None
    return text.rsplit(" ", 1)[-1].strip() or None


def _manifest(tree: Path, manifests: Path) -> dict[str, str] | None:
    generation = _generation(tree)
    try:
        return marshal.loads((manifests / f"{generation}.bin").read_bytes()) if generation \
            else None
    except (OSError, ValueError, EOFError, TypeError):
        return None


def _prepare_twin(twin: Path, out: Path, manifests: Path) -> tuple[Path, dict[str, str]]:
    """Reuse the twin tree if it is complete; else start it as hard links of the current output."""
    known = _manifest(twin, manifests)
    if known is not None:
        return twin, known
    if twin.exists():
        shutil.rmtree(twin)
    current = _manifest(out, manifests) if out.is_dir() else None
    if current is None:
        twin.mkdir(parents=True)
        return twin, {}
    made: set[Path] = set()
    for relative in current:
        target = twin / relative
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        os.link(out / relative, target)
    return twin, current


def _inside(root: Path, relative: str) -> str:
    """The path of `relative` (a site file's path, '/'-separated) inside `root`, refusing any
    that could lead out of it."""
    if "\x00" in relative or any(p in ("..", "", ".") for p in relative.split("/")):
        raise OutputError([error(f"unsafe output path {relative!r}")])
    return f"{root}/{relative}"  # a string: Path objects cost more than the write


def _write(path: str | Path, data: bytes, fresh: bool = False) -> None:
    """Write a file (in a tree known to be new, when `fresh`: nothing there to unlink)."""
    if not fresh:
        _make_room(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
    try:
        handle = os.open(path, flags, 0o666)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle = os.open(path, flags, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)


def _make_room(path: str | Path) -> None:
    """Remove what is at `path` (it may be a hard link shared with the live output, which must
    keep its bytes), or create its folder."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)


def _remove_empty_dirs(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _prune_manifests(manifests: Path, keep: set[str | None]) -> None:
    for path in manifests.glob("*"):
        if path.stem not in keep:
            path.unlink(missing_ok=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _swap(twin: Path, out: Path) -> None:
    """Atomically exchange the finished twin with the live output (or move it into place)."""
    if not out.exists():
        os.rename(twin, out)
        return
    if _exchange(twin, out):
        return
    # No atomic exchange on this file system: three renames, undone by _recover after a crash.
    parked = state_dir(out) / "parked"
    os.rename(out, parked)
    os.rename(twin, out)
    os.rename(parked, twin)


def _exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OutputError([error(f"cannot swap in the new build: {os.strerror(ctypes.get_errno())}",
                             str(b))])


def _recover(out: Path) -> None:
    """Finish a three-rename swap that a crash interrupted."""
    parked = state_dir(out) / "parked"
    if not parked.is_dir():
        return
    if not out.exists():
        os.rename(parked, out)
    elif not (state_dir(out) / "next").exists():
        os.rename(parked, state_dir(out) / "next")
    else:
        shutil.rmtree(parked)
