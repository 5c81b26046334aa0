"""The Engine interface: Article + BriefOptions → Brief."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from ..errors import InputError
from ..models import Article, Brief


@dataclass(frozen=True)
class BriefOptions:
    language: str | None = None  # None: the engine's default (extractive: the article's)
    max_groups: int = 4
    max_points: int = 4
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Checked here, once, so no engine meets max_groups=0 (or "2") halfway through.
        for name in ("max_groups", "max_points"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
                raise InputError(
                    f"{name} must be a whole number from 1 to 4, got {value!r}",
                    hint="a brief has 1-4 groups of 1-4 key points",
                )

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
