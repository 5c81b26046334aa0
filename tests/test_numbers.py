"""Number normalisation for the numbers check: Chinese units, full-width digits, currencies."""

from __future__ import annotations

import pytest

from brieflow.nlp.numbers import missing_numbers, parse_chinese_number, quantities


def values(text: str, **kw) -> list[tuple[float, str, str | None]]:
    return [(q.value, q.kind, q.currency) for q in quantities(text, **kw)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("销量2.8万辆", [(28000.0, "number", None)]),
        ("投资3亿美元", [(3e8, "number", "USD")]),
        ("营收1.2万亿元", [(1.2e12, "number", "CNY")]),
        ("增长3.5%", [(3.5, "percent", None)]),
        ("下降2个百分点", [(2.0, "points", None)]),
        ("超过3成", [(30.0, "percent", None)]),
        ("１２．５％", [(12.5, "percent", None)]),
        ("$300 million", [(3e8, "number", "USD")]),
        ("RMB5bn", [(5e9, "number", "CNY")]),
        ("2.8 million units", [(2.8e6, "number", None)]),
        ("4.6 percentage points", [(4.6, "points", None)]),
        ("up 24 percent", [(24.0, "percent", None)]),
        ("1,234.5 yuan", [(1234.5, "number", "CNY")]),
        ("60千瓦时", [(60.0, "number", None)]),
        ("1.46亿千瓦", [(1.46e8, "number", None)]),
        ("百分之三十五", [(35.0, "percent", None)]),
        ("近九成", [(90.0, "percent", None)]),
        ("成为第一", []),
        ("5m long", [(5.0, "number", None)]),
        ("€7.3 billion", [(7.3e9, "number", "EUR")]),
    ],
)
def test_quantities(text, expected):
    assert values(text) == expected


def test_dates_give_their_parts():
    assert sorted(q.value for q in quantities("August 1, 2025")) == [1.0, 8.0, 2025.0]
    assert sorted(q.value for q in quantities("2025年8月1日")) == [1.0, 8.0, 2025.0]


def test_chinese_numerals_only_on_request():
    assert values("三家企业") == []
    assert values("三家企业", chinese_numerals=True) == [(3.0, "number", None)]
    assert (2025.0, "number", None) in values("二〇二五年", chinese_numerals=True)


@pytest.mark.parametrize(
    ("text", "value"),
    [("十二", 12), ("三万五千", 35000), ("两亿", 2e8), ("一百零五", 105), ("十", 10)],
)
def test_parse_chinese_number(text, value):
    assert parse_chinese_number(text) == value


@pytest.mark.parametrize(
    ("claim", "paragraph", "missing"),
    [
        ("sales reached 28,000 vehicles", "销量达到2.8万辆", []),
        ("sales reached 2.8 million vehicles", "销量达到2.8万辆", ["2.8 million"]),
        ("nearly 90% of the market", "占全球近九成", []),
        ("nearly 9% of the market", "占全球近九成", ["9%"]),
        ("about 28,000 vehicles", "销量达到2.83万辆", []),  # honest rounding
        ("about 30% of revenue", "占营收的34%", ["30%"]),  # not honest rounding
        ("in 2024", "2025年", ["2024"]),
        ("$300 million", "3亿美元", []),
        ("300 million yuan", "3亿美元", ["300 million yuan"]),
        ("2 percentage points", "提高2个百分点", []),
        ("on August 5", "8月5日", []),
        ("on August 15", "8月5日", ["15"]),
        ("three companies and 3 plants", "三家企业建了三座工厂", []),
        ("cited [3] twice", "no numbers here", []),
    ],
)
def test_missing_numbers(claim, paragraph, missing):
    assert [q.text for q in missing_numbers(claim, [paragraph])] == missing


