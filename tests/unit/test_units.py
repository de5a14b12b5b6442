"""Pure pieces: slugs, dates, URLs, text counts, output paths, template calls (the CLI's exit
codes and small whole builds: tests/integration/test_basics.py)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from digest import routes
from digest.config import format_datetime
from digest.store import parse_datetime
from digest.text import reading_minutes, slugify, truncate_chars

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize("title, slug", [
    ("KT-LG전자 AI 동맹....'AI원팀'에 합류", "kt-lg전자-ai-동맹-ai원팀-에-합류"),
    ("Hello, World!", "hello-world"),
    ("../../etc/passwd", "etc-passwd"),
    ("/absolute/path", "absolute-path"),
    ("a\x00b", "a-b"),
    ("CON", "con-"),
    (".git", "git"),
])
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_slug_is_never_empty_and_bounded():
    assert slugify("!!!").startswith("item-") and slugify("!!!") != slugify("???")
    long = slugify("가" * 500)
    assert len(long) <= 80 and len(long.encode()) <= 200


def test_slug_of_nfd_text_equals_slug_of_nfc():
    title = "한글 제목"
    assert slugify(unicodedata.normalize("NFD", title)) == slugify(title) == "한글-제목"


@pytest.mark.parametrize("value, expected", [
    ("2020-06-03T10:38:00+09:00", datetime(2020, 6, 3, 10, 38, tzinfo=SEOUL)),
    ("2020-06-03T01:38:00Z", datetime(2020, 6, 3, 10, 38, tzinfo=SEOUL)),
    ("2020-06-03 10:38", datetime(2020, 6, 3, 10, 38, tzinfo=SEOUL)),
    (datetime(2020, 6, 3, 10, 38), datetime(2020, 6, 3, 10, 38, tzinfo=SEOUL)),
    (datetime(2020, 6, 3).date(), datetime(2020, 6, 3, tzinfo=SEOUL)),
])
def test_dates_are_aware_and_naive_ones_take_the_site_zone(value, expected):
    parsed = parse_datetime(value, SEOUL)
    assert parsed == expected and parsed.utcoffset() is not None


@pytest.mark.parametrize("value", ["어제", "2020-13-01", 12345, ["2020-06-03"]])
def test_bad_dates_raise_value_error(value):
    with pytest.raises(ValueError):
        parse_datetime(value, SEOUL)


def test_date_format_is_configurable():
    moment = datetime(2020, 6, 3, 10, 38, tzinfo=UTC)
    assert format_datetime(moment, "{year}년 {month}월 {day}일 {hour:02d}:{minute:02d}") \
        == "2020년 6월 3일 10:38"
    assert format_datetime(moment, "{year}.{month:02d}.{day:02d}({weekday})") == "2020.06.03(수)"


def test_reading_time_counts_hangul_characters_not_words():
    hangul = "가나다라마바사아자차" * 100          # 1,000 characters, no spaces: 1 "word"
    assert reading_minutes(hangul) == 2
    assert reading_minutes("word " * 660) == 3


def test_truncate_prefers_a_sentence_end():
    text = "첫 번째 문장은 여기서 끝납니다. 두 번째 문장은 조금 더 길게 이어집니다."
    assert truncate_chars(text, 30) == "첫 번째 문장은 여기서 끝납니다."
    assert truncate_chars("가" * 100, 30) == "가" * 30 + "…"
    assert truncate_chars("짧은 글", 30) == "짧은 글"


@pytest.mark.parametrize("target, source, link", [
    ("", "", "./"),
    ("2020/06/03/", "", "2020/06/03/"),
    ("", "2020/06/03/x/", "../../../../"),
    ("tags/한/", "sections/", "../tags/%ED%95%9C/"),
    ("static/digest.css", "404.html", "static/digest.css"),
    ("sections/a/", "sections/a/atom.xml", "../../sections/a/"),
])
def test_relative_links(target, source, link):
    assert routes.relative(target, source) == link


def test_output_paths():
    assert routes.output_path("") == "index.html"
    assert routes.output_path("2020/06/03/x/") == "2020/06/03/x/index.html"
    assert routes.output_path("atom.xml") == "atom.xml"
    assert routes.listing("tags", "ai", 3) == "tags/ai/page/3/"


def test_template_calls_render_as_with_jinjas_own_context():
    import jinja2
    from jinja2 import pass_context, pass_eval_context

    from digest.config import load_config
    from digest.templates import make_environment

    class Page:
        @pass_context
        def kind(self, context):
            return context["kind"]

        def title(self):
            return "<제목>"

    @pass_eval_context
    def escaping(eval_context):
        return eval_context.autoescape

    def stops():
        raise StopIteration

    source = ("{% macro shown(x) %}[{{ x }}]{% endmacro %}{% autoescape false %}{{ shown('<b>') }}"
              "{{ escaping() }}{% endautoescape %} {{ shown('<i>') }} {{ escaping() }} "
              "{{ page.kind() }} {{ page.title() }} {{ lang.startswith('ko') }} {{ twice(2) }} "
              "{{ stopped() is undefined }} {% for n in [1] %}{{ twice(n) }}{% endfor %}")
    values = {"page": Page(), "kind": "article", "lang": "ko", "twice": lambda n: n * 2,
              "stopped": stops, "escaping": escaping}
    ours = make_environment(load_config(None), None)
    stock = make_environment(load_config(None), None)
    stock.context_class = jinja2.runtime.Context
    rendered = ours.from_string(source).render(values)
    assert rendered == stock.from_string(source).render(values)
    assert "article &lt;제목&gt; True 4 True 2" in rendered


@pytest.mark.parametrize("relative", ["../x", "/etc/passwd", "a/../../b", "a/./b", "a//b",
                                      "a\x00b", "", "a/"])
def test_an_output_path_cannot_leave_the_output(relative, tmp_path):
    from digest.errors import OutputError
    from digest.output import _inside

    with pytest.raises(OutputError):
        _inside(tmp_path, relative)
    page = "2026/11/24/기사/index.html"
    assert _inside(tmp_path, page) == f"{tmp_path}/{page}"
