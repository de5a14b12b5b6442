"""The fetch orchestrator: every due source -> its new pages, placed by ingest's rules, and the
state file updated. One SourceReport per configured source, failing ones included."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlsplit

from digest.config import Config
from digest.errors import DigestError, error
from digest.fetch.http import Client
from digest.fetch.settings import SourceConfig, find_source
from digest.fetch.sources import Brought, bring
from digest.fetch.state import (
    FAILED,
    STATE_FILE,
    FetchState,
    Seen,
    SourceState,
    is_due,
    load_state,
    pruned,
    save_state,
)
from digest.ingest.library import Library
from digest.ingest.run import FAILED as NOT_PLACED
from digest.ingest.run import IngestOptions, Outcome, OutcomeJson, place, remove_leftovers

WAITING = "waiting"  # a failing source whose backoff has not passed
HOSTS_AT_ONCE = 4


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchOptions:
    project: Path
    config: Config
    dry_run: bool = False
    only: str | None = None  # one source, by name or URL
    now: datetime | None = None
    client: Client | None = None  # default: Client.for_config(config)


class SourceJson(TypedDict):
    """One line of `digest fetch --report json`."""

    source: str
    url: str
    kind: str
    status: str
    reason: str | None
    failures: int
    failing_for_seconds: int | None
    next_due: str | None
    listed: int
    left_for_later: int
    articles: list[OutcomeJson]


class FetchJson(TypedDict):
    sources: list[SourceJson]
    warnings: list[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceReport:
    source: SourceConfig
    status: str  # ok | unchanged | failed | waiting
    state: SourceState
    outcomes: tuple[Outcome, ...] = ()
    listed: int = 0
    left: int = 0

    def failing_for(self, now: datetime) -> timedelta | None:
        since = self.state.failing_since
        return now - since if since and self.state.failures else None

    def as_json(self, now: datetime) -> SourceJson:
        failing = self.failing_for(now)
        due = self.state.next_due
        return {"source": self.source.name, "url": self.source.url, "kind": self.source.kind,
                "status": self.status, "reason": self.state.reason,
                "failures": self.state.failures,
                "failing_for_seconds": int(failing.total_seconds()) if failing else None,
                "next_due": due.isoformat(timespec="seconds") if due else None,
                "listed": self.listed, "left_for_later": self.left,
                "articles": [o.as_json() for o in self.outcomes]}


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchReport:
    now: datetime
    sources: tuple[SourceReport, ...]
    warnings: tuple[str, ...] = ()

    @property
    def outcomes(self) -> list[Outcome]:
        return [o for s in self.sources for o in s.outcomes]

    def as_json(self) -> FetchJson:
        return {"sources": [s.as_json(self.now) for s in self.sources],
                "warnings": list(self.warnings)}


def fetch(options: FetchOptions) -> FetchReport:
    """Fetch every due source (or the one named) and ingest what it brings."""
    now = options.now or datetime.now(UTC)
    chosen = _chosen(options)
    memory, warning = load_state(options.project)
    ingest_options = IngestOptions(project=options.project, config=options.config,
                                   dry_run=options.dry_run, now=now)
    if not options.dry_run:
        remove_leftovers(options.project / "content")
    library = Library(options.project, options.config)
    due = [s for s in chosen if options.only or is_due(memory.sources.get(s.url), now)]
    client = options.client or Client.for_config(options.config)
    try:
        brought = _bring_all(due, memory, client, options.config, now)
    finally:
        if options.client is None:
            client.close()
    reports = []
    for source in chosen:
        if source.url not in brought:
            reports.append(SourceReport(source=source, status=WAITING,
                                        state=memory.sources[source.url]))
            continue
        report, memory = _placed(source, brought[source.url], memory, library,
                                 ingest_options, now)
        reports.append(report)
    configured = {s.url for s in options.config.sources}
    memory = FetchState(sources={u: s for u, s in memory.sources.items() if u in configured},
                        seen=pruned(memory.seen, now))
    warnings = [warning] if warning else []
    if not options.dry_run:
        warnings += _saved(options.project, memory)
    return FetchReport(now=now, sources=tuple(reports), warnings=tuple(warnings))


def _bring_all(due: list[SourceConfig], memory: FetchState, client: Client, config: Config,
               now: datetime) -> dict[str, Brought]:
    """Run the due sources, a thread per host (the client keeps each host to one request at
    a time and paces it), so that a slow outlet does not hold up the others."""
    by_host: dict[str, list[SourceConfig]] = defaultdict(list)
    for source in due:
        by_host[urlsplit(source.url).netloc.lower()].append(source)

    def run_host(sources: list[SourceConfig]) -> list[tuple[str, Brought]]:
        return [(s.url, bring(s, memory.sources.get(s.url), memory, client, config, now))
                for s in sources]

    if len(by_host) <= 1:
        return dict(pair for group in by_host.values() for pair in run_host(group))
    with ThreadPoolExecutor(max_workers=min(HOSTS_AT_ONCE, len(by_host))) as pool:
        done = list(pool.map(run_host, by_host.values()))
    return dict(pair for group in done for pair in group)


def _chosen(options: FetchOptions) -> tuple[SourceConfig, ...]:
    sources = options.config.sources
    if not sources:
        raise DigestError([error("no sources in digest.yaml: add feeds, sitemaps or pages under "
                                 "sources: (see the README, 'Keeping it current'), or import "
                                 "a feed reader's list with digest sources import FILE.opml")])
    if options.only is None:
        return sources
    source = find_source(options.config, options.only)
    if source is None:
        names = ", ".join(s.name for s in sources)
        raise DigestError([error(f"no source named {options.only!r} in digest.yaml "
                                 f"(there are: {names})")])
    return (source,)


def _placed(source: SourceConfig, brought: Brought, memory: FetchState, library: Library,
            options: IngestOptions, now: datetime) -> tuple[SourceReport, FetchState]:
    """Place each article the source brought; remember the pages placed (not failed ones,
    which are tried again next run)."""
    seen = dict(memory.seen)
    outcomes = []
    for entry, found in brought.found:
        outcome = place(found, library, options)
        outcomes.append(outcome)
        if outcome.status != NOT_PLACED:
            seen[entry.url] = Seen(updated=entry.updated, seen=now)
    status = FAILED if brought.state.failures else brought.state.status
    report = SourceReport(source=source, status=status, state=brought.state,
                          outcomes=tuple(outcomes), listed=brought.listed, left=brought.left)
    sources = {**memory.sources, source.url: brought.state}
    return report, FetchState(sources=sources, seen=seen)


def _saved(project: Path, memory: FetchState) -> list[str]:
    """Save the state -> a warning if it could not be (the next run then fetches again)."""
    try:
        save_state(project, memory)
    except OSError as exc:
        return [f"{STATE_FILE}: cannot write ({exc.strerror or exc}); the next run fetches "
                "these sources again, and ingest keeps what is already in content/"]
    return []
