"""The valid fixture site and its golden snapshot: every file `digest build` writes for
sites/valid/ (search index included), byte for byte, kept in one gzipped JSON file (a tree of
copies would repeat the theme's static files and every page's masthead, which `duplicates`
would then report; the test shows a unified diff of any page that differs).

    python3 -m tests.integration.golden            # compare a fresh build with the snapshot
    python3 -m tests.integration.golden --refresh  # replace the snapshot with a fresh build
"""

from __future__ import annotations

import argparse
import base64
import difflib
import gzip
import json
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from digest.build import BuildOptions, build
from digest.output import MARKER

HERE = Path(__file__).resolve().parent
SITE = HERE / "sites" / "valid"
GOLDEN = HERE / "sites" / "valid.golden.json.gz"
NOW = datetime(2030, 4, 1, 12, 0, tzinfo=UTC)  # after every article but the future one
LEFT_OUT = {MARKER}  # the generation counter in it says which build wrote the folder
DIFF_LINES = 40  # per file, so that one broken template does not bury the others


def build_site(work: Path) -> Path:
    """Copy sites/valid/ into `work` and build it there with search, clock pinned -> site/."""
    project = work / "valid"
    shutil.copytree(SITE, project)
    result = build(BuildOptions(project=project, now=NOW, jobs=1, search=True))
    problems = [str(d) for d in result.diagnostics]
    assert not problems, f"the valid site should build without a word: {problems}"
    return project / "site"


def files(folder: Path) -> dict[str, bytes]:
    """Folder -> {relative POSIX path: bytes} of every file below it but the left-out ones."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file() and path.relative_to(folder).as_posix() not in LEFT_OUT}


def golden_files() -> dict[str, bytes]:
    """The snapshot -> {relative POSIX path: bytes}."""
    stored = json.loads(gzip.decompress(GOLDEN.read_bytes()))
    return {name: base64.b64decode(value["base64"]) if isinstance(value, dict)
            else value.encode("utf-8") for name, value in stored.items()}


def _stored(built: dict[str, bytes]) -> bytes:
    """Files -> the snapshot's bytes: text as text, binary as base64, no timestamp."""
    document = {name: text if (text := _text(data)) is not None
                else {"base64": base64.b64encode(data).decode("ascii")}
                for name, data in sorted(built.items())}
    raw = json.dumps(document, ensure_ascii=False, indent=0, sort_keys=True).encode("utf-8")
    return gzip.compress(raw, mtime=0)


def differences(expected: dict[str, bytes], actual: dict[str, bytes]) -> list[str]:
    """Two snapshots -> readable lines: files missing, unexpected, and how each other differs."""
    lines = [f"missing: {name}" for name in sorted(expected.keys() - actual.keys())]
    lines += [f"unexpected: {name}" for name in sorted(actual.keys() - expected.keys())]
    for name in sorted(expected.keys() & actual.keys()):
        before, after = expected[name], actual[name]
        if before != after:
            lines += [f"differs: {name}", *_diff(name, before, after)]
    return lines


def _text(data: bytes) -> str | None:
    """Bytes -> their text, or None when they are binary (not UTF-8, or holding NUL)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\0" in text else text


def _diff(name: str, before: bytes, after: bytes) -> list[str]:
    old, new = _text(before), _text(after)
    if old is None or new is None:
        return [f"  binary: {len(before)} bytes in the snapshot, {len(after)} built"]
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), f"golden/{name}",
                                     f"built/{name}", lineterm=""))
    shown = ["  " + line for line in diff[:DIFF_LINES]]
    return shown + ([f"  … {len(diff) - DIFF_LINES} more diff lines"] if len(diff) > DIFF_LINES
                    else [])


def refresh() -> int:
    """Rebuild the valid site and make its files the snapshot -> how many files."""
    with tempfile.TemporaryDirectory() as work:
        built = files(build_site(Path(work)))
    GOLDEN.write_bytes(_stored(built))
    return len(built)


def main(argv: list[str] | None = None) -> int:
    """Compare (exit 1 and say how, when they differ) or, with --refresh, replace the snapshot."""
    parser = argparse.ArgumentParser(prog="python3 -m tests.integration.golden",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--refresh", action="store_true", help="replace the snapshot")
    if parser.parse_args(argv).refresh:
        print(f"{refresh()} files written to {GOLDEN}")
        return 0
    with tempfile.TemporaryDirectory() as work:
        found = differences(golden_files(), files(build_site(Path(work))))
    print("\n".join(found) or f"the build equals {GOLDEN}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
