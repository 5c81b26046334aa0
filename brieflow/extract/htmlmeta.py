"""Title, source, published time and URL of a news page, as portals and outlets mark them.

Why so many places: English outlets use Open Graph and JSON-LD; Chinese portals mostly print
`来源：…` and the time near the headline, sometimes in meta tags of their own (`publishdate`,
`mediaid`, `apub:time`), and put the site name after the headline in `<title>`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import lxml.html

from .dates import normalize_published


@dataclass(frozen=True)
class PageMeta:
    title: str | None = None
    source: str | None = None
    published: str | None = None
    url: str | None = None


def page_metadata(tree: lxml.html.HtmlElement, name: str = "") -> PageMeta:
    """Everything brieflow reads about a page besides its body."""
    metas = _meta_tags(tree)
    ld = _json_ld(tree)
    site_names = [v for v in (metas.get("og:site_name"), _ld_publisher(ld)) if v]
    title = page_title(tree, metas, ld, site_names)
    return PageMeta(
        title=title,
        source=page_source(tree, metas, ld),
        published=page_published(tree, metas, ld),
        url=metas.get("og:url") or _canonical(tree),
    )


# --- meta tags and JSON-LD -----------------------------------------------------------------


def _meta_tags(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """First content of each <meta name|property|itemprop|http-equiv>, keys lower-cased."""
    out: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop"):
            key = (meta.get(attr) or "").strip().lower()
            if key and key not in out:
                out[key] = content
    return out


def _json_ld(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, @graph members included; broken blocks are skipped."""
    found: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            found.append(value)
            if "@graph" in value:
                walk(value["@graph"])

    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            walk(json.loads(script.text_content() or ""))
        except ValueError:
            continue
    return found


def _ld_value(ld: list[dict[str, Any]], key: str) -> Any:
    for obj in ld:
        if obj.get(key):
            return obj[key]
    return None


def _ld_publisher(ld: list[dict[str, Any]]) -> str | None:
    value = _ld_value(ld, "publisher")
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name")
    return _short(value) if isinstance(value, str) else None


def _canonical(tree: lxml.html.HtmlElement) -> str | None:
    for link in tree.xpath('//link[@rel="canonical"][@href]'):
        href = link.get("href", "").strip()
        if href.startswith(("http://", "https://")):
            return href
    return None


def _text(el: lxml.html.HtmlElement) -> str:
    return re.sub(r"\s+", " ", el.text_content() or "").strip()


def _short(value: str | None, limit: int = 40) -> str | None:
    if not value:
        return None
    value = re.sub(r"\s+", " ", value).strip()
    return value if 0 < len(value) <= limit else None


# --- title -----------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--|－－|\s-\s|\s–\s|\s—\s|-(?=[^\s-]*网\s*$))\s*")
_SITE_WORDS = re.compile(
    r"(网|網|新闻|新聞|财经|財經|日报|日報|晚报|频道|頻道|门户|客户端|\.com|\.cn|news|times|post|"
    r"journal|reuters|guardian|bbc|cnn|bloomberg|the paper|ap$)",
    re.I,
)


def strip_site_suffix(title: str, site_names: list[str] = ()) -> str:  # type: ignore[assignment]
    """`稀土战线悄然成形_搜狐财经_搜狐网` → `稀土战线悄然成形`: trailing segments that name a
    site are removed; the headline itself is never cut below its first segment."""
    parts = _SEPARATORS.split(title.strip())
    known = {s.lower() for s in site_names}
    while len(parts) > 1:
        last = parts[-1].strip()
        if not last or last.lower() in known or (len(last) <= 24 and _SITE_WORDS.search(last)):
            parts.pop()
        else:
            break
    return _rejoin(title, parts)


def _rejoin(title: str, parts: list[str]) -> str:
    # Put back the original separators between the segments kept.
    out = title.strip()
    kept = parts[-1].strip()
    end = out.find(kept, sum(len(p) for p in parts[:-1]))
    return out[: end + len(kept)].strip() if end >= 0 else " ".join(parts).strip()


def site_suffixes(title: str) -> list[str]:
    """The site-like segments after the headline in a <title>, nearest first."""
    parts = _SEPARATORS.split(title.strip())
    return [p.strip() for p in parts[1:] if p.strip() and len(p.strip()) <= 24]


def page_title(
    tree: lxml.html.HtmlElement,
    metas: dict[str, str],
    ld: list[dict[str, Any]],
    site_names: list[str],
) -> str | None:
    """og:title, else the page's headline <h1>, else <title>, with site names removed."""
    head_title = ""
    if (t := tree.find(".//title")) is not None:
        head_title = _text(t)
    for key in ("og:title", "twitter:title"):
        if metas.get(key):
            return strip_site_suffix(metas[key], site_names)
    # A logo <h1> ("凤凰网财经") also appears in <title>, but only as a site segment.
    sites = set(site_suffixes(head_title)) if head_title else set()
    h1s = [h for h in (_text(h) for h in tree.iter("h1")) if len(h) >= 4 and h not in sites]
    in_title = [h for h in h1s if head_title and h in head_title]
    if in_title:
        return max(in_title, key=len)
    headline = _ld_value(ld, "headline")
    if isinstance(headline, str) and headline.strip():
        return headline.strip()
    if h1s:
        return h1s[0]
    if head_title:
        parts = [p.strip() for p in _SEPARATORS.split(head_title) if p.strip()]
        return max(parts, key=len) if parts else head_title
    return None


