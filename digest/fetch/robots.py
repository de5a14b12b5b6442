"""robots.txt after RFC 9309: where it lives, what an answer to it means, whom it addresses."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from digest.fetch.reasons import status_reason

MAX_BYTES = 512 * 1024  # RFC 9309 2.5: parse at least 500 KiB; what follows is ignored
MAX_REDIRECTS = 5  # RFC 9309 2.3.1.2: follow at least five; past them it is unavailable
LONGEST_CRAWL_DELAY = 30.0  # seconds; a longer Crawl-delay would stall a run for hours


@dataclass(frozen=True, slots=True, kw_only=True)
class Rules:
    """What one host's robots.txt allows: a parsed file, everything, or nothing."""

    parser: Protego | None = None  # None with no problem: no rules, everything allowed
    problem: str | None = None  # robots.txt could not be read: nothing allowed

    def allows(self, url: str, agent: str) -> bool:
        """A URL on this host and a product token -> whether the rules let it be fetched."""
        if self.problem is not None:
            return False
        return self.parser is None or self.parser.can_fetch(url, agent)

    def crawl_delay(self, agent: str) -> float:
        """The seconds the host asks between two requests (Crawl-delay, not in RFC 9309 but
        honoured by polite crawlers), at most LONGEST_CRAWL_DELAY; 0 when it asks nothing."""
        delay = self.parser.crawl_delay(agent) if self.parser is not None else None
        return min(float(delay), LONGEST_CRAWL_DELAY) if delay and delay > 0 else 0.0


ALLOW_ALL = Rules()


def robots_url(url: str) -> str:
    """A page URL -> the URL of its host's robots.txt (scheme, host and port kept)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def product_token(user_agent: str) -> str:
    """A User-Agent header -> the product token that robots.txt groups name ("digest")."""
    token = user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else ""
    return token or "*"


def from_answer(status: int, body: bytes) -> Rules:
    """The final status of a robots.txt fetch and its body -> the rules (RFC 9309 2.3.1)."""
    if 200 <= status < 300:
        return Rules(parser=Protego.parse(body[:MAX_BYTES].decode("utf-8", errors="replace")))
    if status == 429 or status >= 500:  # 429 as a server error, as the big crawlers do
        return unreadable(status_reason(status))
    return ALLOW_ALL  # 4xx (and anything else final): no rules were published


def unreadable(reason: str) -> Rules:
    """Why robots.txt could not be read -> rules that allow nothing, saying so."""
    return Rules(problem=f"robots.txt could not be read ({reason}); not fetched")
