"""Extractors: raw input bytes → Articles with numbered paragraphs.

`detect_format` picks an extractor from the name and the first bytes; `extract` runs it. An
extractor yields `Item`s so that one bad record (a JSON Lines line, a feed entry) is reported and
skipped while the rest go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from .. import safejson
from ..errors import BrieflowError, UnsupportedFormat
from ..models import Article

if TYPE_CHECKING:
    from ..config import Settings


@dataclass(frozen=True)
class Item:
    """One input record: an Article, or the error that kept it from being one. `warning` is one
    line saying how an Article was read when it was not read the usual way (a feed item briefed
    from its own text because its link failed); the edges print it and go on."""

    origin: str  # "article.txt", "feed.xml#3", "data.jsonl:12"
    article: Article | None = None
    error: BrieflowError | None = None
    warning: str | None = None


# (data, name, settings) → Items; settings reach extractors that fetch more (a feed's links).
Extractor = Callable[..., Iterator[Item]]

EXTRACTORS: dict[str, Extractor] = {}

EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
}


def register(name: str) -> Callable[[Extractor], Extractor]:
    def deco(fn: Extractor) -> Extractor:
        EXTRACTORS[name] = fn
        return fn

    return deco


# The built-in extractors' names, known without importing them (their modules load lxml,
# trafilatura and feedparser): `--input-format` choices and `brieflow --help` need only names.
BUILTIN_FORMATS = ("feed", "html", "json", "jsonl", "markdown", "text")


def formats() -> list[str]:
    return sorted({*BUILTIN_FORMATS, *EXTRACTORS})


def detect_format(data: bytes, name: str = "") -> str:
    """The input format from the file extension, else from the content's first bytes."""
    ext = PurePath(name.split("?", 1)[0]).suffix.lower() if name else ""
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    # A fetched body knows its media type (brieflow.fetch.FetchedBytes).
    content_type = getattr(data, "content_type", None) or ""
    if content_type in ("text/html", "application/xhtml+xml"):
        return "html"
    if content_type.endswith(("rss+xml", "atom+xml", "rdf+xml")):
        return "feed"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{") or head.startswith(b"["):
        lines = [ln for ln in data.splitlines() if ln.strip()]
        # JSON Lines when any of the first lines is a JSON value on its own (not only the first:
        # a broken first record must cost only itself, not every record after it).
        if (
            len(lines) > 1
            and all(ln.lstrip().startswith(b"{") for ln in lines[:5])
            and any(_parses(ln) for ln in lines[:5])
        ):
            return "jsonl"
        return "json"
    if head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed"):
        if b"<rss" in head or b"<feed" in head or b"<rdf" in head:
            return "feed"
        return "html"
    if b"<!doctype html" in head or b"<html" in head or b"<body" in head:
        return "html"
    if head.startswith(b"# "):
        return "markdown"
    return "text"


def _parses(line: bytes) -> bool:
    try:
        safejson.loads(line)
    except ValueError:
        return False
    return True


def extract(
    data: bytes, name: str, fmt: str | None = None, *, settings: Settings | None = None
) -> Iterator[Item]:
    """Every Item in `data` (named `name` in messages), using `fmt` or the detected format.
    `settings` reach extractors that fetch (a feed's link-only items)."""
    _load_builtin()
    fmt = fmt or detect_format(data, name)
    try:
        extractor = EXTRACTORS[fmt]
    except KeyError:
        raise UnsupportedFormat(
            f"unsupported format {fmt!r}",
            source=name,
            hint=f"use one of: {', '.join(sorted(EXTRACTORS))}",
        ) from None
    yield from extractor(data, name, settings)


def _load_builtin() -> None:
    # Imported here so that each extractor's dependencies load only when needed.
    from . import feed, html, jsonl, text  # noqa: F401
