"""Which sources are failing, and how that is said: for the fetch report, check and the site."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from digest.config import Config
from digest.errors import Diagnostic, warning
from digest.fetch.settings import SourceConfig
from digest.fetch.state import STATE_FILE, SourceState, load_state
from digest.model import SourceHealth


def how_long(span: timedelta) -> str:
    """A duration as a person says it: '45 min', '3 h 20 min', '2 days 4 h'."""
    minutes = int(span.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} day{'s' if days > 1 else ''}" + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    return f"{minutes} min" if minutes else "under a minute"


def failing_note(state: SourceState, now: datetime) -> str:
    """Why a source fails and for how long: 'HTTP 503; failing for 3 h (4 runs), next try
    after 2026-12-01 14:30 UTC'."""
    since = how_long(now - state.failing_since) if state.failing_since else "?"
    runs = f"{state.failures} run{'s' if state.failures > 1 else ''}"
    due = state.next_due.strftime("%Y-%m-%d %H:%M UTC") if state.next_due else "the next run"
    return f"{state.reason}; failing for {since} ({runs} in a row), next try after {due}"


def failing(config: Config, project: Path) -> list[tuple[SourceConfig, SourceState]]:
    """The configured sources whose last run failed, with their state, in config order."""
    memory, _ = load_state(project)
    states = ((s, memory.sources.get(s.url)) for s in config.sources)
    return [(source, state) for source, state in states if state and state.failures]


def failing_problems(config: Config, project: Path, now: datetime) -> list[Diagnostic]:
    """A warning per failing source, for digest check."""
    return [warning(f"source {source.name!r} ({source.url}): {failing_note(state, now)}",
                    STATE_FILE) for source, state in failing(config, project)]


def site_health(config: Config, project: Path) -> tuple[SourceHealth, ...]:
    """Every configured source as the owner's status page shows it (never-run ones too)."""
    memory, _ = load_state(project)

    def local(moment: datetime | None) -> datetime | None:
        return moment.astimezone(config.timezone) if moment else None

    health = []
    for source in config.sources:
        state = memory.sources.get(source.url) or SourceState(status="not_fetched")
        health.append(SourceHealth(
            name=source.name, url=source.url, kind=source.kind, status=state.status,
            checked=local(state.checked), reason=state.reason, failures=state.failures,
            failing_since=local(state.failing_since), next_due=local(state.next_due)))
    return tuple(health)
