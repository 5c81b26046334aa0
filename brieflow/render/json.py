"""JSON (DESIGN.md §4, schema `brieflow.brief/1`) and JSON Lines."""

from __future__ import annotations

import json

from ..models import Article, Brief


def render(brief: Brief, article: Article) -> str:
    return json.dumps(brief.to_dict(article), ensure_ascii=False, indent=2)


def render_line(brief: Brief, article: Article) -> str:
    return json.dumps(brief.to_dict(article), ensure_ascii=False, separators=(",", ":"))


def render_many(pairs: list[tuple[Brief, Article]]) -> str:
    """One brief is an object; several are an array."""
    if len(pairs) == 1:
        return render(*pairs[0]) + "\n"
    value = [brief.to_dict(article) for brief, article in pairs]
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"
