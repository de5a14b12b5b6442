"""The theme's words: one table per language, used by templates, page titles and search.js;
a project overrides keys; a missing or bad key is a clear error, never a traceback."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes

from digest.build import TEMPLATES, Builder, BuildOptions
from digest.errors import TemplateError
from digest.i18n import FOLDER, REFERENCE, fill, load_table, placeholders, read_table
from digest.render import LISTING_KINDS
from digest.templates import theme_dir
from digest.watch import classify
from tests.conftest import NOW, REPO

THEME = theme_dir()
TABLES = sorted((THEME / FOLDER).glob("*.yaml"))
# Keys looked up with a computed name, and the keys that name can take.
DYNAMIC = {"page.kind": set(LISTING_KINDS), "page.key": set(LISTING_KINDS)}


def _source(node: nodes.Node) -> str:
    if isinstance(node, nodes.Getattr):
        return f"{_source(node.node)}.{node.attr}"
    return node.name if isinstance(node, nodes.Name) else type(node).__name__


def template_keys() -> set[str]:
    """Every key the theme's templates look up with t(...) or t_table(...)."""
    env = jinja2.Environment(extensions=["digest.templates.FragmentCache"])
    keys: set[str] = set()
    for path in THEME.glob("*.html"):
        for call in env.parse(path.read_text()).find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name in ("t", "t_table"):
                for arg in call.args if call.node.name == "t_table" else call.args[:1]:
                    keys |= {arg.value} if isinstance(arg, nodes.Const) \
                        else DYNAMIC[_source(arg)]
    return keys


def python_keys() -> set[str]:
    """Every key digest's Python code looks up (self.ui.t(...), .day(...))."""
    keys: set[str] = set()
    for path in (REPO / "digest").rglob("*.py"):
        for call in ast.walk(ast.parse(path.read_text())):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
                    ast.unparse(call.func.value) == "self.ui":
                if call.func.attr == "day":
                    keys.add("day")
                elif call.func.attr == "t":
                    arg = call.args[0]
                    keys |= {arg.value} if isinstance(arg, ast.Constant) \
                        else DYNAMIC[ast.unparse(arg)]
    return keys


def script_keys() -> set[str]:
    """Every key search.js reads from the page's words (ui.KEY)."""
    return set(re.findall(r"\bui\.(\w+)", (THEME / "static" / "search.js").read_text()))


def test_the_key_scans_find_what_the_code_uses():
    # the scans are what the next test relies on: they must see known uses
    assert {"breadcrumbs", "reporter", "sections", "tags", "nothing_to_search"} \
        <= template_keys()
    assert {"search", "month", "year", "day", "outlets"} <= python_keys()
    assert {"searching", "results", "search_failed", "day"} == script_keys()


@pytest.mark.parametrize("table", TABLES, ids=lambda p: p.name)
def test_every_key_the_code_uses_is_in_every_table(table):
    problems = []
    texts = read_table(table, problems)
    assert not problems
    used = template_keys() | python_keys() | script_keys()
    assert sorted(used - texts.keys()) == []
    reference = read_table(THEME / FOLDER / f"{REFERENCE}.yaml", problems)
    assert sorted(reference.keys() - texts.keys()) == []  # the check a project table gets
    assert [k for k in texts if placeholders(texts[k]) - placeholders(reference[k])] == []


def test_search_js_reads_only_words_the_search_page_writes():
    source = (THEME / "search.html").read_text()
    written = re.search(r"t_table\(([^)]*)\)", source).group(1)
    assert script_keys() == set(re.findall(r'"(\w+)"', written))


def test_no_theme_file_holds_a_word_or_a_language_test_of_its_own():
    for path in [*THEME.glob("*.html"), THEME / "static" / "search.js"]:
        text = path.read_text()
        assert not re.search(r"[\uac00-\ud7a3]", text), path.name
        assert "startswith('ko')" not in text and 'startsWith("ko")' not in text, path.name
    render = (REPO / "digest" / "render.py").read_text()
    assert not re.search(r"[\uac00-\ud7a3]", render) and "startswith" not in render


def test_fill_pads_and_fills_as_search_js_does():
    assert fill("{year}-{month:02d}-{day:02d}", {"year": 2026, "month": 1, "day": 9}) \
        == "2026-01-09"
    assert fill("'{query}' {count}건 {literal braces}", {"query": "원팀", "count": 3}) \
        == "'원팀' 3건 {literal braces}"


