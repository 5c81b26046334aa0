"""What the Store hands back: plain frozen records of stored rows (no SQL here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..models import Article, Brief, Paragraph


@dataclass(frozen=True)
class StoredArticle:
    """An article as stored; `article.id` is the external id when there is one."""

    id: str  # content hash
    external_id: str | None
    article: Article
    origin: str | None
    paragraph_count: int
    added_at: str
    duplicate_of: str | None
    similarity: float | None

    @property
    def display_id(self) -> str:
        return self.external_id or self.id


@dataclass(frozen=True)
class Added:
    """What `Store.add_article` did: `new` is False when the text was already stored."""

    id: str
    new: bool
    duplicate_of: str | None = None
    similarity: float | None = None


@dataclass(frozen=True)
class StoredBrief:
    number: int
    brief: Brief  # article_id is the article's display id
    article: StoredArticle
    options: dict[str, Any]
    run: int | None
    created_at: str


@dataclass(frozen=True)
class SearchHit:
    article: StoredArticle
    paragraphs: tuple[Paragraph, ...]  # the paragraphs holding a query term


@dataclass(frozen=True)
class Run:
    id: int
    started_at: str
    finished_at: str | None
    status: str
    engine: str
    engine_version: str
    options: dict[str, Any]
    sources: list[str]
    counts: dict[str, int]


@dataclass(frozen=True)
class Failure:
    run: int | None
    origin: str
    article: str | None
    kind: str
    message: str
    created_at: str
