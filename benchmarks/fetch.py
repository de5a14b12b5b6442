"""digest fetch against a local server: articles per second, and the cost of a run where
nothing changed.

    python3 benchmarks/fetch.py [--feeds 30] [--entries 10]

Serves `--feeds` RSS feeds on 127.0.0.1, each listing `--entries` article pages, with the
politeness pause set to 0. The pages are the development corpus's saved HTML pages when
../shared/corpus/dev is present (copyrighted: served locally, never published), else simple
generated ones. Run 1 fetches and ingests everything; run 2 finds every feed unchanged (304).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from digest.config import load_config  # noqa: E402
from digest.fetch.run import FetchOptions, fetch  # noqa: E402
from tests.webserver import Reply, WebServer  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "dev"
HTML = {"Content-Type": "text/html; charset=utf-8"}


def corpus_pages() -> list[bytes]:
    """The development corpus's HTML article pages, or generated ones when it is absent."""
    manifest = CORPUS / "manifest.json"
    if manifest.is_file():
        items = json.loads(manifest.read_text())
        pages = [(CORPUS / i["input"]).read_bytes() for i in items if i["kind"] == "html"]
        if pages:
            return pages
    print("(../shared/corpus/dev not found: generated pages instead)")
    return [_generated(n) for n in range(200)]


def _generated(n: int) -> bytes:
    body = "".join(f"<p>{n}번 기사의 {i}번째 문단. 지역 상인들은 매출이 늘었다고 말했다.</p>"
                   for i in range(12))
    return (f'<html lang="ko"><head><meta charset="utf-8"><title>생성 기사 {n}</title>'
            '<meta property="article:published_time" content="2026-11-30T10:00:00+09:00">'
            f"</head><body><article><h1>생성 기사 {n}</h1>{body}</article></body></html>"
            ).encode()


def serve(feeds: int, entries: int) -> WebServer:
    """One host serving every feed and page; feeds answer 304 to their own ETag."""
    server = WebServer({"/robots.txt": Reply(status=404)})
    pages = corpus_pages()
    for f in range(feeds):
        items = []
        for e in range(entries):
            n = f * entries + e
            server.routes[f"/news/{n}"] = Reply(headers=HTML, body=pages[n % len(pages)])
            items.append(f"<item><title>기사 {n}</title><link>{server.base}/news/{n}</link>"
                         "<pubDate>Mon, 30 Nov 2026 01:00:00 GMT</pubDate></item>")
        feed = ("<?xml version='1.0'?><rss version='2.0'><channel><title>벤치</title>"
                + "".join(items) + "</channel></rss>").encode()
        server.routes[f"/feed/{f}.xml"] = _conditional(feed, f'"f{f}"')
    return server


def _conditional(body: bytes, etag: str):
    def route(number, headers):
        if headers.get("if-none-match") == etag:
            return Reply(status=304, headers={"ETag": etag})
        return Reply(headers={"Content-Type": "application/rss+xml", "ETag": etag}, body=body)
    return route


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=30)
    parser.add_argument("--entries", type=int, default=10)
    args = parser.parse_args()
    server = serve(args.feeds, args.entries)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "content").mkdir()
        sources = "".join(f"  - feed: {server.url(f'/feed/{f}.xml')}\n"
                          for f in range(args.feeds))
        (root / "digest.yaml").write_text(f"base_url: https://me.github.io/news/\nsources:\n"
                                          f"{sources}fetch:\n  pause: 0\n  store: full\n")
        config = load_config(root / "digest.yaml")
        now = datetime.now(UTC)
        for label, when in (("first run", now), ("nothing changed", now + timedelta(hours=3))):
            asked = len(server.seen)
            started = time.perf_counter()
            report = fetch(FetchOptions(project=root, config=config, now=when))
            seconds = time.perf_counter() - started
            written = sum(o.status == "written" for o in report.outcomes)
            print(f"{label:16} {seconds:7.2f} s  {len(server.seen) - asked:5} requests  "
                  f"{len(report.outcomes):5} pages read  {written:5} written  "
                  f"{len(report.outcomes) / seconds if report.outcomes else 0:6.1f} pages/s")
    server.stop()


if __name__ == "__main__":
    main()