@pytest.mark.parametrize(("language", "table"), [("ko", "ko"), ("ko-KR", "ko"), ("KO", "ko"),
                                                 ("en-GB", "en"), ("fr", "en"), ("", "en"),
                                                 ("../ko", "en")])
def test_the_language_picks_its_table_or_english(language, table):
    assert load_table(language, None, THEME).language == table


def test_a_project_table_overrides_only_the_keys_it_gives(project):
    project.article("a", "기사", "2026-11-19T09:00:00+09:00", section="경제", authors="[김기자]")
    project.write("templates/i18n/ko.yaml", 'sections: 분야\nreporter: "{name} 특파원"\n')
    project.build()
    page = project.page("2026/11/19/a/")
    assert "특파원" in page and "현재 위치" in page  # changed key and a theme key beside it
    assert "<title>분야 · " in project.page("sections/")


def test_a_key_no_table_has_names_the_template_line_and_the_table(project):
    project.write("templates/front.html", '{% extends "default/front.html" %}\n'
                  '{% block main %}\n<p>{{ t("welcome") }}</p>\n{% endblock %}\n')
    with pytest.raises(TemplateError) as raised:
        project.build()
    message = str(raised.value)
    assert message.count("\n") == 0 and "Traceback" not in message
    assert re.search(r"templates/front\.html:3: no text 'welcome' in templates/i18n/ko\.yaml",
                     message)


def test_a_placeholder_the_template_does_not_give_is_named(project):
    project.write("templates/i18n/ko.yaml", 'welcome: "{who}님 안녕하세요"\n')
    project.write("templates/front.html", '{% extends "default/front.html" %}\n'
                  '{% block main %}\n<p>{{ t("welcome") }}</p>\n{% endblock %}\n')
    with pytest.raises(TemplateError) as raised:
        project.build()
    assert "front.html:3: templates/i18n/ko.yaml: 'welcome' uses {who}" in str(raised.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("search: [\n", "templates/i18n/ko.yaml:2: invalid YAML"),
    ("- a\n- b\n", "templates/i18n/ko.yaml:1: a table of words must map keys to texts"),
    ("search: 찾기\nsearch: 검색\n", "templates/i18n/ko.yaml:2: 'search' is given twice"),
    ("tags:\n  - a\n", "templates/i18n/ko.yaml:1: 'tags' must be a text"),
    ("tags: ~\n", "templates/i18n/ko.yaml:1: 'tags' must be a text"),
    ('days: "{count}일 {n}"\n', "templates/i18n/ko.yaml:1: 'days' uses {n}; it can use {count}"),
    ("a: &x 1\nb: *x\n", "templates/i18n/ko.yaml:1: table refused: YAML anchors"),
])
def test_a_bad_project_table_is_an_error_at_its_line(project, text, expected):
    project.write("templates/i18n/ko.yaml", text)
    with pytest.raises(TemplateError) as raised:
        project.build()
    assert expected in str(raised.value)


def test_a_table_of_a_language_the_theme_lacks_must_be_complete(project):
    project.config("language: fr\n")
    project.write("templates/i18n/fr.yaml", "search: Recherche\n")
    with pytest.raises(TemplateError) as raised:
        project.build()
    message = str(raised.value)
    assert message.startswith("templates/i18n/fr.yaml: no text for 'all_sections'")
    assert "i18n/en.yaml" in message
    english = (THEME / FOLDER / "en.yaml").read_text()
    project.write("templates/i18n/fr.yaml", english.replace("search: Search",
                                                              "search: Recherche"))
    project.article("a", "기사", "2026-11-19T09:00:00+09:00")
    project.build()
    assert "<title>Recherche · " in project.page("search/")


def test_the_theme_tables_load_without_a_problem(tmp_path: Path):
    for table in TABLES:
        assert load_table(table.stem, tmp_path, THEME).texts == read_table(table, [])


def test_the_preview_takes_an_edited_table_with_a_template_rebuild(project):
    project.article("a", "기사", "2026-11-19T09:00:00+09:00", tags="[반도체]")
    builder = Builder(BuildOptions(project=project.root, write=False, search=False, now=NOW,
                                   jobs=1))
    builder.build()
    table = project.write("templates/i18n/ko.yaml", "tags: 주제어\n")
    assert classify(table, project.root) == TEMPLATES
    builder.build(frozenset({TEMPLATES}))
    assert "<title>주제어 · " in builder.files["tags/index.html"].decode()
