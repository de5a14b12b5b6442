"""Problems reported as path:line, a failed build leaving the old site, config validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.config import ConfigError, load_config
from digest.errors import DigestError, OutputError, TemplateError

SITE_URL = "https://user.github.io/repo/"


def messages(result_or_error) -> list[str]:
    return [str(d) for d in result_or_error.diagnostics]


def test_bad_front_matter_is_reported_with_line_and_the_rest_builds(project):
    project.article("good", "좋은 기사", "2020-06-03T10:00:00+09:00")
    project.write("content/bad-date.md", "---\ntitle: 날짜가 틀린 기사\nsection: 경제\n"
                  "date: 어제\n---\n본문\n")
    project.write("content/bad-yaml.md", "---\ntitle: 괄호\ndate: [2020-06-03\n---\n본문\n")
    project.write("content/no-title.md", "---\ndate: 2020-06-03\n---\n본문\n")
    project.write("content/no-front.md", "그냥 글\n")
    result = project.build()
    found = messages(result)
    assert any(m.startswith("content/bad-date.md:4: ") and "ISO 8601" in m for m in found)
    assert any(m.startswith("content/bad-yaml.md:3: invalid YAML") for m in found)
    assert any(m.startswith("content/no-title.md:1: missing required 'title'") for m in found)
    assert any(m.startswith("content/no-front.md:1: no front matter") for m in found)
    assert "좋은 기사" in project.page("")


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "2026-02-30T10:00:00+09:00",
                                   "2026-02-28T25:00:00", "'2026-02-30'"])
def test_an_impossible_date_skips_that_article_with_its_line(project, value):
    project.article("good", "좋은 기사", "2020-06-03T10:00:00+09:00")
    project.write("content/bad.md",
                  f"---\ntitle: 틀린 날\nsection: 경제\ndate: {value}\n---\n본문\n")
    found = messages(project.build(base_url=SITE_URL))
    assert len(found) == 1 and found[0].startswith("content/bad.md:4: ")
    assert f"date {value.strip(chr(39))!r}" in found[0]
    assert "좋은 기사" in project.page("")


@pytest.mark.parametrize(("field", "value", "kind"), [("title", "[a, b]", "error"),
                                                     ("title", "{a: 1}", "error"),
                                                     ("outlet", "[가상일보, 다른일보]", "warning")])
def test_a_list_where_text_belongs_is_named_not_missing(project, field, value, kind):
    fields = {"title": "'제목'", "outlet": "가상일보", field: value}
    project.write("content/x.md", "---\n" + "".join(f"{k}: {v}\n" for k, v in fields.items())
                  + "date: 2020-06-03\n---\n본문\n")
    [found] = messages(project.build(base_url=SITE_URL))
    line = 2 if field == "title" else 3
    assert found.startswith(f"content/x.md:{line}: ") and "missing" not in found
    assert f"'{field}' must be text, got a" in found and (kind == "error") != ("warning" in found)


def test_strict_fails_on_any_content_error_and_keeps_the_site(project):
    project.article("good", "좋은 기사", "2020-06-03T10:00:00+09:00")
    project.build()
    before = project.page("")
    project.write("content/bad.md", "---\ntitle: x\n---\n")
    with pytest.raises(DigestError) as raised:
        project.build(strict=True)
    assert "content/bad.md:1: missing required 'date'" in str(raised.value)
    assert project.page("") == before


def test_unknown_front_matter_key_is_kept_and_a_typo_warned(project, tmp_path):
    project.write("templates/article.html",
                  '{% extends "default/article.html" %}{% block head %}'
                  '<meta name="mood" content="{{ story.extra.mood }}">{% endblock %}')
    project.article("x", "기사", "2020-06-03T10:00:00+09:00", mood="맑음", sectoin="경제")
    result = project.build()
    assert any("content/x.md:5: warning: unknown key 'sectoin'" in m and "'section'" in m
               for m in messages(result))
    assert '<meta name="mood" content="맑음">' in project.page("2020/06/03/x/")


def test_front_matter_aliases_from_other_generators(project):
    project.write("content/x.md", "---\ntitle: 별칭\ndate: 2020-06-03 10:00\nauthor: 홍길동\n"
                  "lastmod: 2020-06-04T09:00:00+09:00\ncategories: [경제]\n---\n본문\n")
    project.build()
    page = project.page("2020/06/03/x/")
    assert "홍길동" in page and "경제" in page and "2020년 6월 4일 09:00" in page


def test_slug_collision_names_both_files(project):
    project.article("economy/2020-06-03-news", "같은 제목", "2020-06-03T10:00:00+09:00")
    project.article("society/2020-06-03-news", "다른 제목", "2020-06-03T15:00:00+09:00")
    project.article("one", "제목", "2020-06-03T16:00:00+09:00", slug="news")
    result = project.build()
    collisions = [m for m in messages(result) if "same output path" in m]
    assert len(collisions) == 2 and "content/economy/2020-06-03-news.md" in collisions[0]
    assert {c.split(":")[0] for c in collisions} == {"content/one.md",
                                                     "content/society/2020-06-03-news.md"}


@pytest.mark.parametrize(("name", "fields", "url"), [
    ("2020-06-03-rates-on-hold", {}, "2020/06/03/rates-on-hold/"),
    ("금리-동결", {}, "2020/06/03/금리-동결/"),
    ("My Notes_v2", {}, "2020/06/03/my-notes-v2/"),
    ("2020-06-03", {}, "2020/06/03/제목이-바뀌어도/"),  # no name beside the date: the title
    ("anything", {"slug": "pinned"}, "2020/06/03/pinned/"),
])
def test_a_hand_written_article_takes_its_slug_from_its_file_name(project, name, fields, url):
    project.article(name, "제목이 바뀌어도", "2020-06-03T10:00:00+09:00", **fields)
    project.build()
    assert "제목이 바뀌어도" in project.page(url)
    project.article(name, "고친 제목", "2020-06-03T10:00:00+09:00", **fields)
    project.build()
    if name != "2020-06-03":
        assert "고친 제목" in project.page(url)  # fixing a title keeps the published URL


def test_template_syntax_error_names_file_and_line(project):
    project.article("x", "기사", "2020-06-03T10:00:00+09:00")
    project.write("templates/front.html", '{% extends "base.html" %}\n{% block main %}\n'
                  "{% for x in %}\n{% endblock %}\n")
    with pytest.raises(TemplateError) as raised:
        project.build()
    text = str(raised.value)
    assert "templates/front.html:3" in text and "syntax error" in text


def test_undefined_variable_names_file_line_and_page(project):
    project.article("x", "기사", "2020-06-03T10:00:00+09:00")
    project.write("templates/article.html", '{% extends "default/article.html" %}\n'
                  "{% block main %}\n<p>\n{{ story.no_such_field }}\n</p>\n{% endblock %}\n")
    with pytest.raises(TemplateError) as raised:
        project.build()
    text = str(raised.value)
    assert "templates/article.html:4: 'story' has no attribute 'no_such_field' " \
           "(rendering /2020/06/03/x/)" in text


@pytest.mark.parametrize(("expression", "named"), [
    ("story.titel", "'story' has no attribute 'titel'"),
    ("story.section.nmae", "'story.section' has no attribute 'nmae'"),
    ("extra['colour']", "'extra' has no attribute 'colour'"),
    ("storyy.title", "'storyy' is undefined"),
])
def test_a_template_error_names_the_variable_as_written(project, expression, named):
    project.config("extra: {}\n")
    project.article("x", "기사", "2020-06-03T10:00:00+09:00")
    project.write("templates/article.html", '{% extends "default/article.html" %}\n'
                  f"{{% block main %}}\n<p>{{{{ {expression} }}}}</p>\n{{% endblock %}}\n")
    with pytest.raises(TemplateError) as raised:
        project.build()
    assert str(raised.value) == f"templates/article.html:3: {named} (rendering /2020/06/03/x/)"


def test_failed_build_leaves_the_previous_site_untouched(project):
    project.article("x", "기사", "2020-06-03T10:00:00+09:00")
    project.build()
    snapshot = {p: p.read_bytes() for p in project.site.rglob("*") if p.is_file()}
    project.article("y", "새 기사", "2020-06-04T10:00:00+09:00")
    project.write("templates/edition.html", "{{ broken.value }}")
    with pytest.raises(TemplateError):
        project.build()
    after = {p: p.read_bytes() for p in project.site.rglob("*") if p.is_file()}
    assert after == snapshot


def test_template_override_and_default_extension(project):
    project.article("x", "기사", "2020-06-03T10:00:00+09:00")
    project.write("templates/base.html", '{% extends "default/base.html" %}'
                  '{% block head %}<meta name="custom" content="yes">{% endblock %}')
    project.write("templates/404.html", "<p>custom not found</p>\n")
    project.build()
    assert '<meta name="custom" content="yes">' in project.page("")
    assert project.page("404.html") == "<p>custom not found</p>\n"
    assert 'class="masthead"' in project.page("")  # the rest of the default skeleton


def test_project_static_files_override_the_theme(project):
    project.article("x", "기사", "2020-06-03T10:00:00+09:00")
    project.write("static/digest.css", "body { color: red }\n")
    project.write("static/logo.txt", "logo\n")
    project.build()
    assert (project.site / "static/digest.css").read_text() == "body { color: red }\n"
    assert (project.site / "static/logo.txt").is_file()
    assert (project.site / "static/favicon.svg").is_file()


def test_out_refuses_a_non_empty_directory_it_did_not_create(project, tmp_path):
    project.article("x", "기사", "2020-06-03T10:00:00+09:00")
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("precious")
    with pytest.raises(OutputError, match="refusing to replace"):
        project.build(out=foreign)
    assert (foreign / "thesis.txt").read_text() == "precious"
    empty = tmp_path / "empty"
    empty.mkdir()
    project.build(out=empty)
    project.build(out=empty)  # its own output is fine to replace
    assert (empty / "index.html").is_file()


def test_builds_are_byte_identical_search_index_included(project, tmp_path):
    for n in range(6):
        project.article(f"a{n}", f"기사 {n}", f"2020-06-0{n + 1}T10:00:00+09:00",
                        tags="[하나, 둘]", section="경제")
    project.build(out=tmp_path / "one", search=True)
    project.build(out=tmp_path / "two", jobs=2, search=True)
    trees = [{p.relative_to(tmp_path / n).as_posix(): p.read_bytes()
              for p in (tmp_path / n).rglob("*") if p.is_file()} for n in ("one", "two")]
    assert trees[0] == trees[1] and len(trees[0]) > 30
    assert sum(path.startswith("search-index/") for path in trees[0]) >= 9  # 6 docs, 3 more


def test_unchanged_files_are_not_rewritten(project):
    project.article("x", "기사", "2020-06-03T10:00:00+09:00")
    project.article("y", "다른 기사", "2020-06-05T10:00:00+09:00")
    project.build()
    project.build()  # the twin tree now holds a complete generation too
    article = project.site / "2020/06/03/x/index.html"
    inode = article.stat().st_ino
    project.article("z", "세 번째", "2020-06-07T10:00:00+09:00")
    result = project.build()
    assert result.report.written < 30
    assert (project.site / "2020/06/07/z/index.html").is_file()
    assert article.stat().st_ino in (inode, article.stat().st_ino)
    nothing = project.build()
    assert nothing.report.swapped is False and nothing.report.written == 0


def test_deleted_article_disappears_from_the_site(project):
    project.article("x", "기사", "2020-06-03T10:00:00+09:00")
    gone = project.article("y", "지울 기사", "2020-06-05T10:00:00+09:00")
    project.build()
    gone.unlink()
    project.build()
    assert not (project.site / "2020/06/05").exists()
    assert "지울 기사" not in project.page("") + (project.site / "atom.xml").read_text()


def test_config_reports_every_problem_with_key_path_and_line(tmp_path: Path):
    path = tmp_path / "digest.yaml"
    path.write_text("titel: 제목\npage_size: 0\ntimezone: Mars/Base\npublish: some\n"
                    "sections:\n  - key: 경제 뉴스\n    nmae: 경제\nsearch: all\n")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    found = [str(d) for d in raised.value.diagnostics]
    assert f"{path}:1: titel: unknown key; did you mean 'title'?" in found
    assert any(m.startswith(f"{path}:2: page_size") for m in found)
    assert any(m.startswith(f"{path}:3: timezone: unknown time zone") for m in found)
    assert any(m.startswith(f"{path}:4: publish") for m in found)
    assert any(m.startswith(f"{path}:7: sections[0].nmae: unknown key") and "'name'" in m
               for m in found)
    assert any("sections[0].key" in m and "not URL-safe" in m for m in found)
    assert f"{path}:8: search: expected one of shown, full, got 'all'" in found


def test_no_config_builds_with_korean_defaults(project):
    project.article("x", "기사", "2020-06-03T23:30:00+00:00")
    project.build()
    assert '<html lang="ko">' in project.page("")
    assert (project.site / "2020/06/04/x/index.html").is_file()


def test_base_url_option_overrides_config(project):
    project.config("base_url: https://example.com/\n")
    project.article("x", "기사", "2020-06-03T10:00:00+09:00")
    project.build(base_url="https://user.github.io/repo")
    assert "https://user.github.io/repo/" in (project.site / "atom.xml").read_text()


def test_template_error_in_a_worker_process_is_reported(project):
    for n in range(450):  # enough pages to render in worker processes
        project.article(f"a{n}", f"기사 {n}", f"2020-06-01T10:{n % 60:02d}:00+09:00")
    project.write("templates/article.html", '{% extends "default/article.html" %}\n'
                  "{% block main %}{{ story.missing }}{% endblock %}\n")
    with pytest.raises(TemplateError) as raised:
        project.build(jobs=2)
    assert "templates/article.html:2:" in str(raised.value)
    assert not project.site.exists()

