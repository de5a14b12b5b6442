"""digest fetch: feeds, sitemaps and pages from the web, politely, into the ingest pipeline."""
