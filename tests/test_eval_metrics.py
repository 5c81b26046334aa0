"""ROUGE metrics, tokenizers and the length protocol on hand-computed cases, and agreement with
the rouge-score package (an independent implementation) on the same texts."""

from __future__ import annotations

import re

import pytest
from rouge_score import rouge_scorer

from brieflow.evaluate.metrics import (
    lcs_indices,
    rouge,
    rouge_lsum,
    rouge_n,
    text_length,
    tokenize,
    truncate_text,
)


def test_rouge1_and_rouge2_by_hand():
    cand = ["the", "cat", "sat", "on", "the", "mat"]
    ref = ["the", "cat", "was", "on", "the", "mat"]
    # unigrams: the×2, cat, on, mat match → 5 of 6 on both sides
    s1 = rouge_n(cand, ref, 1)
    assert (s1.precision, s1.recall, s1.f1) == pytest.approx((5 / 6, 5 / 6, 5 / 6))
    # bigrams: (the cat), (on the), (the mat) match → 3 of 5 on both sides
    s2 = rouge_n(cand, ref, 2)
    assert (s2.precision, s2.recall, s2.f1) == pytest.approx((0.6, 0.6, 0.6))


def test_rouge_n_clips_repeated_tokens():
    s = rouge_n(["a", "a", "a"], ["a", "b"], 1)
    assert (s.precision, s.recall, s.f1) == pytest.approx((1 / 3, 1 / 2, 0.4))


def test_rouge_n_empty_sides_score_zero():
    assert rouge_n([], ["a"], 1).f1 == 0.0
    assert rouge_n(["a"], [], 2).f1 == 0.0


def test_rouge_lsum_union_lcs_example_from_the_rouge_paper():
    # Lin (2004) §3.2: r = w1..w5, c1 = w1 w2 w6 w7 w8, c2 = w1 w3 w8 w9 w5.
    # LCS(r, c1) = w1 w2, LCS(r, c2) = w1 w3 w5; union = w1 w2 w3 w5 → 4 hits.
    ref = [["w1", "w2", "w3", "w4", "w5"]]
    cand = [["w1", "w2", "w6", "w7", "w8"], ["w1", "w3", "w8", "w9", "w5"]]
    s = rouge_lsum(cand, ref)
    assert (s.precision, s.recall, s.f1) == pytest.approx((4 / 10, 4 / 5, 8 / 15))


def test_rouge_lsum_counts_a_token_at_most_as_often_as_it_occurs():
    # Both candidate sentences match the same reference position: one hit, not three.
    s = rouge_lsum([["a"], ["a"], ["a"]], [["a", "a"]])
    assert (s.precision, s.recall, s.f1) == pytest.approx((1 / 3, 1 / 2, 0.4))


def test_rouge_lsum_two_reference_sentences():
    ref = [["a", "b", "c", "d", "e"], ["f", "g"]]
    cand = [["a", "b", "x"], ["c", "y", "e"], ["g", "f"]]
    # sentence 1: a b (from c1) ∪ c e (from c2) = 4; sentence 2: one of f/g = 1 → 5 hits
    s = rouge_lsum(cand, ref)
    assert (s.precision, s.recall) == pytest.approx((5 / 8, 5 / 7))


def _hand_lcs(a: list[str], b: list[str]) -> int:
    """Plain recursive LCS length (memoized), written independently of metrics.lcs_indices."""
    from functools import cache

    @cache
    def go(i: int, j: int) -> int:
        if i == len(a) or j == len(b):
            return 0
        if a[i] == b[j]:
            return 1 + go(i + 1, j + 1)
        return max(go(i + 1, j), go(i, j + 1))

    return go(0, 0)


