import pytest

from brieflow.nlp.trim import trim_lead

ZH_REST = "三大指数早间震荡反弹，沪指维持震荡偏强走势，创业板指一度跌近1%。"


@pytest.mark.parametrize(
    "prefix",
    [
        "2月9日消息，",
        "近日，",
        "据财经网站Forexlive报道，",
        "当地时间2月1日，",
        "①",
        "1月23日0—24时，",
        "据行业协会统计，",
        "不过，",
        "此外，",
        "2月9日消息，不过，",
    ],
)
def test_chinese_datelines_and_attributions_are_cut(prefix):
    assert trim_lead(prefix + ZH_REST, "zh") == ZH_REST


def test_chinese_content_is_kept():
    for text in (ZH_REST, "国内生产总值达114.4万亿元，突破110万亿元。", "受疫情的影响，出口下降。"):
        assert trim_lead(text, "zh") == text


def test_too_little_left_keeps_the_sentence():
    assert trim_lead("近日，涨了。", "zh") == "近日，涨了。"


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "BANGKOK, Thailand (CNN) -- A plane crashed at an airport.",
            "A plane crashed at an airport.",
        ),
        (
            "Boston (CNN)Bombs tore through the crowd on Boylston Street.",
            "Bombs tore through the crowd on Boylston Street.",
        ),
        (
            "LONDON -- Shares fell sharply today on weak data.",
            "Shares fell sharply today on weak data.",
        ),
        ("A man has admitted killing his wife.", "A man has admitted killing his wife."),
        (
            "US-China talks resumed on Monday in Geneva.",
            "US-China talks resumed on Monday in Geneva.",
        ),
    ],
)
def test_english_datelines(text, expected):
    assert trim_lead(text, "en") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("However, Apple said sales would recover.", "Apple said sales would recover."),
        ("Meanwhile, Boeing shares fell 3% in New York.", "Boeing shares fell 3% in New York."),
        # Before a lower-case word the rest would not start a sentence: kept whole.
        ("However, shares fell 3% in New York.", "However, shares fell 3% in New York."),
        # "But" without a comma is part of the sentence.
        ("But Boeing shares fell 3% in New York.", "But Boeing shares fell 3% in New York."),
    ],
)
def test_english_connectives_before_a_name(text, expected):
    assert trim_lead(text, "en") == expected


def test_a_connective_that_is_part_of_the_meaning_is_kept():
    # 其中 ("of which") scopes what follows; it stays.
    text = "其中，新能源汽车出口同比增长超过七成，成为拉动增长的主要力量。"
    assert trim_lead(text, "zh") == text
