"""Word tokens for scoring: jieba's segmenter for Chinese (jieba-rs through rjieba, a compiled
port with jieba's dictionary and HMM, ~16× faster than the Python original), a regex and the
Snowball stemmer for English, both without stopwords or punctuation."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from importlib.resources import files

import rjieba

_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]|\d+(?:[.,]\d+)*%?")
_ZH_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


@lru_cache(maxsize=4)
def stopwords(language: str) -> frozenset[str]:
    """Stopwords of `language` ("en", "zh"), or another list in nlp/data ("title-en")."""
    name = "title-stop-en" if language == "title-en" else f"stopwords-{language}"
    text = files("brieflow.nlp").joinpath(f"data/{name}.txt").read_text("utf-8")
    return frozenset(text.split())


_local = threading.local()


def _stemmer():
    # A stemmer object keeps state while it works: one per thread.
    if not hasattr(_local, "stemmer"):
        import snowballstemmer

        _local.stemmer = snowballstemmer.stemmer("english")
    return _local.stemmer


def segment(text: str) -> list[str]:
    """jieba's words of a Chinese text, punctuation and spaces included."""
    return rjieba.cut(text)


def tag(text: str) -> list[tuple[str, str]]:
    """jieba's words of a Chinese text with their part of speech (the dictionary's tag, or the
    HMM's guess for a word the dictionary does not list): one pass for scoring and titles."""
    return rjieba.tag(text)


# jieba token → its content word ("" for a stopword or punctuation). News repeats its words,
# so one lookup replaces strip, lower, the stopword test and the regex; bounded by clearing.
_ZH_TERMS: dict[str, str] = {}


def _zh_term(token: str) -> str:
    if len(_ZH_TERMS) > 200_000:
        _ZH_TERMS.clear()
    w = token.strip().lower()
    term = w if w and w not in stopwords("zh") and _ZH_KEEP.search(w) else ""
    _ZH_TERMS[token] = term
    return term


def words(text: str, language: str) -> list[str]:
    """Content words in order: lower-cased, stemmed (English), stopwords and punctuation gone."""
    if language == "zh":
        out = []
        for w in segment(text):
            t = _ZH_TERMS.get(w)
            if t is None:
                t = _zh_term(w)
            if t:
                out.append(t)
        return out
    out = []
    for w in _EN_WORD.findall(text):
        t = _EN_TERMS.get(w)
        if t is None:
            t = _en_term(w)
        if t:
            out.append(t)
    return out


_EN_TERMS: dict[str, str] = {}  # as _ZH_TERMS, for English tokens as written


def _en_term(token: str) -> str:
    if len(_EN_TERMS) > 200_000:
        _EN_TERMS.clear()
    t = token.lower().replace("’", "'")
    term = "" if t in stopwords("en") or (len(t) == 1 and t.isalpha()) else stem(t)
    _EN_TERMS[token] = term
    return term


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem of a lower-case English word; cached, news reuses words."""
    return _stemmer().stemWord(word)
