"""digest deploy: build, then publish site/ to the gh-pages branch with ghp-import."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import ghp_import

from digest.build import BuildOptions, BuildResult, build
from digest.config import find_config, load_config
from digest.errors import DigestError, error

# git@github.com:USER/REPO.git, https://github.com/USER/REPO(.git), ssh://git@github.com/USER/REPO
_GITHUB_REMOTE = re.compile(
    r"^(?:[\w.+-]+://)?(?:[^@/]+@)?github\.com[:/]+(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)"
    r"(?:\.git)?/?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class Deployment:
    build: BuildResult
    source: str  # the commit the site was built from
    url: str  # the base URL it was built for
    url_from: str  # where that URL came from


def _run_git(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True)
    except FileNotFoundError:
        raise DigestError([error("digest deploy needs git, which is not installed here "
                                 "(Debian: apt install git)")]) from None


def _git(project: Path, *args: str) -> str:
    done = _run_git(project, *args)
    if done.returncode != 0:
        raise DigestError([error(f"git {' '.join(args)} failed: {done.stderr.strip()}",
                                 str(project))])
    return done.stdout.strip()


def pages_url(remote_url: str, cname: str | None) -> str | None:
    """A git remote's URL and the configured custom domain -> the site's GitHub Pages URL;
    None when the remote is not on GitHub and no domain is configured."""
    if cname:
        return f"https://{cname}/"
    found = _GITHUB_REMOTE.match(remote_url.strip())
    if not found:
        return None
    owner, repo = found["owner"].lower(), found["repo"]
    if repo.lower() == f"{owner}.github.io":
        return f"https://{owner}.github.io/"
    return f"https://{owner}.github.io/{repo}/"


def deploy(options: BuildOptions, *, remote: str = "origin", branch: str = "gh-pages",
           force: bool = False) -> Deployment:
    """Build the project and commit its site to `branch`, pushed to `remote` -> what was
    published. The working tree and current branch stay as they are."""
    project = options.project
    _require_repository(project, remote)
    changes = _git(project, "status", "--porcelain")
    if changes and not force:
        raise DigestError([error("the working tree has uncommitted changes, so the site would "
                                 "not match any commit; commit them, or use --force:\n"
                                 + changes, str(project))])
    source = _git(project, "rev-parse", "--short", "HEAD")
    url, url_from = _base_url(options, remote)
    result = build(replace(options, base_url=url))
    try:
        ghp_import.ghp_import(str(result.out.absolute()), branch=branch, remote=remote,
                              push=True, nojekyll=True,
                              mesg=f"Publish digest site built from {source}")
    except (ghp_import.GhpError, subprocess.CalledProcessError) as exc:
        raise DigestError([error(f"could not publish to {remote}/{branch}: {exc}")]) from None
    return Deployment(build=result, source=source, url=url, url_from=url_from)


def _require_repository(project: Path, remote: str) -> None:
    """Refuse, with what to do, a project that is not a git repository with `remote`."""
    if _run_git(project, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise DigestError([error("not a git repository: digest deploy publishes to a branch of "
                                 "the project's GitHub repository (git init -b main, then git "
                                 "remote add origin git@github.com:USER/REPO.git), or use the "
                                 "Pages workflow that digest init writes", str(project))])
    if remote not in _git(project, "remote").split():
        raise DigestError([error(f"no git remote named {remote!r}: add it (git remote add "
                                 f"{remote} git@github.com:USER/REPO.git) or pass --remote",
                                 str(project))])
    if _run_git(project, "rev-parse", "--verify", "-q", "HEAD").returncode != 0:
        raise DigestError([error("nothing committed yet: commit the project first, so the "
                                 "site is built from a commit", str(project))])


def _base_url(options: BuildOptions, remote: str) -> tuple[str, str]:
    """The URL to build for -> (it, where it came from): --base-url or base_url when
    absolute, else the custom domain (cname), else the GitHub Pages URL of the remote."""
    if options.base_url:
        if "://" not in options.base_url:
            raise DigestError([error(f"--base-url {options.base_url} is not an absolute URL "
                                     "(like https://USER.github.io/REPO/)")])
        return options.base_url, "--base-url"
    config = load_config(find_config(options.project, options.config_path))
    if config.has_absolute_base:
        return config.base_url, "base_url in the config"
    remote_url = _git(options.project, "remote", "get-url", remote)
    url = pages_url(remote_url, config.cname)
    if url is None:
        raise DigestError([error(f"cannot tell the site's address: remote {remote!r} "
                                 f"({remote_url}) is not on GitHub and no cname is configured; "
                                 "set base_url in digest.yaml or pass --base-url",
                                 str(options.project))])
    return url, "cname in the config" if config.cname else f"git remote {remote!r}"
