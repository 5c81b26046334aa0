"""Title, source, published time and URL of a news page, as portals and outlets mark them.

Why so many places: English outlets use Open Graph and JSON-LD; Chinese portals mostly print
`来源：…` and the time near the headline, sometimes in meta tags of their own (`publishdate`,
`mediaid`, `apub:time`), and put the site name after the headline in `<title>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import lxml.html

from .. import safejson
from .dates import instant, normalize_published
from .embedded import MAX_SCRIPT_CHARS


@dataclass(frozen=True)
class PageMeta:
    title: str | None = None
    source: str | None = None
    published: str | None = None
    url: str | None = None
    author: str | None = None


def page_metadata(tree: lxml.html.HtmlElement, name: str = "") -> PageMeta:
    """Everything brieflow reads about a page besides its body."""
    metas = _meta_tags(tree)
    ld = _json_ld(tree)
    site_names = [v for v in (metas.get("og:site_name"), _ld_publisher(ld)) if v]
    title = page_title(tree, metas, ld, site_names)
    url = metas.get("og:url") or _canonical(tree)
    return PageMeta(
        title=title,
        source=page_source(tree, metas, ld),
        published=page_published(tree, metas, ld, url),
        url=url,
        author=page_author(tree, metas, ld),
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
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        text = script.text_content() or ""
        if len(text) > MAX_SCRIPT_CHARS:
            continue
        try:
            value = safejson.loads(text)
        except ValueError:
            continue
        # Walked with a stack, not recursion: a block nested as deep as JSON allows is fine.
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                found.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
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


_TITLE_CLASS = re.compile(
    r"(^|[-_\s])(article|main|news|detail|content|art|post|entry|page|text)?[-_]?"
    r"(title|headline|biaoti)($|[-_\s])",
    re.I,
)


def page_title(
    tree: lxml.html.HtmlElement,
    metas: dict[str, str],
    ld: list[dict[str, Any]],
    site_names: list[str],
) -> str | None:
    """The headline the page's own places agree on: og:title (or twitter:title), JSON-LD
    headline, the <h1>s and <title> (site names removed) each vote for the others that say the
    same thing; the best-supported one wins, ties going to the earlier place in that list.

    Why agreement: each place is wrong on some portals — og:title keeps a site suffix or
    carries a shorter social headline, a logo is the first <h1>, <title> carries the section —
    but two places rarely agree on the same wrong text. The winner is returned as written
    (its own punctuation, full-width `！` `：`, and spacing), whitespace runs collapsed.
    """
    head_title = ""
    if (t := tree.find(".//title")) is not None:
        head_title = _text(t)
    sites = {s.lower() for s in site_names} | {s.lower() for s in site_suffixes(head_title)}
    # (text, place) in order of preference on a tie
    places: list[tuple[str, str]] = []
    for key in ("og:title", "twitter:title"):
        if metas.get(key):
            places.append((strip_site_suffix(_collapse(metas[key]), site_names), "og"))
            break
    headline = _ld_value(ld, "headline")
    if isinstance(headline, str) and headline.strip():
        places.append((strip_site_suffix(_collapse(headline), site_names), "ld"))
    for h in tree.iter("h1"):
        text = _text(h)
        if len(text) >= 4:
            places.append((text, "h1"))
    if head_title:
        places.append((strip_site_suffix(head_title, site_names), "title"))
        head = _SEPARATORS.split(head_title.strip())[0].strip()
        if head != places[-1][0]:  # "Headline | Section | Author": the first segment too
            places.append((head, "title-head"))
    # An article's headline may be an <h2> (blogs whose <h1> is the site's name): heard only
    # when another place agrees with it.
    seconds = [(t, "h2") for t in (_text(h) for h in tree.iter("h2")) if len(t) >= 4][:10]
    # Portals that set the headline in a <div class="article-title"> rather than a heading.
    for el in tree.iter("div", "p", "span", "strong", "td"):
        label = f"{el.get('class') or ''} {el.get('id') or ''}"
        if _TITLE_CLASS.search(label) and 4 <= len(text := _text(el)) <= 120:
            seconds.append((text, "h2"))
            if len(seconds) >= 20:
                break
    places = [(t, p) for t, p in places if t and t.lower() not in sites and len(t) <= 300]
    seconds = [(t, p) for t, p in seconds if t.lower() not in sites and len(t) <= 300]
    places += seconds
    if not places:
        return None
    keys = [_title_key(t) for t, _ in places]

    # <title> and its first segment are one place: they never vote for each other.
    origin = {"title-head": "title"}

    def support(i: int) -> float:
        mine = origin.get(places[i][1], places[i][1])
        score = 0.0
        for j, other in enumerate(keys):
            if j == i or origin.get(places[j][1], places[j][1]) == mine:
                continue
            if other == keys[i]:
                score += 1.0
            elif keys[i] and keys[i] in other and len(keys[i]) >= 0.4 * len(other):
                score += 0.5  # the other place adds a suffix or a section name
        if mine != "title" and keys[i] and keys[i] in _title_key(head_title):
            score += 0.25  # the raw <title> carries it (before suffix removal)
        return score

    scores = [support(i) if places[i][1] != "h2" else support(i) - 0.01 for i in range(len(places))]
    best = max(range(len(places)), key=lambda i: (scores[i], -i))
    if scores[best] == 0:
        # Nothing agrees: og:title or JSON-LD if given, else the first <h1>, else <title>'s
        # longest segment (a section-first <title> such as "财经 | 标题 | 网站").
        places = [pl for pl in places if pl[1] not in ("h2", "title-head")] or places
        kind = places[0][1]
        if kind == "title":
            parts = [p.strip() for p in _SEPARATORS.split(head_title) if p.strip()]
            return max(parts, key=len) if parts else head_title
        return places[0][0]
    # The visible <h1> spells the agreed headline as published (full-width ！ where og:title
    # may have !): same words, its surface wins.
    for (text, place), key in zip(places, keys, strict=True):
        if place == "h1" and key == keys[best]:
            return text
    return places[best][0]


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _title_key(text: str) -> str:
    """What two headlines must share to agree: letters, digits and Han, case folded."""
    return re.sub(r"[\W_]+", "", text).casefold()


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


# --- author --------------------------------------------------------------------------------

_AUTHOR_META = (
    "author",
    "article:author",
    "byl",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "twitter:creator",
)
_AUTHOR_TEXT = (
    # 记者 周原 · 作者：张三 (a Chinese name of two to four characters)
    re.compile(
        r"(?:(?:记者|記者)\s*[：:/|｜]?|(?:作者|撰文)\s*[：:/|｜])\s*(?P<name>[\u4e00-\u9fff·]{2,4})(?![\u4e00-\u9fff])"
    ),
    re.compile(
        r"(?:^|[\s|｜（(【\[])(?:作者|文)\s*[：:/|｜]\s*(?P<name>[^\s|｜）)】\]，,。;；:：]{2,20})"
    ),
)
_BY = re.compile(r"^\s*(by|von|par|por)\s+", re.I)
_NOT_A_NAME = re.compile(r"^(https?://|www\.|@)|\d{4}|[<>{}]")


def page_author(
    tree: lxml.html.HtmlElement, metas: dict[str, str], ld: list[dict[str, Any]]
) -> str | None:
    """Who wrote the article: JSON-LD author, an author meta tag, a byline element, else a
    `作者：` / `记者：` line. Names only: URLs and profile links are skipped."""
    candidates: list[Any] = []
    value = _ld_value(ld, "author")
    for v in value if isinstance(value, list) else [value]:
        candidates.append(v.get("name") if isinstance(v, dict) else v)
    if len(candidates) > 1:  # several authors: one line, in the page's order
        names = [c.strip() for c in candidates if isinstance(c, str) and c.strip()]
        candidates = [", ".join(names)] if names else []
    candidates.extend(metas.get(k) for k in _AUTHOR_META)
    for query in (
        '//*[@rel="author" or @itemprop="author" or contains(@class, "author")]',
        '//*[contains(@class, "byline")]',
    ):
        for el in tree.xpath(query):
            if isinstance(el.tag, str) and el.tag not in ("meta", "link", "script", "img"):
                candidates.append(_text(el))
    body = tree.find(".//body")
    if body is not None:
        head_text = _visible_text(body)[:3000]
        candidates.extend(m["name"] for p in _AUTHOR_TEXT if (m := p.search(head_text)))
    for c in candidates:
        if not isinstance(c, str):
            continue
        name = _BY.sub("", re.sub(r"\s+", " ", c)).strip(" ,|·—–-")
        if 2 <= len(name) <= 80 and not _NOT_A_NAME.search(name) and not _SITE_WORDS.search(name):
            return name
    return None


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


_ARTICLE_TYPES = re.compile(r"article|posting|report", re.I)
# Containers of other items' times: related lists, sidebars, rankings, comments, footers.
# Containers of other items' times: related lists, sidebars, rankings, comments, footers.
_ELSEWHERE_TAGS = frozenset({"a", "aside", "footer", "nav"})
_ELSEWHERE_WORDS = frozenset(
    {
        "related",
        "relate",
        "recommend",
        "recommended",
        "sidebar",
        "side",
        "aside",
        "rank",
        "ranking",
        "hot",
        "comment",
        "comments",
        "footer",
        "more",
        "next",
        "prev",
        "tuijian",
        "xiangguan",
        "remen",
        "paihang",
    }
)
_ELSEWHERE_PREFIXES = ("related", "recommend", "sidebar", "comment", "hotnews", "morenews")
_TIME_LABEL = re.compile(
    r"(?:发布时间|發佈時間|發布時間|发布于|發佈於|发表时间|发表于|發表於|published|posted)"
    r"\s*[：:]?\s*(?P<when>[^\n]{6,40})",
    re.I,
)
# A page header's "today": 2025年12月02日 星期二 (a date without minutes, beside a weekday).
_TODAY = re.compile(r"(星期|周|週|礼拜)[一二三四五六日天]|今天|今日")
_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d{2})[-/]?(?:0[1-9]|1[0-2])[-/]?(?:[0-2]\d|3[01])?(?:/|\b)"
)


def _elsewhere(el: lxml.html.HtmlElement) -> bool:
    """True when `el` sits among other items: a related or ranking list, a sidebar, comments, a
    footer, a link (an item's teaser), or a list whose items are links."""
    if (el.get("itemprop") or "").lower() in ("datepublished", "datecreated"):
        return False
    node = el
    for _ in range(12):
        node = node.getparent()
        if node is None or node.tag in ("body", "html", "article"):
            return False  # reached the article (its own aside holds its own byline) or the top
        if node.tag in _ELSEWHERE_TAGS:
            return True
        label = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
        words = set(re.split(r"[\s_-]+", label)) - {""}
        if words & _ELSEWHERE_WORDS or any(w.startswith(_ELSEWHERE_PREFIXES) for w in words):
            return True
        if node.tag in ("ul", "ol") or "list" in words:
            # A list of links is a list of other items; an article's meta list is not.
            linked = sum(1 for child in node if child.find(".//a") is not None)
            if linked >= 3:
                return True
    return False


def _ld_articles(ld: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """JSON-LD objects, the article itself (a NewsArticle, BlogPosting, …) first."""

    def is_article(obj: dict[str, Any]) -> bool:
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        return any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds)

    return [o for o in ld if is_article(o)] + [o for o in ld if not is_article(o)]


def page_published(
    tree: lxml.html.HtmlElement,
    metas: dict[str, str],
    ld: list[dict[str, Any]],
    url: str | None = None,
) -> str | None:
    """The publication time of this article: meta tags, the JSON-LD article's datePublished, a
    `发布时间：` line, <time> and time-classed elements outside lists of other items (related
    news, sidebars), or the text by the headline. A time without a year ("09-07 19:02") takes
    the page's year (from its URL or another full date on it).

    The first time with minutes wins; a date-only value is kept only when no source on the
    page gives the minutes of that same day. Relative times ("3 hours ago") are never used.
    """
    body = tree.find(".//body")
    head_text = _visible_text(body)[:3000] if body is not None else ""
    year: int | None = None

    def gather(year: int | None) -> list[str]:
        candidates: list[str] = []

        def add(value: object) -> None:
            if (v := normalize_published(value, year=year)) is not None:
                candidates.append(v)

        for key in _TIME_META:
            if key in metas:
                add(metas[key])
        for obj in _ld_articles(ld):
            for key in ("datePublished", "dateCreated", "uploadDate"):
                if obj.get(key):
                    add(obj[key])
                    break
        for line in head_text.split("\n"):
            if len(line.strip()) <= 80 and (m := _TIME_LABEL.search(line)):
                add(m["when"])
                break
        for t in tree.iter("time"):
            if not _elsewhere(t):
                add(t.get("datetime") or _text(t))
        for el in tree.iter():
            if not isinstance(el.tag, str) or el.tag in ("script", "style", "html", "body", "head"):
                continue
            label = f"{el.get('class') or ''} {el.get('id') or ''}"
            if _TIME_CLASS.search(label) and not _elsewhere(el):
                text = _text(el)
                if len(text) <= 120:
                    add(text)
        for line in head_text.split("\n"):
            if len(line.strip()) <= 80:
                if _TODAY.search(line) and len(normalize_published(line, year=year) or "") == 10:
                    continue  # the site header's date of today, not the article's
                add(line)
        return candidates

    candidates = gather(None)
    if not any(len(c) > 10 for c in candidates):
        # No full time: a year-less "09-07 19:02" may be there, with the year from the page.
        if m := _URL_DATE.search(url or ""):
            year = int(m["y"])
        elif candidates:
            year = int(candidates[0][:4])
        if year is not None:
            candidates = gather(year) or candidates
    if not candidates:
        return None
    first = candidates[0]
    if len(first) > 10:
        return _local(first, candidates)
    for c in candidates:
        if c.startswith(first) and len(c) > 10:
            return _local(c, candidates)
    return first


def _local(chosen: str, candidates: list[str]) -> str:
    """`chosen`, or the same moment as the page printed it in its own zone: a UTC time in the
    meta tags ("10:00+00:00") is a conversion; the byline's "6:00 AM EDT" is the wall time as
    published."""
    moment = instant(chosen)
    if moment is None or not chosen.endswith("+00:00"):
        return chosen
    for c in candidates:
        other = instant(c)
        if (
            other is not None
            and not c.endswith("+00:00")
            and abs((other - moment).total_seconds()) < 60
        ):
            return c
    return chosen
