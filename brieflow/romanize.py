"""Romanised source names for English briefs: 搜狐财经 → "Sou Hu Cai Jing" (as in the seed)."""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u9fff]")


def romanize(name: str) -> str:
    """Hanyu Pinyin without tones, one capitalised word per character; Latin names unchanged."""
    if not _HAN.search(name):
        return name
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(name, style=Style.NORMAL, errors=lambda chars: [chars])  # type: ignore[arg-type, return-value]
    words = []
    for s in syllables:
        s = s.strip()
        if s:
            words.append(s[:1].upper() + s[1:] if s.isascii() else s)
    return re.sub(r"\s+", " ", " ".join(words)).strip()
