"""What a reader pulls out of one source, before it becomes an Article."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from digest.model import Related


@dataclass(frozen=True, slots=True, kw_only=True)
class Extracted:
    """Fields found in one source; `rules` names the rule behind each field (for provenance)."""

    title: str | None
    body: str
    published: datetime | None = None
    updated: datetime | None = None
    subtitle: str | None = None
    section: str | None = None
    authors: tuple[str, ...] = ()
    dateline: str | None = None
    outlet: str | None = None
    email: str | None = None
    source_url: str | None = None
    lang: str | None = None
    tags: tuple[str, ...] = ()
    image: str | None = None
    summary: str | None = None
    related: tuple[Related, ...] = ()
    rules: dict[str, str] = field(default_factory=dict)
