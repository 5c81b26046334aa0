"""Headlines by agreement, the time of this article (with its offset), and the author."""

from __future__ import annotations

import json

import pytest

from brieflow.cli import main
from brieflow.extract import extract
from brieflow.extract.dates import normalize_published, wall_time
from brieflow.models import Article, Brief, Viewpoint
from brieflow.render.labels import source_line

BODY = (
    "<div class='article-content'><p>国家统计局周日发布数据显示，八月份全国规模以上工业增加值"
    "同比增长百分之五点二，增速比上月加快零点一个百分点。</p>"
    "<p>分行业看，装备制造业和高技术制造业增速明显快于全部工业。</p></div>"
)


def _article(html: str, name: str = "page.html") -> Article:
    [item] = list(extract(html.encode("utf-8"), name, "html"))
    assert item.article is not None
    return item.article


@pytest.mark.parametrize(
    ("value", "year", "expected"),
    [
        ("2019-09-07 19:02:26", None, "2019-09-07 19:02"),
        ("2019年9月7日 19:02", None, "2019-09-07 19:02"),
        ("发布时间：2019年09月07日19:02", None, "2019-09-07 19:02"),
        ("09-07 19:02", 2019, "2019-09-07 19:02"),
        ("9月7日 19:02", 2019, "2019-09-07 19:02"),
        ("09-07 19:02", None, None),  # no year from the page: not guessed
        ("2019-09-07T19:02:26+08:00", None, "2019-09-07 19:02+08:00"),
        ("2019-09-07T11:02:26.000Z", None, "2019-09-07 11:02+00:00"),
        ("2019-09-07T19:02:26+0800", None, "2019-09-07 19:02+08:00"),
        ("Published Fri, Aug 1 2025 9:05 AM EDT", None, "2025-08-01 09:05-04:00"),
        ("Fri 1 Aug 2025 06.00 BST", None, "2025-08-01 06:00+01:00"),
        ("Updated 6:12 AM EDT, Fri August 1, 2025", None, "2025-08-01 06:12-04:00"),
        ("Published 11:03 PM, Thu July 31, 2025", None, "2025-07-31 23:03"),
        ("Aug. 1, 2025, 8:41 a.m. ET", None, "2025-08-01 08:41"),  # ET: EDT or EST? not said
        (1567854146, None, "2019-09-07 11:02+00:00"),
    ],
)
def test_times_as_pages_write_them(value: object, year: int | None, expected: str | None) -> None:
    assert normalize_published(value, year=year) == expected


def test_offset_left_out_on_request_and_wall_time() -> None:
    assert normalize_published("2019-09-07T19:02+08:00", keep_offset=False) == "2019-09-07 19:02"
    assert wall_time("2019-09-07 19:02+08:00") == "2019-09-07 19:02"
    assert wall_time("2019-09-07") == "2019-09-07"
    assert wall_time(None) is None


def test_the_article_time_in_its_own_meta_list() -> None:
    html = (
        "<html><head><title>工业增加值增长5.2%_示例网</title></head><body>"
        "<h1>工业增加值增长5.2%</h1><ul class='list-inline'><li class='date'>2019-09-07 19:02"
        "</li><li>来源：<a href='/'>示例网</a></li></ul>"
        "<div class='side'><span class='time'>2025-09-09 10:00</span></div>"
        f"{BODY}</body></html>"
    )
    assert _article(html).published == "2019-09-07 19:02"


def test_the_article_time_not_a_related_item_or_sidebar() -> None:
    html = (
        "<html><head><title>工业增加值增长5.2%_示例网</title></head><body>"
        "<ul class='news-list'>"
        + "".join(
            f"<li><a href='/{n}'>新闻{n}</a> <span class='time'>2025-09-0{n} 10:00</span></li>"
            for n in (7, 8, 9)
        )
        + "</ul>"
        "<aside><time datetime='2025-09-08T08:00:00+08:00'>9月8日</time></aside>"
        "<h1>工业增加值增长5.2%</h1><div class='info'>2019-09-07 19:02:26 来源：示例网</div>"
        f"{BODY}</body></html>"
    )
    assert _article(html).published == "2019-09-07 19:02"


