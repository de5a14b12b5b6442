"""digest fetch: sources in digest.yaml, polite HTTP, the fetch state and the fetch run."""
