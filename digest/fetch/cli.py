"""`digest sources import FILE.opml` and `digest sources list`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from digest.config import CONFIG_FILE


@click.group("sources")
def sources_group():
    """List the sources `digest fetch` reads, or import feeds from an OPML file."""


@sources_group.command("import")
@click.argument("opml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=CONFIG_FILE, help="Config file to add them to (made when absent).")
def sources_import(opml, config_path):
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
def sources_list(config_path, report):
    """Print the configured sources: name, kind, URL, section, outlet."""
    from digest.config import find_config, load_config

    config = load_config(find_config(Path("."), config_path))
    rows = [source_row(source) for source in config.sources]
    if report == "json":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif rows:
        _print_table(rows)
    else:
        click.echo("no sources configured: add feed:, sitemap: or page: entries under "
                   "sources: in digest.yaml, or run `digest sources import FILE.opml`", err=True)


def source_row(source) -> dict[str, str | None]:
    """A configured source -> its row in `digest sources list` (a JSON object as it is)."""
    return {"name": source.name, "kind": source.kind, "url": source.url,
            "section": source.section, "outlet": source.outlet}


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
