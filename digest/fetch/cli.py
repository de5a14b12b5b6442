"""`digest fetch`, `digest sources import FILE.opml` and `digest sources list`."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from digest.config import CONFIG_FILE

if TYPE_CHECKING:
    from digest.fetch.run import FetchReport
    from digest.fetch.settings import SourceConfig
    from digest.fetch.state import SourceState


@click.group("sources")
def sources_group() -> None:
    """List the sources `digest fetch` reads, or import feeds from an OPML file."""


@sources_group.command("import")
@click.argument("opml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=CONFIG_FILE, help="Config file to add them to (made when absent).")
def sources_import(opml: Path, config_path: Path) -> None:
    """Add the feeds of an OPML file (as feed readers export it) to sources: in digest.yaml;
    feeds already there are skipped."""
    from digest.fetch.imports import import_feeds
    from digest.fetch.opml import read_opml

    plan = import_feeds(config_path, read_opml(opml))
    for skipped in plan.skipped:
        feed = skipped.feed
        named = f"{feed.name} ({feed.url})" if feed.name else feed.url
        click.echo(f"{opml}:{feed.line}: skipped {named}: {skipped.reason}", err=True)
    if plan.added:
        click.echo(f"added {len(plan.added)} feeds to {config_path}"
                   + (f" ({len(plan.skipped)} skipped)" if plan.skipped else ""), err=True)
    else:
        click.echo(f"no new feed; {config_path} was left as it was", err=True)


@sources_group.command("list")
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="Config file (default: digest.yaml in the current directory).")
@click.option("--report", type=click.Choice(["table", "json"]), default="table",
              help="json: one JSON object per source, on standard output.")
def sources_list(config_path: Path | None, report: str) -> None:
    """Print the configured sources: name, kind, URL, section, outlet."""
    from digest.config import find_config, load_config
    from digest.fetch.state import load_state

    config = load_config(find_config(Path("."), config_path))
    memory, _ = load_state(Path("."))
    now = datetime.now(UTC)
    rows = [source_row(source, memory.sources.get(source.url), now)
            for source in config.sources]
    if report == "json":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif rows:
        _print_table(rows)
    else:
        click.echo("no sources configured: add feed:, sitemap: or page: entries under "
                   "sources: in digest.yaml, or run `digest sources import FILE.opml`", err=True)


def source_row(source: SourceConfig, state: SourceState | None = None,
               now: datetime | None = None) -> dict[str, str | None]:
    """A configured source and its fetch state -> its row in `digest sources list` (a JSON
    object as it is)."""
    from digest.fetch.health import failing_note

    checked = state.checked.isoformat(timespec="minutes") if state and state.checked else None
    status = "not fetched yet" if state is None else state.status
    if state and state.failures and now:
        status = f"failed: {failing_note(state, now)}"
    return {"name": source.name, "kind": source.kind, "url": source.url,
            "section": source.section, "outlet": source.outlet, "checked": checked,
            "status": status}


def _print_table(rows: list[dict[str, str | None]]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in rows[0]:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text("" if value is None else str(value)) for value in row.values()))
    Console(highlight=False).print(table)


@click.command("fetch")
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="Config file (default: digest.yaml in the current directory).")
@click.option("--dry-run", is_flag=True, help="Fetch and show what would be written; write "
              "nothing (neither content/ nor the fetch state).")
@click.option("--report", type=click.Choice(["table", "json"]), default="table",
              help="json: one JSON object per source, on standard output.")
@click.option("--source", "only", metavar="NAME",
              help="Fetch only this source (its name or URL), even while it backs off.")
@click.option("--strict", is_flag=True, help="Exit 1 when any source or page failed.")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures.")
def fetch_command(config_path: Path | None, dry_run: bool, report: str, only: str | None,
                  strict: bool, quiet: bool) -> None:
    """Fetch every due source of digest.yaml and ingest the new articles into content/."""
    from digest.config import find_config, load_config
    from digest.fetch.run import FetchOptions, fetch

    config = load_config(find_config(Path("."), config_path))
    done = fetch(FetchOptions(project=Path("."), config=config, dry_run=dry_run, only=only))
    if report == "json":
        for source in done.as_json()["sources"]:
            click.echo(json.dumps(source, ensure_ascii=False))
    _print_fetch(done, quiet or report == "json", dry_run)
    failed = any(s.status in ("failed", "waiting") for s in done.sources) or any(
        o.status == "failed" for o in done.outcomes)
    sys.exit(1 if strict and failed else 0)


def _print_fetch(done: FetchReport, quiet: bool, dry_run: bool) -> None:
    """Failures always, on standard error; written articles and the table unless quiet."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from digest.fetch.report import lines, table_rows

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    for style, text in lines(done, quiet, dry_run):
        console.print(Text(text, style=style or ""))
    if quiet:
        return
    table = Table(title="digest fetch" + (" (dry run)" if dry_run else ""))
    for name in ("source", "status", "listed", "written", "unchanged", "failed"):
        table.add_column(name, justify="left" if name in ("source", "status") else "right",
                         overflow="fold")
    for row in table_rows(done):
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)
