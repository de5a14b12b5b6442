"""store.dumps and store.loads round-trip any Article exactly (a property test)."""

from __future__ import annotations

import string
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from digest.model import Article, Related
from digest.store import dumps, loads
from digest.text import nfc, slugify

SEOUL = ZoneInfo("Asia/Seoul")
HANGUL = "".join(chr(c) for c in range(0xAC00, 0xAC00 + 400))
ALPHABET = HANGUL + string.ascii_letters + string.digits + " .,:'\"-#[]()!?%&*·…“”\\/"

text = st.text(alphabet=ALPHABET, min_size=1, max_size=40).map(
    lambda s: nfc(" ".join(s.split()))).filter(bool)
optional = st.none() | text
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1),
                       timezones=st.sampled_from([UTC, SEOUL, timezone(timedelta(hours=-5))]))
bodies = st.lists(text, max_size=5).map(lambda ps: "\n\n".join(ps) + "\n")


@st.composite
def articles(draw) -> Article:
    title = draw(text)
    return Article(
        path="content/x.md", title=title, date=draw(moments), body=draw(bodies),
        updated=draw(st.none() | moments), subtitle=draw(optional), section=draw(optional),
        authors=tuple(dict.fromkeys(draw(st.lists(text, max_size=3)))),
        tags=tuple(dict.fromkeys(draw(st.lists(text.filter(lambda t: "," not in t and ";" not in t),
                                               max_size=4)))),
        dateline=draw(optional), outlet=draw(optional), email=draw(optional),
        source_url=draw(optional), lang=draw(st.none() | st.sampled_from(["ko", "en"])),
        slug=slugify(title), draft=draw(st.booleans()),
        publish=draw(st.none() | st.sampled_from(["full", "excerpt"])),
        summary=draw(optional), image=draw(optional),
        related=tuple(Related(title=t, url=u) for t, u in draw(
            st.lists(st.tuples(text, optional), max_size=3))),
        provenance=draw(st.dictionaries(st.sampled_from(["source", "kind"]), text)),
        extra=draw(st.dictionaries(st.sampled_from(["mood", "rank"]), text | st.integers())),
    )


@settings(max_examples=300, deadline=None)
@given(articles())
def test_loads_reads_back_what_dumps_wrote(article):
    loaded, problems = loads(dumps(article), article.path, SEOUL)
    assert not [p for p in problems if p.is_error], problems
    assert replace(loaded, body_line=1) == replace(article, body_line=1)
