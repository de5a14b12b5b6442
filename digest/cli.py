"""Command line: parse options, call one orchestrator, print diagnostics, pick the exit code."""

from __future__ import annotations

import errno
import gc
import json
import os
import re
import sys
import traceback
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from digest import __version__
from digest.build import BuildOptions, BuildResult, build
from digest.build import Progress as BuildProgress
from digest.config import find_config, load_config
from digest.errors import Diagnostic, DigestError, missing_package, one_line
from digest.fetch.cli import fetch_command, sources_group
from digest.parallel import default_jobs

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from digest.ingest.run import Outcome

PROGRESS_FROM = 500  # items; smaller builds finish before a bar would help



class _Console:
    """rich's stderr console, imported on first use: a quiet build never pays for it."""

    def __getattr__(self, name: str) -> Any:  # rich.console.Console's attributes
        if "console" not in self.__dict__:
            from rich.console import Console

            self.__dict__["console"] = Console(stderr=True, highlight=False, soft_wrap=True)
        console = self.__dict__["console"]
        return console if name == "console" else getattr(console, name)


err = _Console()


def _bar(description: str, disable: bool) -> Progress:
    """A transient rich progress bar on stderr (disabled: draws nothing)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn(description), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err.console, transient=True, disable=disable)


class BarProgress(BuildProgress):
    """Draws build stages as a rich progress bar on the terminal."""

    def __init__(self, bar: Progress):
        self.bar = bar
        self.task: TaskID | None = None

    def stage(self, name: str, total: int) -> None:
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(name, total=total, visible=total >= PROGRESS_FROM)

    def advance(self, count: int) -> None:
        if self.task is not None:
            self.bar.advance(self.task, count)


class _Commands(click.Group):
    """digest's commands; whatever a command did not expect becomes one line, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("DIGEST_DEBUG") and not isinstance(exc, DigestError):
                raise
            try:
                _report(exc)
            except ModuleNotFoundError as missing:  # no rich to print with: a broken install
                click.echo(missing_package(missing), err=True)
            sys.exit(1)


def _report(exc: Exception) -> None:
    """Print what stopped a command: its diagnostics, or one line."""
    if isinstance(exc, DigestError):
        _print_diagnostics(exc.diagnostics)
    elif isinstance(exc, ModuleNotFoundError) and not (exc.name or "").startswith("digest"):
        click.echo(missing_package(exc), err=True)
    else:
        err.print(f"[red]{_escape(unexpected(exc))}[/red]")


def unexpected(exc: Exception) -> str:
    """An exception no command expected -> one line: the file (and line) it names, what
    failed, and, when it names no file, where in digest (a bug to report)."""
    line = one_line(exc, Path("."))
    if isinstance(exc, OSError) and exc.filename:
        return line
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f"{os.sep}digest{os.sep}" in f.filename]
    where = f" in digest/{frames[-1].filename.rsplit(os.sep + 'digest' + os.sep, 1)[1]}:" \
            f"{frames[-1].lineno}" if frames else ""
    return (f"internal error{where}: {line} (a bug in digest: please report it; "
            "DIGEST_DEBUG=1 shows the details)")


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
def main() -> None:
    """digest: turn scraped news articles into a browsable static digest site."""


main.add_command(sources_group)
main.add_command(fetch_command)


@main.command("build")
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="Config file (default: digest.yaml in the current directory).")
@click.option("--out", type=click.Path(path_type=Path), help="Output directory (default: site).")
@click.option("--base-url", help="Public URL of the site, e.g. https://user.github.io/repo/.")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--future", is_flag=True, help="Include articles dated after now.")
@click.option("--strict", is_flag=True, help="Fail (exit 1, site untouched) on any content error.")
@click.option("--no-search", is_flag=True, help="Do not build the search index.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: cores).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also print the time of each step.")
def build_command(config_path: Path | None, out: Path | None, base_url: str | None, drafts: bool,
                  future: bool, strict: bool, no_search: bool, jobs: int | None, quiet: bool,
                  verbose: bool) -> None:
    """Build the site from content/ into site/ (or --out)."""
    # A one-shot process: frequent collector passes over the cache's many small objects cost
    # more than the few cycles they free (a page render's cycles still get collected).
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    options = BuildOptions(config_path=config_path, out=out, base_url=base_url, drafts=drafts,
                           future=future, strict=strict, search=not no_search,
                           jobs=jobs or default_jobs())
    try:
        if quiet:
            result = build(options)
        else:
            with _bar("{task.description}", disable=not err.is_terminal) as bar:
                result = build(options, BarProgress(bar))
    except DigestError as exc:
        _print_diagnostics(exc.diagnostics)
        err.print("[red]build failed[/red]; the previous site was left as it was")
        sys.exit(1)
    _print_diagnostics(result.diagnostics, quiet=quiet)
    if not quiet:
        _print_summary(result, verbose)


