"""digest: turn scraped news articles into a browsable static digest site."""

__version__ = "0.1.0"
