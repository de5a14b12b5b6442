"""OPML as feed readers export it -> the feeds in it, read without entities or the network."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from digest.errors import DigestError, error
from digest.text import nfc

MAX_BYTES = 10_000_000  # a reader's export of thousands of feeds is a few MB


@dataclass(frozen=True, slots=True, kw_only=True)
class OpmlFeed:
    url: str  # xmlUrl, as written
    name: str | None  # title, else text; None when it has neither
    line: int | None  # of its <outline>


def read_opml(path: Path) -> tuple[OpmlFeed, ...]:
    """An OPML file -> its feeds (outlines with an xmlUrl, at any depth of categories), in
    order; DigestError with one line naming the file (and line) when it is not OPML."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DigestError([error(f"cannot read OPML: {exc.strerror or exc}", str(path))]) \
            from None
    if len(data) > MAX_BYTES:
        raise _bad(path, f"over {MAX_BYTES // 1_000_000} MB, too large for an OPML file")
    root = _parse(path, data)
    body = next((child for child in root if _name(child) == "body"), None)
    if body is None:
        raise _bad(path, "no <body> in it (OPML keeps its feeds there)", root.sourceline)
    feeds = tuple(_feed(outline) for outline in body.iter("{*}outline")
                  if _attribute(outline, "xmlurl") is not None)
    if not feeds:
        raise _bad(path, "no feed in it (no <outline> with an xmlUrl)", body.sourceline)
    return feeds


def _parse(path: Path, data: bytes) -> etree._Element:
    # No entity is expanded, no DTD loaded, nothing fetched; libxml2's own limits stay on.
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    entities = "it declares XML entities (<!ENTITY …>), which OPML never needs; refused"
    if b"<!ENTITY" in data:  # refused before libxml2 expands anything
        raise _bad(path, entities, data.count(b"\n", 0, data.index(b"<!ENTITY")) + 1)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        said = re.sub(r"(, line \d+, column \d+)?( \(.*\))?$", "", exc.msg)  # the line goes first
        raise _bad(path, f"not well-formed XML: {said}", exc.lineno) from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):  # in UTF-16, say
        raise _bad(path, entities, 1)
    if _name(root) != "opml":
        raise _bad(path, f"the root element is <{_name(root)}>, not <opml>", root.sourceline)
    return root


def _feed(outline: etree._Element) -> OpmlFeed:
    name = _attribute(outline, "title") or _attribute(outline, "text")
    return OpmlFeed(url=(_attribute(outline, "xmlurl") or "").strip(),
                    name=_clean(name) or None, line=outline.sourceline)


def _attribute(element: etree._Element, wanted: str) -> str | None:
    """An attribute by name in any case (exporters write xmlUrl, xmlurl, XMLURL)."""
    return next((value for key, value in element.attrib.items() if key.lower() == wanted), None)


def _clean(text: str | None) -> str:
    """Text from an attribute -> NFC, single-spaced, without control characters."""
    text = " ".join(nfc(text or "").split())
    return "".join(c for c in text if unicodedata.category(c) != "Cc")


def _name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _bad(path: Path, message: str, line: int | None = None) -> DigestError:
    return DigestError([error(f"not an OPML file of feeds: {message}", str(path), line)])
