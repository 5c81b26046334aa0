"""Plain-text and Markdown articles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..errors import EmptyArticle
from ..models import Article
from . import Item, register
from .dates import normalize_published
from .decode import decode_text
from .paragraphs import join_lines, looks_like_title, parse_source_line, split_paragraphs

if TYPE_CHECKING:
    from ..config import Settings


def article_from_paragraphs(
    paragraphs: list[str], name: str, *, find_title: bool = True, **meta: Any
) -> Article:
    """An Article from paragraph strings; an optional first-line title and a `source·time` line
    are taken as metadata when no explicit value was given."""
    paragraphs = [p.strip() for p in paragraphs if p and p.strip()]
    if (
        find_title
        and meta.get("title") is None
        and len(paragraphs) > 1
        and looks_like_title(paragraphs[0])
    ):
        meta["title"] = paragraphs.pop(0)
        if paragraphs and (parsed := parse_source_line(paragraphs[0])) is not None:
            paragraphs.pop(0)
            source, published = parsed
            if meta.get("source") is None:
                meta["source"] = source
            if meta.get("published") is None:
                meta["published"] = published
    if not any(re.search(r"\w", p) for p in paragraphs):
        raise EmptyArticle(
            "no article text found",
            source=name,
            hint="the input needs at least one paragraph of text",
        )
    return Article.from_texts(paragraphs, **meta)


def _peel_header(text: str) -> tuple[list[str], str]:
    """A title line and a `source·time` line written without a blank line between them (as in
    the seed) are separate paragraphs, not one hard-wrapped block."""
    lines = text.lstrip("\ufeff\n\r ").splitlines()
    if len(lines) >= 2 and looks_like_title(lines[0]) and parse_source_line(lines[1]):
        return [lines[0].strip(), lines[1].strip()], "\n".join(lines[2:])
    return [], text


@register("text")
def extract_text(data: bytes, name: str, settings: Settings | None = None) -> Iterator[Item]:
    head, body = _peel_header(decode_text(data, name))
    yield Item(name, article_from_paragraphs(head + split_paragraphs(body), name))


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_INLINE_TEXT = {"text": "content", "code_inline": "content", "image": "content"}


def _inline_text(token: Any) -> str:
    """The plain text of an inline token: emphasis, links and raw HTML dropped, images by their
    alt text, wrapped lines joined as in plain text."""
    parts = []
    for child in token.children or ():
        if child.type in _INLINE_TEXT:
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return join_lines("".join(parts).split("\n"))


@register("markdown")
def extract_markdown(data: bytes, name: str, settings: Settings | None = None) -> Iterator[Item]:
    """`# heading` is the title; other headings, code, rules and raw HTML are not paragraphs.

    markdown-it-py (CommonMark) parses the text: it runs in linear time on any input, where
    the regexes it replaced backtracked for minutes on runs such as `*a ` x 40,000."""
    from markdown_it import MarkdownIt

    text = decode_text(data, name).replace("\r\n", "\n")
    meta: dict[str, Any] = {}
    if m := _FRONT_MATTER.match(text):
        for line in m[1].splitlines():
            key, _, value = line.partition(":")
            key = key.strip().lower()
            if key in ("title", "source", "published", "url") and value.strip():
                meta[key] = value.strip().strip("\"'")
        text = text[m.end() :]
    paragraphs: list[str] = []
    heading: str | None = None
    for token in MarkdownIt("commonmark").parse(text):
        if token.type == "heading_open":
            heading = token.tag
        elif token.type == "heading_close":
            heading = None
        elif token.type == "inline":
            line = _inline_text(token)
            if heading is None:
                paragraphs.append(line)
            elif heading == "h1" and "title" not in meta and line:
                meta["title"] = line
    if meta.get("published"):
        meta["published"] = normalize_published(meta["published"])
    find_title = "title" not in meta
    yield Item(name, article_from_paragraphs(paragraphs, name, find_title=find_title, **meta))
