"""Short key phrases that title a theme: noun phrases, scored by how distinctive their words
are for the theme against the other themes.

Chinese words come with jieba's part-of-speech tags; English words are classed by the
lemminflect lexicon (the NIH SPECIALIST Lexicon's word forms, shipped in the package): a word
that can be a noun may head a phrase, an adjective or an -ing form may only modify one, and a
word that is only a verb or an adverb breaks the phrase ("Extend Licensing" is no title)."""

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
MAX_ZH_CHARS = 12  # a Chinese title of more words is cut to a shorter phrase
_HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")
_EN_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]|[^\sA-Za-z]+")


NOUN, MODIFIER = "N", "M"  # an English title word heads a phrase, or only modifies one


@lru_cache(maxsize=1)
def _lemmas() -> Callable[[str], dict]:
    # The lexicon loads on first use (~0.4 s).
    from lemminflect import getAllLemmas  # type: ignore[import-untyped]

    return getAllLemmas


@lru_cache(maxsize=100_000)
def _en_class(tok: str) -> str:
    """NOUN, MODIFIER or "" (not a title word: a function word, a verb, an adverb, a number,
    a common word in title-stop-en.txt)."""
    low = tok.lower()
    if (
        not tok[0].isalpha()
        or len(tok) <= 2
        or low in stopwords("en")
        or low in stopwords("title-en")
        or "-old" in low
    ):
        return ""
    forms = _lemmas()(low) or (_lemmas()(tok) if tok != low else {})
    if not forms:  # not in the lexicon: a name, or a coinage unless it looks inflected
        if tok[0].isupper() or not low.endswith(("ed", "ly", "ing")):
            return NOUN
        return ""
    if "NOUN" in forms or "PROPN" in forms:
        return NOUN
    if "ADJ" in forms and low in forms["ADJ"]:
        return MODIFIER  # "Public Libraries" (not "Largest" or "Deeper": they compare)
    if "VERB" in forms and low.endswith("ing") and low not in forms["VERB"]:
        return MODIFIER  # "Parking Fees"
    return ""


def _en_runs(text: str) -> list[list[str]]:
    runs: list[list[str]] = [[]]
    for tok in _EN_TOKEN.findall(text):
        if _en_class(tok):
            runs[-1].append(tok)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


@lru_cache(maxsize=100_000)
def _zh_title_word(word: str, flag: str) -> bool:
    nounish = flag in _ZH_NOUNISH or (flag == "x" and _HAN_WORD.fullmatch(word) is not None)
    return (
        nounish
        and len(word) >= 2
        and word not in stopwords("zh")
        and word not in stopwords("title-zh")
        and not word.isdigit()
    )


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
        if not zh and _en_class(phrase[-1]) != NOUN:
            continue  # a noun phrase ends in its noun: no lone adjective, no "Fourth Straight"
        if n == 1:
            term, weighed = seen[phrase[0]]
            if term in exclude:
                continue
            score = count * weighed
            # one common word ("level", "项目") names little
            if len(phrase[0]) <= 2 if zh else phrase[0][0].islower():
                score *= LONE_WORD
        else:
            if zh and sum(map(len, phrase)) > MAX_ZH_CHARS:
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
