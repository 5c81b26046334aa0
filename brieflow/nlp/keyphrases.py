"""Short key phrases that title a theme: runs of content words (nouns for Chinese), scored by
how distinctive their words are for the theme."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from .words import pos_tag, segment, stem, stopwords

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


def _en_runs(text: str) -> list[list[str]]:
    stop = stopwords("en")
    runs: list[list[str]] = [[]]
    for tok in _EN_TOKEN.findall(text):
        low = tok.lower()
        if tok[0].isalpha() and low not in stop and not _verbish(tok) and len(tok) > 2:
            runs[-1].append(tok)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def _zh_runs(tokens: list[str]) -> list[list[str]]:
    stop = stopwords("zh")
    runs: list[list[str]] = [[]]
    for w in tokens:
        flag = pos_tag(w)
        nounish = flag in _ZH_NOUNISH or (flag == "x" and _HAN_WORD.fullmatch(w) is not None)
        if nounish and w not in stop and len(w) >= 2 and not w.isdigit():
            runs[-1].append(w)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def phrase_runs(text: str, language: str, tokens: list[str] | None = None) -> list[list[str]]:
    """The runs of title words in one sentence; Chinese reuses jieba `tokens` when given."""
    if language == "zh":
        return _zh_runs(segment(text) if tokens is None else tokens)
    return _en_runs(text)


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
    counts: Counter[tuple[str, ...]] = Counter()
    for runs in sentences:
        for run in runs:
            for n in (1, 2, 3):
                for i in range(len(run) - n + 1):
                    counts[tuple(run[i : i + n])] += 1
    best: tuple[float, tuple[str, ...], set[str]] | None = None
    for phrase, count in counts.items():
        surface = "" if language == "zh" else " "
        text = surface.join(phrase)
        if language == "zh" and len(text) > 10:
            continue
        terms = (
            {w.lower() for w in phrase} if language == "zh" else {stem(w.lower()) for w in phrase}
        )
        if not terms or terms & exclude:
            continue
        score = count * sum(weight(t) for t in terms) / (len(phrase) ** 0.5)
        # Prefer phrases seen more than once, and two-word phrases over single words.
        if len(phrase) == 2:
            score *= PAIR_BONUS
        elif phrase[0][0].islower() if language != "zh" else len(phrase[0]) <= 2:
            score *= LONE_WORD  # one common word ("level", "项目") names little
        # Strictly better only: ties go to the phrase seen first (deterministic, and earlier
        # words in a theme tend to name it).
        if best is None or score > best[0]:
            best = (score, phrase, terms)
    if best is None:
        return None
    phrase = best[1]
    if language == "zh":
        return "".join(phrase), best[2]
    return " ".join(_title_case(w) for w in phrase), best[2]


def _title_case(word: str) -> str:
    return (
        word
        if word.isupper() or any(c.isupper() for c in word[1:])
        else word[:1].upper() + word[1:]
    )
