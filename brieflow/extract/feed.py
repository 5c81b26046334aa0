"""RSS 2.0 / Atom feeds (feedparser): one Article per item.

An item with content (content:encoded, Atom content, or a description long enough to be the
article) becomes an Article directly; an item with only a link or a teaser is fetched when
`fetch_links` allows (else its teaser is the article). An item that has text is never lost: when
its link cannot be read, or the page gives less text than the item, the item's own text is the
article and the Item carries one warning line saying so. An item with neither text nor a readable
link is reported as an error Item while the rest go on. A document that is not a feed is an
InputError.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from xml.sax import SAXParseException

from ..errors import BrieflowError, EmptyArticle, InputError
from . import Item, register
from .dates import normalize_published
from .html import fragment_paragraphs
from .paragraphs import text_weight
from .text import article_from_paragraphs

if TYPE_CHECKING:
    from ..config import Settings

# A description that weighs less than this (paragraphs.text_weight: a Han character counts 2.5
# Latin ones) is a teaser for the linked page, not the article: 80 characters of Chinese weigh
# as much as 200 letters of English.
MIN_ARTICLE_WEIGHT = 200


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
            article, warning = _article(entry, origin, source, fetch_links, settings)
            yield Item(origin, article, warning=warning)
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
) -> tuple[Any, str | None]:
    """The item's Article and, when it was not read the usual way, one warning line."""
    title = _clean(entry.get("title"))
    link = (entry.get("link") or "").strip() or None
    published = None
    for key in ("published", "updated", "created"):
        if entry.get(key) and (published := normalize_published(entry[key])):
            break
    meta = {"title": title, "source": source, "url": link, "published": published}

    content = _content_html(entry)
    summary = entry.get("summary") or ""
    own: list[str] = []  # the item's own paragraphs: content, else the description
    for value in (content, summary):
        if value and _plain(value).strip():
            own = _paragraphs(value, title)
            if own:
                break
    # Content, or a description heavy enough to be the article, is the article; a teaser is
    # for the linked page, used as the article only when that page is not to be fetched.
    is_article = content is not None or text_weight(" ".join(own)) >= MIN_ARTICLE_WEIGHT
    if own and (is_article or not link or not fetch_links):
        return _own(own, origin, meta), None
    if link and fetch_links:
        try:
            fetched = _fetched(link, origin, meta, settings)
        except BrieflowError as exc:
            if not own:
                raise
            warning = f"could not read {link} ({exc.message}): briefed the item's own text"
            return _own(own, origin, meta), warning
        if own and text_weight(fetched.text) < text_weight(" ".join(own)):
            return (
                _own(own, origin, meta),
                f"{link} gives less text than the item: briefed the item's own text",
            )
        return fetched, None
    if link:
        raise EmptyArticle(
            "the item has only a link and fetching links is off",
            source=origin,
            hint="turn fetch_links on (BRIEFLOW_FETCH_LINKS=1) to read the linked page",
        )
    raise EmptyArticle(
        "the item has no content and no link", source=origin, hint="the feed item is empty"
    )


def _own(paragraphs: list[str], origin: str, meta: dict[str, Any]) -> Any:
    return article_from_paragraphs(paragraphs, origin, find_title=False, **meta)


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
    return fragment_paragraphs(content, title)


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