# Issue 12: how a competent model re-expresses the figures of a Chinese report in English.
# Each pattern in both directions: the faithful form passes, the faulty form names the figure.
@pytest.mark.parametrize(
    ("claim", "paragraph", "missing"),
    [
        # a list of figures sharing one trailing unit
        ("net profit of 1.10, 1.25 and 1.40 billion yuan", "净利润11.0、12.5、14.0亿元", []),
        (
            "net profit of 1.10, 1.25 and 14.0 billion yuan",
            "净利润11.0、12.5、14.0亿元",
            ["14.0 billion yuan"],
        ),
        ("revenue of 703 million, 989 million and 1.417 billion", "收入7.03/9.89/14.17亿元", []),
        (
            "revenue of 703, 989 and 1,417 billion",
            "收入7.03/9.89/14.17亿元",
            ["703", "989", "1,417 billion"],
        ),
        (
            "profit of 110-125 million yuan, up 22.88%-39.64%",
            "净利润1.1-1.25亿元，增长22.88%-39.64%",
            [],
        ),
        ("profit of 11-12.5 million yuan", "净利润1.1-1.25亿元", ["11", "12.5 million yuan"]),
        # abbreviated and full year ranges
        ("forecasts for 2022-2024", "预计2022-24年", []),
        ("forecasts for 2022-2025", "预计2022-24年", ["2025"]),
        ("EPS for 2019-2021", "维持19-21年EPS预测", []),
        ("EPS for 2019-2022", "维持19-21年EPS预测", ["2022"]),
        ("revenue in the third quarter of 2022", "3Q22公司实现营业收入", []),
        ("revenue in the third quarter of 2021", "3Q22公司实现营业收入", ["2021"]),
        # plan names and ordinals
        ("during the 14th Five-Year Plan", "十四五规划期间", []),
        ("during the 13th Five-Year Plan", "十四五规划期间", ["13"]),
        # pct / ct / pp / bp and 个百分点
        ("down 0.91 percentage points", "同比-0.91pct", []),
        ("down 0.91 percentage points", "同比-0.91ct", []),
        ("down 0.91 percentage points", "下降0.91pp", []),
        ("down 9.1 percentage points", "同比-0.91pct", ["9.1 percentage points"]),
        ("narrowed by 21 basis points", "收窄21个基点", []),
        ("narrowed by 0.21 percentage points", "收窄21个基点", []),
        ("narrowed by 2.1 percentage points", "收窄21个基点", ["2.1 percentage points"]),
        ("a 50-basis-point hike", "加息50个基点", []),
        ("a 50-percentage-point hike", "加息50个基点", ["50-percentage-point"]),
        ("up 2 percentage points", "提高2个百分点", []),
        # approximation words on both sides
        ("nearly 90% of the market", "近九成", []),
        ("more than 70% of revenue", "占比超过七成", []),
        ("more than 80% of revenue", "占比7成以上", ["80%"]),
        ("nearly 6% growth", "增长5.8%", []),
        ("nearly 7% growth", "增长5.8%", ["7%"]),
        ("over 138 billion yuan of exports", "出口1380多亿元", []),
        ("over 183 billion yuan of exports", "出口1380多亿元", ["183 billion yuan"]),
        ("about 75,000 yuan a tonne", "约7.5万元/吨", []),
        # English number words and fractions
        ("two-thirds of the money", "三分之二的资金", []),
        ("a third of the money", "三分之二的资金", ["a third of"]),
        ("fell by a fifth", "下降20%", []),
        ("fell by a quarter", "下降20%", ["a quarter"]),
        ("half of its sales", "一半的销售", []),
        ("orders doubled", "订单翻了一番", []),
        ("orders doubled", "订单增长100%", []),
        ("orders tripled", "订单增长100%", ["tripled"]),
        ("three of the eleven libraries", "eleven libraries, three of them", []),
        ("four of the eleven libraries", "eleven libraries, three of them", ["four"]),
        ("about twice the pace", "roughly double the pace", []),
        ("about three times the pace", "roughly double the pace", ["three times"]),
        # quarters and halves
        ("in the first three quarters", "前三季度营收", []),
        ("in the first nine months", "1-9月营收", []),
        ("in the first half", "前三季度营收", ["first half"]),
        ("in Q3", "三季度营收", []),
        ("in the third quarter", "公司Q3营收", []),
        ("in the fourth quarter", "公司Q3营收", ["fourth quarter"]),
        ("in H1", "上半年营收", []),
        ("in the second half", "上半年营收", ["second half"]),
        ("in January-March", "一季度营收", []),
        ("in January-June", "一季度营收", ["January-June"]),
        ("prices fell in Q3 and Q4", "价格三四季度环比下降", []),
        # honest rounding with the right magnitude
        ("516.2 billion yuan", "5162亿元", []),
        ("5.162 trillion yuan", "5162亿元", ["5.162 trillion yuan"]),
        ("1,006.7 billion yuan", "10067亿元", []),
        ("10.067 billion yuan", "10067亿元", ["10.067 billion yuan"]),
        ("about 1 trillion yuan", "10067亿元", []),
        # names and wide commas
        ("4,870 new projects", "新增项目4，870个", []),
        ("Covid-19 patients", "新冠肺炎患者", []),
        # "a second", "per second" is a unit of time; "a second term" is an order
        ("up to 400,000 waveforms a second", "最高达400，000帧/秒", []),
        ("up to 40,000 waveforms a second", "最高达400，000帧/秒", ["40,000"]),
        ("she won a second term", "她赢得了连任", ["second"]),
        # how often is a count; a P/E written 15x is a multiple
        ("it scans 25 times a second", "以每秒25次的频率扫描", []),
        ("it scans 52 times a second", "以每秒25次的频率扫描", ["52", "52 times"]),
        ("shares trade at 15 times 2023 earnings", "对应2023年市盈率为15x", []),
        ("shares trade at 18 times 2023 earnings", "对应2023年市盈率为15x", ["18", "18 times"]),
        # a tenth in an English paragraph, as a percentage
        ("under 10% of the spending", "less than a tenth of what it spent", []),
        ("under 20% of the spending", "less than a tenth of what it spent", ["20%"]),
        # an enumeration counted
        (
            "presales for eight films",
            "影片《甲》《乙》《丙》《丁》《戊》《己》《庚》《辛》开启预售",
            [],
        ),
        (
            "presales for seven films",
            "影片《甲》《乙》《丙》《丁》《戊》《己》《庚》《辛》开启预售",
            ["seven"],
        ),
        ("three regions", "北京、天津和河北", []),
        (
            "the six were Antenucci, Bellusci, Del Fabro, Silvestri, Doukara and Cani",
            "Italian quartet Antenucci, Bellusci, Del Fabro and Silvestri, Frenchman Doukara "
            "and Albanian Cani all said they were injured.",
            [],
        ),
        (
            "the seven were Antenucci, Bellusci, Del Fabro, Silvestri, Doukara and Cani",
            "Italian quartet Antenucci, Bellusci, Del Fabro and Silvestri, Frenchman Doukara "
            "and Albanian Cani all said they were injured.",
            ["seven"],
        ),
        ("five regions", "北京、天津和河北", ["five"]),
    ],
)
def test_model_style_figures(claim, paragraph, missing):
    assert [q.text for q in missing_numbers(claim, [paragraph])] == missing
