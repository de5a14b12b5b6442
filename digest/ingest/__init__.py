"""The ingest pipeline: source files -> front-mattered Markdown articles in content/."""
