"""Static full-text search made for Korean: an index of our own, written here, read by
templates/static/search.js (terms.py: what is indexed; shards.py: how; index.py: the files)."""

from digest.search.index import INDEX_FOLDER, IndexState, Update, index_paths, update
from digest.search.terms import make_record

__all__ = ["INDEX_FOLDER", "IndexState", "Update", "index_paths", "make_record", "update"]
