"""Renderer registry: a Brief (and its Article) → text in one format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ConfigError
from ..models import Article, Brief


@dataclass(frozen=True)
class Renderer:
    name: str
    render: Callable[[Brief, Article], str]
    join: Callable[[list[str]], str]  # several rendered briefs → one output
    suffix: str


def _renderers() -> dict[str, Renderer]:
    from . import html, json, markdown, text

    return {
        "text": Renderer("text", text.render, lambda parts: "\n\n".join(parts) + "\n", ".txt"),
        "markdown": Renderer(
            "markdown", markdown.render, lambda parts: "\n\n---\n\n".join(parts) + "\n", ".md"
        ),
        "json": Renderer("json", json.render, json.join, ".json"),
        "jsonl": Renderer("jsonl", json.render_line, lambda parts: "".join(p + "\n" for p in parts), ".jsonl"),
        "html": Renderer("html", html.render, html.join, ".html"),
    }


FORMATS = ("text", "markdown", "json", "jsonl", "html")


def get_renderer(name: str) -> Renderer:
    renderers = _renderers()
    if name not in renderers:
        raise ConfigError(f"unknown format {name!r}", hint=f"choose one of: {', '.join(FORMATS)}")
    return renderers[name]
