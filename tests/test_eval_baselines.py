"""Baselines: Lead, the sumy adapter (no NLTK data needed) and the greedy oracle."""

from __future__ import annotations

from brieflow.evaluate.baselines import (
    SumyTokenizer,
    article_sentences,
    lead_ranking,
    oracle_selection,
    sumy_ranking,
)
from brieflow.models import Article


def test_article_sentences_keep_paragraph_numbers():
    article = Article.from_texts(["First one. Second one.", "第三句。第四句！"], language="en")
    assert article_sentences(article)[:2] == [(1, "First one."), (1, "Second one.")]
    zh = Article.from_texts(["第一句。第二句！", "第三句。"], language="zh")
    assert article_sentences(zh) == [(1, "第一句。"), (1, "第二句！"), (2, "第三句。")]


def test_lead_is_reading_order():
    assert lead_ranking(["a", "b", "c"]) == [0, 1, 2]


def test_sumy_tokenizer_uses_brieflow_splitters():
    en = SumyTokenizer("en")
    assert en.language == "english"
    assert en.to_sentences("Dr. Smith arrived at 9 a.m. on Monday. He left.") == (
        "Dr. Smith arrived at 9 a.m. on Monday.",
        "He left.",
    )
    assert en.to_words("The cats were running") == ("cat", "run")
    zh = SumyTokenizer("zh")
    assert zh.language == "chinese"
    assert zh.to_sentences("沪指上涨。创业板下跌！") == ("沪指上涨。", "创业板下跌！")
    assert zh.to_words("沪指周五上涨。") == ("沪", "指", "周五", "上涨")


def test_sumy_rankings_are_deterministic_permutations():
    sentences = [
        "The weather was cold.",
        "The battery plant will make battery cells for electric vans.",
        "The battery plant makes cells.",
        "Electric vans need battery cells from the plant.",
    ]
    for method in ("lexrank", "textrank", "lsa"):
        order = sumy_ranking(method, sentences, "en")
        assert sorted(order) == [0, 1, 2, 3], method
        assert sumy_ranking(method, sentences, "en") == order, method
    # TextRank: the sentence sharing most words with the others comes first.
    assert sumy_ranking("textrank", sentences, "en")[0] == 1
    assert sumy_ranking("textrank", [], "en") == []


def test_oracle_greedy_stops_when_nothing_improves():
    sentences = ["alpha beta gamma.", "delta epsilon zeta.", "alpha beta delta."]
    # Step 1: sentence 0 scores R1 F1 6/7 + R2 F1 4/5; adding 1 or 2 lowers the sum, so stop.
    assert oracle_selection(sentences, "alpha beta gamma delta", "en") == [0]
    # Within 2 words, sentences 0 and 2 both read "alpha beta"; the first wins the tie.
    assert oracle_selection(sentences, "alpha beta gamma delta", "en", budget=2) == [0]


def test_oracle_can_pick_several_sentences_in_reading_order():
    sentences = ["zeta eta theta.", "nothing here at all.", "alpha beta gamma."]
    picked = oracle_selection(sentences, "alpha beta gamma zeta eta theta", "en")
    assert picked == [0, 2]
    assert oracle_selection(["nothing matches"], "alpha", "en") == []
