"""HTML pages → one Article: body paragraphs in order, title, source, published time, URL.

Why this shape: trafilatura finds the article body on most pages; brieflow adds what news
briefs need on top of it — decoding any Chinese encoding without mojibake (htmlbytes.py), the
metadata Chinese portals carry in their own ways (htmlmeta.py), and removing the boilerplate lines
that sit inside the body container (editor lines, disclaimers, share bars, image credits). When
trafilatura finds nothing, the paragraphs of the densest text container are harvested instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import lxml.html
from lxml import etree

from ..errors import EmptyArticle, InputError
from ..models import Article
from ..sources import is_url
from . import Item, register
from .dates import normalize_published
from .embedded import Embedded, embedded_article, is_placeholder
from .furniture import FURNITURE_LABEL, FURNITURE_LABEL_MAX, drop_author_box, is_english_furniture
from .htmlbytes import decode_html
from .htmlmeta import page_metadata
from .paragraphs import split_paragraphs, text_weight
from .text import article_from_paragraphs

if TYPE_CHECKING:
    from ..config import Settings

# Lines that sit inside article bodies on portals but are not part of the article.
_BOILERPLATE = [
    re.compile(p, re.I)
    for p in (
        # editors, proof-readers, bylines: 责任编辑：张三 · (责编：孙雪) · 【责任编辑:刘洋】
        r"^[（(【\[]?\s*(责任编辑|責任編輯|责编|責編|编辑|編輯|校对|校對|图片编辑|圖片編輯|版面编辑"
        r"|美编|审核|审校|審校|监制|主编|统筹|策划|作者|记者|記者|摄影|攝影|文字|视频)\s*[：:|｜/]",
        r"^\S{0,12}(记者|記者|编辑|編輯)\s*[|｜]\s*\S{1,12}$",  # 界面新闻记者 | 刘畅
        # 澎湃新闻记者 吴佳
        r"^\S{0,12}(记者|記者)\s+[\u4e00-\u9fff]{2,4}(\s+[\u4e00-\u9fff]{2,4})*$",
        # where it came from / the headline it had: （文章来源：证券时报网） · 原标题：…
        r"^[（(【\[]?\s*(原标题|原標題|来源|來源|文章来源|文章來源|本文来源|本文來源|来源于|稿源)\s*[：:]",
        # disclaimers and statements
        r"^[（(【\[]?\s*(平台声明|郑重声明|鄭重聲明|特别声明|特別聲明|免责声明|免責聲明|声明|聲明"
        r"|版权声明|版權聲明|风险提示|風險提示)\s*[：:]",
        r"^(disclaimer|our standards)\s*:",
        # copyright footers
        r"(copyright\s*(©|\(c\)|\d)|©\s*\d{4}|all rights reserved|版权所有|版權所有"
        r"|未经(书面)?(授权|许可)|不得转载|复制必究|禁止转载)",
        # image and photo credits
        r"^[（(【\[]?\s*(图片来源|圖片來源|图源|圖源|图片|圖片|配图|配圖|图|圖|视觉中国|资料图)\s*[：:/]",
        r"(^|\.\s)(photograph|photo|image|picture|illustration)s?\s*(credit)?\s*:",
        r"(reuters|ap|afp)\s*/\s*[\w .]+(/file photo)?\.?$",
        r"^(getty images|shutterstock|alamy|epa|afp|pa media)(\s*/\s*\w+)?$",
        # share bars, navigation crumbs, app promotions
        r"^(分享到|分享至|分享|收藏|点赞|打印|关闭窗口|举报|舉報|纠错|【纠错】|返回顶部)\s*[：:]?"
        r"(\s*(微信|微博|QQ空间|QQ|易信|朋友圈))*$",
        r"^(share|save|share this article|share this|reuse this content"
        r"|explore more on these topics|read more|advertisement|home|menu|首页|导航|登录|注册)$",
        r"^返回\S{1,6}[，,]\s*查看更多$",
        r"尽在\S{0,8}APP$|^\S{0,8}APP$|^下载\S{0,8}APP",
        r"^reporting by .+(editing|writing) by",
        # print-edition reference: 《 人民日报 》（ 2025年08月01日 02 版）
        r"^《\s*[^》]{2,20}\s*》\s*[（(][^）)]*版\s*[）)]$",
        r"^摘要\s*([【\[]|$)",
        r"【\s*(纠错|糾錯|责任编辑|責任編輯)",
        r"^(相关新闻|相关阅读|相关推荐|相关文章|推荐阅读|热门推荐|热门文章|更多报道|延伸阅读|猜你喜欢"
        r"|related( topics| stories| coverage| articles)?|most (read|viewed|popular)|read next"
        r"|more on this story)$",
        r"^by\s+[A-Z][\w.'-]+(\s+(and\s+)?[A-Z][\w.'-]+){0,4}([\s,].{0,40})?$",
    )
]
_SHORT_ONLY = 160  # a boilerplate pattern only removes lines up to this long


_LEFTOVER = re.compile(r"[\d\s:：/.\-|｜年月日时分来源來源发布于]")


def is_boilerplate(text: str, title: str | None = None) -> bool:
    """True for a line that is page furniture rather than article text."""
    line = text.strip()
    if not line:
        return True
    if title and line.strip("【】[] ") == title.strip():
        return True
    if len(line) > _SHORT_ONLY:
        return False
    if any(p.search(line) for p in _BOILERPLATE):
        return True
    # A dateline such as "2025年08月01日08:41 | 来源：人民网" or "第一财经 2025-08-01 13:02:18".
    return (
        len(line) <= 60
        and normalize_published(line) is not None
        and (len(_LEFTOVER.sub("", line)) <= 10)
    )


def clean_paragraph(text: str) -> str:
    """Collapse whitespace; drop the full-width indent Chinese pages put before paragraphs."""
    text = text.replace("\u00a0", " ").replace("\u3000", " ")
    return re.sub(r"\s+", " ", text).strip()


def body_paragraphs(tree: lxml.html.HtmlElement, title: str | None) -> list[str]:
    """The article's body paragraphs in order, boilerplate removed."""
    paragraphs = _clean(_trafilatura_paragraphs(_without_furniture(tree)), title)
    if not paragraphs:
        paragraphs = _clean(harvest_paragraphs(tree), title)
    return drop_author_box(paragraphs)


