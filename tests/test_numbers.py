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
