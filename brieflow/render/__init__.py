"""Renderer registry: a Brief (and its Article) → text in one format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ConfigError
from ..models import Article, Brief

Pairs = list[tuple[Brief, Article]]


@dataclass(frozen=True)
class Renderer:
    name: str
    render: Callable[[Brief, Article], str]  # one brief, no trailing newline
    render_many: Callable[[Pairs], str]  # a whole output (one or more briefs), newline-terminated
    suffix: str


def _joined(render: Callable[[Brief, Article], str], sep: str) -> Callable[[Pairs], str]:
    return lambda pairs: sep.join(render(b, a) for b, a in pairs) + "\n"


FORMATS = ("text", "markdown", "json", "jsonl", "html")


def get_renderer(name: str) -> Renderer:
    from . import html, json, markdown, text

    if name == "text":
        return Renderer("text", text.render, _joined(text.render, "\n\n"), ".txt")
    if name == "markdown":
        return Renderer("markdown", markdown.render, _joined(markdown.render, "\n\n---\n\n"), ".md")
    if name == "json":
        return Renderer("json", json.render, json.render_many, ".json")
    if name == "jsonl":
        return Renderer("jsonl", json.render_line, _joined(json.render_line, "\n"), ".jsonl")
    if name == "html":
        return Renderer("html", html.render, html.render_many, ".html")
    raise ConfigError(f"unknown format {name!r}", hint=f"choose one of: {', '.join(FORMATS)}")
