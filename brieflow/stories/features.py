"""What clustering compares between two articles: the lead's meaning, its words, its names and
figures, and when it was published.

- `lead(article)`: the title and the first paragraphs, capped, as the encoder reads them (the
  lead says what happened; the rest of an article drifts into background that other events
  share). The cap keeps the encoder's cost per article flat.
- `terms`: content words of the same lead (jieba for Chinese, stemmed English), compared only
  between articles of one language.
- `anchors`: figures (amounts, percentages, points; normalised so 1万亿元 = 1 trillion yuan) and
  Latin-script names (BYD, ASML, Nvidia), which survive translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from ..models import Article
from ..nlp.lang import article_language
from ..nlp.numbers import quantities
from ..nlp.words import stopwords, words

LEAD_CHARS = {"zh": 60, "en": 160}  # characters of title + lead the encoder reads
TERM_CHARS = {"zh": 400, "en": 1000}  # characters of title + lead the words come from

_LATIN_NAME = re.compile(r"\b[A-Z][A-Za-z0-9&]*[A-Z0-9][A-Za-z0-9&]*\b|\b[A-Z][a-z]{2,}\b")


@dataclass(frozen=True)
class Features:
    language: str
    time: float | None  # days since 1970 (published, else None)
    terms: frozenset[str]
    anchors: frozenset[str]

    def to_dict(self) -> dict[str, list[str]]:
        return {"terms": sorted(self.terms), "anchors": sorted(self.anchors)}


def _head(article: Article, limit: int) -> str:
    parts = [article.title or ""]
    size = len(parts[0])
    for p in article.paragraphs:
        if size >= limit:
            break
        parts.append(p.text)
        size += len(p.text) + 1
    return " ".join(t for t in parts if t)[:limit]


def lead(article: Article) -> str:
    """The text the encoder reads: title and lead paragraphs, capped."""
    return _head(article, LEAD_CHARS.get(article_language(article), 320))


def days(published: str | None) -> float | None:
    """ "YYYY-MM-DD[ HH:MM]" as days since 1970 (None when missing or unreadable)."""
    if not published:
        return None
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(published[: len("2025-01-01 00:00")], fmt).timestamp() / 86400
        except ValueError:
            continue
    return None


def anchors(text: str) -> frozenset[str]:
    """Figures and Latin-script names, in a form that is the same in Chinese and English."""
    out = set()
    for q in quantities(text):
        if q.exact:  # years and months: every story has them
            continue
        if q.kind == "number" and not q.currency and abs(q.value) < 100:
            continue  # day numbers, counts of a few: too common to tell events apart
        value = float(f"{q.value:.3g}")
        out.add(f"{q.kind}:{q.currency or ''}:{value:g}")
    stop = stopwords("en")
    for m in _LATIN_NAME.finditer(text):
        name = m.group(0)
        if name.lower() not in stop and len(name) >= 2:
            out.add("name:" + name.lower())
    return frozenset(out)


def features(article: Article) -> Features:
    language = article_language(article)
    head = _head(article, TERM_CHARS.get(language, 1000))
    return Features(
        language=language,
        time=days(article.published),
        terms=frozenset(words(head, language)),
        anchors=anchors(head),
    )


def from_dict(language: str, published: str | None, data: dict[str, list[str]]) -> Features:
    return Features(language, days(published), frozenset(data["terms"]), frozenset(data["anchors"]))


def encode(texts: list[str]) -> np.ndarray:
    """Unit encoder vectors (len(texts), 512), float32."""
    from ..nlp.embeddings import encode_many

    return encode_many(texts)
