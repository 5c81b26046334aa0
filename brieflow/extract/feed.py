"""RSS 2.0 / Atom feeds (feedparser): one Article per item.

An item with content (content:encoded, Atom content, or a long description) becomes an Article
directly; an item with only a link or a teaser is fetched when `fetch_links` allows (else its
teaser is the article); an item with neither is reported as an error Item while the rest go on.
A document that is not a feed is an InputError.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from xml.sax import SAXParseException

import lxml.html

from ..errors import BrieflowError, EmptyArticle, InputError
from . import Item, register
from .dates import normalize_published
from .html import body_paragraphs, clean_paragraph, harvest_paragraphs, is_boilerplate
from .paragraphs import split_paragraphs
from .text import article_from_paragraphs

if TYPE_CHECKING:
    from ..config import Settings

MIN_SUMMARY_CHARS = 200  # a description shorter than this is a teaser, not the article


@register("feed")
def extract_feed(data: bytes, name: str, settings: Settings | None = None) -> Iterator[Item]:
    import feedparser

    parsed = feedparser.parse(bytes(data), sanitize_html=False, resolve_relative_uris=False)
    feed = parsed.get("feed", {})
    entries = parsed.get("entries", [])
    reason = parsed.get("bozo_exception")
    broken_xml = isinstance(reason, SAXParseException)
    if parsed.get("bozo") and (not entries or broken_xml) and not feed.get("title"):
        raise InputError(
            f"not a valid RSS or Atom feed ({_reason(reason)})",
            source=name,
            hint="check that the file or URL is a feed; give an HTML page as .html",
        )
    if not entries:
        raise EmptyArticle("the feed has no items", source=name, hint="check the feed URL")
    source = _clean(feed.get("title"))
    fetch_links = True if settings is None else bool(getattr(settings, "fetch_links", True))
    for i, entry in enumerate(entries, start=1):
        origin = f"{name}#{i}"
        try:
            yield Item(origin, _article(entry, origin, source, fetch_links, settings))
        except BrieflowError as exc:
            yield Item(origin, error=exc)


def count_items(data: bytes) -> int:
    """How many items the feed in `data` has (0 for anything that is not a feed), without
    reading any of them: a caller that wants one article can refuse a feed of many before a
    single link is fetched."""
    import feedparser

    parsed = feedparser.parse(bytes(data), sanitize_html=False, resolve_relative_uris=False)
    return len(parsed.get("entries", []))


def _article(
    entry: Any, origin: str, source: str | None, fetch_links: bool, settings: Settings | None
) -> Any:
    title = _clean(entry.get("title"))
    link = (entry.get("link") or "").strip() or None
    published = None
    for key in ("published", "updated", "created"):
        if entry.get(key) and (published := normalize_published(entry[key])):
            break
    meta = {"title": title, "source": source, "url": link, "published": published}

    content = _content_html(entry)
    summary = entry.get("summary") or ""
    # A long description is the article; a short one is a teaser for the linked page, used
    # only when that page is not to be fetched.
    teaser_only = bool(link) and fetch_links and len(_plain(summary)) < MIN_SUMMARY_CHARS
    if content is None and _plain(summary).strip() and not teaser_only:
        content = summary
    if content is not None:
        paragraphs = _paragraphs(content, title)
        if paragraphs:
            return article_from_paragraphs(paragraphs, origin, find_title=False, **meta)
    if link and fetch_links:
        return _fetched(link, origin, meta, settings)
    if link:
        raise EmptyArticle(
            "the item has only a link and fetching links is off",
            source=origin,
            hint="turn fetch_links on (BRIEFLOW_FETCH_LINKS=1) to read the linked page",
        )
    raise EmptyArticle(
        "the item has no content and no link", source=origin, hint="the feed item is empty"
    )


def _fetched(link: str, origin: str, meta: dict[str, Any], settings: Settings | None) -> Any:
    from ..fetch import fetch_bytes
    from .html import extract_html

    data = fetch_bytes(link, settings=settings)
    article = next(extract_html(data, link)).article
    assert article is not None
    # The page knows its own metadata best; the feed fills what the page lacks.
    return replace(
        article,
        title=article.title or meta["title"],
        source=article.source or meta["source"],
        published=article.published or meta["published"],
        url=article.url or link,
    )


def _content_html(entry: Any) -> str | None:
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if _plain(value).strip():
            return value
    return None


def _paragraphs(content: str, title: str | None) -> list[str]:
    if not re.search(r"<[a-zA-Z][^>]*>", content):
        texts = split_paragraphs(content)
    else:
        tree = lxml.html.document_fromstring(f"<html><body><div>{content}</div></body></html>")
        texts = harvest_paragraphs(tree) or split_paragraphs(tree.text_content())
        if len(texts) <= 1:
            texts = body_paragraphs(tree, title) or texts
    out = []
    for text in texts:
        text = clean_paragraph(text)
        if text and not is_boilerplate(text, title):
            out.append(text)
    return out


def _plain(value: str) -> str:
    return re.sub(r"<[^>]+>", " ", value or "")


def _clean(value: Any) -> str | None:
    if not value:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def _reason(exc: Any) -> str:
    text = str(exc or "unreadable").strip().splitlines()[0]
    return text[:120]
