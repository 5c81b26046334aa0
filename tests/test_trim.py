import pytest

from brieflow.nlp.trim import cut, trim_lead

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


ZH_CUTS = ("brackets", "according_to", "source", "speaker_colon", "speaker_drop")


@pytest.mark.parametrize(
    "text, expected",
    [
        # an aside in brackets without a figure goes, a stock code too; figures stay
        ("贝达药业(300558)1月25日晚间发布业绩预告。", "贝达药业1月25日晚间发布业绩预告。"),
        ("瑞幸咖啡(LKNCY)正在研究是否重新上市。", "瑞幸咖啡正在研究是否重新上市。"),
        ("实现归母净利润52.80亿元（+26.96%）。", "实现归母净利润52.80亿元（+26.96%）。"),
        ("（1）受益航空航天装备现代化建设。", "受益航空航天装备现代化建设。"),
        # a source before the news
        ("据财经网站Forexlive，天然气价格一度飙升70%。", "天然气价格一度飙升70%。"),
        ("国家药监局网站显示，华北制药新药即将获批上市。", "华北制药新药即将获批上市。"),
        # a named speaker is kept, as a headline names it; a pronoun speaker goes
        ("国资委表示，混改不是国企改革的全部。", "国资委：混改不是国企改革的全部。"),
        (
            "一位电池企业高管对记者表示，报价已降至每瓦时0.38元。",
            "一位电池企业高管：报价已降至每瓦时0.38元。",
        ),
        ("我们认为，三大创新渠道轻装起行，没有历史包袱。", "三大创新渠道轻装起行，没有历史包袱。"),
        # the setting the speaker spoke in goes with the verb
        ("世纪华通在机构调研时表示，2022年将开启产品大年。", "世纪华通：2022年将开启产品大年。"),
        (
            "俄罗斯总统普京在与匈牙利总理会见后的新闻发布会上表示，乌克兰是一个工具。",
            "俄罗斯总统普京：乌克兰是一个工具。",
        ),
        # a clause before the speaker is not a speaker
        (
            "在这种情况下，市场人士表示，价格会下降很多。",
            "在这种情况下，市场人士表示，价格会下降很多。",
        ),
    ],
)
def test_chinese_cuts(text, expected):
    assert cut(text, "zh", ZH_CUTS) == expected


def test_cuts_apply_only_when_named_and_leave_enough():
    text = "国资委表示，混改不是国企改革的全部。"
    assert cut(text, "zh", ()) == text
    assert cut(text, "en", ZH_CUTS) == text  # no such English cuts: nothing happens
    assert cut("据悉，涨了。", "zh", ZH_CUTS) == "据悉，涨了。"  # too little would be left


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Sacked: But Jeremy Clarkson will not face prosecution.",
            "Jeremy Clarkson will not face prosecution.",
        ),
        (
            "He said: The deal is done and dusted today.",
            "He said: The deal is done and dusted today.",
        ),
        ("It rose (pictured) sharply in April, he said.", "It rose sharply in April."),
        (
            "Teenagers are moved too often, according to a campaign group.",
            "Teenagers are moved too often, according to a campaign group.",
        ),
    ],
)
def test_english_cuts(text, expected):
    assert cut(text, "en", ("pronoun_attribution", "brackets", "label")) == expected
