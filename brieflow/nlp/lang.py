"""Which language a text is written in: zh or en (the two brieflow briefs in)."""

from __future__ import annotations

import re

from ..errors import UnsupportedLanguage
from ..models import Article

# The languages brieflow reads and writes (its sentence splitter, words and checks know them).
LANGUAGES = ("zh", "en")

# Runs, not single characters: counting the lengths of a few runs is cheaper than listing
# every character.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[A-Za-z]+")


def detect_language(text: str, default: str = "en") -> str:
    """ "zh" when Han characters make up a fair share of the letters, else "en".

    A Chinese character carries about as much as an English word, so Han characters are
    weighed against Latin letters / 4 (roughly one English word).
    """
    han = sum(map(len, _HAN.findall(text)))
    latin = sum(map(len, _LATIN.findall(text)))
    if han == 0 and latin == 0:
        return default
    return "zh" if han >= latin / 4 * 0.5 and han > 0 else "en"


# How many of an article's first paragraphs (with its title) decide its language: enough for
# a fair sample, few enough that a long article costs nothing more.
SAMPLE_PARAGRAPHS = 20

# One word of the other language, per language: a Latin word in Chinese text, a Han character
# (about one word) in English text.
_FOREIGN = {"zh": _LATIN, "en": re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")}


def article_language(article: Article) -> str:
    """The article's language: as marked, else detected from its title and first paragraphs.
    The one place every step (pipeline, engines, checks, stories, evaluation) asks."""
    if article.language:
        return article.language
    sample = " ".join(p.text for p in article.paragraphs[:SAMPLE_PARAGRAPHS])
    return detect_language(f"{article.title or ''} {sample}")


def foreign_words(text: str, language: str) -> int:
    """How many words of the other language `text` holds (0 for a language brieflow does not
    write)."""
    pattern = _FOREIGN.get(language)
    return len(pattern.findall(text)) if pattern is not None else 0


def require_language(language: str, *, source: str | None = None, engine: str = "brieflow") -> str:
    """`language` when brieflow can read and write it, else the UnsupportedLanguage error that
    names it (an article marked "lang": "de" is not a crash deep inside an engine)."""
    if language not in LANGUAGES:
        raise UnsupportedLanguage(
            f"the {engine} engine cannot brief an article in {language!r}",
            source=source,
            hint=f"brieflow reads {' and '.join(LANGUAGES)}; drop or fix the article's language",
        )
    return language
