"""The sources: and fetch: keys of digest.yaml: records, defaults, every problem at its line."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from digest import __version__
from digest.config import Config, load_config
from digest.errors import ConfigError
from digest.fetch.settings import (
    FetchConfig,
    SourceConfig,
    default_user_agent,
    find_source,
)

VALID = """\
base_url: https://me.github.io/my-digest/
sources:
  - feed: https://outlet.example/rss/economy.xml
    name: 예시일보  경제
    section: 경제
    outlet: 예시일보
  - sitemap: https://outlet.example/sitemap-news.xml
  - page: http://outlet.example/news/123
fetch:
  user_agent: my-bot/1.0
  pause: 0
  timeout: 2.5
  deadline: 20
  max_bytes: 1000
  retries: 0
  store: full
  status_page: true
"""


def load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "digest.yaml"
    path.write_text(text)
    return load_config(path)


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return [str(d) for d in caught.value.diagnostics]


def test_a_valid_config_gives_its_sources_and_fetch_settings(tmp_path):
    config = load(tmp_path, VALID)
    assert config.sources == (
        SourceConfig(kind="feed", url="https://outlet.example/rss/economy.xml",
                     name="예시일보 경제", section="경제", outlet="예시일보"),
        SourceConfig(kind="sitemap", url="https://outlet.example/sitemap-news.xml",
                     name="https://outlet.example/sitemap-news.xml"),
        SourceConfig(kind="page", url="http://outlet.example/news/123",
                     name="http://outlet.example/news/123"),
    )
    assert config.fetch == FetchConfig(user_agent="my-bot/1.0", pause=0.0, timeout=2.5,
                                       deadline=20.0, max_bytes=1000, retries=0, store="full",
                                       status_page=True)
    assert isinstance(config.fetch.deadline, float)


def test_without_the_keys_there_are_no_sources_and_polite_defaults(tmp_path):
    config = load(tmp_path, "title: x\n")
    assert config.sources == () and config == Config(title="x")
    assert config.fetch == FetchConfig()
    assert (config.fetch.pause, config.fetch.store, config.fetch.status_page) == \
        (1.0, "excerpt", False)
    assert load(tmp_path, "sources:\nfetch:\n").sources == ()


def test_the_default_user_agent_names_digest_and_the_site_when_it_has_an_address():
    site = Config(base_url="https://me.github.io/my-digest/")
    assert default_user_agent(site) == f"digest/{__version__} (+https://me.github.io/my-digest/)"
    assert default_user_agent(Config()) == f"digest/{__version__}"
    assert default_user_agent(Config(base_url="/news/")) == f"digest/{__version__}"


def test_a_source_is_found_by_its_name_or_its_url(tmp_path):
    config = load(tmp_path, VALID)
    typed_on_a_mac = unicodedata.normalize("NFD", "예시일보 경제")
    assert find_source(config, typed_on_a_mac) == config.sources[0]
    assert find_source(config, "HTTPS://outlet.example/sitemap-news.xml") == config.sources[1]
    assert find_source(config, "http://outlet.example/news/123") == config.sources[2]
    assert find_source(config, "예시일보") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("sources:\n  - feed: https://a.example/rss\n    nmae: A\n",
     "digest.yaml:3: sources[0].nmae: unknown key; did you mean 'name'?"),
    ("sources:\n  - name: A\n",
     "digest.yaml:2: sources[0]: needs exactly one of feed:, sitemap:, page: (a URL); it has "
     "none"),
    ("sources:\n  - feed: https://a.example/rss\n    page: https://a.example/1\n",
     "digest.yaml:2: sources[0]: needs exactly one of feed:, sitemap:, page: (a URL); it has "
     "feed: and page:"),
    ("sources:\n  - feed: https://a.example/rss\n  - feed: ftp://a.example/rss\n",
     "digest.yaml:3: sources[1].feed: expected an http:// or https:// URL, got "
     "'ftp://a.example/rss'"),
    ("sources:\n  - sitemap: /sitemap.xml\n",
     "digest.yaml:2: sources[0].sitemap: expected an http:// or https:// URL, got "
     "'/sitemap.xml'"),
    ("sources:\n  - page: 12\n", "digest.yaml:2: sources[0].page: expected text, got int"),
    ("sources:\n  - https://a.example/rss\n",
     "digest.yaml:2: sources[0]: expected a mapping with one of feed:, sitemap:, page: (a URL)"),
    ("sources: https://a.example/rss\n",
     "digest.yaml:1: sources: expected a list of {feed | sitemap | page, name, section, "
     "outlet}"),
    ("sources:\n  - feed: https://a.example/rss\n    section: ' '\n",
     "digest.yaml:3: sources[0].section: must not be empty (leave the key out instead)"),
    ("sources:\n  - feed: https://a.example/rss\n  - page: https://a.example/RSS\n",
     "digest.yaml:3: sources[1].page: 'https://a.example/RSS' already names sources[0]; each "
     "source once"),
    ("sources:\n  - feed: https://a.example/rss\n    name: A\n"
     "  - feed: https://b.example/rss\n    name: a\n",
     "digest.yaml:5: sources[1].name: 'a' already names sources[0]; each source once"),
    ("fetch:\n  pause: 1\n  deadlin: 3\n",
     "digest.yaml:3: fetch.deadlin: unknown key; did you mean 'deadline'?"),
    ("fetch:\n  pause: -0.5\n", "digest.yaml:2: fetch.pause: must be at least 0, got -0.5"),
    ("fetch:\n  timeout: 0\n", "digest.yaml:2: fetch.timeout: must be more than 0, got 0"),
    ("fetch:\n  deadline: .inf\n", "digest.yaml:2: fetch.deadline: expected a number, got inf"),
    ("fetch:\n  deadline: soon\n",
     "digest.yaml:2: fetch.deadline: expected a number, got 'soon'"),
    ("fetch:\n  max_bytes: 0\n", "digest.yaml:2: fetch.max_bytes: must be at least 1, got 0"),
    ("fetch:\n  retries: 1.5\n",
     "digest.yaml:2: fetch.retries: expected a whole number, got 1.5"),
    ("fetch:\n  retries: true\n",
     "digest.yaml:2: fetch.retries: expected a whole number, got True"),
    ("fetch:\n  store: everything\n",
     "digest.yaml:2: fetch.store: expected one of excerpt, full, got 'everything'"),
    ("fetch:\n  status_page: yes please\n",
     "digest.yaml:2: fetch.status_page: expected true or false, got str"),
    ("fetch:\n  user_agent: 7\n", "digest.yaml:2: fetch.user_agent: expected text, got int"),
    ("fetch: fast\n", "digest.yaml:1: fetch: expected a mapping (user_agent, pause, timeout, "
     "deadline, max_bytes, retries, store, status_page)"),
    ("sourcse: []\n", "digest.yaml:1: sourcse: unknown key; did you mean 'sources'?"),
])
def test_each_problem_is_reported_with_its_line(tmp_path, monkeypatch, text, expected):
    monkeypatch.chdir(tmp_path)
    assert problems(Path("."), text) == [expected]


def test_every_problem_is_reported_at_once(tmp_path):
    text = ("sources:\n  - feed: https://a.example/rss\n    outlet: [x]\n  - page: mailto:x\n"
            "fetch:\n  pause: -1\n  store: all\n")
    found = problems(tmp_path, text)
    assert [line.split(": ")[1] for line in found] == \
        ["sources[0].outlet", "sources[1].page", "fetch.store", "fetch.pause"]
    assert [line.split(":")[1] for line in found] == ["3", "4", "7", "6"]


def test_the_readme_example_loads_and_shows_the_defaults(tmp_path):
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("## Keeping it current", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    config = load(tmp_path, example)
    assert [s.kind for s in config.sources] == ["feed", "sitemap", "page"]
    assert config.fetch == FetchConfig()
