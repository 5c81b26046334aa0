"""Sparse TF-IDF term vectors as dicts: cheap enough for 1,000-paragraph articles, no matrices."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain

Vector = dict[str, float]


def idf(documents: Sequence[Iterable[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency over `documents` (each a bag of terms)."""
    n = len(documents)
    df = Counter(chain.from_iterable(map(set, documents)))
    weight = [math.log((1 + n) / (1 + c)) + 1.0 for c in range(n + 1)]  # by document count
    return {t: weight[c] for t, c in df.items()}


def tfidf(terms: Iterable[str], weights: dict[str, float]) -> Vector:
    """Sub-linear tf × idf; unit length, so a dot product is the cosine."""
    counts = Counter(terms)
    get = weights.get
    vec = {
        t: (_SUBLINEAR[c] if c < 8 else 1.0 + math.log(c)) * get(t, 1.0) for t, c in counts.items()
    }
    return _unit(vec)


_SUBLINEAR = [0.0] + [1.0 + math.log(c) for c in range(1, 8)]


def _unit(vec: Vector) -> Vector:
    """`vec` scaled to unit length in place (callers pass a vector they just built)."""
    norm = math.hypot(*vec.values())
    if not norm:
        return {}
    for t in vec:
        vec[t] /= norm
    return vec


def centroid(vectors: Iterable[Vector]) -> Vector:
    total: dict[str, float] = {}
    for vec in vectors:
        for t, v in vec.items():
            total[t] = total.get(t, 0.0) + v
    return _unit(total)


def cosine(a: Vector, b: Vector) -> float:
    """Dot product of two unit vectors (iterating the shorter one)."""
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    total = 0.0
    for t, v in a.items():  # in a's order: the same float sum on every run
        w = get(t)
        if w is not None:
            total += v * w
    return total
