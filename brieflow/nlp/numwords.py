"""English number words for the numbers check: two, twenty-five, third, a dozen, a quartet,
two-thirds, by a fifth, half of, a quarter point, doubled, three times.

Statements yield the words a reader would check as figures ("one" and "first" are left alone:
a pronoun or an order more often than a count); paragraphs also yield counts written as group
words (a dozen, a quartet, a fortnight), since extra readings of a paragraph only help.
"""

from __future__ import annotations

import re

from .numbers import _SCALE, Quantity, _approx_before

_EN_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_EN_TENS = {
    w: 10 * i
    for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}
_EN_ORDINALS = {
    w: i
    for i, w in enumerate(
        "second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split(), 2
    )
}
# Words for a count a paragraph may use where a statement has the number.
_EN_GROUPS = {
    "pair": 2,
    "couple": 2,
    "duo": 2,
    "trio": 3,
    "quartet": 4,
    "quintet": 5,
    "dozen": 12,
    "half a dozen": 6,
    "half-dozen": 6,
    "fortnight": 2,  # two weeks (and 14 days, below)
    "twice": 2,
    "double": 2,
    "triple": 3,
}
_EN_WORD_NUMBER = re.compile(
    r"\b(?P<w>(?:"
    + "|".join(_EN_TENS)
    + r")(?:[\s-](?:"
    + "|".join(list(_EN_UNITS)[1:10])
    + r"))?|"
    + "|".join(sorted([*_EN_UNITS, *_EN_ORDINALS], key=len, reverse=True))
    + r")\b(?!-(?:year|month|week|day)s?-old)"
    r"(?:[\s-](?P<scale>hundred|thousand|million|billion|trillion)\b)?",
    re.IGNORECASE,
)
_EN_GROUP_WORD = re.compile(
    r"\b(?P<w>" + "|".join(sorted(_EN_GROUPS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)
# Fractions a model writes for a share: "a third of", "two-thirds", "half of", "by a quarter".
_EN_FRACTION = re.compile(
    r"\b(?:(?P<num>a|one|two|three|four)[\s-])?(?P<den>half|halves|thirds?|quarters?|fifths?|tenths?)\b"
    r"(?P<of>\s+of\b)?",
    re.IGNORECASE,
)
_POINT_AFTER = re.compile(r"(?:\s+a)?[\s-]+(?:percentage[\s-]+)?points?\b", re.IGNORECASE)
_EN_DENOMINATOR = {"half": 2, "halve": 2, "third": 3, "quarter": 4, "fifth": 5, "tenth": 10}
_EN_PERCENT_AFTER = re.compile(r"[\s-]*(?:percent|per\s?cent)\b", re.IGNORECASE)
_EN_MULTIPLE = re.compile(
    r"\b(?P<w>doubled|doubling|tripled|trebled|quadrupled|halved|twice(?=\s+(?:as|the|that|its|their)\b)"
    # the verb: "expects orders to double", "will halve"
    r"|(?:(?<=\bto\s)|(?<=\bwill\s)|(?<=\bwould\s)|(?<=\bcould\s))(?:double|triple|treble|quadruple|halve))\b"
    r"|\b(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d+(?:\.\d+)?)\s+times\b",
    re.IGNORECASE,
)
_EN_MULTIPLES = {"doubl": 2.0, "twice": 2.0, "tripl": 3.0, "trebl": 3.0, "quadrupl": 4.0}
_EN_MULTIPLES["halv"] = 0.5
# "25 times a second", "three times this year": how often, a count, not a multiple.
_COUNT_AFTER = re.compile(
    r"\s+(?:a|an|per|each|every)\s+(?:second|minute|hour|day|week|month|quarter|year|season)\b"
    r"|\s+(?:in|during|over|since|this|last|so\s+far|already|before)\b|\s*(?:[,.;:)]|$)",
    re.IGNORECASE,
)
# "a second" as a unit of time ("25 times a second", "per second"), not the ordinal of "a
# second term": after per/each/every, or after "a" when no noun follows.
_SECOND_UNIT_BEFORE = re.compile(r"\b(?:a|per|each|every)\s+$", re.IGNORECASE)
_SECOND_UNIT_AFTER = re.compile(
    r"\s*(?:[,.;:)]|$|\s(?:to|and|or|for|in|on|at|by|with|while|when|as|from|during)\b)",
    re.IGNORECASE,
)


def _second_as_unit(text: str, start: int, end: int) -> bool:
    before = _SECOND_UNIT_BEFORE.search(text[max(0, start - 8) : start])
    if before is None:
        return False
    return before.group(0).lower().startswith(("per", "each", "every")) or bool(
        _SECOND_UNIT_AFTER.match(text, end)
    )


# An English enumeration of names a statement may count ("the six were A, B, C, D, E and F").
_EN_CLAUSES = re.compile(r"(?<=[.!?;:])\s+|\s+[-–—]\s+|\(|\)")
_EN_LIST_GAP = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


def _capital(word: str) -> bool:
    return word[:1].isupper()


def english_counts(text: str) -> list[Quantity]:
    """How many names an enumeration in a paragraph lists: "Italian quartet Antenucci,
    Bellusci, Del Fabro and Silvestri, Frenchman Doukara and Albanian Cani told him" → 6. A
    run of three or more: the first member ends in a name, the middle ones are short names,
    the last begins with one."""
    out = []
    for clause in _EN_CLAUSES.split(text):
        parts = [p.split() for p in _EN_LIST_GAP.split(clause)]
        i = 0
        while i < len(parts):
            if not (parts[i] and _capital(parts[i][-1])):
                i += 1
                continue
            j = i + 1
            while j < len(parts) and 1 <= len(parts[j]) <= 4 and all(map(_capital, parts[j])):
                j += 1
            last = j < len(parts) and parts[j] and _capital(parts[j][0])
            n = j - i + (1 if last else 0)
            if n >= 3:
                out.append(Quantity(clause.strip(), float(n)))
            i = max(j, i + 1)
    return out


def english_words(text: str, periods: list[tuple[int, int]], *, generous: bool) -> list[Quantity]:
    """Number words (two, twenty-five, third; "one" and "first" are left alone: more often a
    pronoun or an order than a figure), fractions of a share and multiples (doubled, three
    times). Paragraphs (`generous`) also give counts written as words (a dozen, a quartet)."""
    out = []
    times = [(m.start(), m.end()) for m in _EN_MULTIPLE.finditer(text)]
    shares = [(m.start(), m.end()) for m in _EN_FRACTION.finditer(text) if m.group("num")]
    for m in _EN_WORD_NUMBER.finditer(text):
        word = m.group("w").lower()
        inside = any(a <= m.start() < b for a, b in (*periods, *times, *shares))
        if inside or (word in ("one", "zero") and not generous):
            continue
        if word == "second" and _second_as_unit(text, m.start(), m.end()):
            continue
        percent = _EN_PERCENT_AFTER.match(text, m.end())
        if word in _EN_ORDINALS:
            value = float(_EN_ORDINALS[word])
        elif word in _EN_UNITS:
            value = float(_EN_UNITS[word])
        else:
            tens, _, unit = word.replace("-", " ").partition(" ")
            value = float(_EN_TENS[tens] + _EN_UNITS.get(unit, 0))
        scale_word = (m.group("scale") or "").lower()
        scale = 100.0 if scale_word == "hundred" else _SCALE.get(scale_word, 1.0)
        kind = "percent" if percent and scale == 1.0 else "number"
        approx = _approx_before(text, m.start())
        out.append(Quantity(m.group(0), value * scale, kind, step=scale, approx=approx))
    if generous:
        out.extend(english_counts(text))
        for m in _EN_GROUP_WORD.finditer(text):
            word = m.group("w").lower()
            out.append(Quantity(m.group(0), float(_EN_GROUPS[word])))
            if word == "fortnight":
                out.append(Quantity(m.group(0), 14.0))
            if word in ("twice", "double", "triple"):
                out.append(Quantity(m.group(0), float(_EN_GROUPS[word]), "multiple", exact=True))
    for m in _EN_FRACTION.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in periods):
            continue  # "the first three quarters" is a period
        den = m.group("den").lower().rstrip("s")
        num = (m.group("num") or "").lower()
        by = text[max(0, m.start() - 3) : m.start()].lower() == "by "
        share = m.group("of") or by or _approx_before(text, m.start())
        top = {"": 1, "a": 1, "one": 1, "two": 2, "three": 3, "four": 4}[num]
        if top >= _EN_DENOMINATOR[den]:
            continue  # "the four quarters of 2018": a count of periods
        if _POINT_AFTER.match(text, m.end()):  # a quarter point, half a point: of a point
            value = top / _EN_DENOMINATOR[den]
            out.append(Quantity(m.group(0), value, "points", step=0.25, exact=True))
            continue
        if den == "half":
            if not share:
                continue  # "the first half" is a period; "half of", "more than half" a share
        elif not (share or top > 1 or (generous and num)):
            continue  # "a quarter earlier" is a period
        value = 100.0 * top / _EN_DENOMINATOR[den]
        out.append(Quantity(m.group(0), value, "percent", step=1.0, approx="fraction"))
    for m in _EN_MULTIPLE.finditer(text):
        if m.group("n"):
            n = m.group("n").lower()
            value = float(_EN_UNITS.get(n, 0) or n)
        else:
            word = m.group("w").lower()
            value = next(v for k, v in _EN_MULTIPLES.items() if word.startswith(k))
        if m.group("n") and _COUNT_AFTER.match(text, m.end()):
            out.append(Quantity(m.group(0), value))  # how often: a count
            continue
        # "more than doubled" for +107%, "nearly tripled" for ×2.9: a bound on the multiple
        approx = _approx_before(text, m.start())
        out.append(Quantity(m.group(0), value, "multiple", step=1.0, exact=True, approx=approx))
    return out
