"""What `digest fetch` remembers between runs, in one small committed file.

Per source: the validators of its feed or sitemap (for conditional GET), how the last run went,
how many runs in a row failed and since when, and when it is next due. Per page: the entry's
updated time when it was last ingested, so an unchanged page is not fetched again. A damaged or
missing file means an empty state: a full re-fetch, which ingest's idempotency makes harmless.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypedDict, Unpack

STATE_FILE = ".digest/fetch-state.json"
VERSION = 1
FIRST_BACKOFF = timedelta(minutes=30)
LONGEST_BACKOFF = timedelta(hours=24)
RETENTION = timedelta(days=60)  # feeds and news sitemaps list days, not months

OK, UNCHANGED, FAILED = "ok", "unchanged", "failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceState:
    """How one source (keyed by its URL) fared."""

    status: str = OK
    checked: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    failing_since: datetime | None = None
    reason: str | None = None
    next_due: datetime | None = None
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Seen:
    """A page already ingested: its entry's updated time then (None: the entry had none)."""

    updated: str | None
    seen: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchState:
    sources: dict[str, SourceState] = field(default_factory=dict)
    seen: dict[str, Seen] = field(default_factory=dict)


def is_due(state: SourceState | None, now: datetime) -> bool:
    """A healthy source is due on every run; a failing one once its backoff has passed."""
    return state is None or state.next_due is None or now >= state.next_due


class Validators(TypedDict, total=False):
    """What a run that reached a source learnt for the next conditional GET."""

    etag: str | None
    last_modified: str | None
    validators: dict[str, tuple[str | None, str | None]]  # a sitemap index's, per child


def succeeded(before: SourceState | None, now: datetime, status: str = OK,
              **changes: Unpack[Validators]) -> SourceState:
    """The state after a run that reached the source (`changes`: its new validators)."""
    kept = before or SourceState()
    return replace(kept, status=status, checked=now, failures=0, failing_since=None,
                   reason=None, next_due=None, **changes)


def failed(before: SourceState | None, now: datetime, reason: str,
           retry_after: float | None = None) -> SourceState:
    """The state after a failed run: backed off 30 min, doubling per failure up to 24 h, or
    for as long as the server asked when that is longer."""
    kept = before or SourceState()
    failures = kept.failures + 1
    delay = min(FIRST_BACKOFF * 2 ** (failures - 1), LONGEST_BACKOFF)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return replace(kept, status=FAILED, checked=now, failures=failures,
                   failing_since=kept.failing_since or now, reason=reason,
                   next_due=now + delay)


def is_new(state: FetchState, url: str, updated: str | None) -> bool:
    """A page is fetched when never ingested, or when its entry's updated time moved."""
    seen = state.seen.get(url)
    return seen is None or (updated is not None and updated != seen.updated)


def pruned(seen: dict[str, Seen], now: datetime) -> dict[str, Seen]:
    """Pages seen within the retention window (older ones have left every feed)."""
    return {url: s for url, s in seen.items() if now - s.seen <= RETENTION}


def load_state(project: Path) -> tuple[FetchState, str | None]:
    """The project's fetch state, and a warning when the file was damaged (then: empty)."""
    path = project / STATE_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return FetchState(), None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return FetchState(), _damaged(exc)
    try:
        return _decode(raw), None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        return FetchState(), _damaged(exc)


def _damaged(exc: Exception) -> str:
    return (f"{STATE_FILE}: unreadable ({exc.__class__.__name__}); starting afresh: every "
            "source is fetched in full, and articles already in content/ stay as they are")


def _decode(raw: dict[str, Any]) -> FetchState:
    if raw.get("version") != VERSION:
        raise ValueError(f"version {raw.get('version')!r}")
    sources = {url: _source(value) for url, value in raw["sources"].items()}
    seen = {url: Seen(updated=value.get("updated"), seen=_time(value["seen"]))
            for url, value in raw["seen"].items()}
    return FetchState(sources=sources, seen=seen)


def _source(value: dict[str, Any]) -> SourceState:
    times = {k: _time(value[k]) if value.get(k) else None
             for k in ("checked", "failing_since", "next_due")}
    validators = {url: (pair[0], pair[1]) for url, pair in value.get("validators", {}).items()}
    return SourceState(status=str(value.get("status", OK)), etag=value.get("etag"),
                       last_modified=value.get("last_modified"),
                       failures=int(value.get("failures", 0)), reason=value.get("reason"),
                       validators=validators, **times)


def _time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"a time without an offset: {text!r}")
    return moment


def dumps_state(state: FetchState) -> str:
    """FetchState -> its file's text: sorted and stable, so a commit shows what changed."""
    def plain(value: object) -> object:
        return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value

    sources = {url: {k: plain(v) for k, v in asdict(s).items() if v not in (None, {}, 0)}
               for url, s in state.sources.items()}
    seen = {url: {"updated": s.updated, "seen": plain(s.seen)} for url, s in state.seen.items()}
    document = {"version": VERSION, "sources": sources, "seen": seen}
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def save_state(project: Path, state: FetchState) -> None:
    """Write the state file atomically (a crash leaves the old one or the new one)."""
    from digest.ingest.run import write_atomically

    write_atomically(project / STATE_FILE, dumps_state(state))
