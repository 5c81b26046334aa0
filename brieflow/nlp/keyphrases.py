"""Short key phrases that title a theme: runs of content words (nouns for Chinese), scored by
how distinctive their words are for the theme."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

from .words import stem, stopwords, tag

# jieba part-of-speech tags that make a title: nouns, names, places, organisations, verbal
# nouns, abbreviations, English words.
_ZH_NOUNISH = {"n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "vn", "an", "j", "eng", "l"}
LONE_WORD = 0.5  # one lower-case English word or two-character Chinese word: a weak title
PAIR_BONUS = 1.6  # a two-word phrase ("Parking Fees") titles better than one word
_HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")
_EN_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]|[^\sA-Za-z]+")


# title-stop-en.txt: words that make poor titles on their own (common verbs, numbers, days).
def _verbish(word: str) -> bool:
    """A crude guard against verbs and adverbs in English titles (no tagger works offline)."""
    low = word.lower()
    return (
        (len(low) > 4 and low.endswith(("ed", "ly")))
        or (len(low) > 5 and low.endswith("ing") and word[0].islower())
        or "-old" in low
        or low in stopwords("title-en")
    )


@lru_cache(maxsize=100_000)
def _en_title_word(tok: str) -> bool:
    return (
        tok[0].isalpha()
        and len(tok) > 2
        and tok.lower() not in stopwords("en")
        and not _verbish(tok)
    )


def _en_runs(text: str) -> list[list[str]]:
    runs: list[list[str]] = [[]]
    for tok in _EN_TOKEN.findall(text):
        if _en_title_word(tok):
            runs[-1].append(tok)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


@lru_cache(maxsize=100_000)
def _zh_title_word(word: str, flag: str) -> bool:
    nounish = flag in _ZH_NOUNISH or (flag == "x" and _HAN_WORD.fullmatch(word) is not None)
    return nounish and word not in stopwords("zh") and len(word) >= 2 and not word.isdigit()


def _zh_runs(text: str) -> list[list[str]]:
    runs: list[list[str]] = [[]]
    for w, flag in tag(text):
        if _zh_title_word(w, flag):
            runs[-1].append(w)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def phrase_runs(text: str, language: str) -> list[list[str]]:
    """The runs of title words in one sentence."""
    return _zh_runs(text) if language == "zh" else _en_runs(text)


def key_phrase(
    sentences: Iterable[list[list[str]]],
    language: str,
    weight: Callable[[str], float],
    exclude: set[str] = frozenset(),  # type: ignore[assignment]
) -> tuple[str, set[str]] | None:
    """The best title phrase of some sentences (each as its `phrase_runs`) and the terms it
    uses, or None.

    `weight(term)` says how distinctive a term (as `words()` spells it) is for this theme;
    phrases that reuse an excluded term (another theme's title) are skipped.
    """
    grams: list[tuple[str, ...]] = []
    seen: dict[str, tuple[str, float]] = {}  # each word's term and weight, once
    zh = language == "zh"
    for runs in sentences:
        for run in runs:  # its words, pairs, then triples (first seen wins ties)
            grams.extend(zip(run))
            if len(run) > 1:  # most runs are one or two words long
                grams.extend(zip(run, run[1:], strict=False))
                if len(run) > 2:
                    grams.extend(zip(run, run[1:], run[2:], strict=False))
            for w in run:
                if w not in seen:
                    term = w.lower() if zh else stem(w.lower())
                    seen[w] = (term, weight(term))
    best_score, best = 0.0, None
    for phrase, count in Counter(grams).items():
        n = len(phrase)
        if n == 1:
            term, weighed = seen[phrase[0]]
            if term in exclude:
                continue
            score = count * weighed
            # one common word ("level", "项目") names little
            if len(phrase[0]) <= 2 if zh else phrase[0][0].islower():
                score *= LONE_WORD
        else:
            if zh and sum(map(len, phrase)) > 10:
                continue
            # The phrase's distinct terms in order, so the weights add up the same on every run.
            terms = dict(map(seen.__getitem__, phrase))
            if exclude and terms.keys() & exclude:
                continue
            score = count * sum(terms.values()) / (n**0.5)
            if n == 2:
                score *= PAIR_BONUS  # a two-word phrase ("Parking Fees") titles better
        # Strictly better only: ties go to the phrase seen first (deterministic, and earlier
        # words in a theme tend to name it).
        if best is None or score > best_score:
            best_score, best = score, phrase
    if best is None:
        return None
    used = {seen[w][0] for w in best}
    if zh:
        return "".join(best), used
    return " ".join(_title_case(w) for w in best), used


def _title_case(word: str) -> str:
    return (
        word
        if word.isupper() or any(c.isupper() for c in word[1:])
        else word[:1].upper() + word[1:]
    )