@pytest.mark.parametrize(
    "a,b",
    [
        ("沪指涨0.79%创业板指涨1.3%", "创业板指涨1.3%沪指涨"),
        ("abcbdab", "bdcaba"),
        ("新能源汽车产量增长", "汽车产量同比增长了"),
    ],
)
def test_lcs_indices_length_matches_a_hand_lcs(a, b):
    ta, tb = tokenize(a, "zh"), tokenize(b, "zh")
    idx = lcs_indices(ta, tb)
    assert len(idx) == _hand_lcs(ta, tb)
    assert idx == sorted(set(idx))  # increasing positions into the reference


def test_english_tokens_are_rouge_score_tokens_with_porter_stemming():
    assert tokenize("The cats were running quickly, U.S. GDP grew 2.5%", "en") == [
        "the", "cat", "were", "run", "quickli", "u", "s", "gdp", "grew", "2", "5",
    ]  # fmt: skip


def test_chinese_tokens_are_characters_and_latin_digit_runs():
    assert tokenize("沪指涨0.79%，ＡＢＣ股份5G概念！", "zh") == [
        "沪", "指", "涨", "0", "79", "abc", "股", "份", "5g", "概", "念",
    ]  # fmt: skip
    assert tokenize("「」，。！？…—— \u3000 ", "zh") == []


def test_length_is_words_for_english_and_characters_for_chinese():
    assert text_length("The U.S. economy grew 2.5% in May.", "en") == 7
    # 沪 指 涨 + 0 7 9 (every character of a digit run counts) = 6
    assert text_length("沪指涨0.79%。", "zh") == 6
    assert text_length("ＡＢ，股", "zh") == 3


def test_truncate_text_cuts_the_last_sentence():
    assert truncate_text(["One two three.", "Four five six seven.", "Eight."], 5, "en") == [
        "One two three.",
        "Four five",
    ]
    assert truncate_text(["沪指涨0.79%，创业板", "下一句"], 5, "zh") == ["沪指涨0.7"]
    assert truncate_text(["短句。", "第二句很长"], 4, "zh") == ["短句。", "第二"]
    assert truncate_text(["a b"], 0, "en") == []


ENGLISH_PAIRS = [
    (
        ["The council voted to close the harbour bridge.", "Buses may still cross it."],
        ["Marlow Bay will close its cracked harbour bridge to cars.", "Buses and bikes may cross."],
    ),
    (
        ["Northfield Motors will build a battery plant, creating 1,200 jobs."],
        ["Northfield Motors is investing 2.4 billion dollars in batteries.", "It creates jobs."],
    ),
]


@pytest.mark.parametrize("candidate,reference", ENGLISH_PAIRS)
def test_english_scores_equal_rouge_score(candidate, reference):
    ours = rouge([tokenize(s, "en") for s in candidate], [tokenize(s, "en") for s in reference])
    theirs = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True).score(
        "\n".join(reference), "\n".join(candidate)
    )
    for mine, key in (("rouge1", "rouge1"), ("rouge2", "rouge2"), ("rougeL", "rougeLsum")):
        assert ours[mine].f1 == pytest.approx(theirs[key].fmeasure, abs=1e-12)
        assert ours[mine].recall == pytest.approx(theirs[key].recall, abs=1e-12)


class _HanTokenizer:
    """An independent Chinese tokenizer for rouge-score: Han characters and ASCII runs."""

    def tokenize(self, text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+|[\u4e00-\u9fff]", text.lower())


def test_chinese_scores_equal_rouge_score_with_a_character_tokenizer():
    candidate = ["三大指数午后继续走强，创业板指涨1.3%。", "数字货币概念股领涨。"]
    reference = ["收评：三大指数走强创指涨1.3%", "数字货币概念股全天领涨"]
    ours = rouge([tokenize(s, "zh") for s in candidate], [tokenize(s, "zh") for s in reference])
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], tokenizer=_HanTokenizer())
    theirs = scorer.score("\n".join(reference), "\n".join(candidate))
    for mine, key in (("rouge1", "rouge1"), ("rouge2", "rouge2"), ("rougeL", "rougeLsum")):
        assert ours[mine].f1 == pytest.approx(theirs[key].fmeasure, abs=1e-12)