# --- source ----------------------------------------------------------------------------------

_SOURCE_TEXT = re.compile(
    # possessive \s*+: three optional runs of spaces in a row backtracked in cubic time
    r"(?:^|[\s|｜（(【\[:：]|本文|文章)(?:来源|來源|来源于|來源於)\s*+(?:于|於)?\s*+[：:]?\s*+"
    r"(?P<name>[^\s|｜）)】\]，,。;；:：]{2,30})"
)
_SOURCE_CLASSES = {
    "source",
    "laiyuan",
    "wenzhang-laiyuan",
    "article-source",
    "source-name",
    "media-name",
    "media_name",
    "medianame",
    "ne_article_source",
    "source_baidu",
    "ly",
    "src",
}
_SOURCE_META = ("source", "mediaid", "weibo: article:author", "dc.publisher", "publisher")
_NOT_A_SOURCE = re.compile(r"^(https?://|www\.)|^\d{4}[-/.年]|^\d+$|^(来源|來源)$")


def page_source(
    tree: lxml.html.HtmlElement, metas: dict[str, str], ld: list[dict[str, Any]]
) -> str | None:
    """Who published the article: the page's `来源：`, a source meta tag or element,
    og:site_name, JSON-LD publisher, else the site name after the headline in <title>."""
    candidates: list[str | None] = []
    body = tree.find(".//body")
    visible = _visible_text(body if body is not None else tree)
    if m := _SOURCE_TEXT.search(visible):
        candidates.append(m["name"])
    for key in _SOURCE_META:
        if key in metas:
            candidates.append(_strip_source_label(metas[key]))
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("meta", "script", "style", "body", "html"):
            continue
        tokens = set((el.get("class") or "").split()) | {el.get("id") or ""}
        if tokens & _SOURCE_CLASSES:
            candidates.append(_strip_source_label(_text(el)))
    candidates.append(metas.get("og:site_name"))
    candidates.append(_ld_publisher(ld))
    candidates.append(metas.get("application-name"))
    if (t := tree.find(".//title")) is not None:
        candidates.extend(s for s in site_suffixes(_text(t)) if _SITE_WORDS.search(s))
    for value in candidates:
        value = _short(value, 30)
        if value and not _NOT_A_SOURCE.search(value):
            return value
    return None


def _strip_source_label(value: str) -> str:
    return re.sub(r"^\s*(来源|來源|来源于|稿源)\s*[：:]?\s*", "", value or "").strip()


def _visible_text(el: lxml.html.HtmlElement) -> str:
    """The element's text with scripts, styles and comments left out, one line per block."""
    parts: list[str] = []
    for node in el.iter():
        tag = node.tag if isinstance(node.tag, str) else None
        block = tag in _BLOCKS
        if tag is not None and tag not in ("script", "style", "noscript"):
            if block:
                parts.append("\n")
            if node.text:
                parts.append(node.text)
        if block:
            parts.append("\n")
        if node.tail:
            parts.append(node.tail)
    return "".join(parts)


_BLOCKS = frozenset(
    {"p", "div", "li", "br", "h1", "h2", "h3", "h4", "td", "tr", "span", "section", "article"}
)


# --- published -------------------------------------------------------------------------------

_TIME_META = (
    "article:published_time",
    "og:release_date",
    "og:published_time",
    "article:published",
    "datepublished",
    "publishdate",
    "publish_date",
    "publishtime",
    "publish-time",
    "pubdate",
    "pubtime",
    "apub:time",
    "weibo: article:create_at",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dc.date",
    "date",
    "release_date",
    "article:modified_time",
)
_TIME_CLASS = re.compile(
    r"(^|[-_\s])(time|date|pubtime|pub-time|pub_time|publish|published|post_time|post-time|"
    r"post_info|article-info|info|infos|source|header-time|date-source|names|artinfo|meta)"
    r"($|[-_\s])",
    re.I,
)


def page_published(
    tree: lxml.html.HtmlElement, metas: dict[str, str], ld: list[dict[str, Any]]
) -> str | None:
    """The publication time from meta tags, JSON-LD, <time>, or the text by the headline.

    The first time with minutes wins; a date-only value is kept only when no source on the
    page gives the minutes of that same day. Relative times ("3 hours ago") are never used.
    """
    candidates: list[str] = []

    def add(value: object) -> None:
        if (v := normalize_published(value)) is not None:
            candidates.append(v)

    for key in _TIME_META:
        if key in metas:
            add(metas[key])
    for key in ("datePublished", "dateCreated", "uploadDate"):
        add(_ld_value(ld, key))
    for t in tree.iter("time"):
        add(t.get("datetime") or _text(t))
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "html", "body", "head"):
            continue
        label = f"{el.get('class') or ''} {el.get('id') or ''}"
        if _TIME_CLASS.search(label):
            text = _text(el)
            if len(text) <= 120:
                add(text)
    body = tree.find(".//body")
    if body is not None:
        head_text = _visible_text(body)[:3000]
        for line in head_text.split("\n"):
            if len(line.strip()) <= 80:
                add(line)
    if not candidates:
        return None
    first = candidates[0]
    if len(first) > 10:
        return first
    for c in candidates:
        if c.startswith(first) and len(c) > 10:
            return c
    return first
