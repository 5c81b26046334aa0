"""Shortcuts taken for speed give the same answers as the long way (they only skip work)."""

from __future__ import annotations

import re

import pytest

from brieflow.nlp import polarity
from brieflow.nlp.numbers import located, normalise, quantities


def test_every_opposed_word_pattern_has_heads() -> None:
    # A pattern without heads is still searched, only slower: keep them all quick.
    assert all(heads for heads in polarity._HEADS.values())
    assert polarity._heads(r"\bwin\b|\bvictor\w*|(?<![不未])高于") == ("win", "victor", "高于")
    assert polarity._heads(r"\bdrop?\w*") == ("dro",)
    assert polarity._heads(r"\b(?:a|b)c") is None
    assert polarity._heads(r"\d+%") is None


def test_only_four_characters_fold_to_ascii_letters_unseen_by_lower() -> None:
    letter = re.compile("[a-z]", re.IGNORECASE)
    odd = [
        chr(c)
        for c in range(0x80, 0x3000)  # the rest of Unicode has none (checked once, slowly)
        if letter.fullmatch(chr(c)) and not chr(c).lower().isascii()
    ]
    assert all(polarity._FOLDS.fullmatch(c) for c in odd)


TEXTS = [
    "They won the vote, beating forecasts.",
    "The İnclude clause and ıncluded items; ſhort of the target.",
    "Kelvin: the K sign.",
    "营收未高于预期，利润不高于去年，亏损扩大。",
    "Shares fell short of expectations and hit a record low.",
    "Nothing opposed here at all.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_heads_never_skip_a_match(text: str) -> None:
    present = polarity._heads_in(text)
    for pattern in polarity._HEADS:
        found = pattern.search(text)
        quick = polarity._search(pattern, text, present)
        assert (found and found.span()) == (quick and quick.span())


def test_number_scans_without_digits_and_names_before_numbers() -> None:
    assert normalise("no figures here") == "no figures here"
    assert normalise("１２．５％ [3]") == "12.5%  "
    assert quantities("no digits at all") == []
    # "X-" right before a number makes it part of a name, also across a line break
    for text in ("Covid-19 cases", "F-\n35", "a long way before the F-35"):
        assert located(text)[1] == []
    assert [q.value for _, _, q in located("F-35 costs $5m")[1]] == [5e6]


def test_readings_shared_across_statements_change_nothing() -> None:
    paragraph = "营业收入4.26亿元，同比增长5%，净利润扭亏为盈。"
    readings = polarity.Readings()
    for statement in ("营业收入同比下降5%。", "营业收入同比增长5%。", "净利润亏损。"):
        assert polarity.conflicts(statement, [paragraph], readings) == polarity.conflicts(
            statement, [paragraph]
        )


@pytest.mark.parametrize(
    "text",
    [
        "营收13.52亿元，同比下滑9.8%，USD 5 and RMB3, HK$2.5bn, ٣٣ and 5٣, 1,234.5",
        "US$5m, $40k, £3, ¥7, €8; 2018-2020 and F-35, Covid-19",
        "",
        "no digits",
    ],
)
def test_number_scan_matches_the_full_scan(text: str) -> None:
    from brieflow.nlp.numbers import _NUMBER, _number_matches

    assert [m.span() for m in _number_matches(text)] == [m.span() for m in _NUMBER.finditer(text)]


@pytest.mark.parametrize(
    "text", ["Sales rose 5%, but 3% fell; 7。8，但9", "up 5, but5 and , whereas6", "1\n2!3？4"]
)
def test_clause_start_from_the_marks_matches_the_scan(text: str) -> None:
    ends = polarity._clause_ends(text)
    for start in range(len(text) + 1):
        assert polarity._clause_start(text, start, ends) == polarity._clause_start(text, start)
