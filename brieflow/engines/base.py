"""The Engine interface: Article + BriefOptions → Brief."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from ..models import Article, Brief


@dataclass(frozen=True)
class BriefOptions:
    language: str | None = None  # None: the engine's default (extractive: the article's)
    max_groups: int = 4
    max_points: int = 4
    extra: dict[str, Any] = field(default_factory=dict)

    def key(self) -> dict[str, Any]:
        """The options that change a brief, for caches and the store."""
        return {
            "language": self.language,
            "max_groups": self.max_groups,
            "max_points": self.max_points,
            **{k: self.extra[k] for k in sorted(self.extra)},
        }


@runtime_checkable
class Engine(Protocol):
    name: str
    version: str

    def brief(self, article: Article, options: BriefOptions) -> Brief: ...
