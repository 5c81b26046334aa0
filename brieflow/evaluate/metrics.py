"""ROUGE-1, ROUGE-2 and summary-level ROUGE-L on token lists, with the tokenizations we report.

Why our own code: one implementation that works on pre-tokenized sentences, so truncation to the
reference's length and Chinese character tokens need no round trip through text. The English
tokens are exactly rouge-score's (lower case, [a-z0-9] runs, Porter stemming of tokens longer than
three characters), and the scores follow rouge-score 0.1.2 (clipped n-gram counts; ROUGE-Lsum as
the union LCS of each reference sentence against every candidate sentence, hits clipped by token
counts, as ROUGE-1.5.5 does). tests/test_eval_metrics.py checks both against rouge-score itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

Tokens = list[str]
Sentences = list[Tokens]

TOKENIZATION = {
    "en": "en: rouge-score tokens (lower case, [a-z0-9] runs) with Porter stemming",
    "zh": "zh: one token per character, one per Latin/digit run (NFKC, lower case); "
    "punctuation and whitespace ignored",
}

# After NFKC (full-width → ASCII) and lower-casing: an ASCII letter/digit run, or any other single
# letter or number character (Han characters, kana, …). Punctuation, symbols and spaces never match.
_ZH_TOKEN = re.compile(r"[a-z0-9]+|[^\W_]")
_ZH_CHAR = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


class _CachedPorter:
    """rouge-score's Porter stemmer, memoized: stemming dominates the cost of English scoring."""

    def __init__(self) -> None:
        from nltk.stem import porter

        self._stem = lru_cache(maxsize=200_000)(porter.PorterStemmer().stem)

    def stem(self, word: str) -> str:
        return self._stem(word)


@lru_cache(maxsize=1)
def _porter() -> _CachedPorter:
    return _CachedPorter()


def tokenize(text: str, language: str) -> Tokens:
    """Scoring tokens of `text`: rouge-score's stemmed words for English, characters and
    Latin/digit runs for Chinese (see TOKENIZATION)."""
    if language == "zh":
        return _ZH_TOKEN.findall(unicodedata.normalize("NFKC", text).lower())
    from rouge_score.tokenize import tokenize as rouge_tokenize

    return rouge_tokenize(text, _porter())


def tokenization_label(languages: Sequence[str]) -> str:
    """The tokenization line printed with every result, for the languages present."""
    return "; ".join(TOKENIZATION.get(lang, TOKENIZATION["en"]) for lang in sorted(set(languages)))


def _ngrams(tokens: Tokens, n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def rouge_n(candidate: Tokens, reference: Tokens, n: int) -> Score:
    """ROUGE-N with clipped n-gram counts (an n-gram matches at most as often as in the other)."""
    cand, ref = _ngrams(candidate, n), _ngrams(reference, n)
    overlap = sum((cand & ref).values())
    precision = overlap / max(sum(cand.values()), 1)
    recall = overlap / max(sum(ref.values()), 1)
    return Score(precision, recall, _f1(precision, recall))


def lcs_indices(reference: Tokens, candidate: Tokens) -> list[int]:
    """Indices into `reference` of one longest common subsequence with `candidate` (the same
    tie-breaking as rouge-score, so union LCS counts agree)."""
    rows, cols = len(reference), len(candidate)
    table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        r = reference[i - 1]
        prev, cur = table[i - 1], table[i]
        for j in range(1, cols + 1):
            cur[j] = prev[j - 1] + 1 if r == candidate[j - 1] else max(prev[j], cur[j - 1])
    out: list[int] = []
    i, j = rows, cols
    while i > 0 and j > 0:
        if reference[i - 1] == candidate[j - 1]:
            out.append(i - 1)
            i -= 1
            j -= 1
        elif table[i][j - 1] > table[i - 1][j]:
            j -= 1
        else:
            i -= 1
    out.reverse()
    return out


def rouge_lsum(candidate: Sentences, reference: Sentences) -> Score:
    """Summary-level ROUGE-L: for each reference sentence the union of its LCS with every
    candidate sentence; a token counts at most as often as it occurs on both sides."""
    m = sum(map(len, reference))
    n = sum(map(len, candidate))
    if not m or not n:
        return Score(0.0, 0.0, 0.0)
    left_ref = Counter(t for s in reference for t in s)
    left_cand = Counter(t for s in candidate for t in s)
    hits = 0
    for ref_sentence in reference:
        union: set[int] = set()
        for cand_sentence in candidate:
            union.update(lcs_indices(ref_sentence, cand_sentence))
        for token in (ref_sentence[i] for i in sorted(union)):
            if left_cand[token] > 0 and left_ref[token] > 0:
                hits += 1
                left_cand[token] -= 1
                left_ref[token] -= 1
    precision, recall = hits / n, hits / m
    return Score(precision, recall, _f1(precision, recall))


def rouge(candidate: Sentences, reference: Sentences) -> dict[str, Score]:
    """ROUGE-1, ROUGE-2 and ROUGE-Lsum of tokenized sentences against one reference."""
    cand_flat = [t for s in candidate for t in s]
    ref_flat = [t for s in reference for t in s]
    return {
        "rouge1": rouge_n(cand_flat, ref_flat, 1),
        "rouge2": rouge_n(cand_flat, ref_flat, 2),
        "rougeL": rouge_lsum(candidate, reference),
    }


def text_length(text: str, language: str) -> int:
    """Length for the reference-length protocol: whitespace-separated words for English,
    characters for Chinese (letters and digits only; a Latin/digit run counts each character)."""
    if language == "zh":
        return sum(_char_weight(c) for c in text)
    return len(text.split())


@lru_cache(maxsize=4096)
def _char_weight(char: str) -> int:
    return len(_ZH_CHAR.findall(unicodedata.normalize("NFKC", char).lower()))


def truncate_text(sentences: Sequence[str], budget: int, language: str) -> list[str]:
    """The sentences cut to `budget` units of text_length (the last one may be cut short)."""
    out: list[str] = []
    left = budget
    for sentence in sentences:
        if left <= 0:
            break
        if language == "zh":
            used, end = 0, 0
            for end, char in enumerate(sentence, start=1):  # noqa: B007
                used += _char_weight(char)
                if used >= left:
                    break
            cut = sentence[:end]
        else:
            words = sentence.split()[:left]
            used, cut = len(words), " ".join(words)
        if used:
            out.append(cut)
            left -= used
    return out
