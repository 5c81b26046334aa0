"""HTML pages modelled on Chinese portals and English outlets, in their real encodings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brieflow.errors import EmptyArticle
from brieflow.extract import detect_format, extract
from brieflow.extract.html import is_boilerplate
from brieflow.extract.htmlbytes import decode_html
from brieflow.extract.htmlmeta import strip_site_suffix
from brieflow.fetch import FetchedBytes

FIXTURES = Path(__file__).parent / "fixtures" / "html"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


def _article(name: str):
    data = (FIXTURES / name).read_bytes()
    [item] = list(extract(data, str(FIXTURES / name)))
    assert item.error is None, item.error
    return item.article


def test_fixtures_cover_the_portals() -> None:
    assert len(EXPECTED) >= 11
    raw = {n: (FIXTURES / n).read_bytes() for n in EXPECTED}
    assert b"charset=gbk" in raw["netease.html"]
    assert b"charset=GB2312" in raw["people.html"]
    assert b"charset=big5" in raw["xinhua-big5.html"]
    assert raw["eastmoney.html"].startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        raw["netease.html"].decode("utf-8")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_metadata_and_paragraphs(name: str) -> None:
    expected = EXPECTED[name]
    article = _article(name)
    assert article.title == expected["title"]
    assert article.source == expected["source"]
    assert article.published == expected["published"]
    assert [p.text for p in article.paragraphs] == expected["paragraphs"]


def test_sohu_page_exactly() -> None:
    article = _article("sohu.html")
    assert article.title == "稀土回收企业扩产提速 下游磁材订单回暖"
    assert article.source == "搜狐财经"
    assert article.published == "2025-08-01 08:41"
    assert article.url == "https://www.sohu.com/a/900000001_100001551"
    assert len(article.paragraphs) == 5
    assert article.paragraphs[-1].text.startswith("业内预计，随着报废电机")
    text = article.text
    for junk in (
        "返回搜狐",
        "责任编辑",
        "平台声明",
        "图片来源",
        "24小时热文",
        "版权所有",
        "推荐阅读",
    ):
        assert junk not in text


def test_gbk_page_with_gb2312_label_keeps_gbk_only_characters() -> None:
    article = _article("people.html")
    assert article.source == "人民网－人民日报"
    assert article.published == "2025-08-01 08:41"  # minutes from the page, date from the meta


def test_big5_page() -> None:
    article = _article("xinhua-big5.html")
    assert article.title == "臺灣地區半導體出口續增 設備投資轉趨審慎"
    assert article.source == "新華網"
    assert (
        article.paragraphs[1].text
        == "分析人士指出，人工智慧伺服器相關晶片需求強勁，是出口增長的主要動力。"
    )


def test_english_outlets() -> None:
    reuters = _article("reuters.html")
    assert (reuters.source, reuters.published) == ("Reuters", "2025-08-01 06:12+00:00")
    assert reuters.paragraphs[0].text.startswith("LONDON, Aug 1 (Reuters) - Copper prices rose")
    assert "Reporting by" not in reuters.text and "Trust Principles" not in reuters.text
    bbc = _article("bbc.html")
    assert (bbc.source, bbc.published) == ("BBC News", "2025-08-01 11:03+00:00")
    guardian = _article("guardian.html")
    assert guardian.title == "Heat pump installations rise by a third in first half of year"
    assert "Photograph" not in guardian.text and "Reuse this content" not in guardian.text


PAGE = (
    "<html><head>{meta}<title>央行开展逆回购操作_新浪财经_新浪网</title></head><body>"
    "<div class='date'>2025年8月1日 08:41</div>"
    "<div class='article'><p>中国人民银行今日开展七天期逆回购操作，操作利率保持不变。</p>"
    "<p>市场人士认为，资金面总体保持平稳，短期利率波动有限。</p></div></body></html>"
)
TEXTS = [
    "中国人民银行今日开展七天期逆回购操作，操作利率保持不变。",
    "市场人士认为，资金面总体保持平稳，短期利率波动有限。",
]


@pytest.mark.parametrize(
    ("meta", "encoding", "http_charset"),
    [
        ("", "utf-8", None),
        ("", "gbk", None),  # no meta, no HTTP charset
        ("", "gb18030", "utf-8"),  # a wrong HTTP charset
        ('<meta charset="gb2312">', "gbk", "iso-8859-1"),  # wrong HTTP, right meta
        ('<meta charset="utf-8">', "gbk", None),  # a wrong meta charset
        ('<meta charset="gbk">', "utf-8", "gbk"),  # labelled GBK, really UTF-8
        ("", "utf-8-sig", None),  # BOM
        ("", "utf-16", None),  # UTF-16 with BOM
    ],
)
def test_encodings_without_mojibake(meta: str, encoding: str, http_charset: str | None) -> None:
    raw = PAGE.format(meta=meta).encode(encoding)
    data = FetchedBytes(raw, url="https://example.com/a", charset=http_charset)
    [item] = list(extract(data, "https://example.com/a", "html"))
    article = item.article
    assert article.title == "央行开展逆回购操作"
    assert article.source == "新浪财经"  # the site segment of <title>, for lack of anything better
    assert article.published == "2025-08-01 08:41"
    assert [p.text for p in article.paragraphs] == TEXTS
    assert article.url == "https://example.com/a"


def test_big5_without_any_label_is_sniffed() -> None:
    text = (
        "<html><body><div class='content'>"
        "<p>臺灣地區七月出口金額創下歷史新高，主要來自電子零組件。</p>"
        "<p>經濟部門表示，下半年外銷訂單可望維持成長。</p></div></body></html>"
    )
    assert decode_html(text.encode("big5"), "x.html") == text
    assert decode_html(text.encode("gb18030"), "x.html") == text


def test_relative_times_are_never_guessed() -> None:
    html = (
        "<html><body><span class='time'>3小时前</span><div class='content'>"
        "<p>某公司今日发布新产品，售价为每台两千元，预计下月上市销售。</p></div></body></html>"
    )
    [item] = list(extract(html.encode(), "p.html"))
    assert item.article.published is None


def test_page_without_text_is_empty_article() -> None:
    with pytest.raises(EmptyArticle, match="no article text found in the page"):
        list(extract(b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "e.html"))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("白宫密会稀土巨头!稀土战线悄然成形_搜狐财经_搜狐网", "白宫密会稀土巨头!稀土战线悄然成形"),
        ("今年夏粮产量再创新高-新华网", "今年夏粮产量再创新高"),
        (
            "Copper climbs as Chile mine outage tightens supply | Reuters",
            "Copper climbs as Chile mine outage tightens supply",
        ),
        ("Rail fares - what changes - BBC News", "Rail fares - what changes"),
        ("连锁咖啡品牌下沉县城 | 界面新闻", "连锁咖啡品牌下沉县城"),
        ("A plain headline", "A plain headline"),
    ],
)
def test_strip_site_suffix(title: str, expected: str) -> None:
    assert strip_site_suffix(title) == expected


@pytest.mark.parametrize(
    "line",
    [
        "返回搜狐，查看更多",
        "责任编辑：张晓明",
        "(责编：孙雪、马兰)",
        "【纠错】【责任编辑:刘洋】",
        "平台声明：该文观点仅代表作者本人，搜狐号系信息发布平台，搜狐仅提供信息存储空间服务。",
        "郑重声明：东方财富发布此内容旨在传播更多信息，与本站立场无关，不构成投资建议。",
        "Copyright © 2025 Sohu.com Inc. All Rights Reserved.",
        "图片来源：视觉中国",
        "A heat pump outside a house in Leeds. Photograph: Christopher Thomond/The Guardian",
        "分享到：微信 微博 QQ空间",
        "Reporting by Jane Doe; Editing by Mark Potter",
        "《 人民日报 》（ 2025年08月01日 02 版）",
        "2025年08月01日08:41 | 来源：人民网－人民日报",
        "编辑/丁俊",
        "第一财经 2025-08-01 13:02:18",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "分析人士指出，回收料成本低于原矿，但原料来源分散、品质不稳定。",
        "数据来源方面，统计局表示将在月底公布更详细的分项数据。",
        "By the end of June, about 60,000 units had been fitted across the country in total.",
        "2025年上半年，全国夏粮产量达到一千四百九十五亿公斤，比上年增加约二十亿公斤。",
    ],
)
def test_article_lines_are_kept(line: str) -> None:
    assert not is_boilerplate(line)


def test_detect_html_from_content_and_type() -> None:
    assert detect_format(b"<!-- saved --><!DOCTYPE html><html>", "page") == "html"
    fetched = FetchedBytes(b"<div>x</div>", url="https://e.com/a", content_type="text/html")
    assert detect_format(fetched, "https://e.com/a") == "html"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fallback_harvest_alone_finds_the_same_paragraphs(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trafilatura

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("trafilatura failed")

    monkeypatch.setattr(trafilatura, "extract", broken)
    article = _article(name)
    assert [p.text for p in article.paragraphs] == EXPECTED[name]["paragraphs"]


def test_latin1_label_is_read_as_windows_1252() -> None:
    html = (
        '<html><head><meta charset="iso-8859-1"><title>Caf\u00e9 prices | Example News</title>'
        "</head><body><article><p>\u201cPrices at the caf\u00e9 rose by 5%,\u201d the owner said "
        "on Friday \u2014 the third rise this year.</p></article></body></html>"
    )
    [item] = list(extract(html.encode("cp1252"), "cafe.html"))
    assert item.article.paragraphs[0].text == (
        "\u201cPrices at the caf\u00e9 rose by 5%,\u201d the owner said on Friday \u2014 the third "
        "rise this year."
    )
    assert item.article.source == "Example News"


BR_PAGE = (
    "<html><head><title>上半年地区经济增长5.6%_某某网</title></head><body>"
    "<div class='nav'><a href='/'>首页</a></div><div id='Cnt-Main-Article-QQ'>"
    "\u3000\u3000某地今年上半年地区生产总值同比增长百分之五点六，高于全国平均水平。<br><br>"
    "\u3000\u3000其中，工业增加值增长百分之七，<b>服务业</b>增加值增长百分之五。<br><br>"
    "\u3000\u3000当地统计部门表示，下半年经济有望延续稳中向好的态势。<br><br>"
    "责任编辑：张三</div></body></html>"
)
BR_TEXTS = [
    "某地今年上半年地区生产总值同比增长百分之五点六，高于全国平均水平。",
    "其中，工业增加值增长百分之七，服务业增加值增长百分之五。",
    "当地统计部门表示，下半年经济有望延续稳中向好的态势。",
]


@pytest.mark.parametrize("trafilatura_works", [True, False])
def test_br_separated_paragraphs(trafilatura_works: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not trafilatura_works:
        import trafilatura

        monkeypatch.setattr(trafilatura, "extract", lambda *a, **k: None)
    [item] = list(extract(BR_PAGE.encode("gbk"), "old.html"))
    assert [p.text for p in item.article.paragraphs] == BR_TEXTS
    assert item.article.title == "上半年地区经济增长5.6%"
    assert item.article.source == "某某网"


def test_utf8_page_with_a_stray_broken_byte_stays_utf8() -> None:
    raw = PAGE.format(meta='<meta charset="utf-8">').encode("utf-8")
    cut = raw.index("市场人士".encode())
    raw = raw[:cut] + b"\xe5" + raw[cut:]  # half a character
    [item] = list(extract(raw, "broken.html"))
    assert item.article.title == "央行开展逆回购操作"
    assert item.article.paragraphs[0].text == TEXTS[0]
    assert item.article.paragraphs[1].text == "\ufffd" + TEXTS[1]


def test_gbk_page_with_few_chinese_characters_is_not_taken_for_utf8() -> None:
    html = "<html><body><p>The 央行 said rates would stay on hold for now.</p></body></html>"
    assert decode_html(html.encode("gbk"), "x.html") == html


def test_logo_h1_is_not_the_title() -> None:
    html = (
        "<html><head><title>新能源重卡销量翻倍_凤凰网财经_凤凰网</title></head><body>"
        "<h1 class='logo'><a href='/'>凤凰网财经</a></h1><h1>新能源重卡销量翻倍</h1>"
        "<div class='text'><p>上半年国内新能源重卡销量同比增长一倍以上，"
        "渗透率首次超过两成。</p></div>"
        "</body></html>"
    )
    [item] = list(extract(html.encode(), "logo.html"))
    assert item.article.title == "新能源重卡销量翻倍"
    assert item.article.source == "凤凰网财经"
