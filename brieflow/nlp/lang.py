"""Which language a text is written in: zh or en (the two brieflow briefs in)."""

from __future__ import annotations

import re

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