def _clean(texts: list[str], title: str | None) -> list[str]:
    out: list[str] = []
    for text in texts:
        text = clean_paragraph(text)
        if (
            text
            and not is_boilerplate(text, title)
            and not is_english_furniture(text)
            and re.search(r"\w", text)
        ):
            out.append(text)
    return out


def _trafilatura_paragraphs(html: str) -> list[str]:
    import trafilatura

    try:
        text = trafilatura.extract(
            html,
            output_format="txt",
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            deduplicate=False,
        )
    except Exception:  # noqa: BLE001 - a crash inside trafilatura means: use the fallback
        return []
    if not text:
        return []
    return [
        line.lstrip("- ").strip() if line.startswith("- ") else line for line in text.split("\n")
    ]


_FURNITURE_PARTS = frozenset(
    {
        "byline",
        "dateline",
        "share",
        "sharebar",
        "social",
        "editor",
        "statement",
        "declare",
        "copyright",
        "related",
        "recommend",
        "recommends",
        "relate",
        "comment",
        "breadcrumb",
        "abstract",
        "info",
        "infos",
        "date",
        "time",
        "source",
        "author",
        "sign",
        "trust",
        "toolbar",
        "tags",
        "names",
        "intro",
        "subhead",
        "standfirst",
        "notice",
        "jubao",
    }
)
_FURNITURE_MAX = 300  # only small elements are removed; the body container is never small


def _without_furniture(tree: lxml.html.HtmlElement) -> str:
    """The page with bylines, datelines, share bars and the like taken out, so trafilatura does
    not mistake them for the body's first or last paragraph."""
    tree = _copy(tree)
    doomed = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "head", "p"):
            continue
        label = " ".join(
            el.get(a) or "" for a in ("class", "id", "data-component", "data-gu-name", "role")
        ).lower()
        parts = set(re.split(r"[\s_-]+", label))
        size = len(el.text_content() or "")
        if (parts & _FURNITURE_PARTS and size <= _FURNITURE_MAX) or (
            size <= FURNITURE_LABEL_MAX and FURNITURE_LABEL.search(label)
        ):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    # Inline emphasis inside <br>-separated text would otherwise split a paragraph in three.
    etree.strip_tags(tree, "b", "strong", "em", "i", "u", "font", "span")
    return lxml.html.tostring(tree, encoding="unicode")


_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "button",
    "select",
    "figure",
    "figcaption",
)


def harvest_paragraphs(tree: lxml.html.HtmlElement) -> list[str]:
    """The fallback: the paragraphs of the container holding the most paragraph text.

    A paragraph's text counts fully for its parent and 0.8 for its grandparent, so a body whose
    paragraphs each sit in their own <div> (as on BBC pages) is still found as one container.
    """
    tree = _copy(tree)
    for el in tree.xpath("//" + " | //".join(_DROP_TAGS)):
        el.drop_tree()
    blocks = [
        el
        for el in tree.iter("p", "blockquote")
        if el.text_content().strip()
        and not (el.tag == "blockquote" and el.find(".//p") is not None)
    ]
    if not blocks:
        return _harvest_without_p(tree)
    scores: dict[lxml.html.HtmlElement, float] = {}
    for el in blocks:
        size = len(el.text_content().strip())
        parent = el.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0.0) + size
            grand = parent.getparent()
            if grand is not None:
                scores[grand] = scores.get(grand, 0.0) + 0.8 * size
    if not scores:
        return []
    best = max(scores, key=lambda el: scores[el])
    chosen = {id(el) for el in blocks}
    return [el.text_content().strip() for el in best.iter() if id(el) in chosen]


