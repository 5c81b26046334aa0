"""Articles that script-rendered pages carry as data, and the placeholders they show instead.

Why: Next.js, Nuxt and React portals send an empty shell ("加载中…", "Please enable JavaScript")
and put the article in embedded JSON — `<script id="__NEXT_DATA__">`, `window.__INITIAL_STATE__ =
{…}`, `window.DATA = {…}` — or in JSON-LD `articleBody`. This module finds the article object in
that data (the object with the heaviest body text, beside a title or a time) without ever running
script. Parsing is bounded: scripts over `MAX_SCRIPT_CHARS` are skipped, the walk stops after
`MAX_NODES` values, and any JSON error means "nothing here", never a traceback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import lxml.html

from .paragraphs import text_weight

MAX_SCRIPT_CHARS = 5_000_000  # a bigger script is not parsed
MAX_NODES = 200_000  # values visited in one JSON document
MIN_BODY_WEIGHT = 120  # less body text than this is not an article

# What a script-rendered shell shows until its script runs: never article text.
_PLACEHOLDER = re.compile(
    r"(正在)?加载中|(正在)?載入中|(正在)?加载|loading|please wait|请稍候|請稍候|请稍等"
    r"|(请|請)(开启|開啟|启用|啟用|打开|打開|允许|允許)\s*javascript.*"
    r"|(您的)?浏览器(不支持|未开启|禁用了?)\s*javascript.*"
    r"|(please\s+)?(enable|turn on|activate)\s+javascript.*"
    r"|you need to enable javascript.*|javascript (is )?(required|disabled).*"
    r"|this (site|page|app) requires javascript.*",
    re.I,
)


def is_placeholder(text: str) -> bool:
    """True for a line a page shows while its script has not run ("加载中…", "Loading...",
    "Please enable JavaScript"): nothing but such phrases and punctuation."""
    line = text.strip()
    if not line or len(line) > 200 or not _PLACEHOLDER.search(line):
        return False
    return not re.sub(r"[\W_]+", "", _PLACEHOLDER.sub("", line))


@dataclass(frozen=True)
class Embedded:
    """The article found in a page's embedded data. `body` is HTML when `is_html`."""

    body: str
    is_html: bool
    where: str  # "__NEXT_DATA__", "window.__INITIAL_STATE__", "window.DATA", "JSON-LD"
    title: str | None = None
    published: Any = None  # as found: a string or an epoch number
    source: str | None = None
    author: str | None = None


_BODY_KEYS = (
    "articleBody",
    "content",
    "contentHtml",
    "content_html",
    "body",
    "bodyHtml",
    "html",
    "text",
    "article_content",
    "articleContent",
    "detail",
)
_TITLE_KEYS = ("headline", "title", "articleTitle", "article_title", "name")
_TIME_KEYS = (
    "datePublished",
    "publishTime",
    "publish_time",
    "publishedAt",
    "published_at",
    "pubDate",
    "pubTime",
    "pub_time",
    "releaseTime",
    "firstPublishTime",
    "createdAt",
    "created_at",
    "ctime",
    "date",
    "time",
)
_TIME_KEY = re.compile(r"^(p|pub|publish|post|release|create)[_-]?(time|date)", re.I)
_SOURCE_KEYS = ("source", "sourceName", "source_name", "mediaName", "media_name", "media")
_AUTHOR_KEYS = ("author", "authorName", "author_name", "writer", "byline")
_ASSIGNED = re.compile(
    r"window\.(?P<name>__INITIAL_STATE__|__PRELOADED_STATE__|__APOLLO_STATE__|DATA|__DATA__"
    r"|__INITIAL_DATA__|pageData|articleData)\s*=\s*"
)
_TAG = re.compile(r"<[a-zA-Z][^>]*>")


def embedded_article(tree: lxml.html.HtmlElement) -> Embedded | None:
    """The heaviest article object in the page's embedded JSON, or None."""
    best: tuple[float, Embedded] | None = None
    for where, value in _documents(tree):
        for found in _articles(value, where):
            weight = body_weight(found)
            if weight >= MIN_BODY_WEIGHT and (best is None or weight > best[0]):
                best = (weight, found)
    return best[1] if best else None


def body_weight(found: Embedded) -> float:
    text = _TAG.sub(" ", found.body) if found.is_html else found.body
    return text_weight(text)


def _documents(tree: lxml.html.HtmlElement) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for script in tree.iter("script"):
        text = script.text or ""
        if not text.strip() or len(text) > MAX_SCRIPT_CHARS:
            continue
        kind = (script.get("type") or "").lower()
        if kind == "application/ld+json":
            if (value := _loads(text)) is not None:
                out.append(("JSON-LD", value))
        elif kind == "application/json" or script.get("id") == "__NEXT_DATA__":
            # __NEXT_DATA__, and the JSON other frameworks leave in a typed script tag
            if (value := _loads(text)) is not None:
                out.append((script.get("id") or "application/json", value))
        else:
            for m in _ASSIGNED.finditer(text):
                if (value := _raw_decode(text, m.end())) is not None:
                    out.append((f"window.{m['name']}", value))
    return out


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _raw_decode(text: str, start: int) -> Any:
    """The JSON value that starts at `start` (an object literal assigned in a script)."""
    while start < len(text) and text[start] in " \t\r\n":
        start += 1
    if start >= len(text) or text[start] not in "{[":
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(text, start)
    except (ValueError, RecursionError):
        return None
    return value


def _articles(value: Any, where: str) -> list[Embedded]:
    """Every object in `value` with a body-like string and a title or a time beside it."""
    found: list[Embedded] = []
    stack = [value]
    seen = 0
    while stack and seen < MAX_NODES:
        node = stack.pop()
        seen += 1
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if (item := _article(node, where)) is not None:
                found.append(item)
            stack.extend(reversed(list(node.values())))
    return found


def _article(node: dict[str, Any], where: str) -> Embedded | None:
    body = next(
        (node[k] for k in _BODY_KEYS if isinstance(node.get(k), str) and node[k].strip()), None
    )
    if body is None:
        return None
    title = _first_str(node, _TITLE_KEYS)
    published = next((node[k] for k in _TIME_KEYS if node.get(k) not in (None, "")), None)
    if published is None:  # "ptime", "pubtimeStr", "post_date": a key that names a time
        published = next(
            (v for k, v in node.items() if _TIME_KEY.search(k) and isinstance(v, str | int)), None
        )
    if title is None and published is None:
        return None
    if title is not None and title.strip() == body.strip():
        return None
    return Embedded(
        body=body,
        is_html=bool(_TAG.search(body)),
        where=where,
        title=title,
        published=published if isinstance(published, str | int | float) else None,
        source=_name(node, _SOURCE_KEYS),
        author=_name(node, _AUTHOR_KEYS),
    )


def _first_str(node: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for k in keys:
        v = node.get(k)
        if isinstance(v, str) and v.strip() and len(v) <= 300:
            return re.sub(r"\s+", " ", v).strip()
    return None


def _name(node: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    """A short name under one of `keys`: a string, or an object's (or first list item's) name."""
    for k in keys:
        v = node.get(k)
        if isinstance(v, list) and v:
            v = v[0]
        if isinstance(v, dict):
            v = v.get("name")
        if isinstance(v, str) and 0 < len(v.strip()) <= 40:
            return v.strip()
    return None
