"""The support check's direction, negation and name rules (issue 12): each pattern in both
directions, the faithful statement passes and the reversed one is caught, across languages."""

from __future__ import annotations

import pytest

from brieflow.checks import run_checks
from brieflow.models import Article, Brief, Viewpoint
from brieflow.nlp.names import foreign_names
from brieflow.nlp.polarity import conflicts


@pytest.mark.parametrize(
    ("statement", "paragraph", "caught"),
    [
        # figures with a direction, English statement and Chinese paragraph
        ("Revenue rose 5% to 426 million yuan.", "营业收入4.26亿元，同比增长5%。", False),
        ("Revenue fell 5% to 426 million yuan.", "营业收入4.26亿元，同比增长5%。", True),
        ("Gross margin was 25.68%, down 0.08 points.", "毛利率25.68%，同比-0.08pct。", False),
        ("Gross margin was 25.68%, up 0.08 points.", "毛利率25.68%，同比-0.08pct。", True),
        ("Inventory rose 25.45%.", "期末存货较上年末增加25.45%。", False),
        ("Inventory fell 25.45%.", "期末存货较上年末增加25.45%。", True),
        ("The decline was 2.4 points narrower.", "降幅收窄2.4个百分点。", False),
        ("The decline was 2.4 points wider.", "降幅收窄2.4个百分点。", True),
        ("Q4 margin was 3.3 points lower than in Q3.", "Q4毛利率环比下降3.3pct。", False),
        ("Q4 margin was 3.3 points higher than in Q3.", "Q4毛利率环比下降3.3pct。", True),
        ("It cut its investment by 50%.", "英飞凌宣布削减50%投资。", False),
        ("It raised its investment by 50%.", "英飞凌宣布削减50%投资。", True),
        ("Growth went from -29.5% to +33.0%.", "单季增速分别为-29.5%/+33.0%。", False),
        ("Growth went from -29.5% to -33.0%.", "单季增速分别为-29.5%/+33.0%。", True),
        # a result the paragraph gives the other way
        (
            "It swung to a net profit of 3.08 million yuan.",
            "实现归母净利润308万元，扭亏为盈。",
            False,
        ),
        ("It swung to a net loss of 3.08 million yuan.", "实现归母净利润308万元，扭亏为盈。", True),
        # English paragraphs, and a statement's own figures against its verb
        ("Prices are expected to rise 5.1%.", "He expects prices to rise 5.1% this year.", False),
        ("Prices are expected to fall 5.1%.", "He expects prices to rise 5.1% this year.", True),
        ("The index dropped to 50.4 from 51.9.", "The index fell to 50.4 in May from 51.9.", False),
        ("The index edged up to 50.4 from 51.9.", "The index fell to 50.4 in May from 51.9.", True),
        # opposed words and negation
        (
            "Its schemes exclude cancer referrals.",
            "The schemes, which exclude cancer referrals.",
            False,
        ),
        (
            "Its schemes include cancer referrals.",
            "The schemes, which exclude cancer referrals.",
            True,
        ),
        ("Profit came in slightly below expectations.", "利润略低于预期。", False),
        ("Profit came in slightly above expectations.", "利润略低于预期。", True),
        ("The effect on the body is small.", "对身体影响很小。", False),
        ("The effect on the body is large.", "对身体影响很小。", True),
        ("地方配套压力会随之加大。", "地方配套压力将随之加大。", False),
        ("地方配套压力会随之减轻。", "地方配套压力将随之加大。", True),
        ("The plan was approved.", "The council approved the plan on Monday.", False),
        ("The plan was not approved.", "The council approved the plan on Monday.", True),
        ("The size was not disclosed.", "The size of the deal was undisclosed.", False),
        # 不低于 is "at least", not "below"; 降至 is the cut of "cut from A to B"
        ("It aims for revenue above 10 billion yuan.", "增速不低于35%，收入超百亿元。", False),
        ("Profit came in below expectations.", "利润不低于预期，且高于去年。", True),
        # a cut its own figures show is carried, whatever else the paragraph raises
        (
            "She cut her price target from 750 to 600 dollars.",
            "她将目标价从750美元降至600美元，公司能提高价格。",
            False,
        ),
        (
            "She raised her price target from 750 to 600 dollars.",
            "她将目标价从750美元降至600美元，公司能提高价格。",
            True,
        ),
        ("It can cut prices.", "她将目标价从750美元降至600美元，公司能提高价格。", True),
        # figures the paragraph gives no direction are left to the other checks
        ("Revenue rose 5%.", "营业收入同比5%。", False),
        ("Revenue of 426 million yuan.", "营业收入4.26亿元，同比下降5%。", False),
    ],
)
def test_direction_and_negation(statement, paragraph, caught):
    assert bool(conflicts(statement, [paragraph])) is caught


