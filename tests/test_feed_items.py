"""A feed item that has text is never lost: full articles, teasers, link-only items and links that
fail (404, timeout, refused), in Chinese and English, over a loopback HTTP server."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from brieflow import fetch as fetch_module
from brieflow.cli import main
from brieflow.config import Settings
from brieflow.errors import FetchError
from brieflow.extract import extract
from brieflow.extract.feed import MIN_ARTICLE_WEIGHT
from brieflow.extract.paragraphs import text_weight

sys.path.insert(0, str(Path(__file__).parent))
from httpserver import Handler, Server  # noqa: E402

SETTINGS = Settings(fetch_timeout=0.5, fetch_retries=0)

ZH_ARTICLE = [
    "国家统计局周三公布的数据显示，七月份全国居民消费价格同比上涨百分之零点五，涨幅比上月扩大。",
    "其中，食品价格由降转升，鲜菜和猪肉价格上涨较多，非食品价格涨幅保持稳定。",
    "分析人士认为，随着促消费政策持续发力，下半年物价有望温和回升。",
]
EN_ARTICLE = [
    "The city council voted on Tuesday to extend the downtown tram line by four kilometres.",
    "Construction is due to start next spring and should take about two years to finish.",
    "Opponents said the money would be better spent on buses serving the outer districts.",
]
ZH_TEASER = "央行宣布下调存款准备金率，详见正文。"
EN_TEASER = "Markets rallied on Friday. Read the full story."
ZH_PAGE = (
    "<html><head><title>央行宣布降准_示例网</title></head><body><h1>央行宣布降准</h1>"
    "<div class='content'><p>中国人民银行周五宣布，下调金融机构存款准备金率零点五个百分点。</p>"
    "<p>此次降准预计释放长期资金约一万亿元，有助于保持流动性合理充裕。</p></div></body></html>"
)
SHORT_PAGE = (
    "<html><head><title>短页面</title></head><body><div><p>本页只有一句话。</p></div></body></html>"
)


def _desc(paragraphs: list[str]) -> str:
    return "<![CDATA[" + "".join(f"<p>{p}</p>" for p in paragraphs) + "]]>"


def _feed(items: list[tuple[str, str | None, str | None, str]]) -> bytes:
    """RSS with (title, link, description, element) items; element is description or content."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    out.append(
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>示例新闻</title><link>https://example.com/</link>"
    )
    for title, link, text, element in items:
        out.append("<item>")
        out.append(f"<title>{title}</title>")
        if link:
            out.append(f"<link>{link}</link>")
        if text:
            tag = "content:encoded" if element == "content" else "description"
            out.append(f"<{tag}>{text}</{tag}>")
        out.append("<pubDate>Wed, 10 Sep 2025 09:30:00 +0800</pubDate></item>")
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


