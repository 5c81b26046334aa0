"""Value types of brieflow: frozen dataclasses with no I/O, plus their JSON wire form."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

SCHEMA = "brieflow.brief/1"
ARTICLE_SCHEMA = "brieflow.article/1"


@dataclass(frozen=True)
class Paragraph:
    """A block of article text; `number` is 1-based and never changes once assigned."""

    number: int
    text: str


def content_id(paragraphs: tuple[Paragraph, ...] | list[str]) -> str:
    """A stable id from the article's text: the same text is the same id."""
    texts = [p.text if isinstance(p, Paragraph) else p for p in paragraphs]
    normalized = "\n".join(" ".join(t.split()) for t in texts)
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Article:
    paragraphs: tuple[Paragraph, ...]
    title: str | None = None
    source: str | None = None
    url: str | None = None
    # "YYYY-MM-DD HH:MM" (the wall time as published), "YYYY-MM-DD HH:MM+08:00" when the page
    # gives the UTC offset too (ISO 8601), or "YYYY-MM-DD"; the first 16 characters are always
    # the wall time, so text comparison and the layouts' `HH:MM` stay as they were.
    published: str | None = None
    language: str | None = None  # "zh" | "en"
    id: str | None = None
    author: str | None = None  # the byline's name(s) where the page gives one

    @classmethod
    def from_texts(cls, texts: list[str], **meta: Any) -> Article:
        paragraphs = tuple(Paragraph(i, t) for i, t in enumerate(texts, start=1))
        article = cls(paragraphs=paragraphs, **meta)
        if article.id is None:
            article = replace(article, id=content_id(paragraphs))
        return article

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs)

    def paragraph(self, number: int) -> Paragraph:
        return self._by_number[number]

    # Computed once per article (checks ask for them for every statement); cached_property
    # writes to the instance's __dict__, which a frozen dataclass allows.
    @cached_property
    def _by_number(self) -> dict[int, Paragraph]:
        return {p.number: p for p in self.paragraphs}

    @cached_property
    def numbers(self) -> frozenset[int]:
        return frozenset(self._by_number)

    def meta_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "url": self.url,
            "language": self.language,
        }

    def to_dict(self) -> dict[str, Any]:
        # `author` is written only when known, so articles without one read as before.
        return {
            "schema": ARTICLE_SCHEMA,
            **self.meta_dict(),
            **({"author": self.author} if self.author else {}),
            "paragraphs": [{"number": p.number, "text": p.text} for p in self.paragraphs],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        paragraphs = tuple(
            Paragraph(int(p["number"]), str(p["text"])) for p in data.get("paragraphs", [])
        )
        return cls(
            paragraphs=paragraphs,
            title=data.get("title"),
            source=data.get("source"),
            url=data.get("url"),
            published=data.get("published"),
            language=data.get("language"),
            id=data.get("id"),
            author=data.get("author"),
        )


@dataclass(frozen=True)
class KeyPoint:
    text: str
    citations: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "citations": list(self.citations)}


@dataclass(frozen=True)
class Viewpoint:
    text: str
    citations: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "citations": list(self.citations)}


@dataclass(frozen=True)
class Theme:
    title: str
    points: tuple[KeyPoint, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "points": [p.to_dict() for p in self.points]}


@dataclass(frozen=True)
class Finding:
    """One problem a check found. `where` is "viewpoint" or "group 2 point 1"."""

    check: str  # "range" | "support" | "numbers" | "language" | "shape"
    where: str
    message: str
    severity: str = "error"  # "error" | "warning"

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "where": self.where,
            "message": self.message,
            "severity": self.severity,
        }


@dataclass(frozen=True)
class CheckReport:
    """What the checks found and what was done about it (e.g. a point dropped)."""

    checks: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    actions: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "run": list(self.checks),
            "findings": [f.to_dict() for f in self.findings],
            "actions": list(self.actions),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckReport:
        return cls(
            checks=tuple(data.get("run", ())),
            findings=tuple(
                Finding(f["check"], f["where"], f["message"], f.get("severity", "error"))
                for f in data.get("findings", ())
            ),
            actions=tuple(data.get("actions", ())),
        )


@dataclass(frozen=True)
class Usage:
    """What a brief cost an engine that calls a model; answers from the cache cost nothing."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0  # requests sent to the model
    cached: int = 0  # answers taken from the cache instead

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.requests + other.requests,
            self.cached + other.cached,
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "requests": self.requests,
            "cached": self.cached,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Usage:
        return cls(**{k: int(data.get(k, 0)) for k in cls().to_dict()})


@dataclass(frozen=True)
class Brief:
    viewpoint: Viewpoint
    themes: tuple[Theme, ...]
    language: str
    engine: str
    engine_version: str
    article_id: str | None = None
    checks: CheckReport = field(default_factory=CheckReport)
    usage: Usage | None = None  # set by engines that call a model

    def statements(self) -> list[tuple[str, Viewpoint | KeyPoint]]:
        """Every cited statement in reading order, labelled as the checks name them."""
        out: list[tuple[str, Viewpoint | KeyPoint]] = [("viewpoint", self.viewpoint)]
        for g, theme in enumerate(self.themes, start=1):
            for p, point in enumerate(theme.points, start=1):
                out.append((f"group {g} point {p}", point))
        return out

    def sentences(self) -> list[str]:
        """The brief's statements in reading order (viewpoint, then points) as plain text."""
        return [s.text for _, s in self.statements() if s.text]

    def to_dict(self, article: Article | None = None) -> dict[str, Any]:
        meta = article.meta_dict() if article is not None else {"id": self.article_id}
        return {
            "schema": SCHEMA,
            "id": self.article_id,
            "article": meta,
            "language": self.language,
            "core_viewpoint": self.viewpoint.to_dict(),
            "groups": [t.to_dict() for t in self.themes],
            "engine": {"name": self.engine, "version": self.engine_version},
            "checks": self.checks.to_dict(),
            **({"usage": self.usage.to_dict()} if self.usage is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Brief:
        vp = data["core_viewpoint"]
        return cls(
            viewpoint=Viewpoint(vp["text"], tuple(vp["citations"])),
            themes=tuple(
                Theme(
                    g["title"],
                    tuple(KeyPoint(p["text"], tuple(p["citations"])) for p in g["points"]),
                )
                for g in data.get("groups", [])
            ),
            language=data["language"],
            engine=data["engine"]["name"],
            engine_version=data["engine"]["version"],
            article_id=data.get("id"),
            checks=CheckReport.from_dict(data.get("checks") or {}),
            usage=Usage.from_dict(data["usage"]) if data.get("usage") else None,
        )