def test_a_swapped_name_is_caught_and_a_pronoun_is_not():
    cited = ["Markit economist Rob Dobson said output is falling by around 1% a quarter."]
    others = ["CIPS chief executive David Noble said the survey was weak."]
    assert foreign_names("Rob Dobson estimated that output is falling.", cited, others) == []
    assert foreign_names("David Noble estimated that output is falling.", cited, others) == [
        "David Noble"
    ]
    # "he said" names nobody else: the speaker was named earlier, no swap
    assert foreign_names("David Noble said it fell.", ["He said it fell."], others) == []


def test_an_acronym_of_a_name_the_paragraph_spells_out_is_no_swap():
    cited = [
        "Councils face a shortfall, the Association of Directors of Adult Social Services said."
    ]
    others = ["ADASS and the LGA wrote to ministers."]
    assert foreign_names("Councils face a shortfall, ADASS said.", cited, others) == []
    assert foreign_names("Councils face a shortfall, the LGA said.", cited, others) == ["LGA"]


def test_a_speaker_named_paragraphs_before_a_quote_is_no_swap():
    """ "the 31-year-old added" is the nearest speaker named before (captions between), not
    anyone that paragraph mentions."""
    paragraphs = [
        "Manager Neil Redfearn picked the side, and striker Steve Morison (centre) admits he "
        "is surprised.",
        "A photo caption about the stadium.",
        "Another caption about the fans.",
        "A third caption.",
        "Asked about the squad, the 31-year-old added: 'It is stranger than at Millwall.'",
        "Manager Neil Redfearn said the club would appeal.",
    ]
    article = Article.from_texts(paragraphs, language="en")

    def findings(text: str) -> tuple:
        brief = Brief(Viewpoint(text, (5,)), (), "en", "t", "0")
        return run_checks(brief, article, ("support",)).findings

    assert findings("Morison, 31, said the season was the strangest yet.") == ()
    (finding,) = findings("Redfearn, 31, said the season was the strangest yet.")
    assert "names Redfearn" in finding.message


def test_a_swapped_name_in_pinyin():
    cited = ["片中冯远征饰演警察，王千源饰演绑匪。"]
    others = ["导演张一白称赞该片。"]
    assert foreign_names("Feng Yuanzheng plays the detective.", cited, others) == []
    assert foreign_names("Zhang Yibai plays the detective.", cited, others) == ["Zhang Yibai"]


def test_reversed_direction_is_a_support_finding():
    article = Article.from_texts(
        ["公司营业收入4.26亿元，同比增长5%。", "公司净利润0.96亿元，同比下降7.5%。"], language="zh"
    )
    good = Brief(Viewpoint("Revenue rose 5% to 426 million yuan.", (1,)), (), "en", "t", "0")
    bad = Brief(Viewpoint("Revenue fell 5% to 426 million yuan.", (1,)), (), "en", "t", "0")
    assert run_checks(good, article, ("support", "numbers")).findings == ()
    (finding,) = run_checks(bad, article, ("support", "numbers")).findings
    assert finding.check == "support"
    assert finding.message == (
        "paragraph [1] does not carry this statement: 5% is down here, the other way in the "
        "paragraph"
    )


@pytest.mark.parametrize(
    ("statement", "paragraph", "caught"),
    [
        ("Receipts rose 62% from the start of the period.", "预收较期初增长62%。", False),
        ("Receipts rose 62% year on year.", "预收较期初增长62%。", True),
        ("Orders rose 154% year on year.", "新签订单同比增长154%。", False),
        ("Orders rose 154% quarter on quarter.", "新签订单同比增长154%。", True),
        ("15% lower quarter on quarter", "环比、同比分别下降约15%、50%", False),
        # another figure that rounds to it has a basis: no verdict on a figure without one
        (
            "roughly 15% lower quarter on quarter",
            "同比增长15.2%；环比、同比分别下降约15%、50%",
            False,
        ),
    ],
)
def test_the_basis_of_a_change(statement, paragraph, caught):
    assert bool(conflicts(statement, [paragraph])) is caught