@main.command("ingest")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="Config file (default: digest.yaml in the current directory).")
@click.option("--force", is_flag=True, help="Overwrite articles that were edited by hand.")
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@click.option("--report", type=click.Choice(["table", "json"]), default="table",
              help="json: one JSON object per article found, on standard output.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: cores).")
@click.option("--strict", is_flag=True, help="Exit 1 when any source fails.")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures.")
def ingest_command(inputs: tuple[str, ...], config_path: Path | None, force: bool, dry_run: bool,
                   report: str, jobs: int | None, strict: bool, quiet: bool) -> None:
    """Turn source files (page text, HTML, feeds, Markdown; folders, globs, - for stdin) into
    articles in content/."""
    from digest.ingest.run import FAILED, IngestOptions, ingest

    config = load_config(find_config(Path("."), config_path))
    options = IngestOptions(project=Path("."), config=config, force=force, dry_run=dry_run,
                            jobs=jobs or default_jobs())
    with _bar("ingesting", disable=quiet or not err.is_terminal) as bar:
        task = bar.add_task("ingesting", total=None)
        outcomes = ingest(list(inputs), options, advance=lambda n: bar.advance(task, n))
    if report == "json":
        for outcome in outcomes:
            click.echo(json.dumps(outcome.as_json(), ensure_ascii=False))
    else:
        _print_outcomes(outcomes, quiet, dry_run)
    sys.exit(1 if strict and any(o.status == FAILED for o in outcomes) else 0)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0 picks a free one).")
@click.option("--allow-remote", is_flag=True,
              help="Allow a --host other than this machine (anyone who can reach it can read "
                   "the preview).")
@click.option("--poll", is_flag=True,
              help="Poll for changes (network mounts and containers, where events don't arrive).")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="Config file (default: digest.yaml in the current directory).")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--future", is_flag=True, help="Include articles dated after now.")
def serve_command(host: str, port: int, allow_remote: bool, poll: bool, open_browser: bool,
                  config_path: Path | None, drafts: bool, future: bool) -> None:
    """Build, serve on 127.0.0.1, and rebuild and reload the browser on every change."""
    from digest.serve import Preview, PreviewOptions, is_loopback

    if not is_loopback(host):
        if not allow_remote:
            raise click.UsageError(f"--host {host} would let other machines read the preview; "
                                   "add --allow-remote if that is what you want")
        err.print(f"[yellow]warning: serving on {host}: other machines can read it[/yellow]")
    build_options = BuildOptions(config_path=config_path, drafts=drafts, future=future)

    def say(line: str, is_error: bool) -> None:
        err.print(f"[red]{_escape(line)}[/red]" if is_error else _escape(line))

    preview = Preview(PreviewOptions(build=build_options, host=host, port=port, poll=poll), say)
    try:
        url = preview.start()
    except KeyboardInterrupt:  # Ctrl-C during the first build
        err.print("stopped")
        return
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}"
                                   + ("; try another --port, or --port 0 for a free one"
                                      if exc.errno == errno.EADDRINUSE else "")) from None
    try:  # from the moment the URL shows, Ctrl-C stops cleanly
        err.print(f"serving {url}  (Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        preview.serve_forever()
    except KeyboardInterrupt:
        err.print("stopped")


@main.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--schedule", is_flag=True, help="Also a workflow that fetches the sources every "
              "3 hours and publishes (alone, in an existing project).")
def init_command(directory: Path, schedule: bool) -> None:
    """Start a digest project: digest.yaml, a sample article, .gitignore, a Pages workflow."""
    from digest.project import SCHEDULE_NOTE, init, install_note, install_source

    source = install_source()
    written = init(directory, source, schedule)
    for name in written:
        err.print(f"wrote {directory / name}")
    workflows = [name for name in written if name.startswith(".github/")]
    if source.package:
        for workflow in workflows:
            err.print(f"{workflow} installs {source.package}")
    else:
        err.print(install_note(source, workflows)
                  + (f" (digest runs from {source.local})" if source.local else ""), markup=False)
    if schedule:
        err.print(SCHEDULE_NOTE, markup=False)
    if "digest.yaml" not in written:  # the schedule, added to a project
        return
    steps = [f"cd {directory}"] if directory != Path(".") else []
    steps += ["digest serve            # preview at http://127.0.0.1:8000/, edit and watch",
              "digest ingest PAGES...  # bring in scraped pages, saved HTML, feeds",
              "git init -b main && git add . && git commit -m 'digest'",
              "                        # push to main on GitHub (the workflow runs on main),",
              "                        # then Settings > Pages > Source: GitHub Actions"]
    err.print("next:\n  " + "\n  ".join(steps))


@main.group("templates")
def templates_group() -> None:
    """List the default templates, or copy some into templates/ to edit."""


@templates_group.command("list")
def templates_list() -> None:
    """Print the default templates; ejected ones are marked."""
    from digest.project import default_templates, ejected_path

    for name in default_templates():
        mark = "  (ejected)" if Path(ejected_path(name)).exists() else ""
        click.echo(f"{name}{mark}")


