"""The Digest: the brief of a story, each citation naming a source and a paragraph (`[B2]`).

Value types only (no I/O); the JSON wire form is `brieflow.digest/1`:

    {"schema": "brieflow.digest/1", "story": {id, title, first_published, last_published,
     languages}, "sources": [{"label": "A", "article": {id, title, source, published, url,
     language}}], "language": "en", "core_viewpoint": {"text", "citations": [{"source": "A",
     "paragraph": 3}]}, "groups": [{"title", "points": [{"text", "citations": [...]}]}],
     "engine": {"name", "version"}, "checks": {...}}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models import Article, CheckReport

SCHEMA = "brieflow.digest/1"


@dataclass(frozen=True, order=True)
class Cite:
    source: str  # "A", "B", …
    paragraph: int

    def mark(self) -> str:
        return f"[{self.source}{self.paragraph}]"

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "paragraph": self.paragraph}


@dataclass(frozen=True)
class Statement:
    text: str
    citations: tuple[Cite, ...]
    kind: str = "point"  # "point" | "disagreement" (built from figures, not quoted)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "citations": [c.to_dict() for c in self.citations]}


@dataclass(frozen=True)
class Group:
    title: str
    points: tuple[Statement, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "points": [p.to_dict() for p in self.points]}


@dataclass(frozen=True)
class Source:
    label: str
    article: Article  # with its paragraphs
    quoted: bool = True  # False: in another language than the digest (listed, not quoted)

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "article": self.article.meta_dict()}


@dataclass(frozen=True)
class Digest:
    story: dict[str, Any]  # id, title, first_published, last_published, languages
    sources: tuple[Source, ...]
    language: str
    viewpoint: Statement
    groups: tuple[Group, ...]
    engine: str
    engine_version: str
    checks: CheckReport = field(default_factory=CheckReport)

    def statements(self) -> list[tuple[str, Statement]]:
        """Every statement in reading order, labelled as the checks name them."""
        out = [("viewpoint", self.viewpoint)]
        for g, group in enumerate(self.groups, start=1):
            for p, point in enumerate(group.points, start=1):
                out.append((f"group {g} point {p}", point))
        return out

    def source(self, label: str) -> Source:
        for s in self.sources:
            if s.label == label:
                return s
        raise KeyError(label)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "story": self.story,
            "sources": [s.to_dict() for s in self.sources],
            "language": self.language,
            "core_viewpoint": self.viewpoint.to_dict(),
            "groups": [g.to_dict() for g in self.groups],
            "engine": {"name": self.engine, "version": self.engine_version},
            "checks": self.checks.to_dict(),
        }


def labels_for(n: int) -> list[str]:
    """A…Z, then AA, AB, … for a story of more than 26 sources."""
    out = []
    for i in range(n):
        label = ""
        k = i
        while True:
            label = chr(ord("A") + k % 26) + label
            k = k // 26 - 1
            if k < 0:
                break
        out.append(label)
    return out
