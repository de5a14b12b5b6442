"""digest deploy: build, then publish site/ to the gh-pages branch with ghp-import."""

from __future__ import annotations

import subprocess
from pathlib import Path

import ghp_import

from digest.build import BuildOptions, BuildResult, build
from digest.errors import DigestError, error


def _git(project: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True)
    if done.returncode != 0:
        raise DigestError([error(f"git {' '.join(args)} failed: {done.stderr.strip()}",
                                 str(project))])
    return done.stdout.strip()


def deploy(options: BuildOptions, *, remote: str = "origin", branch: str = "gh-pages",
           force: bool = False) -> tuple[BuildResult, str]:
    """Build the project and commit its site to `branch`, pushed to `remote` ->
    (the build, the source commit). The working tree and current branch stay as they are."""
    project = options.project
    _git(project, "rev-parse", "--is-inside-work-tree")
    changes = _git(project, "status", "--porcelain")
    if changes and not force:
        raise DigestError([error("the working tree has uncommitted changes, so the site would "
                                 "not match any commit; commit them, or use --force:\n"
                                 + changes, str(project))])
    source = _git(project, "rev-parse", "--short", "HEAD")
    result = build(options)
    try:
        ghp_import.ghp_import(str(result.out.absolute()), branch=branch, remote=remote,
                              push=True, nojekyll=True,
                              mesg=f"Publish digest site built from {source}")
    except (ghp_import.GhpError, subprocess.CalledProcessError) as exc:
        raise DigestError([error(f"could not publish to {remote}/{branch}: {exc}")]) from None
    return result, source