@templates_group.command("eject")
@click.argument("names", nargs=-1, required=True)
def templates_eject(names: tuple[str, ...]) -> None:
    """Copy default templates into templates/ to edit; never overwrites."""
    from digest.project import eject

    copied = eject(Path("."), list(names))
    for item in copied:
        err.print(f"copied {item.name} -> {item.path}")


@main.command("deploy")
@click.option("--remote", default="origin", show_default=True, help="Git remote to push to.")
@click.option("--branch", default="gh-pages", show_default=True, help="Branch to publish on.")
@click.option("--force", is_flag=True, help="Deploy even with uncommitted changes.")
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="Config file (default: digest.yaml in the current directory).")
@click.option("--base-url", help="Public URL of the site, e.g. https://user.github.io/repo/.")
def deploy_command(remote: str, branch: str, force: bool, config_path: Path | None,
                   base_url: str | None) -> None:
    """Build and publish site/ to the gh-pages branch (instead of the Pages workflow)."""
    from digest.deploy import deploy

    done = deploy(BuildOptions(config_path=config_path, base_url=base_url), remote=remote,
                  branch=branch, force=force)
    _print_diagnostics(done.build.diagnostics, quiet=True)
    err.print(f"built for {done.url} (from {done.url_from})")
    err.print(f"published {done.build.pages} pages built from {done.source} to "
              f"{remote}/{branch}")


@main.command("check")
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="Config file (default: digest.yaml in the current directory).")
@click.option("--base-url", help="Public URL of the site, e.g. https://user.github.io/repo/.")
@click.option("--external", is_flag=True, help="Also request every external link (network).")
def check_command(config_path: Path | None, base_url: str | None, external: bool) -> None:
    """Report every problem: config, content, templates, then each link of the built site."""
    from digest.check import check

    problems = check(BuildOptions(config_path=config_path, base_url=base_url), external)
    _print_diagnostics(problems)
    errors = sum(1 for p in problems if p.is_error)
    err.print(f"{errors} problem(s)" if errors else "no problems found")
    sys.exit(1 if errors else 0)


def _print_outcomes(outcomes: Sequence[Outcome], quiet: bool, dry_run: bool) -> None:
    for outcome in outcomes:
        if outcome.status == "failed":
            err.print(f"[red]{_escape(outcome.source)}: {_escape(outcome.reason or '')}[/red]")
        elif not quiet and outcome.status != "unchanged":
            verb = "would write" if dry_run and outcome.status == "written" else outcome.status
            detail = f" ({_escape(outcome.reason)})" if outcome.reason else ""
            detail += "".join(f" [yellow]warning: {_escape(w)}[/yellow]" for w in outcome.warnings)
            err.print(f"{verb}: {_escape(outcome.path or '')} <- "
                      f"{_escape(outcome.source)}{detail}")
    if quiet:
        return
    from rich.table import Table

    table = Table(title="digest ingest" + (" (dry run)" if dry_run else ""))
    table.add_column("status")
    table.add_column("count", justify="right")
    counts = Counter(o.status for o in outcomes)
    for status in ("written", "unchanged", "duplicate", "failed"):
        table.add_row(status, str(counts.get(status, 0)))
    for reason, count in Counter(_reason_kind(o.reason) for o in outcomes
                                 if o.status == "failed").most_common():
        table.add_row(f"  failed: {_escape(reason)}", str(count))
    for warning, count in Counter(w for o in outcomes for w in o.warnings).most_common():
        table.add_row(f"warning: {_escape(warning)}", str(count))
    err.print(table)


def _reason_kind(reason: str | None) -> str:
    """A failure reason -> its general kind (file names and numbers dropped) for the summary."""
    return re.sub(r"\S*/\S*|\d+", "…", reason or "unknown")[:60]


def _print_diagnostics(diagnostics: Iterable[Diagnostic], quiet: bool = False) -> None:
    for diagnostic in diagnostics:
        if quiet and not diagnostic.is_error:
            continue
        style = "red" if diagnostic.is_error else "yellow"
        err.print(f"[{style}]{_escape(str(diagnostic))}[/{style}]")


def _print_summary(result: BuildResult, verbose: bool) -> None:
    errors = sum(1 for d in result.diagnostics if d.is_error)
    report = result.report
    changed = f"{report.written} written, {report.removed} removed" if report.swapped \
        else "nothing changed"
    problems = f", {errors} file(s) skipped with errors" if errors else ""
    err.print(f"built {result.articles} articles into {result.pages} pages in "
              f"{result.seconds:.2f} s ({changed}{problems}) -> {result.out}")
    if verbose:
        for name, seconds in result.timings:
            err.print(f"  {name:<10} {seconds:7.3f} s")


def _escape(text: str) -> str:
    return text.replace("[", "\\[")


