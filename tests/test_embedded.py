"""Script-rendered pages: the article read from embedded JSON; placeholders never briefed."""

from __future__ import annotations

import json

import pytest

from brieflow.cli import main
from brieflow.errors import EmptyArticle
from brieflow.extract import extract
from brieflow.extract.embedded import MAX_SCRIPT_CHARS, is_placeholder
from brieflow.extract.html import read_html

ZH = [
    "国家统计局周日发布数据显示，八月份全国规模以上工业增加值同比增长百分之五点二。",
    "分行业看，装备制造业和高技术制造业增速明显快于全部工业，成为拉动增长的主要力量。",
    "统计局有关负责人表示，下阶段将继续加大宏观政策调节力度，巩固经济回升向好态势。",
]
EN = [
    "The port authority said on Monday that container volumes rose for a sixth straight month.",
    "Shipments to Southeast Asia grew fastest, while trade with Europe was broadly flat.",
    "Officials expect the expansion of the northern terminal to be finished by next summer.",
]


def _page(body: str, head: str = "", script: str = "") -> bytes:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'>{head}</head>"
        f"<body>{body}{script}</body></html>"
    ).encode()


def _paras(data: bytes, name: str = "page.html") -> tuple[list[str], str, object]:
    article, where = read_html(data, name)
    return [p.text for p in article.paragraphs], where, article


def test_next_data_article_behind_a_loading_shell() -> None:
    data = {
        "props": {
            "pageProps": {
                "nav": [{"title": "首页", "text": "首页"}],
                "article": {
                    "title": "八月工业增加值同比增长5.2%",
                    "publishTime": "2025-09-07 19:02:26",
                    "source": "示例日报",
                    "author": {"name": "李华"},
                    "content": "".join(f"<p>{p}</p>" for p in ZH),
                },
            }
        }
    }
    page = _page(
        "<div id='__next'><div class='loading'>加载中…</div></div>",
        "<title>示例日报</title>",
        f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>',
    )
    paragraphs, where, article = _paras(page)
    assert paragraphs == ZH
    assert where == "__NEXT_DATA__"
    assert article.title == "八月工业增加值同比增长5.2%"
    assert article.published == "2025-09-07 19:02"
    assert article.source == "示例日报"
    assert article.author == "李华"


def test_initial_state_plain_text_body_in_english() -> None:
    state = {
        "user": None,
        "story": {
            "headline": "Container volumes rise for sixth month",
            "publishedAt": "2025-09-08T10:15:00+01:00",
            "body": "\n\n".join(EN),
        },
    }
    page = _page(
        "<div id='root'><p>Loading…</p></div>",
        script=f"<script>window.__INITIAL_STATE__ = {json.dumps(state)};var x=1;</script>",
    )
    paragraphs, where, article = _paras(page)
    assert paragraphs == EN
    assert where == "window.__INITIAL_STATE__"
    assert article.title == "Container volumes rise for sixth month"
    assert article.published.startswith("2025-09-08 10:15")


def test_window_data_with_epoch_time() -> None:
    data = {"title": "工业增加值", "ctime": 1757242946000, "content": "\n".join(ZH)}
    page = _page(
        "<noscript>请开启JavaScript</noscript><div id='app'></div>",
        script=f"<script>window.DATA = {json.dumps(data, ensure_ascii=False)}</script>",
    )
    paragraphs, where, article = _paras(page)
    assert paragraphs == ZH
    assert where == "window.DATA"
    assert article.published == "2025-09-07 11:02+00:00"  # an epoch number is UTC


def test_json_ld_article_body_when_the_dom_asks_for_javascript() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Container volumes rise for sixth month",
        "datePublished": "2025-09-08T10:15:00Z",
        "author": [{"@type": "Person", "name": "Ann Lee"}, {"@type": "Person", "name": "Bo Chan"}],
        "articleBody": "\n\n".join(EN),
    }
    page = _page(
        "<div id='app'><p>Please enable JavaScript to view this page.</p></div>",
        f'<script type="application/ld+json">{json.dumps(ld)}</script>',
    )
    paragraphs, where, article = _paras(page)
    assert paragraphs == EN
    assert where == "JSON-LD"
    assert article.author == "Ann Lee, Bo Chan"


