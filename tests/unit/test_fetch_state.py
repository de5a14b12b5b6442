"""The fetch state: backoff, what counts as new, and a file that survives damage."""

from datetime import UTC, datetime, timedelta

from digest.fetch.state import (
    STATE_FILE,
    FetchState,
    Seen,
    dumps_state,
    failed,
    is_due,
    is_new,
    load_state,
    pruned,
    save_state,
    succeeded,
)

NOW = datetime(2026, 12, 1, 9, 17, tzinfo=UTC)


def test_a_failing_source_backs_off_doubling_up_to_a_day():
    state, delays = None, []
    for _ in range(8):
        state = failed(state, NOW, "HTTP 500")
        delays.append(state.next_due - NOW)
    assert delays[:4] == [timedelta(minutes=m) for m in (30, 60, 120, 240)]
    assert delays[-1] == timedelta(hours=24) and state.failures == 8
    assert state.failing_since == NOW and not is_due(state, NOW + timedelta(hours=23))
    assert is_due(state, NOW + timedelta(hours=24))


def test_failing_since_stays_at_the_first_failure_and_success_clears_it():
    first = failed(None, NOW, "timed out")
    later = failed(first, NOW + timedelta(hours=5), "HTTP 503")
    assert later.failing_since == NOW and later.reason == "HTTP 503"
    healthy = succeeded(later, NOW + timedelta(hours=6), etag='"v2"')
    assert healthy.failures == 0 and healthy.failing_since is None and healthy.reason is None
    assert is_due(healthy, NOW + timedelta(hours=6)) and healthy.etag == '"v2"'


def test_a_long_retry_after_moves_the_source_to_a_later_run():
    state = failed(None, NOW, "asked to come back in 3 h", retry_after=3 * 3600)
    assert state.next_due == NOW + timedelta(hours=3)


def test_a_page_is_new_until_seen_and_again_when_its_entry_is_updated():
    memory = FetchState(seen={"https://a.example/1": Seen(updated="2026-12-01T00:00:00+00:00",
                                                           seen=NOW)})
    assert is_new(memory, "https://a.example/2", None)
    assert not is_new(memory, "https://a.example/1", "2026-12-01T00:00:00+00:00")
    assert not is_new(memory, "https://a.example/1", None)
    assert is_new(memory, "https://a.example/1", "2026-12-01T03:00:00+00:00")


def test_pages_seen_long_ago_are_forgotten():
    seen = {"old": Seen(updated=None, seen=NOW - timedelta(days=90)),
            "recent": Seen(updated=None, seen=NOW - timedelta(days=3))}
    assert set(pruned(seen, NOW)) == {"recent"}


def test_the_state_round_trips_through_its_file(tmp_path):
    state = FetchState(
        sources={"https://a.example/rss": failed(succeeded(None, NOW, etag='"x"'), NOW, "HTTP 500"),
                 "https://b.example/sitemap.xml": succeeded(
                     None, NOW, last_modified="Tue, 01 Dec 2026 09:00:00 GMT",
                     validators={"https://b.example/s1.xml": ('"e"', None)})},
        seen={"https://a.example/1": Seen(updated=None, seen=NOW)})
    save_state(tmp_path, state)
    loaded, warning = load_state(tmp_path)
    assert warning is None and loaded == state
    assert dumps_state(loaded) == (tmp_path / STATE_FILE).read_text()


def test_a_missing_state_is_empty_without_a_warning(tmp_path):
    assert load_state(tmp_path) == (FetchState(), None)


def test_a_damaged_state_is_empty_with_a_warning(tmp_path):
    (tmp_path / STATE_FILE).parent.mkdir()
    for damage in ("{not json", '{"version": 1, "sources": {"u": {"checked": "yesterday"}}}',
                   '{"version": 99, "sources": {}, "seen": {}}', "[1, 2]", "\xff\xfe"):
        (tmp_path / STATE_FILE).write_text(damage)
        state, warning = load_state(tmp_path)
        assert state == FetchState(), damage
        assert warning.startswith(STATE_FILE) and "fetched in full" in warning
