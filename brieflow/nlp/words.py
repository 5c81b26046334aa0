"""Word tokens for scoring: jieba for Chinese, a regex and the Snowball stemmer for English,
both without stopwords or punctuation."""

from __future__ import annotations

import logging
import re
import threading
import warnings
from functools import lru_cache
from importlib.resources import files

_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]|\d+(?:[.,]\d+)*%?")
_ZH_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


@lru_cache(maxsize=4)
def stopwords(language: str) -> frozenset[str]:
    """Stopwords of `language` ("en", "zh"), or another list in nlp/data ("title-en")."""
    name = "title-stop-en" if language == "title-en" else f"stopwords-{language}"
    text = files("brieflow.nlp").joinpath(f"data/{name}.txt").read_text("utf-8")
    return frozenset(text.split())


@lru_cache(maxsize=1)
def _jieba():
    with warnings.catch_warnings():  # jieba imports the deprecated pkg_resources
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" chatter on stderr
    jieba.initialize()
    return jieba


_local = threading.local()


def _stemmer():
    # A stemmer object keeps state while it works: one per thread.
    if not hasattr(_local, "stemmer"):
        import snowballstemmer

        _local.stemmer = snowballstemmer.stemmer("english")
    return _local.stemmer


def segment(text: str) -> list[str]:
    """jieba's words of a Chinese text, punctuation and spaces included (for key phrases)."""
    return _jieba().lcut(text)


def zh_words(tokens: list[str]) -> list[str]:
    """The content words among jieba tokens (so a caller that has the tokens segments once)."""
    stop = stopwords("zh")
    out = []
    for w in tokens:
        w = w.strip().lower()
        if w and w not in stop and _ZH_KEEP.search(w):
            out.append(w)
    return out


@lru_cache(maxsize=1)
def _word_tags() -> dict[str, str]:
    # jieba.posseg reads its part-of-speech table from jieba's dictionary on import (~1 s).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba.posseg

    _jieba()
    return jieba.posseg.dt.word_tag_tab


def pos_tag(word: str) -> str:
    """jieba's dictionary part of speech of a Chinese word; "x" for words it does not list
    (often names jieba's HMM found)."""
    return _word_tags().get(word, "x")


def words(text: str, language: str) -> list[str]:
    """Content words in order: lower-cased, stemmed (English), stopwords and punctuation gone."""
    if language == "zh":
        return zh_words(segment(text))
    stop = stopwords(language)
    tokens = [t.lower().replace("’", "'") for t in _EN_WORD.findall(text)]
    return [stem(t) for t in tokens if t not in stop and not (len(t) == 1 and t.isalpha())]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem of a lower-case English word; cached, news reuses words."""
    return _stemmer().stemWord(word)