def test_year_less_time_takes_the_year_from_the_url() -> None:
    html = (
        "<html><head><title>工业增加值增长5.2%</title>"
        "<link rel='canonical' href='https://news.example.com/2019/09/07/a.html'></head><body>"
        "<h1>工业增加值增长5.2%</h1><div class='source'>示例网 发布时间：09-07 19:02</div>"
        f"{BODY}</body></html>"
    )
    assert _article(html).published == "2019-09-07 19:02"


def test_the_page_zone_wins_over_a_utc_conversion_of_the_same_moment() -> None:
    html = (
        "<html><head><meta property='article:published_time' content='2021-10-25T10:00:00+00:00'>"
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2021-10-25T06:00:00-04:00"}</script>'
        "<title>Rates hold</title></head><body><h1>Rates hold</h1><article><p>"
        + "The central bank left rates unchanged on Monday. " * 5
        + "</p></article></body></html>"
    )
    assert _article(html).published == "2021-10-25 06:00-04:00"


def test_text_layout_shows_the_wall_time_as_published() -> None:
    article = Article.from_texts(
        ["Text."], title="T", source="Example", published="2025-08-01 09:05-04:00", language="en"
    )
    brief = Brief(
        viewpoint=Viewpoint("V.", (1,)),
        themes=(),
        language="en",
        engine="extractive",
        engine_version="1",
        article_id=article.id,
    )
    assert source_line(brief, article) == "Example·2025-08-01 09:05"


@pytest.mark.parametrize(
    ("head", "h1", "expected"),
    [
        # og:title is a shorter social line; <h1> and <title> agree.
        (
            "<meta property='og:title' content='降准来了'>"
            "<title>重磅！央行宣布降准：释放资金1万亿_示例财经_示例网</title>",
            "重磅！央行宣布降准：释放资金1万亿",
            "重磅！央行宣布降准：释放资金1万亿",
        ),
        # og:title writes ASCII punctuation; the visible <h1> keeps its full-width ！ and ：.
        (
            "<meta property='og:title' content='重磅!央行宣布降准:释放资金1万亿'>"
            "<title>重磅!央行宣布降准:释放资金1万亿-示例网</title>",
            "重磅！央行宣布降准：释放资金1万亿",
            "重磅！央行宣布降准：释放资金1万亿",
        ),
        # A logo <h1>: og:title, JSON-LD and <title> agree.
        (
            "<meta property='og:title' content='Rates  hold  as  inflation eases'>"
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"headline": "Rates hold as inflation eases"}</script>'
            "<title>Rates hold as inflation eases | Example News</title>",
            "Example News",
            "Rates hold as inflation eases",
        ),
    ],
)
def test_headline_by_agreement(head: str, h1: str, expected: str) -> None:
    html = f"<html><head>{head}</head><body><h1>{h1}</h1>{BODY}</body></html>"
    assert _article(html).title == expected


