"""A FetchReport -> what a person reads: each failing source with its reason and how long it has
failed, each article written or failed, and a table a line per source."""

from __future__ import annotations

from collections import Counter

from digest.fetch.health import failing_note
from digest.fetch.run import WAITING, FetchReport, SourceReport
from digest.fetch.state import FAILED


def lines(report: FetchReport, quiet: bool, dry_run: bool) -> list[tuple[str, str]]:
    """(style, text) lines: failures always; written articles unless quiet."""
    out = [("yellow", f"warning: {w}") for w in report.warnings]
    for source in report.sources:
        if source.status in (FAILED, WAITING):
            out.append(("red", f"{source.source.name}: "
                               f"{failing_note(source.state, report.now)}"))
        for outcome in source.outcomes:
            if outcome.status == "failed":
                out.append(("red", f"{outcome.source}: {outcome.reason}"))
            elif not quiet and outcome.status == "written":
                verb = "would write" if dry_run else "written"
                detail = f" ({outcome.reason})" if outcome.reason else ""
                out.append(("", f"{verb}: {outcome.path} <- {outcome.source}{detail}"))
        if source.left and not quiet:
            out.append(("", f"{source.source.name}: {source.left} more pages on later runs"))
    return out


def table_rows(report: FetchReport) -> list[tuple[str, ...]]:
    """One row per source: name, status, pages listed, written, unchanged or duplicate,
    failed."""
    rows: list[tuple[str, ...]] = []
    for source in report.sources:
        counts = Counter(o.status for o in source.outcomes)
        rows.append((source.source.name, _status(source), str(source.listed),
                     str(counts["written"]), str(counts["unchanged"] + counts["duplicate"]),
                     str(counts["failed"])))
    return rows


def _status(source: SourceReport) -> str:
    if source.status == WAITING:
        return "backing off"
    return {"ok": "fetched", "unchanged": "unchanged (304)"}.get(source.status, source.status)