def _refused_url() -> str:
    """A loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/a"


@pytest.fixture(autouse=True)
def routes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch_module, "BACKOFF_SECONDS", 0.0)
    monkeypatch.setitem(
        Handler.routes, "/zh", (200, {"Content-Type": "text/html; charset=utf-8"}, ZH_PAGE.encode())
    )
    monkeypatch.setitem(
        Handler.routes,
        "/short",
        (200, {"Content-Type": "text/html; charset=utf-8"}, SHORT_PAGE.encode()),
    )


def test_weight_counts_a_han_character_as_more_than_a_letter() -> None:
    assert text_weight("ab c") == 3
    assert text_weight("中文a") == 6.0
    assert text_weight("".join(ZH_ARTICLE)) >= MIN_ARTICLE_WEIGHT  # 110 characters
    assert text_weight(ZH_TEASER) < MIN_ARTICLE_WEIGHT
    assert text_weight(EN_TEASER) < MIN_ARTICLE_WEIGHT


def test_every_item_with_text_is_kept_whatever_its_link_does() -> None:
    refused = _refused_url()
    with Server() as base:
        feed = _feed(
            [
                ("中文全文", f"{base}/gone-full", _desc(ZH_ARTICLE), "description"),
                ("English article", refused, _desc(EN_ARTICLE), "description"),
                ("English content", f"{base}/gone-full", _desc(EN_ARTICLE), "content"),
                ("央行降准", f"{base}/zh", ZH_TEASER, "description"),
                ("Teaser, slow page", f"{base}/slow", EN_TEASER, "description"),
                ("中文摘要，链接失效", f"{base}/missing", ZH_TEASER, "description"),
                ("Teaser, refused", refused, EN_TEASER, "description"),
                ("摘要比页面长", f"{base}/short", "".join(ZH_ARTICLE[:2]), "description"),
                ("只有链接", f"{base}/missing", None, "description"),
            ]
        )
        items = list(extract(feed, "news.rss", settings=SETTINGS))
        hits = dict(Handler.hits)
    zh_full, en_full, en_content, fetched, slow, zh_404, refused_item, longer, link_only = items

    # Full articles are briefed from their own text; their links are not even asked for.
    assert [p.text for p in zh_full.article.paragraphs] == ZH_ARTICLE
    assert [p.text for p in en_full.article.paragraphs] == EN_ARTICLE
    assert [p.text for p in en_content.article.paragraphs] == EN_ARTICLE
    assert (zh_full.warning, en_full.warning, en_content.warning) == (None, None, None)
    assert "/gone-full" not in hits

    # A teaser whose page is there: the page is the article.
    assert fetched.warning is None
    assert fetched.article.title == "央行宣布降准"
    assert fetched.article.paragraphs[0].text.startswith("中国人民银行周五宣布")

    # A teaser whose link fails (timeout, 404, refused): the teaser, with one warning line.
    assert [p.text for p in slow.article.paragraphs] == [EN_TEASER]
    assert slow.warning.startswith(f"could not read {base}/slow (")
    assert slow.warning.endswith("): briefed the item's own text")
    assert [p.text for p in zh_404.article.paragraphs] == [ZH_TEASER]
    assert "HTTP 404" in zh_404.warning
    assert [p.text for p in refused_item.article.paragraphs] == [EN_TEASER]
    assert refused_item.warning.startswith(f"could not read {refused} (")
    assert refused_item.article.title == "Teaser, refused"
    assert refused_item.article.url == refused
    assert refused_item.article.published == "2025-09-10 09:30+08:00"

    # The page gives less than the item: the item's text wins.
    assert (
        longer.warning == f"{base}/short gives less text than the item: briefed the item's own text"
    )
    assert [p.text for p in longer.article.paragraphs] == ["".join(ZH_ARTICLE[:2])]

    # No text and no readable link: the one item that cannot be kept is an error, not a loss.
    assert link_only.article is None
    assert isinstance(link_only.error, FetchError)
    assert "HTTP 404" in link_only.error.line()


def test_cli_prints_one_warning_line_and_succeeds(tmp_path: Path, capsys) -> None:
    with Server() as base:
        path = tmp_path / "news.rss"
        path.write_bytes(_feed([("中文摘要", f"{base}/missing", ZH_TEASER, "description")]))
        code = main(["extract", str(path), "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0
    warnings = [ln for ln in captured.err.splitlines() if "warning" in ln]
    assert warnings == [
        f"brieflow: warning: {path}#1: could not read {base}/missing (HTTP 404 Not Found): "
        "briefed the item's own text"
    ]
    assert '"央行宣布下调存款准备金率，详见正文。"' in captured.out


def test_batch_briefs_the_item_and_reports_the_warning(tmp_path: Path, capsys) -> None:
    from brieflow.batch import run_batch
    from brieflow.store import Store

    refused = _refused_url()
    path = tmp_path / "news.rss"
    path.write_bytes(_feed([("Teaser, refused", refused, EN_TEASER, "description")]))
    with Store(tmp_path / "b.db") as store:
        result = run_batch([str(path)], store, settings=SETTINGS, concurrency=1)
    assert (result.progress.briefed, result.progress.failed) == (1, 0)
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith(f"{path}#1: could not read {refused} (")
    code = main(["batch", str(path), "--db", str(tmp_path / "c.db"), "--concurrency", "1"])
    err = capsys.readouterr().err
    assert code == 0
    assert f"brieflow: warning: {path}#1: could not read {refused} (" in err
