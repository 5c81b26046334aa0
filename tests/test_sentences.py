from brieflow.nlp.lang import detect_language
from brieflow.nlp.sentences import split_sentences
from brieflow.nlp.words import words


def test_chinese_punctuation_and_closing_quotes():
    text = "他说：“我们会继续努力。”随后离开了会场。价格上涨3.5%！真的吗？是的；还有……最后一句"
    assert split_sentences(text, "zh") == [
        "他说：“我们会继续努力。”",
        "随后离开了会场。",
        "价格上涨3.5%！",
        "真的吗？",
        "是的；",
        "还有……",
        "最后一句",
    ]


def test_chinese_corner_brackets_stay_with_their_sentence():
    assert split_sentences("「市场已经见底。」分析师表示。", "zh") == [
        "「市场已经见底。」",
        "分析师表示。",
    ]


def test_chinese_decimal_and_ascii_period_do_not_split():
    assert split_sentences("GDP增长5.2%，高于预期。", "zh") == ["GDP增长5.2%，高于预期。"]


def test_english_abbreviations_decimals_initials():
    text = (
        "Mr. Smith paid $3.50 in the U.S. on Jan. 5. He met Dr. Jones at 10 a.m. yesterday. "
        "J. K. Rowling was there. Sales rose 2.5% in Q3."
    )
    assert split_sentences(text, "en") == [
        "Mr. Smith paid $3.50 in the U.S. on Jan. 5.",
        "He met Dr. Jones at 10 a.m. yesterday.",
        "J. K. Rowling was there.",
        "Sales rose 2.5% in Q3.",
    ]


def test_english_quotes_and_question_marks():
    text = '"We will fight," he said. "Will it work?" She asked. Yahoo! shares rose. It works.'
    assert split_sentences(text, "en") == [
        '"We will fight," he said.',
        '"Will it work?"',
        "She asked.",
        "Yahoo! shares rose.",
        "It works.",
    ]


def test_us_ends_a_sentence_before_a_sentence_start():
    assert split_sentences("The firm moved to the U.S. It now employs 300.", "en") == [
        "The firm moved to the U.S.",
        "It now employs 300.",
    ]


def test_empty_and_blank():
    assert split_sentences("", "en") == []
    assert split_sentences("   ", "zh") == []


def test_language_detection():
    assert detect_language("美国政府正在加快推进稀土战略") == "zh"
    assert detect_language("The White House met rare earth producers.") == "en"
    assert detect_language("苹果公司（Apple Inc.）发布了新款iPhone手机，售价上涨。") == "zh"
    assert detect_language("12345", default="zh") == "zh"


def test_words_drop_stopwords_and_stem():
    assert words("The companies were raising prices in the markets.", "en") == [
        "compani",
        "rais",
        "price",
        "market",
    ]
    assert words("我们的稀土供应链正在扩大。", "zh") == ["稀土", "供应链", "扩大"]
