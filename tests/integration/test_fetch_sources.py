"""digest sources import FILE.opml and digest sources list: feeds into digest.yaml, as written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.config import load_config
from digest.project import SCAFFOLD

OPML = """\
<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="경제" title="경제">
      <outline type="rss" text="예시일보 경제" title="예시일보 경제"
               xmlUrl="https://outlet.example/rss/economy.xml" htmlUrl="https://outlet.example/"/>
      <outline text="Deeper">
        <outline type="rss" text="Top: Stories" xmlUrl="https://b.example/feed"/>
      </outline>
    </outline>
    <outline type="rss" title="yes" text="ignored when there is a title"
             xmlUrl="https://c.example/atom"/>
    <outline type="link" text="a page, not a feed" htmlUrl="https://d.example/"/>
  </body>
</opml>
"""
NEW = [("https://outlet.example/rss/economy.xml", "예시일보 경제"),
       ("https://b.example/feed", "Top: Stories"), ("https://c.example/atom", "yes")]

CONFIG = """\
# My digest.  Comments,   odd spacing and quoting stay as they are.
title: '내 다이제스트'   # quoted on purpose

sources:
    -   feed: https://old.example/rss   # indented my way
        name: 옛 신문
    # - page: https://commented.example/1

# outlets come next; this comment belongs to them
outlets:
  - name: 가상일보
    aliases: [ Gasang ]
