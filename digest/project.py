"""Project scaffolding: `digest init`, and copying default templates out to edit (`eject`)."""

from __future__ import annotations

import hashlib
import json
import textwrap
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from digest import __version__
from digest.errors import Diagnostic, DigestError, error, warning
from digest.templates import PACKAGE_DIR, theme_dir

SCAFFOLD = PACKAGE_DIR / "scaffold"
DISTRIBUTION = "digest-site"
WORKFLOW = ".github/workflows/pages.yml"
FETCH_WORKFLOW = ".github/workflows/fetch.yml"
# scaffold file -> where `digest init` puts it
INIT_FILES = {"digest.yaml": "digest.yaml", "content/sample.md": "content/sample.md",
              "gitignore": ".gitignore", "github/pages.yml": WORKFLOW}
SCHEDULE_NOTE = (
    f"note: {FETCH_WORKFLOW} commits what it fetches to content/, as excerpts by default "
    "(fetch.store: excerpt | full in digest.yaml), and a public repository republishes "
    "whatever is committed; GitHub starts scheduled runs late at busy times and turns them "
    "off after 60 days without activity in a public repository (turn them on again in the "
    "Actions tab)")
EJECTED = "templates/.ejected.json"  # default template -> hash of the version copied


@dataclass(frozen=True, slots=True, kw_only=True)
class InstallSource:
    """What a CI runner should `pip install` to get the digest running here."""

    package: str  # a requirement or URL for pip; "" when digest cannot tell
    note: str = ""  # what the user must do instead, when package is ""
    local: str = ""  # the folder digest runs from, shown on the terminal only


def install_source(distribution: metadata.Distribution | None = None) -> InstallSource:
    """How this digest was installed, from its PEP 610 record (direct_url.json) -> what to
    install elsewhere: from an index, the same version; from git, the same commit."""
    try:
        distribution = distribution or metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a source tree, not installed
        return _from_local_folder(str(PACKAGE_DIR.parent), __version__)
    raw = distribution.read_text("direct_url.json")
    if raw is None:  # from a package index
        return InstallSource(package=f"{DISTRIBUTION}=={distribution.version}")
    try:
        record = json.loads(raw)
        url = record["url"]
    except (ValueError, KeyError, TypeError):
        return _from_local_folder("", distribution.version)  # an unreadable record
    subdirectory = f"#subdirectory={record['subdirectory']}" if record.get("subdirectory") \
        else ""
    vcs = record.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("commit_id"):
        return InstallSource(package=f"{vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}"
                                     f"{subdirectory}")
    if "archive_info" in record and url.startswith(("https://", "http://")):
        return InstallSource(package=url + subdirectory)
    return _from_local_folder(url.removeprefix("file://"), distribution.version)


def _from_local_folder(where: str, version: str) -> InstallSource:
    return InstallSource(package="", local=where, note=(
        "digest ran from a local folder, which a GitHub runner cannot install: before the "
        f"first push, set DIGEST_PACKAGE in {WORKFLOW} to a git URL of digest's repository "
        "with a commit (git+https://github.com/OWNER/digest@COMMIT) or to a released version "
        f"({DISTRIBUTION}=={version})"))


def workflow_text(source: InstallSource, workflow: str = WORKFLOW) -> str:
    """A workflow of `digest init` (the Pages one by default), installing what `source` says
    (or saying what to put there)."""
    template = (SCAFFOLD / "github" / Path(workflow).name).read_text()
    comment = install_note(source, [workflow]) or \
        "What pip installs: the digest that ran `digest init`."
    # The folder it ran from stays out: the workflow goes into a (maybe public) repository.
    lines = textwrap.wrap(comment, 94, break_on_hyphens=False, break_long_words=False)
    return (template.replace("@install@", "\n  # ".join(lines))
            .replace('"@package@"', json.dumps(source.package)))


def install_note(source: InstallSource, workflows: list[str]) -> str:
    """What the user must set before the first push, naming the workflows written ("" when
    digest could tell what to install)."""
    return source.note.replace(WORKFLOW, " and ".join(workflows))


def init(target: Path, source: InstallSource, schedule: bool = False) -> list[str]:
    """Scaffold a project in `target` (its workflows installing `source`; with `schedule` the
    fetch workflow too, alone in a folder that has a digest.yaml) -> the files written;
    refuses to overwrite any file."""
    files = dict(INIT_FILES)
    if schedule:
        files = {"github/fetch.yml": FETCH_WORKFLOW} if (target / "digest.yaml").exists() \
            else {**files, "github/fetch.yml": FETCH_WORKFLOW}
    existing = [name for name in files.values() if (target / name).exists()]
    if existing:
        raise DigestError([error(f"{name} already exists; digest init never overwrites",
                                 str(target / name)) for name in existing])
    for scaffold, name in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if scaffold.startswith("github/"):
            path.write_text(workflow_text(source, name))
        else:
            path.write_bytes((SCAFFOLD / scaffold).read_bytes())
    return list(files.values())


def default_templates() -> list[str]:
    """The default theme's files, as names relative to templates/ ('base.html', 'static/…')."""
    root = theme_dir()
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def ejected_path(name: str) -> str:
    """A default template's name -> where eject puts it: theme assets go to the project's
    static/ (which the build copies over the theme's), templates to templates/."""
    return name if name.startswith("static/") else f"templates/{name}"


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Ejected:
    name: str
    path: str


def eject(project: Path, names: list[str]) -> list[Ejected]:
    """Copy default templates into the project's templates/ -> what was copied.

    Never overwrites; records the hash of each default copied so a later build can tell the
    user when that default has changed since."""
    known = set(default_templates())
    problems = [error(f"no default template named {name!r} (see `digest templates list`)")
                for name in names if name not in known]
    problems += [error("already exists; eject never overwrites", ejected_path(name))
                 for name in names if (project / ejected_path(name)).exists()]
    if problems:
        raise DigestError(problems)
    record_path = project / EJECTED
    record = json.loads(record_path.read_text()) if record_path.is_file() else {}
    copied = []
    for name in names:
        target = project / ejected_path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((theme_dir() / name).read_bytes())
        record[name] = _hash(theme_dir() / name)
        copied.append(Ejected(name=name, path=ejected_path(name)))
    record_path.write_text(json.dumps(dict(sorted(record.items())), indent=1) + "\n")
    return copied


def stale_overrides(project: Path) -> list[Diagnostic]:
    """A warning for each ejected template whose default has changed since it was copied."""
    record_path = project / EJECTED
    if not record_path.is_file():
        return []
    try:
        record = json.loads(record_path.read_text())
    except ValueError:
        return [warning("unreadable record of ejected templates", EJECTED)]
    found = []
    for name, copied_hash in sorted(record.items()):
        default = theme_dir() / name
        if default.is_file() and _hash(default) != copied_hash:
            found.append(warning(f"the default {name} has changed since you ejected it; "
                                 "compare with `digest templates eject` into a new project",
                                 ejected_path(name)))
    return found
