"""Property tests: slugs, dates, the scraped-text reader and the URL scheme never misbehave."""

from __future__ import annotations

import posixpath
import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from digest import routes
from digest.ingest import korean
from digest.ingest.pagetext import extract_text
from digest.store import parse_datetime
from digest.text import nfc, slugify

SEOUL = ZoneInfo("Asia/Seoul")
anything = st.text(max_size=300)


@settings(max_examples=500, deadline=None)
@given(anything)
def test_slugs_are_safe_bounded_and_stable(text):
    slug = slugify(text)
    assert slug and len(slug) <= 80 and len(slug.encode()) <= 200
    assert "/" not in slug and "\\\\" not in slug and "\x00" not in slug
    assert slug not in (".", "..") and not slug.startswith(".")
    assert slugify(slug) == slug or slug.endswith("-")  # a slug of a slug stays put


words = st.lists(st.text(st.characters(categories=("Lo", "Ll", "Nd")), min_size=1, max_size=12),
                 min_size=1, max_size=40)


@settings(max_examples=500, deadline=None)
@given(words)
def test_a_long_slug_is_cut_between_words(parts):
    slug = slugify(" ".join(parts)).removesuffix("-")  # a reserved name ('index') gets a '-'
    # the uncut slug: words of at most 12 characters (NFC may split some into marks, which
    # separate words as punctuation does), joined by '-'
    whole = re.sub(r"[\W_]+", "-", nfc(" ".join(parts)).lower()).strip("-")
    assert len(slug) <= 80 and len(slug.encode()) <= 200
    assert slug == whole or whole.startswith(slug + "-")  # whole words only, never half


@settings(max_examples=300, deadline=None)
@given(st.one_of(anything, st.integers(), st.floats(), st.none(), st.lists(st.integers())))
def test_the_date_parser_returns_an_aware_datetime_or_value_error(value):
    try:
        parsed = parse_datetime(value, SEOUL)
    except ValueError:
        return
    assert parsed.tzinfo is not None


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)),
       st.integers(min_value=-12, max_value=14))
def test_iso_dates_round_trip(moment, hours):
    aware = moment.replace(tzinfo=timezone(timedelta(hours=hours)), microsecond=0)
    assert parse_datetime(aware.isoformat(), SEOUL) == aware


@settings(max_examples=300, deadline=None)
@given(st.integers(1990, 2090), st.integers(1, 12), st.integers(1, 28), st.integers(0, 23),
       st.integers(0, 59), st.sampled_from(["입력 {y}.{m:02d}.{d:02d} {H:02d}:{M:02d}",
                                            "{y}년{m:02d}월{d:02d}일 {H:02d}:{M:02d}",
                                            "{y}/{m:02d}/{d:02d} {H:02d}:{M:02d}:00",
                                            "승인 {y}-{m:02d}-{d:02d} {H:02d}:{M:02d}"]))
def test_korean_date_lines_read_back_the_moment_written(y, m, d, hour, minute, form):
    line = form.format(y=y, m=m, d=d, H=hour, M=minute)
    [found] = korean.find_dates(line)
    assert found.moment == datetime(y, m, d, hour, minute, tzinfo=korean.KST)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=120), max_size=40))
def test_the_scraped_text_reader_never_raises(lines):
    extracted = extract_text("\n".join(lines))
    assert extracted is None or extracted.published is not None


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)), anything,
       st.sampled_from(["sections", "tags", "outlets"]), st.integers(1, 500))
def test_urls_stay_inside_the_site_and_map_to_files(day, title, kind, number):
    for url in (routes.article(day, slugify(title)), routes.listing(kind, slugify(title), number),
                routes.edition(day)):
        path = routes.output_path(url)
        normal = posixpath.normpath(path)
        assert not normal.startswith(("..", "/")) and normal == path
        assert routes.relative(url, url) in ("./", "index.html") or unquote(
            routes.relative(url, "2020/01/01/x/")).endswith(url.rstrip("/") + "/")
