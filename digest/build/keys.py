"""Keys and fingerprints: what tells a build that something it made before is still good.

A content key names the Story one file gives (its bytes, path, the config, digest's code); a
page key hashes everything a page is made from; input stamps are the stat stamps of every
input but content/, so that a build can tell that none changed without reading them.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

from digest import cache, templates
from digest.build.records import Place
from digest.fetch.state import STATE_FILE

if TYPE_CHECKING:  # not imported by a build that finds nothing to do
    from digest.model import Index, Page
    from digest.render import Renderer

Stamp = tuple[int, ...]
NO_STAMP: Stamp = ()
RACY_NS = 50_000_000  # a file changed this recently may change again within one clock tick
_READS_SITE = re.compile(r"\bsite\s*\.")


def content_key(data: bytes, shown: str, config_key: str) -> str:
    """A file's bytes, its shown path and the config -> the key of the Story it gives."""
    digest = hashlib.blake2b(data, digest_size=16)
    digest.update(f"\x00{shown}\x00{config_key}\x00{cache.code_version()}".encode())
    return digest.hexdigest()


def site_key(index: Index, templates_part: str) -> str:
    """What every page shows beside its own data: config, templates, section menu, years."""
    navigation = [(item.term.key, item.term.name) for item in index.listings["sections"]]
    years = sorted({e.day.year for e in index.editions})
    return repr((index.config, templates_part, navigation, years))


def page_key(renderer: Renderer, page: Page, site_part: str) -> tuple[str, tuple[str, ...]]:
    """Page -> (its key, the URLs of the stories it shows, each once)."""
    shown: list[str] = []
    key = renderer.fingerprint(page, site_part, shown)
    return key, tuple(dict.fromkeys(shown))


def templates_key(project_templates: Path) -> str:
    """The bytes of every template, the project's and the theme's, as one hash."""
    digest = hashlib.blake2b(digest_size=16)
    for root in (project_templates, templates.theme_dir()):
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    digest.update(f"{path.relative_to(root)}\x00".encode())
                    digest.update(path.read_bytes())
    return digest.hexdigest()


def options_key(place: Place) -> list[object]:
    """The options that decide what the output holds (a cache made with others is not used)."""
    options = place.options
    # The output as seen from the project: a checkout of it elsewhere (a CI runner's) with
    # its cache restored keeps what it can; the output's own generation vouches for it.
    out = os.path.relpath(place.out.absolute(), options.project.absolute())
    return [out, str(options.config_path), options.base_url, options.drafts,
            options.future, options.search]


def pages_can_be_reused(project_templates: Path) -> bool:
    """Whether unchanged pages may keep their bytes: not when the project's own templates read
    `site.` directly, since a page could then show any story (the theme does not)."""
    if not project_templates.is_dir():
        return True
    return not any(_READS_SITE.search(path.read_text(errors="replace"))
                   for path in project_templates.rglob("*") if path.is_file())


def trusted_stamp(stamp: Stamp) -> Stamp:
    """A stat stamp to remember, or NO_STAMP when it is too fresh to vouch for the bytes read
    (the file may be rewritten within the same timestamp), so the next build re-reads it."""
    if not stamp or max(stamp[0], stamp[1]) > time.time_ns() - RACY_NS:
        return NO_STAMP
    return stamp


def input_stamps(project: Path, config_path: Path | None, status_page: bool) -> list[list[object]]:
    """Stamps of every input but content/: the config file, templates, static files and the
    theme, so a build can tell that none changed without reading them."""
    stamps = []
    for root in (project / "templates", project / "static", templates.theme_dir()):
        for folder, subfolders, files in os.walk(root):
            subfolders.sort()
            for name in sorted(files):
                stamps.append(_file_stamp(os.path.join(folder, name)))
    if config_path is not None:
        stamps.append(_file_stamp(str(config_path)))
    if status_page:  # the fetch state, which the sources page shows
        stamps.append(_file_stamp(str(project / STATE_FILE)))
    return stamps


def _file_stamp(path: str) -> list[object]:
    try:
        stat = os.stat(path)
    except OSError:
        return [path]
    trusted = trusted_stamp((stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino))
    # A stamp too fresh to vouch for the bytes must not match the next build's: it looks again.
    return [path, *trusted] if trusted else [path, "racy", time.time_ns()]