def _harvest_without_p(tree: lxml.html.HtmlElement) -> list[str]:
    """Older pages without <p>: text split by <br> in the container with the most loose text,
    or one bare <div> per paragraph."""
    for br in tree.iter("br"):
        br.tail = "\n" + (br.tail or "")

    def loose(el: lxml.html.HtmlElement) -> int:
        return len((el.text or "").strip()) + sum(len((c.tail or "").strip()) for c in el)

    containers = list(tree.iter("div", "td", "article", "section", "body"))
    best = max(containers, key=loose, default=None)
    if best is not None and loose(best) > 0:
        lines = [ln.strip() for ln in best.text_content().split("\n") if ln.strip()]
        if len(lines) > 1:
            return lines
    return [
        el.text_content().strip()
        for el in tree.iter("div")
        if not len(el) and len(el.text_content().strip()) > 20
    ]


def _copy(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(lxml.html.tostring(tree, encoding="unicode"))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def parse_html(text: str, name: str) -> lxml.html.HtmlElement:
    """An lxml tree of `text`; an XML declaration naming an encoding is dropped first."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    # Control characters lxml refuses in a tree's text (found by fuzzing): \x0b and \x0c are
    # whitespace in HTML, the others mean nothing in a page.
    text = _CONTROL.sub(lambda m: " " if m[0] in "\x0b\x0c" else "", text)
    if not text.strip():
        raise EmptyArticle("the page is empty", source=name, hint="check the file or URL")
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse the HTML: {exc}", source=name) from None


# Below this much body text (paragraphs.text_weight) the page's embedded data is also consulted.
_THIN_BODY = 1500


def fragment_paragraphs(content: str, title: str | None) -> list[str]:
    """The paragraphs of an HTML fragment or a plain text (a feed item's content, an article
    body from embedded JSON), boilerplate and placeholders removed."""
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
        if text and not is_boilerplate(text, title) and not is_placeholder(text):
            out.append(text)
    return out


def read_html(data: bytes, name: str) -> tuple[Article, str]:
    """The page's Article and where its body was read: "page" (the DOM) or the embedded data
    it came from ("__NEXT_DATA__", "window.__INITIAL_STATE__", "JSON-LD", …)."""
    text = decode_html(data, name, http_charset=getattr(data, "charset", None))
    tree = parse_html(text, name)
    meta = page_metadata(tree, name)
    url = getattr(data, "url", None) or (name if is_url(name) else None) or meta.url
    paragraphs = [p for p in body_paragraphs(tree, meta.title) if not is_placeholder(p)]
    where = "page"
    found: Embedded | None = None
    dom_weight = text_weight(" ".join(paragraphs))
    if dom_weight < _THIN_BODY:
        # A script-rendered shell: its article may sit in embedded JSON.
        found = embedded_article(tree)
        from_data = fragment_paragraphs(found.body, found.title) if found else []
        data_weight = text_weight(" ".join(from_data))
        # The data's body wins when the page shows much less of it, or the same text run
        # together in fewer paragraphs (trafilatura may read JSON-LD articleBody as one block).
        if from_data and (
            dom_weight < 0.4 * data_weight
            or (len(paragraphs) <= 1 < len(from_data) and data_weight >= 0.9 * dom_weight)
        ):
            assert found is not None
            paragraphs, where = from_data, found.where
        else:
            found = None
    if not paragraphs:
        raise EmptyArticle(
            "no article text found in the page",
            source=name,
            hint="the page may need JavaScript to show its text; save it from a browser instead",
        )
    title, source, published, author = meta.title, meta.source, meta.published, meta.author
    if found is not None:
        title = found.title or title  # a shell's <title> is often just the site's name
        source = source or found.source
        published = published or normalize_published(found.published)
        author = author or found.author
    article = article_from_paragraphs(
        paragraphs,
        name,
        find_title=False,
        title=title,
        source=source,
        published=published,
        author=author,
        url=url,
    )
    return article, where


@register("html")
def extract_html(data: bytes, name: str, settings: Settings | None = None) -> Iterator[Item]:
    """One Article from an HTML page (a file, or a URL fetched by brieflow.fetch)."""
    article, _ = read_html(data, name)
    yield Item(name, article)