def test_author_in_extract_json(tmp_path, capsys) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        "<html><head><meta name='author' content='Geoffrey Skelley'><title>Rates hold</title>"
        "</head><body><h1>Rates hold</h1><article><p>"
        + "The central bank left rates unchanged on Monday. " * 5
        + "</p></article></body></html>",
        encoding="utf-8",
    )
    assert main(["extract", str(page), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["author"] == "Geoffrey Skelley"


@pytest.mark.parametrize(
    ("snippet", "author"),
    [
        ("<div class='info'>2019-09-07 19:02 来源：示例网 记者 周原</div>", "周原"),
        ("<p class='byline'>By <a rel='author' href='/p/ann'>Ann Lee</a></p>", "Ann Lee"),
        ("<div class='statement'>该文观点仅代表作者本人</div>", None),
    ],
)
def test_author_from_the_page(snippet: str, author: str | None) -> None:
    html = f"<html><head><title>工业增加值</title></head><body>{snippet}{BODY}</body></html>"
    assert _article(html).author == author


def test_the_site_header_date_of_today_is_not_the_article_time() -> None:
    html = (
        "<html><head><title>工业增加值增长5.2%_示例网</title></head><body>"
        "<div class='top'>2025年12月02日 星期二</div>"
        "<h1>工业增加值增长5.2%</h1><p class='src'>示例网 2019年9月7日 19:02</p>"
        f"{BODY}</body></html>"
    )
    assert _article(html).published == "2019-09-07 19:02"


def test_an_event_time_in_the_text_is_not_the_publication_time() -> None:
    html = (
        "<html><head><title>展会将开幕_示例网</title></head><body><h1>展会将开幕</h1>"
        "<div class='info'>2025-09-01 10:30 来源：示例网</div><div class='content'>"
        "<p>活动时间：2025年10月1日 09:00</p>"
        "<p>第二十届国际工业博览会将于十月在上海开幕，预计参展企业超过两千家。</p></div>"
        "</body></html>"
    )
    assert _article(html).published == "2025-09-01 10:30"


def test_headline_in_a_title_classed_div_when_title_agrees() -> None:
    html = (
        "<html><head><title>央行宣布降准：释放资金1万亿-财经频道-示例网</title></head><body>"
        "<div class='logo'>示例网</div><div class='article-title'>央行宣布降准：释放资金1万亿</div>"
        f"{BODY}</body></html>"
    )
    assert _article(html).title == "央行宣布降准：释放资金1万亿"


def test_a_short_label_inside_the_headline_is_not_the_headline() -> None:
    html = (
        "<html><head><meta property='og:title' content='独家｜示例公司宣布收购两家芯片设计企业'>"
        "<title>独家｜示例公司宣布收购两家芯片设计企业_示例网</title></head><body>"
        f"<h1>独家｜示例公司宣布收购两家芯片设计企业</h1><h2>独家</h2>{BODY}</body></html>"
    )
    assert _article(html).title == "独家｜示例公司宣布收购两家芯片设计企业"


def test_a_saved_page_keeps_its_article_time_not_the_save_time() -> None:
    html = (
        "<!DOCTYPE html> <!--\n Page saved with SingleFile \n url: https://news.example.com/a"
        " \n saved date: Tue Dec 02 2025 10:00:00 GMT+0800 (China Standard Time)\n-->"
        "<html><head><meta name='savepage-date' content='Tue Dec 02 2025 10:00:00 GMT+0800'>"
        "<title>工业增加值增长5.2%_示例网</title></head><body><h1>工业增加值增长5.2%</h1>"
        f"<div class='info'>2019-09-07 19:02:26 来源：示例网</div>{BODY}"
        "<script>var buildTime = '2025-12-01 23:59:59';</script></body></html>"
    )
    assert _article(html).published == "2019-09-07 19:02"


def test_json_article_author_round_trips() -> None:
    record = {"title": "T", "author": "Ann Lee", "published": "2025-08-01T09:05:00-04:00"}
    record["paragraphs"] = ["The council voted on Tuesday to extend the tram line."]
    [item] = list(extract(json.dumps(record).encode(), "a.json"))
    assert item.article.author == "Ann Lee"
    assert item.article.published == "2025-08-01 09:05-04:00"
    assert Article.from_dict(item.article.to_dict()) == item.article
    assert "author" not in Article.from_texts(["x."]).to_dict()


def test_with_nothing_agreeing_og_title_wins_over_title() -> None:
    html = (
        "<html><head><meta property='og:title' content='降准来了：一万亿长期资金将释放'>"
        "<title>央行宣布降准 释放资金1万亿 财经 股市 银行_示例财经</title></head>"
        f"<body>{BODY}</body></html>"
    )
    assert _article(html).title == "降准来了：一万亿长期资金将释放"
