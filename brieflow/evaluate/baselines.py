"""The peers a brief is measured against: Lead, sumy's LexRank / TextRank / LSA, and a greedy
extractive oracle (the ceiling any sentence-picking system could reach on a reference).

Each baseline ranks the article's sentences (brieflow's own sentence splitter, so every system
works on the same units); the protocols in run.py turn a ranking into an output.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ..models import Article
from ..nlp.lang import article_language
from ..nlp.sentences import split_sentences
from ..nlp.words import words
from .metrics import Sentences, Tokens, text_length, tokenize, truncate_text

SUMY_METHODS = ("lexrank", "textrank", "lsa")
BASELINES = ("lead", *SUMY_METHODS, "oracle")

_SUMY_LANGUAGE = {"zh": "chinese", "en": "english"}


def article_sentences(article: Article) -> list[tuple[int, str]]:
    """(paragraph number, sentence) for every sentence of the article, in reading order."""
    language = article_language(article)
    return [(p.number, s) for p in article.paragraphs for s in split_sentences(p.text, language)]


def lead_ranking(sentences: Sequence[str]) -> list[int]:
    """Lead: the article's own order."""
    return list(range(len(sentences)))


class SumyTokenizer:
    """sumy's tokenizer on brieflow's sentence units, so every system ranks the same sentences.

    Chinese words are sumy's own (`Tokenizer("chinese")`: jieba, then sumy's word filter), as a
    sumy user gets them. English words are brieflow's content words (stemmed, stopwords gone):
    sumy's English tokenizer wants NLTK's punkt data, which cannot be downloaded offline.
    sumy calls `to_sentences(paragraph)`, `to_words(sentence)` and reads `language`; it then
    applies its own stemmer and stop-word list.
    """

    def __init__(self, language: str) -> None:
        self.code = "zh" if language == "zh" else "en"
        self.language = _SUMY_LANGUAGE[self.code]
        self._words = _sumy_chinese_words() if self.code == "zh" else None

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split_sentences(paragraph, self.code))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        if self._words is not None:
            return self._words(sentence)
        return tuple(words(sentence, self.code))


@lru_cache(maxsize=1)
def _sumy_chinese_words() -> Any:
    import logging
    import warnings

    with warnings.catch_warnings():  # jieba imports the deprecated pkg_resources
        warnings.simplefilter("ignore")
        import jieba
        from sumy.nlp.tokenizers import Tokenizer

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" chatter on stderr
    return Tokenizer("chinese").to_words


@lru_cache(maxsize=6)
def _summarizer(method: str, code: str) -> Any:
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    cls = {"lexrank": LexRankSummarizer, "textrank": TextRankSummarizer, "lsa": LsaSummarizer}
    language = _SUMY_LANGUAGE[code]
    summarizer = cls[method](Stemmer(language))
    summarizer.stop_words = get_stop_words(language)
    return summarizer


def sumy_ranking(method: str, sentences: Sequence[str], language: str) -> list[int]:
    """Sentence indices in sumy `method`'s order of preference (ties keep reading order).

    sumy only returns its top k in document order; passing a callable as the count hands us
    its full ranking instead (sumy applies the count to the rating-sorted list).
    """
    import warnings

    from sumy.models.dom import ObjectDocumentModel
    from sumy.models.dom import Paragraph as SumyParagraph
    from sumy.models.dom import Sentence as SumySentence

    if not sentences:
        return []
    tokenizer = SumyTokenizer(language)
    units = [SumySentence(s, tokenizer) for s in sentences]
    document = ObjectDocumentModel([SumyParagraph(units)])
    ranked: list[Any] = []

    def capture(infos: list[Any]) -> list[Any]:
        ranked.extend(infos)
        return infos

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # LSA warns on documents with fewer words than sentences
        _summarizer(method, tokenizer.code)(document, capture)
    # Ratings equal up to float noise (LSA's SVD over a hash-ordered vocabulary) are ties, and
    # ties keep reading order: the ranking must not change with PYTHONHASHSEED.
    ranked.sort(key=lambda info: (-round(float(info.rating), 9), info.order))
    return [info.order for info in ranked]


def _overlap_f1(cand: Counter[tuple[str, ...]], ref: Counter[tuple[str, ...]]) -> float:
    overlap = sum((cand & ref).values())
    if not overlap:
        return 0.0
    p, r = overlap / sum(cand.values()), overlap / sum(ref.values())
    return 2 * p * r / (p + r)


def _grams(tokens: Tokens, n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def oracle_selection(
    sentences: Sequence[str],
    reference: str,
    language: str,
    budget: int | None = None,
) -> list[int]:
    """Greedy oracle: keep adding the sentence that most raises ROUGE-1 F1 + ROUGE-2 F1 against
    the reference; stop when nothing does. With a `budget` a selection is scored as it will be
    read: in reading order, cut to `budget` (text_length units). Indices in reading order."""
    tokens = [tokenize(s, language) for s in sentences]
    ref_tokens = tokenize(reference, language)
    ref1, ref2 = _grams(ref_tokens, 1), _grams(ref_tokens, 2)
    lengths = [text_length(s, language) for s in sentences]
    cut_cache: dict[tuple[int, int], Tokens] = {}

    def read(selection: list[int]) -> Sentences:
        if budget is None:
            return [tokens[i] for i in selection]
        out, left = [], budget
        for i in selection:
            if left <= 0:
                break
            if lengths[i] <= left:
                out.append(tokens[i])
            else:
                key = (i, left)
                if key not in cut_cache:
                    cut = truncate_text([sentences[i]], left, language)
                    cut_cache[key] = tokenize(cut[0], language) if cut else []
                out.append(cut_cache[key])
            left -= lengths[i]
        return out

    chosen: list[int] = []
    best = 0.0
    while True:
        best_index, best_score = None, best
        for i in range(len(sentences)):
            if i in chosen or not tokens[i]:
                continue
            picked = read(sorted([*chosen, i]))
            c1: Counter[tuple[str, ...]] = Counter()
            c2: Counter[tuple[str, ...]] = Counter()
            for sentence in picked:
                c1.update(_grams(sentence, 1))
                c2.update(_grams(sentence, 2))
            score = _overlap_f1(c1, ref1) + _overlap_f1(c2, ref2)
            if score > best_score:
                best_index, best_score = i, score
        if best_index is None:
            return sorted(chosen)
        chosen.append(best_index)
        best = best_score
