"""The build's store between runs, in `.digest-cache/` inside the project.

`stories.sqlite` maps a content key (a hash of one file's bytes, its path, the config and
digest's version) to the Story that file gave, pickled, to its Entry and to its search record
(once a build with search made it). Beside it `state.bin` holds what the last build saw and
made (digest.build.memory reads and writes it), and a `lock` file keeps two builds apart.
Anything unreadable (a crash, a digest upgrade, a hand edit) is treated as no cache at all.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import pickle
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from digest import __version__
from digest.collate import Entry
from digest.config import Config
from digest.errors import Diagnostic, Location, OutputError, Severity, error
from digest.model import Index, IndexEdition, IndexListing, Story, Term
from digest.output import exclusive

CACHE_DIR = ".digest-cache"
# content key -> pickled Story; its packed Entry; its packed search record (and
# "shard:" + a hash -> one gzipped shard of the search index)
TABLES = ("story", "entry", "search")

# What marshal stores of an Entry, the Diagnostics and the Index (see pack_entry, pack_index).
PackedTerm = tuple[str, str]  # key, name
PackedEntry = tuple[str, str, float, int, PackedTerm, tuple[PackedTerm, ...], PackedTerm | None,
                    bool, float, str, str]
PackedProblems = tuple[tuple[str, str | None, int | None, str], ...]
PackedListings = tuple[tuple[str, str, tuple[str, ...]], ...]
PackedEdition = tuple[int, PackedListings, int | None, int | None]
PackedIndex = tuple[tuple[str, ...], tuple[str, ...], tuple[PackedEdition, ...],
                    dict[str, PackedListings]]


@functools.cache
def code_version() -> str:
    """digest's version and a hash of its own source: a cache that other code made (another
    commit under the same version number, as a git install gives) is never reused."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=8)
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(f"\x00{path.relative_to(package).as_posix()}\x00".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@contextmanager
def cache_lock(folder: Path) -> Iterator[None]:
    """Hold the project's build lock, or raise OutputError when another build holds it."""
    with exclusive(folder / "lock", "another digest build is running in this project",
                   str(folder)):
        ignore = folder / ".gitignore"
        if not ignore.exists():  # git-ignored whatever the project's own .gitignore says
            ignore.write_text("# written by digest: the build cache, never committed\n*\n")
        yield


class MemoryStore:
    """Content key -> pickled Story and packed Entry, in this process only (the preview's)."""

    def __init__(self) -> None:
        self.stories: dict[str, bytes] = {}
        self.rows: dict[str, PackedEntry | None] = {}
        self.search_rows: dict[str, bytes] = {}

    def usable(self) -> bool:
        return True

    def get(self, key: str) -> Story:
        """Key -> its Story; KeyError when the store lacks it."""
        return pickle.loads(self.stories[key])

    def put(self, items: Iterable[tuple[str, bytes]]) -> None:
        self.stories.update(items)

    def entry(self, key: str) -> PackedEntry | None:
        """Key -> its packed Entry (None: the file gave none); KeyError when unknown."""
        return self.rows[key]

    def entries(self) -> dict[str, PackedEntry | None]:
        return dict(self.rows)

    def put_entries(self, items: Iterable[tuple[str, PackedEntry | None]]) -> None:
        self.rows.update(items)

    def search_records(self, keys: list[str]) -> dict[str, bytes]:
        """Keys -> the packed search records the store has of them."""
        return {key: self.search_rows[key] for key in keys if key in self.search_rows}

    def put_search_records(self, items: Iterable[tuple[str, bytes]]) -> None:
        self.search_rows.update(items)

    def drop(self) -> None:
        self.stories, self.rows, self.search_rows = {}, {}, {}

    def keep_only(self, keys: set[str]) -> None:
        self.stories = {k: v for k, v in self.stories.items() if k in keys}
        self.rows = {k: v for k, v in self.rows.items() if k in keys}
        self.search_rows = {k: v for k, v in self.search_rows.items() if k in keys}

    def close(self) -> None:
        pass


class StoryStore(MemoryStore):
    """The same, in SQLite: a build reads the rows it needs and writes only new ones."""

    def __init__(self, path: Path):
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():  # a forked worker opens its own
            self._pid = os.getpid()
            # DEFERRED: sqlite3 opens a transaction before each batch of writes, which `with
            # self.db` commits (None would commit every row on its own: twice the cost)
            self._db = sqlite3.connect(self.path, isolation_level="DEFERRED")
            self._db.execute("pragma journal_mode=wal")
            # No fsync: a crash of the machine may lose or damage the cache, which usable()
            # then finds and drops; the build reads everything again. A process crash cannot.
            self._db.execute("pragma synchronous=off")
            for table in TABLES:
                self._db.execute(f"create table if not exists {table} (key text primary key, "
                                 "data blob not null)")
        return self._db

    def usable(self) -> bool:
        """Whether the store opens as a database; a damaged one is removed (so it is empty)."""
        existed = self.path.exists()
        try:
            self.db.execute("select count(*) from story").fetchone()
        except sqlite3.DatabaseError:
            self.drop()
            return False
        return existed

    def drop(self) -> None:
        """Remove the store's files: it is empty from here on."""
        self.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def get(self, key: str) -> Story:
        row = self.db.execute("select data from story where key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return pickle.loads(row[0])

    def put(self, items: Iterable[tuple[str, bytes]]) -> None:
        self._insert("story", list(items))

    def entry(self, key: str) -> PackedEntry | None:
        row = self.db.execute("select data from entry where key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return marshal.loads(row[0])

    def entries(self) -> dict[str, PackedEntry | None]:
        return {key: marshal.loads(data)
                for key, data in self.db.execute("select key, data from entry")}

    def put_entries(self, items: Iterable[tuple[str, PackedEntry | None]]) -> None:
        self._insert("entry", [(key, marshal.dumps(row)) for key, row in items])

    def search_records(self, keys: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):  # SQLite takes at most 999 parameters
            batch = keys[start:start + 500]
            found.update(self.db.execute("select key, data from search where key in "
                                         f"({','.join('?' * len(batch))})", batch))
        return found

    def put_search_records(self, items: Iterable[tuple[str, bytes]]) -> None:
        self._insert("search", list(items))

    def keep_only(self, keys: set[str]) -> None:
        """Drop rows no content file gives any more (once they are a third of the store)."""
        for table in TABLES:
            stored = self.db.execute(f"select count(*) from {table}").fetchone()[0]
            if stored > len(keys) * 1.5 + 100:
                present = [row[0] for row in self.db.execute(f"select key from {table}")]
                with self._failing_clearly(), self.db:
                    self.db.executemany(f"delete from {table} where key = ?",
                                        [(key,) for key in present if key not in keys])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _insert(self, table: str, rows: list[tuple[str, bytes]]) -> None:
        if rows:
            with self._failing_clearly(), self.db:
                self.db.executemany(f"insert or replace into {table} values (?, ?)", rows)

    @contextmanager
    def _failing_clearly(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:  # a full or read-only disk, mostly
            raise OutputError([error(f"cannot write the build cache: {exc}",
                                     str(self.path))]) from None


def pack_entry(entry: Entry) -> PackedEntry:
    """Entry -> plain values marshal can store."""
    return (entry.url, entry.path, entry.timestamp, entry.day.toordinal(),
            _pack_term(entry.section), tuple(_pack_term(t) for t in entry.tags),
            _pack_term(entry.outlet) if entry.outlet else None, entry.draft, entry.written,
            entry.lastmod, entry.fingerprint)


def unpack_entry(row: PackedEntry, terms: dict[tuple[str, str], Term]) -> Entry:
    """pack_entry's values -> the Entry (terms shared through `terms`)."""
    url, path, timestamp, day, section, tags, outlet, draft, written, lastmod, fp = row
    return Entry(url, path, timestamp, date.fromordinal(day), _term(section, terms),
                 tuple(_term(t, terms) for t in tags),
                 _term(outlet, terms) if outlet else None, draft, written, lastmod, fp)


def pack_problems(problems: Iterable[Diagnostic]) -> PackedProblems:
    """Diagnostics -> plain values marshal can store."""
    return tuple((d.message, d.location.path if d.location else None,
                  d.location.line if d.location else None, str(d.severity)) for d in problems)


def unpack_problems(rows: PackedProblems) -> tuple[Diagnostic, ...]:
    """pack_problems' values -> the Diagnostics."""
    return tuple(Diagnostic(message=message,
                            location=Location(path=path, line=line) if path else None,
                            severity=Severity(severity))
                 for message, path, line, severity in rows)


def _pack_term(term: Term) -> PackedTerm:
    return (term.key, term.name)


def _term(packed: PackedTerm, terms: dict[PackedTerm, Term]) -> Term:
    found = terms.get(packed)
    if found is None:
        found = terms[packed] = Term(key=packed[0], name=packed[1])
    return found


class CachedEntries(Mapping[str, Entry]):
    """URL -> Entry over a store's packed entries, unpacking only the ones asked for."""

    def __init__(self, key_of_url: dict[str, str], store: MemoryStore, fresh: dict[str, Entry]):
        self._key_of_url, self._store, self._fresh = key_of_url, store, fresh
        self._terms: dict[tuple[str, str], Term] = {}
        self._done: dict[str, Entry] = {}

    def __getitem__(self, url: str) -> Entry:
        found = self._done.get(url)
        if found is None:
            key = self._key_of_url[url]
            found = self._fresh.get(key)
            if found is None:
                row = self._store.entry(key)
                if row is None:  # the file gave no Entry: the Index lists no URL of it
                    raise KeyError(url)
                found = unpack_entry(row, self._terms)
            self._done[url] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._key_of_url)

    def __len__(self) -> int:
        return len(self._key_of_url)


def pack_index(index: Index, key_of_path: dict[str, str]) -> PackedIndex:
    """Index -> plain values marshal can store (entries by content key)."""
    entries = index.entries
    return (
        index.urls, tuple(key_of_path[entries[url].path] for url in index.urls),
        tuple((e.day.toordinal(), _pack_listings(e.groups),
               e.previous.toordinal() if e.previous else None,
               e.next.toordinal() if e.next else None) for e in index.editions),
        {kind: _pack_listings(items) for kind, items in index.listings.items()},
    )


def unpack_index(packed: PackedIndex, config: Config, store: MemoryStore,
                 fresh: dict[str, Entry]) -> Index:
    """pack_index's values -> the Index, its entries unpacked on demand (`fresh` first)."""
    urls, keys, editions, listings = packed
    terms: dict[tuple[str, str], Term] = {}
    return Index(
        config=config,
        entries=CachedEntries(dict(zip(urls, keys, strict=True)), store, fresh),
        urls=urls,
        editions=tuple(IndexEdition(date.fromordinal(day), _unpack_listings(groups, terms),
                                    date.fromordinal(previous) if previous else None,
                                    date.fromordinal(following) if following else None)
                       for day, groups, previous, following in editions),
        listings={kind: _unpack_listings(items, terms) for kind, items in listings.items()},
    )


def _pack_listings(items: Iterable[IndexListing]) -> PackedListings:
    return tuple((item.term.key, item.term.name, item.urls) for item in items)


def _unpack_listings(packed: PackedListings,
                     terms: dict[PackedTerm, Term]) -> tuple[IndexListing, ...]:
    return tuple(IndexListing(_term((key, name), terms), urls) for key, name, urls in packed)
