"""The Store: SQLite persistence of articles, paragraphs, briefs and runs (all SQL lives here)."""

from __future__ import annotations

from .records import Added, Failure, Run, SearchHit, StoredArticle, StoredBrief
from .store import Store, options_key

__all__ = [
    "Added",
    "Failure",
    "Run",
    "SearchHit",
    "Store",
    "StoredArticle",
    "StoredBrief",
    "options_key",
]
