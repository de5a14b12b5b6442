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


def _quoted(text: str) -> str:
    return '"' + text + '"'


VALUES = st.one_of(
    st.text(max_size=12).map(_quoted),  # any characters: quotes, backslashes, breaks included
    st.lists(st.text(max_size=6).map(_quoted), max_size=3).map(lambda v: f"[{', '.join(v)}]"),
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=9)),
                                            timezone(timedelta(hours=-5, minutes=-30))]))
    .map(lambda d: d.replace(microsecond=0).isoformat().replace("+00:00", "Z")),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["true", "false", "yes", "No", "null", "~", "ON", "1.5", "0x1f", ".inf",
                     "ko", "a@b.example", "올해의-책", "e3", "x: y", "a #b", "-x", "1:20"]),
    st.text(max_size=10),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["title", "date", "tags", "x", "y_2", "Z"]), VALUES),
                min_size=1, max_size=6))
def test_the_quick_front_matter_reader_agrees_with_pyyaml(pairs):
    import yaml

    from digest.store import simple_front_matter

    front = "".join(f"{key}: {value}\n" for key, value in pairs)
    quick = simple_front_matter(front)
    if quick is not None:  # None: PyYAML reads it
        assert quick == yaml.load(front, Loader=yaml.CSafeLoader)  # noqa: S506 (safe loader)


def test_the_quick_front_matter_reader_takes_what_dumps_writes():
    from digest.store import simple_front_matter, split_front_matter

    article = Article(path="a.md", title="제목 \"인용\"", date=datetime(2026, 11, 24, tzinfo=UTC),
                      body="본문", section="경제", tags=("a", "b"), outlet="가상뉴스")
    plain = Article(path="a.md", title="제목", date=datetime(2026, 11, 24, tzinfo=UTC),
                    body="본문", section="경제", tags=("a", "b"), outlet="가상뉴스")
    assert simple_front_matter(split_front_matter(dumps(plain))[0]) is not None
    assert loads(dumps(article), "a.md", UTC)[0].title == article.title  # via PyYAML
