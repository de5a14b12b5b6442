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
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

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
    state = state_dir(out)
    try:
        state.mkdir(parents=True, exist_ok=True)
        handle = open(state / "lock", "w")  # noqa: SIM115 (closed below, after unlocking)
    except OSError as exc:
        raise _output_error(exc, state) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError([error("another digest build is writing this output; "
                                     "try again when it finishes", str(out))]) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
    try:
        return _publish(files, out.absolute(), keep)
    except OSError as exc:
        raise _output_error(exc, out) from None


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


def _publish(files: Mapping[str, bytes], out: Path, keep: Set[str]) -> WriteReport:
    _recover(out)
    check_owned(out)
    state = state_dir(out)
    manifests = state / "manifests"
    current = _manifest(out, manifests) if keep else {}
    if current is None or keep - current.keys():
        raise OutputError([error("the site changed under the build cache; build again",
                                 str(out))])
    hashes = {path: _hash(data) for path, data in files.items()}
    hashes.update((path, current[path]) for path in keep)
    hashes = dict(sorted(hashes.items()))
    generation = _hash("\n".join(f"{path}\x00{digest}" for path, digest in hashes.items())
                       .encode())
    marker = MARKER_TEXT.format(generation).encode()
    if _generation(out) == generation:
        return WriteReport(written=0, removed=0, unchanged=len(hashes), swapped=False)
    manifests.mkdir(parents=True, exist_ok=True)
    twin, old_hashes = _prepare_twin(state / "next", out, manifests)
    (twin / MARKER).unlink(missing_ok=True)  # the twin is dirty until it is complete
    written, removed = _apply(twin, out, files, hashes, old_hashes)
    (manifests / f"{generation}.bin").write_bytes(marshal.dumps(hashes))
    _write(twin / MARKER, marker)
    _swap(twin, out)
    _prune_manifests(manifests, keep={generation, _generation(twin)})
    return WriteReport(written=written, removed=removed, swapped=True,
                       unchanged=len(hashes) - written)


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
    for relative in current:
        target = twin / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(out / relative, target)
    return twin, current


def _apply(twin: Path, out: Path, files: Mapping[str, bytes], hashes: Mapping[str, str],
           old_hashes: Mapping[str, str]) -> tuple[int, int]:
    """Bring the twin to `hashes`: write new bytes, hard-link kept files from `out`."""
    # The twin holds old_hashes exactly: its manifest is written only once it is complete.
    todo = [relative for relative, digest in hashes.items() if old_hashes.get(relative) != digest]
    for folder in sorted({_inside(twin, relative).parent for relative in todo}):
        folder.mkdir(parents=True, exist_ok=True)

    def put(relative: str) -> None:
        if relative in files:
            _write(twin / relative, files[relative])
        else:  # kept as the live site has it: share its file
            (twin / relative).unlink(missing_ok=True)
            os.link(out / relative, twin / relative)

    # File creation waits on the disk, not the interpreter: a few threads overlap it.
    with ThreadPoolExecutor(WRITERS) as writers:
        list(writers.map(put, todo))
    written = len(todo)
    stale = [relative for relative in old_hashes if relative not in hashes]
    for relative in stale:
        (twin / relative).unlink(missing_ok=True)
    for folder in sorted({(twin / r).parent for r in stale}, key=lambda p: -len(p.parts)):
        _remove_empty_dirs(folder, twin)
    return written, len(stale)


def _inside(root: Path, relative: str) -> Path:
    parts = PurePosixPath(relative).parts
    if not parts or relative.startswith("/") or any(p in ("..", "", ".") for p in parts) \
            or "\x00" in relative:
        raise OutputError([error(f"unsafe output path {relative!r}")])
    return root.joinpath(*parts)


def _write(path: Path, data: bytes) -> None:
    # Unlink first: the file may be a hard link shared with the live output.
    try:
        path.unlink()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


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
