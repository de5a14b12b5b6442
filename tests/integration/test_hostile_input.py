"""Parsers under attack: YAML bombs, deep nesting, huge and binary files, symlink loops."""

from __future__ import annotations

import os

import pytest

from digest.config import ConfigError, load_config
from tests.conftest import Project

BOMB = "\n".join(["a: &a [x, x, x, x, x, x, x, x, x]"] + [
    f"{chr(98 + n)}: &{chr(98 + n)} [" + ", ".join([f"*{chr(97 + n)}"] * 9) + "]"
    for n in range(8)])


def messages(result) -> list[str]:
    return [str(d) for d in result.diagnostics]


def test_a_yaml_alias_bomb_in_front_matter_is_refused_before_it_is_built(project, monkeypatch):
    import digest.store as store

    built = []
    real_load = store.load_yaml
    monkeypatch.setattr(store, "load_yaml", lambda text: built.append(text) or real_load(text))
    project.write("content/bomb.md", f"---\ntitle: 폭탄\ndate: 2026-11-18\n{BOMB}\n---\n본문\n")
    project.article("good", "기사", "2026-11-18T09:00:00+09:00")
    result = project.build()
    assert not [text for text in built if "&" in text]  # never handed to the YAML loader
    assert any(m.startswith("content/bomb.md:4: front matter refused: YAML anchors")
               for m in messages(result))
    assert result.articles == 1


def test_deeply_nested_front_matter_is_refused_not_a_crash(project):
    # Who refuses it (digest's scan, or PyYAML >= 6.0.4's own depth limit) and in which words
    # is the library's business; that it is refused, on its line, with the rest built, is ours.
    deep = "[" * 100_000 + "]" * 100_000
    project.write("content/deep.md", f"---\ntitle: 깊이\ndate: 2026-11-18\nx: {deep}\n---\n본문\n")
    project.article("good", "기사", "2026-11-18T09:00:00+09:00")
    result = project.build()
    about_deep = [d for d in result.diagnostics if d.location and d.location.path ==
                  "content/deep.md"]
    assert len(about_deep) == 1 and about_deep[0].is_error, messages(result)
    assert about_deep[0].location.line == 4 and "\n" not in about_deep[0].message
    assert result.articles == 1
    assert "깊이" not in "".join(p.read_text() for p in project.site.rglob("*.html"))


def test_a_hostile_config_is_refused(tmp_path):
    path = tmp_path / "digest.yaml"
    path.write_text(f"extra:\n  {BOMB.replace(chr(10), chr(10) + '  ')}\n")
    with pytest.raises(ConfigError, match="anchors and aliases"):
        load_config(path)


def test_huge_binary_and_non_utf8_articles_get_a_reason(project):
    with open(project.root / "content" / "huge.md", "wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    project.write("content/binary.md", "---\ntitle: x\n---\n\x00\x01\x02")
    (project.root / "content" / "euckr.md").write_bytes(
        "---\ntitle: 한글\ndate: 2026-11-18\n---\n본문\n".encode("euc-kr"))
    found = messages(project.build())
    assert any(m.startswith("content/huge.md: file is 100 MB") for m in found)
    assert any(m.startswith("content/binary.md") and "binary" in m for m in found)
    assert any(m.startswith("content/euckr.md:2: not UTF-8") for m in found)


def test_symlink_loops_in_content_do_not_hang(project):
    project.article("a", "기사", "2026-11-18T09:00:00+09:00")
    os.symlink(project.root / "content", project.root / "content" / "loop")
    os.symlink("missing-target.md", project.root / "content" / "dangling.md")
    result = project.build()
    found = messages(result)
    assert result.articles == 1 and not [m for m in found if "content/loop/" in m]  # not walked
    assert any(m.startswith("content/dangling.md: cannot read") for m in found)


def test_many_ordinary_front_matters_still_load(project: Project):
    project.write("content/a.md", "---\ntitle: \"*별표* 제목 & 기호\"\ndate: 2026-11-18\n"
                  "tags: [a, b]\n---\n본문\n")
    result = project.build()
    assert result.articles == 1 and not [d for d in result.diagnostics if d.is_error]
