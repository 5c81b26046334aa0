"""RSS 2.0 and Atom feeds: full-content and link-only items, a broken item, a malformed feed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from brieflow import fetch as fetch_module
from brieflow.config import Settings
from brieflow.errors import EmptyArticle, InputError
from brieflow.extract import detect_format, extract

sys.path.insert(0, str(Path(__file__).parent))
from httpserver import Server  # noqa: E402

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
SETTINGS = Settings(fetch_timeout=1.0, fetch_retries=0)


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch_module, "BACKOFF_SECONDS", 0.0)


def _rss(link: str) -> bytes:
    return (FEEDS / "finance.rss").read_text(encoding="utf-8").replace("LINK_ONLY", link).encode()


def test_rss_items_with_content_link_only_and_broken() -> None:
    with Server() as base:
        items = list(extract(_rss(f"{base}/utf8"), "finance.rss", settings=SETTINGS))
    assert [i.origin for i in items] == [f"finance.rss#{n}" for n in (1, 2, 3, 4)]
    first = items[0].article
    assert first.title == "铜价创两周新高"
    assert first.source == "示例财经"
    assert first.url == "https://example.com/a/1"
    assert first.published == "2025-08-01 08:41+08:00"
    assert [p.text for p in first.paragraphs] == [
        "周五，伦敦金属交易所三个月期铜价格上涨百分之一点四，创两周新高。",
        "智利一座大型铜矿因事故停产，市场担心供应进一步收紧。",
    ]
    fetched = items[1].article  # link-only: the page was fetched from the loopback server
    assert fetched.title == "测试页面"
    assert fetched.url == f"{base}/utf8"
    assert fetched.source == "测试网"  # the page's own site name wins over the feed's title
    assert fetched.published == "2025-08-01 09:00+08:00"
    assert fetched.paragraphs[0].text == "第一段正文内容，用于测试抓取和解码是否正确。"
    assert items[2].article is None
    assert isinstance(items[2].error, EmptyArticle)
    assert items[2].error.line() == (
        "finance.rss#3: the item has no content and no link (the feed item is empty)"
    )
    described = items[3].article
    assert described.title == "纯文本描述"
    assert described.paragraphs[0].text.startswith("第一段纯文本描述")


def test_link_only_item_not_fetched_when_fetching_is_off() -> None:
    settings = Settings(fetch_links=False)
    items = list(extract(_rss("http://127.0.0.1:9/never"), "finance.rss", settings=settings))
    assert items[1].article is None
    assert "only a link and fetching links is off" in items[1].error.line()
    assert items[0].article is not None and items[3].article is not None


def test_link_only_item_fetch_failure_is_reported_and_rest_go_on() -> None:
    with Server() as base:
        items = list(extract(_rss(f"{base}/missing"), "finance.rss", settings=SETTINGS))
    assert "HTTP 404" in items[1].error.line()
    assert items[0].article is not None and items[3].article is not None


def test_atom_feed() -> None:
    data = (FEEDS / "tech.atom").read_bytes()
    assert detect_format(data, "tech") == "feed"
    items = list(extract(data, "tech.atom", settings=Settings(fetch_links=False)))
    article = items[0].article
    assert article.title == "Chipmakers raise spending plans"
    assert article.source == "Example Tech"
    assert article.url == "https://example.org/chips"
    assert article.published == "2025-08-01 11:30+00:00"
    assert [p.text for p in article.paragraphs] == [
        "Several chipmakers raised their spending plans for the year on Friday.",
        "Demand for data-centre chips remains strong, executives said.",
    ]
    # A teaser with a link, and fetching is off: the teaser is all there is.
    assert [p.text for p in items[1].article.paragraphs] == ["Short teaser."]


def test_malformed_feed_is_a_clear_input_error() -> None:
    with pytest.raises(InputError, match=r"^broken\.xml: not a valid RSS or Atom feed"):
        list(extract(b"<?xml version='1.0'?><rss><channel><item><title>x</ti", "broken.xml"))


def test_not_a_feed_at_all() -> None:
    with pytest.raises(InputError, match="not a valid RSS or Atom feed"):
        list(extract(b"just some words, not xml", "words.rss", "feed"))


def test_feed_without_items() -> None:
    data = b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title></channel></rss>"
    with pytest.raises(EmptyArticle, match="the feed has no items"):
        list(extract(data, "empty.rss"))


def test_gbk_feed_labelled_gb2312() -> None:
    xml = (
        '<?xml version="1.0" encoding="gb2312"?>\n'
        '<rss version="2.0"><channel><title>经济·观察</title>'
        "<item><title>煤价企稳</title><link>https://example.com/2</link>"
        "<pubDate>2025-08-01 08:41</pubDate>"
        "<description><![CDATA[<p>动力煤价格本周企稳，港口库存小幅下降。</p>"
        "<p>业内人士认为，迎峰度夏期间电厂日耗仍将维持高位，煤价短期有支撑。</p>"
        "<p>责任编辑：周镕</p>]]></description></item></channel></rss>"
    )
    [item] = list(extract(xml.encode("gbk"), "gbk.xml", settings=Settings(fetch_links=False)))
    assert item.article.source == "经济·观察"
    assert item.article.published == "2025-08-01 08:41"
    assert [p.text for p in item.article.paragraphs] == [
        "动力煤价格本周企稳，港口库存小幅下降。",
        "业内人士认为，迎峰度夏期间电厂日耗仍将维持高位，煤价短期有支撑。",
    ]