"""


def run(args, cwd: Path, monkeypatch):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, args)


def write_opml(folder: Path, text: str = OPML, name: str = "feeds.opml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def only_inserted(old: str, new: str) -> str:
    """What `new` adds to `old` at one place; fails unless every other byte is kept."""
    start = len(os.path.commonprefix([old, new]))
    end = len(os.path.commonprefix([old[start:][::-1], new[start:][::-1]]))
    assert start + end == len(old), (old, new)
    return new[start:len(new) - end]


def sources(path: Path) -> list[tuple[str, str]]:
    return [(s.url, s.name) for s in load_config(path).sources]


def test_import_appends_feeds_and_keeps_every_other_byte(tmp_path, monkeypatch):
    config = tmp_path / "digest.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    config.chmod(0o640)
    write_opml(tmp_path)
    result = run(["sources", "import", "feeds.opml"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    assert "added 3 feeds to digest.yaml" in result.output
    added = ("    -   feed: https://outlet.example/rss/economy.xml\n"
             "        name: 예시일보 경제\n"
             "    -   feed: https://b.example/feed\n"
             '        name: "Top: Stories"\n'
             "    -   feed: https://c.example/atom\n"
             '        name: "yes"\n')
    after_the_last_item = CONFIG.index("    # - page:")
    assert config.read_text(encoding="utf-8") == \
        CONFIG[:after_the_last_item] + added + CONFIG[after_the_last_item:]
    assert sources(config) == [("https://old.example/rss", "옛 신문"), *NEW]
    assert config.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest.yaml", "feeds.opml"]


def test_import_makes_digest_yaml_when_there_is_none(tmp_path, monkeypatch):
    write_opml(tmp_path)
    assert run(["sources", "import", "feeds.opml"], tmp_path, monkeypatch).exit_code == 0
    assert sources(tmp_path / "digest.yaml") == NEW


def test_import_into_the_scaffolded_config_adds_a_sources_key_at_the_end(tmp_path, monkeypatch):
    scaffold = (SCAFFOLD / "digest.yaml").read_text(encoding="utf-8")
    (tmp_path / "digest.yaml").write_text(scaffold, encoding="utf-8")
    write_opml(tmp_path)
    assert run(["sources", "import", "feeds.opml"], tmp_path, monkeypatch).exit_code == 0
    text = (tmp_path / "digest.yaml").read_text(encoding="utf-8")
    assert text.startswith(scaffold) and text[len(scaffold):].startswith("\nsources:\n  - feed:")
    assert sources(tmp_path / "digest.yaml") == NEW


def test_feeds_already_there_are_skipped_and_reported(tmp_path, monkeypatch):
    config = tmp_path / "digest.yaml"
    config.write_text("sources:\n  - feed: https://B.example/feed\n    name: B\n"
                      "  - page: https://x.example/1\n    name: 예시일보 경제\n")
    twice = OPML.replace("</body>", '<outline text="again" xmlUrl="https://c.example/atom"/>'
                         '<outline text="nope" xmlUrl="feed://e.example/"/></body>')
    write_opml(tmp_path, twice)
    result = run(["sources", "import", "feeds.opml"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "feeds.opml:9: skipped Top: Stories (https://b.example/feed): already in the " \
        "config as B" in lines
    assert any(line.startswith("feeds.opml:15: skipped again (https://c.example/atom): in "
                               "the OPML file before, at line 13") for line in lines)
    assert "feeds.opml:15: skipped nope (feed://e.example/): not an http:// or https:// URL" \
        in lines
    assert lines[-1] == "added 2 feeds to digest.yaml (3 skipped)"
    # the name another source has gets the feed's host
    assert sources(config)[2:] == [("https://outlet.example/rss/economy.xml",
                                    "예시일보 경제 (outlet.example)"),
                                   ("https://c.example/atom", "yes")]
    before = config.read_bytes()
    again = run(["sources", "import", "feeds.opml"], tmp_path, monkeypatch)
    assert again.exit_code == 0 and "no new feed; digest.yaml was left as it was" in again.output
    assert config.read_bytes() == before


@pytest.mark.parametrize("text", [
    "sources:\ntitle: x\n",
    "sources: null   # none yet\ntitle: x\n",
    "sources: []\ntitle: x\n",
    "sources: [{feed: 'https://old.example/rss'},]\n",
    "title: x\nsources:\n- feed: https://old.example/rss\n  name: old\n# after\n",
    "title: x\r\nsources:\r\n  - feed: https://old.example/rss\r\nfeeds: true\r\n",
    "title: x\n  # no newline at the end",
    "title: x\n...\n",
    "\ufefftitle: x\n",
    "",
    "# only a comment\n",
])
def test_the_sources_key_in_any_shape_gets_the_feeds(tmp_path, monkeypatch, text):
    config = tmp_path / "digest.yaml"
    config.write_bytes(text.encode())
    write_opml(tmp_path)
    assert run(["sources", "import", "feeds.opml"], tmp_path, monkeypatch).exit_code == 0
    new = config.read_bytes().decode()
    old = sources(config)[:-3]
    assert sources(config) == [*old, *NEW]
    kept = text.replace("null", "") if "null" in text else text
    only_inserted(kept, new)
    if "\r\n" in text:
        assert "\n" not in new.replace("\r\n", "")


BOMB = """<?xml version="1.0"?>
<!DOCTYPE opml [
<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<opml version="2.0"><body><outline text="&g;" xmlUrl="https://x.example/&g;"/></body></opml>
"""


@pytest.mark.parametrize(("data", "expected"), [
    (OPML.replace("</outline>\n    <outline type", "\n    <outline type", 1).encode(),
     "feeds.opml:15: not an OPML file of feeds: not well-formed XML: Opening and ending tag "
     "mismatch: outline line 5 and body\n"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "feeds.opml:1: not an OPML file of feeds: not well-formed"),
    (b"", "feeds.opml:1: not an OPML file of feeds: not well-formed XML"),
    (b'<rss version="2.0"><channel/></rss>',
     "feeds.opml:1: not an OPML file of feeds: the root element is <rss>, not <opml>"),
    (b"<opml>\n<head/>\n</opml>", "feeds.opml:1: not an OPML file of feeds: no <body> in it"),
    (b"<opml><body>\n<outline text='x'/></body></opml>",
     "feeds.opml:1: not an OPML file of feeds: no feed in it"),
    (BOMB.encode(), "feeds.opml:3: not an OPML file of feeds: it declares XML entities"),
    (BOMB.encode("utf-16"), "feeds.opml:"),
])
def test_bad_opml_is_one_line_naming_the_file_and_nothing_is_written(tmp_path, monkeypatch,
                                                                     data, expected):
    (tmp_path / "feeds.opml").write_bytes(data)
    (tmp_path / "digest.yaml").write_text(CONFIG)
    result = run(["sources", "import", "feeds.opml"], tmp_path, monkeypatch)
    assert result.exit_code == 1
    assert result.output.startswith(expected) and len(result.output.splitlines()) == 1, \
        result.output
    assert "Traceback" not in result.output and "aaaaaaaaaa" not in result.output
    assert (tmp_path / "digest.yaml").read_text() == CONFIG


def test_a_missing_opml_file_is_one_line(tmp_path, monkeypatch):
    result = run(["sources", "import", "nowhere.opml"], tmp_path, monkeypatch)
    assert result.exit_code == 1 and result.output.startswith("nowhere.opml: cannot read OPML")
    assert not (tmp_path / "digest.yaml").exists()


def test_a_config_that_does_not_load_is_refused_before_writing(tmp_path, monkeypatch):
    broken = "titel: x\nsources:\n  - feed: https://a.example/rss\n  - feed: https://a.example/rss\n"
    (tmp_path / "digest.yaml").write_text(broken)
    write_opml(tmp_path)
    result = run(["sources", "import", "feeds.opml"], tmp_path, monkeypatch)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "digest.yaml has problems, so nothing was imported; fix them first:"
    assert "digest.yaml:1: titel: unknown key; did you mean 'title'?" in lines
    assert any(line.startswith("digest.yaml:4: sources[1].feed:") for line in lines)
    assert (tmp_path / "digest.yaml").read_text() == broken


def test_list_prints_a_table_and_json(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # one line per source
    (tmp_path / "digest.yaml").write_text(
        "sources:\n  - feed: https://a.example/rss\n    name: '[b]가[/b] 신문'\n"
        "    section: 경제\n    outlet: 가신문\n  - page: https://a.example/1\n")
    table = run(["sources", "list"], tmp_path, monkeypatch)
    assert table.exit_code == 0, table.output
    lines = [line.split() for line in table.output.splitlines()]
    assert lines[0] == ["name", "kind", "url", "section", "outlet", "checked", "status"]
    assert lines[1] == ["[b]가[/b]", "신문", "feed", "https://a.example/rss", "경제", "가신문",
                        "not", "fetched", "yet"]
    assert lines[2] == ["https://a.example/1", "page", "https://a.example/1", "not", "fetched",
                        "yet"]
    report = run(["sources", "list", "--report", "json"], tmp_path, monkeypatch)
    assert [json.loads(line) for line in report.output.splitlines()] == [
        {"name": "[b]가[/b] 신문", "kind": "feed", "url": "https://a.example/rss",
         "section": "경제", "outlet": "가신문", "checked": None, "status": "not fetched yet"},
        {"name": "https://a.example/1", "kind": "page", "url": "https://a.example/1",
         "section": None, "outlet": None, "checked": None, "status": "not fetched yet"}]


def test_list_without_sources_says_how_to_add_them(tmp_path, monkeypatch):
    result = run(["sources", "list"], tmp_path, monkeypatch)
    assert result.exit_code == 0 and "digest sources import FILE.opml" in result.output
    bad = tmp_path / "digest.yaml"
    bad.write_text("sources:\n  - feed: nope\n")
    result = run(["sources", "list"], tmp_path, monkeypatch)
    assert result.exit_code == 1 and result.output.startswith("digest.yaml:2: sources[0].feed")
