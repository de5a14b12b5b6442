"""Two captures of one story -> which one content/ keeps: a newer version when there is
evidence of one (a version mark, a later update time), else the richer capture."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from digest.model import Article

_VERSION = re.compile(r"[\[(]\s*(?:종합\s*(\d*)\s*보?|(\d+)\s*보)\s*[\])]")  # (종합2보), [2보]
_FIELDS = ("subtitle", "section", "authors", "dateline", "outlet", "email", "updated", "tags",
           "image", "summary", "related")


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """Whether the new capture replaces the stored one, and why in a few words."""

    new_wins: bool
    newer: bool  # decided by version evidence (else by richness)
    why: str


def compare(new: Article, old: Article) -> Verdict:
    """The new capture against the stored one of the same story."""
    version = _version_number(new.title) - _version_number(old.title)
    if version:
        return Verdict(new_wins=version > 0, newer=True, why="later version mark" if
                       version > 0 else f"{_mark(old.title)} is a later version")
    later = _later(new, old)
    if later is not None:
        return Verdict(new_wins=later, newer=True, why="updated later" if later else
                       "the stored article was updated later")
    new_rank, old_rank = richness(new), richness(old)
    if new_rank != old_rank:
        winner, loser = sorted((new_rank, old_rank), reverse=True)
        return Verdict(new_wins=new_rank > old_rank, newer=False, why=_richer_why(winner, loser))
    return Verdict(new_wins=False, newer=False, why="the first of equally rich captures")


def _later(new: Article, old: Article) -> bool | None:
    """Whether new is later by its times; None when the times tell nothing. Update times are
    compared only when both captures have one: one capture missing an update line is no
    evidence of a version (page text and HTML of one page often differ there), nor are seconds
    one capture shows and the other does not."""
    first, second = (new.updated, old.updated) if new.updated and old.updated \
        else (new.date, old.date)
    first, second = _minutes(first), _minutes(second)  # page text shows minutes
    try:
        if first != second:
            return first > second
    except TypeError:  # one naive, one aware
        pass
    return None


def _minutes(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


class Richness(NamedTuple):
    """How much a capture holds, compared in this order."""

    source_url: bool
    structured: bool  # saved HTML (or another structured kind), not page text
    filled: int  # fields with a value


def richness(article: Article) -> Richness:
    """How much a capture holds: a source URL, saved HTML (or another structured kind) over
    page text, then more filled fields."""
    structured = article.provenance.get("kind") not in ("text", None)
    filled = sum(bool(getattr(article, name)) for name in _FIELDS)
    return Richness(bool(article.source_url), structured, filled)


def _richer_why(winner: Richness, loser: Richness) -> str:
    if winner.source_url != loser.source_url:
        return "has the source URL"
    if winner.structured != loser.structured:
        return "saved HTML over page text"
    return f"{winner.filled} fields over {loser.filled}"


def _version_number(title: str) -> int:
    match = _VERSION.search(title)
    if not match:
        return 0
    return int(match.group(1) or match.group(2) or 1) + 1


def _mark(title: str) -> str:
    match = _VERSION.search(title)
    return match.group(0) if match else "the stored article"