def test_a_page_with_a_real_body_is_read_from_the_page() -> None:
    ld = {"@type": "NewsArticle", "headline": "Ports", "articleBody": "\n\n".join(EN)}
    page = _page(
        "<article>" + "".join(f"<p>{p}</p>" for p in EN) + "</article>",
        f'<script type="application/ld+json">{json.dumps(ld)}</script>',
    )
    paragraphs, where, _ = _paras(page)
    assert paragraphs == EN
    assert where == "page"


@pytest.mark.parametrize(
    "shell",
    [
        "<div id='app'>加载中...</div>",
        "<div id='app'><p>正在加载中，请稍候</p></div>",
        "<div id='root'><p>Loading…</p></div>",
        "<noscript><p>You need to enable JavaScript to run this app.</p></noscript><div></div>",
        "<div><p>请开启JavaScript后浏览本页</p></div>",
        "<div><p>Please enable JavaScript</p></div>",
    ],
)
def test_placeholder_alone_is_no_article(shell: str) -> None:
    with pytest.raises(EmptyArticle, match="no article text found"):
        read_html(_page(shell, "<title>示例新闻</title>"), "shell.html")


@pytest.mark.parametrize(
    "script",
    [
        "<script>window.__INITIAL_STATE__ = " + "[" * 100_000 + "</script>",  # too deep
        '<script>window.__INITIAL_STATE__ = {"title": "x", "content": "unterminated</script>',
        '<script id="__NEXT_DATA__" type="application/json">{not json}</script>',
        '<script type="application/ld+json">{"articleBody": </script>',
        "<script>window.DATA = undefined;</script>",
    ],
)
def test_broken_embedded_data_is_no_article_not_a_traceback(script: str) -> None:
    with pytest.raises(EmptyArticle, match="no article text found"):
        read_html(_page("<div id='app'>加载中…</div>", script=script), "broken.html")


def test_oversized_script_is_not_parsed() -> None:
    state = {"title": "t", "content": "\n".join(EN), "pad": "x" * MAX_SCRIPT_CHARS}
    script = f"<script>window.__INITIAL_STATE__ = {json.dumps(state)}</script>"
    with pytest.raises(EmptyArticle):
        read_html(_page("<div>Loading...</div>", script=script), "big.html")


def test_placeholder_lines_are_recognised_and_text_is_not() -> None:
    assert is_placeholder("加载中…")
    assert is_placeholder("Loading...")
    assert is_placeholder("请开启JavaScript")
    assert not is_placeholder("加载中的数据显示，七月份出口增长。")
    assert not is_placeholder("Loading of the ships resumed on Monday.")


def test_feed_item_whose_text_is_a_placeholder_is_not_briefed() -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<item><title>A</title><description>加载中…</description></item>"
        "</channel></rss>"
    ).encode()
    [item] = list(extract(feed, "f.rss"))
    assert item.article is None
    assert "no content" in item.error.line()


def test_cli_brief_of_a_shell_page_is_one_clear_error(tmp_path, capsys) -> None:
    path = tmp_path / "shell.html"
    path.write_bytes(_page("<div id='app'>加载中…</div>", "<title>示例新闻</title>"))
    assert main(["brief", str(path)]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"brieflow: error: {path}: no article text found in the page (the page may need "
        "JavaScript to show its text; save it from a browser instead)"
    ]


@pytest.mark.parametrize("depth", [900, 100_000])
def test_deeply_nested_json_ld_on_a_normal_page_is_skipped(depth: int) -> None:
    page = _page(
        "<article>" + "".join(f"<p>{p}</p>" for p in EN) + "</article>",
        '<script type="application/ld+json">' + "[" * depth + "]" * depth + "</script>",
    )
    paragraphs, where, _ = _paras(page)
    assert paragraphs == EN
    assert where == "page"


def test_a_typed_json_script_of_another_framework() -> None:
    state = {
        "page": {"article": {"title": "工业增加值", "pubDate": "2025-09-07 19:02", "body": ZH}}
    }
    state["page"]["article"]["body"] = "\n".join(ZH)
    page = _page(
        "<div id='app'>加载中…</div>",
        script=f'<script type="application/json" id="initial-data">{json.dumps(state)}</script>',
    )
    paragraphs, where, article = _paras(page)
    assert (paragraphs, where, article.published) == (ZH, "initial-data", "2025-09-07 19:02")
