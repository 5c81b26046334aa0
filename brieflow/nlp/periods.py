"""Periods of a year and short years, for the numbers check.

A model writing English from a Chinese report names the same period another way: 三季度 / 3Q /
Q3 → "the third quarter", 上半年 / 1H / H1 / 1-6月 → "the first half", 前三季度 / 1-9月 / Q1-3 →
"the first three quarters" or "the first nine months", 1-3月 → "January-March". Each period is
read as the months it spans (Q3 = months 7-9, a Quantity of kind "period" with value 709), so a
statement's period must be one its paragraph names, whichever way either side writes it.

Reports also shorten years: 18年, 22Q4, 3Q22, 2022-24年, 21-23年 (2021 and 2023), 23E. Those are
read as full years, on the paragraph side only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import _MONTHS, Quantity

_ORDINAL = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
_ZH_N = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_COUNT = {"two": 2, "three": 3, "six": 6, "nine": 9, "2": 2, "3": 3, "6": 6, "9": 9}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))


def _quarter(n: int) -> tuple[int, int]:
    return 3 * n - 2, 3 * n


def _half(n: int) -> tuple[int, int]:
    return (1, 6) if n == 1 else (7, 12)


_PATTERNS: list[tuple[re.Pattern[str], object]] = [
    # the first three quarters / first nine months / Q1-Q3 / 1-3Q / 前三季度 / 1-9月
    (
        re.compile(
            r"\b(?:first|past)\s+(?P<n>two|three|2|3)\s+quarters\b"
            r"|(?<![A-Za-z])Q1\s*[-–~]\s*Q?(?P<q>[23])(?![\d%]|\.\d)"
            r"|(?<![A-Za-z\d])1Q\s*[-–~]\s*(?P<q2>[23])Q|(?<![\d.])1\s*[-–~]\s*(?P<q3>[23])Q(?![A-Za-z])"
            r"|前(?P<zq>[二两三])季度?|前(?P<zh>两)个季度",
            re.IGNORECASE,
        ),
        "quarters",
    ),
    (
        re.compile(
            r"\b(?:first|past)\s+(?P<n>three|six|nine|3|6|9)\s+months\b"
            r"|(?<![A-Za-z])(?P<m9>nine|9)[\s-]months?\b",
            re.IGNORECASE,
        ),
        "months",
    ),
    # month ranges: January-March, Jan.-Sept., 1-9月, 1至9月
    (
        re.compile(
            r"\b(?P<a>" + _MONTH + r")\.?\s*(?:-|–|to|through|until)\s*(?P<b>" + _MONTH + r")\b"
            r"|(?<![\d.])(?P<da>1[0-2]|[1-9])\s*[-–~～至到]\s*(?P<db>1[0-2]|[1-9])\s*月",
            re.IGNORECASE,
        ),
        "range",
    ),
    # a quarter: Q3, 3Q, third quarter, third-quarter, (第)三季度, 单三季度, 一季报
    (
        re.compile(
            r"(?<![A-Za-z])Q(?P<q>[1-4])(?![\d%]|\.\d)|(?<![\d.])(?P<q2>[1-4])Q(?![A-Za-z])"
            r"|\b(?P<o>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]quarter\b"
            r"|(?<!前)(?<!前两)(?<!前三)第?(?P<z>[一二三四])季(?:度|报)?"
            r"|(?<![\w-])(?P<q3>[1-4])季度",
            re.IGNORECASE,
        ),
        "quarter",
    ),
    # a half: H1, 1H, first half, first-half, 上半年, 下半年, 中报, 半年报
    (
        re.compile(
            r"(?<![A-Za-z])H(?P<h>[12])(?![\d%]|\.\d)|(?<![\d.])(?P<h2>[12])H(?![A-Za-z])"
            r"|\b(?P<o>first|second|latter)[\s-]half\b"
            r"|(?P<z>上|下)半年|中报|半年报|半年度",
            re.IGNORECASE,
        ),
        "half",
    ),
]


@dataclass(frozen=True)
class Period:
    start: int  # offset in the text
    end: int
    quantity: Quantity


def _span(kind: object, m: re.Match[str]) -> tuple[int, int] | None:
    g = m.groupdict()
    if kind == "quarters":
        n = g.get("n") or g.get("q") or g.get("q2") or g.get("q3")
        if n:
            return 1, 3 * _COUNT.get(n.lower(), int(n) if n.isdigit() else 3)
        zh = g.get("zq") or g.get("zh")
        return (1, 3 * _ZH_N[zh]) if zh else None
    if kind == "months":
        n = g.get("n") or g.get("m9")
        return (1, _COUNT[n.lower()]) if n else None
    if kind == "range":
        if g.get("a"):
            a, b = _MONTHS[g["a"].lower()], _MONTHS[g["b"].lower()]
        else:
            a, b = int(g["da"]), int(g["db"])
        return (a, b) if a < b else None
    if kind == "quarter":
        if g.get("o"):
            return _quarter(_ORDINAL[g["o"].lower()])
        n = g.get("q") or g.get("q2") or g.get("q3") or g.get("z")
        return _quarter(_ZH_N[n]) if n else None
    if kind == "half":
        if g.get("o"):
            return _half(1 if g["o"].lower() == "first" else 2)
        n = g.get("h") or g.get("h2")
        if n:
            return _half(int(n))
        return _half(2 if g.get("z") == "下" else 1)
    return None


_ZH_QUARTER_LIST = re.compile(r"(?P<list>[一二三四](?:[、，,和及与/]?[一二三四])+)季度")


def periods(text: str) -> list[Period]:
    """Every period named in `text`, as Quantities of kind "period" (value: first month × 100
    + last month), the longer spelling winning where two overlap (Q1-Q3 over Q1)."""
    out: list[Period] = []
    taken: list[tuple[int, int]] = []
    for m in _ZH_QUARTER_LIST.finditer(text):  # 三、四季度: the third and the fourth quarter
        taken.append((m.start(), m.end()))
        for c in re.findall("[一二三四]", m.group("list")):
            a, b = _quarter(_ZH_N[c])
            out.append(
                Period(
                    m.start(), m.end(), Quantity(m.group(0), a * 100.0 + b, "period", exact=True)
                )
            )
    for pattern, kind in _PATTERNS:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            span = _span(kind, m)
            if span is None:
                continue
            taken.append((m.start(), m.end()))
            value = float(span[0] * 100 + span[1])
            out.append(
                Period(m.start(), m.end(), Quantity(m.group(0), value, "period", exact=True))
            )
    return out


_SEQUENTIAL = re.compile(r"环比|quarter[\s-]on[\s-]quarter|sequentially|q/q|qoq", re.IGNORECASE)


def previous_quarters(text: str) -> list[Quantity]:
    """The quarter before each quarter of a paragraph that compares quarter on quarter: "down
    21.85% from the fourth quarter", "below Q2's" ← 一季度…环比下降21.85%, 三季度…环比下降.
    Only a statement's basis period (`basis_periods`) may be read so."""
    if not _SEQUENTIAL.search(text):
        return []
    out = []
    for p in periods(text):
        first, last = divmod(int(p.quantity.value), 100)
        if last - first == 2 and first % 3 == 1:  # a single quarter
            before = first - 3 if first > 1 else 10
            out.append(
                Quantity(p.quantity.text, float(before * 100 + before + 2), "period", exact=True)
            )
    return out


_BASIS_BEFORE = re.compile(
    r"\b(?:from|than|below|above|over|versus|vs\.?|against|compared\s+(?:with|to)|on)"
    r"(?:\s+(?:in|the|that\s+of))*\s*$",
    re.IGNORECASE,
)


def basis_periods(statement: str) -> set[str]:
    """The periods a statement compares with ("from the fourth quarter", "below Q2's"), as
    written: the base of a change, not the period it is for."""
    return {
        p.quantity.text
        for p in periods(statement)
        if _BASIS_BEFORE.search(statement[max(0, p.start - 24) : p.start])
    }


# 18年, 22全年, 22Q4, 23E, 21-23年, 2022-24年, 3Q22, 1H21
_SHORT_YEAR = re.compile(
    r"(?<![\d.])(?P<a>\d{2})(?:\s*[-–~/至到]\s*(?P<b>\d{2}))?(?=\s*(?:年|全年|财年|Q[1-4]|H[12]|E\b))"
    r"|(?<=[1-4]Q)(?P<c>\d{2})(?!\d)|(?<=[12]H)(?P<d>\d{2})(?!\d)"
    r"|(?<!\d)(?P<full>(?:19|20)\d{2})\s*[-–~/至到]\s*(?P<e>\d{2})(?![\d.%])"
)


def short_years(text: str) -> list[Quantity]:
    """Years written short in `text`, as full years (2000s, or 1900s for 50 and up)."""
    out = []
    for m in _SHORT_YEAR.finditer(text):
        century = int(m.group("full")[:2]) * 100 if m.group("full") else None
        for name in ("a", "b", "c", "d", "e"):
            two = m.group(name)
            if two is None:
                continue
            n = int(two)
            year = (century if century is not None else (1900 if n >= 50 else 2000)) + n
            out.append(Quantity(m.group(0), float(year), exact=True))
    return out


# Time said relative to the publication day, and weekdays: what a statement dates a figure or
# an event by that no digit gives ("last year's £12m", 去年, "on Thursday", 周四).
_UNIT_CODE = {"year": 1000, "month": 2000, "week": 3000, "day": 4000, "weekday": 5000}
_RELATIVE: list[tuple[re.Pattern[str], str, int]] = [
    (
        re.compile(
            r"\blast\s+year(?:'s|’s)?\b|\ba\s+year\s+(?:earlier|ago)\b|\bprevious\s+year\b"
            r"|去年|上年|上一年",
            re.I,
        ),
        "year",
        -1,
    ),
    (
        re.compile(r"\bthis\s+year(?:'s|’s)?\b|\bso\s+far\s+this\s+year\b|今年|本年|年内", re.I),
        "year",
        0,
    ),
    (re.compile(r"\bnext\s+year(?:'s|’s)?\b|明年|下一年", re.I), "year", 1),
    (
        re.compile(r"\btwo\s+years\s+(?:ago|earlier)\b|\bthe\s+year\s+before\s+last\b|前年", re.I),
        "year",
        -2,
    ),
    (
        re.compile(r"\blast\s+month(?:'s|’s)?\b|\ba\s+month\s+(?:earlier|ago)\b|上月|上个月", re.I),
        "month",
        -1,
    ),
    (re.compile(r"\bthis\s+month(?:'s|’s)?\b|本月|这个月", re.I), "month", 0),
    (re.compile(r"\bnext\s+month(?:'s|’s)?\b|下月|下个月", re.I), "month", 1),
    (
        re.compile(r"\blast\s+week(?:'s|’s)?\b|\ba\s+week\s+(?:earlier|ago)\b|上周|上星期", re.I),
        "week",
        -1,
    ),
    (re.compile(r"\bthis\s+week(?:'s|’s)?\b|本周|这周", re.I), "week", 0),
    (re.compile(r"\bnext\s+week(?:'s|’s)?\b|下周|下星期", re.I), "week", 1),
    (re.compile(r"\byesterday(?:'s|’s)?\b|昨天|昨日", re.I), "day", -1),
    (re.compile(r"\btoday(?:'s|’s)?\b|今天|今日", re.I), "day", 0),
    (re.compile(r"\btomorrow(?:'s|’s)?\b|明天|明日", re.I), "day", 1),
]
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(
    r"\b(?P<en>" + "|".join(_WEEKDAYS) + r")\b|(?:周|星期|礼拜)(?P<zh>[一二三四五六日天])", re.I
)
_ZH_WEEKDAY = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}


_FULL_YEAR = re.compile(r"全年")
# A change measured against a year or a month before: "up 10% from a year earlier" ← 同比.
_YEAR_BASIS = re.compile(r"同比|较?上年同期|较?去年同期|year[\s-]on[\s-]year|\byoy\b|\by/y\b", re.I)
_MONTH_BASIS = re.compile(r"环比|month[\s-]on[\s-]month|\bmom\b|\bm/m\b", re.I)


def time_words(text: str, *, generous: bool = False) -> list[Quantity]:
    """Relative times (kind "relative": last year → 999, 去年 → 999, this week → 3000) and
    weekdays (Thursday, 周四 → 5004), for the numbers check: each is compared only with the
    cited paragraphs' own (a paragraph that dates nothing so is no verdict)."""
    out = []
    taken: list[tuple[int, int]] = []
    for pattern, unit, offset in _RELATIVE:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            out.append(
                Quantity(m.group(0), float(_UNIT_CODE[unit] + offset), "relative", exact=True)
            )
    if generous:  # 预计全年: the year the report is written in; 同比: against a year before
        for m in _FULL_YEAR.finditer(text):
            out.append(Quantity(m.group(0), float(_UNIT_CODE["year"]), "relative", exact=True))
        for m in _YEAR_BASIS.finditer(text):
            out.append(Quantity(m.group(0), float(_UNIT_CODE["year"] - 1), "relative", exact=True))
        for m in _MONTH_BASIS.finditer(text):
            out.append(Quantity(m.group(0), float(_UNIT_CODE["month"] - 1), "relative", exact=True))
    for m in _WEEKDAY.finditer(text):
        day = (
            _WEEKDAYS.index(m.group("en").lower()) + 1
            if m.group("en")
            else _ZH_WEEKDAY[m.group("zh")]
        )
        out.append(Quantity(m.group(0), float(_UNIT_CODE["weekday"] + day), "relative", exact=True))
    return out


def time_unit(q: Quantity) -> int:
    """The unit of a relative time: 1000 (years), 2000 (months) ... 5000 (weekdays)."""
    return int(q.value + 500) // 1000 * 1000


def relative_year(year: float, published: int) -> Quantity:
    """An absolute year of a paragraph as its distance from the publication year (2024 in an
    article of 2025 → last year)."""
    return Quantity(
        str(int(year)), float(_UNIT_CODE["year"] + int(year) - published), "relative", exact=True
    )


# Days of a month: "on January 23", "4 and 5 June", "Jan. 23", 1月23日, 2月5日-7日.
_DAY_LIST = r"(?P<days>\d{1,2}(?:st|nd|rd|th)?(?:\s*(?:,|and|&|-|–|to)\s*\d{1,2}(?:st|nd|rd|th)?)*)"
_EN_DATE = re.compile(
    r"\b(?P<m>" + _MONTH + r")\.?\s+" + _DAY_LIST + r"(?![\d,.]*\d{3})\b"
    r"(?![.%]|\s*(?:%|percent|per\s?cent|million|billion|bn\b|m\b))"
    r"|\b" + _DAY_LIST.replace("days", "days2") + r"\s+(?P<m2>" + _MONTH + r")\b",
    re.IGNORECASE,
)
_ZH_DATE = re.compile(
    r"(?P<m>1[0-2]|0?[1-9])\s?月\s?(?P<d>[1-3]?\d)\s?(?:[日号]\s?)?"
    r"(?:[-—–~～至到]\s?(?P<d2>[1-3]?\d)\s?)?[日号]"
)


def dates(text: str) -> list[Quantity]:
    """Every day of a month `text` names, as kind "date" (value month × 100 + day: January
    23 → 123), each day of a list ("4 and 5 June") on its own."""
    out = []
    for m in _EN_DATE.finditer(text):
        word = m.group("m") or m.group("m2")
        month = _MONTHS[word.lower()]
        for d in re.findall(r"\d{1,2}", m.group("days") or m.group("days2")):
            if 1 <= int(d) <= 31:
                shown = f"{word} {d}" if m.group("m") else f"{d} {word}"
                out.append(Quantity(shown, float(month * 100 + int(d)), "date", exact=True))
    for m in _ZH_DATE.finditer(text):  # 2月5日, 2月5日-7日, 2月5-7日
        month = int(m.group("m"))
        for d in (m.group("d"), m.group("d2")):
            if d and 1 <= int(d) <= 31:
                out.append(Quantity(m.group(0), float(month * 100 + int(d)), "date", exact=True))
    for m in _ZH_BARE_DAY.finditer(text):  # 路透社2日报道: the 2nd of a month it leaves unsaid
        if 1 <= int(m.group("d")) <= 31:
            out.append(Quantity(m.group(0), float(m.group("d")), "date", exact=True))
    return out


# A day of the month without its month (2日, 15号), as Chinese news dates the days around
# its own: not the day of a dated month (2月1日), nor 日均 or 日内. A span (连续3日) reads as a
# day too, which only lets more statements pass.
_ZH_BARE_DAY = re.compile(r"(?<![\d月.\-])(?P<d>[1-3]?\d)\s?[日号](?![均内元])")


def same_day(statement_day: Quantity, paragraph_day: Quantity) -> bool:
    """A day of the statement is the paragraph's: the same month and day, or the same day
    where the paragraph leaves the month unsaid (January 2 ← 2日)."""
    if paragraph_day.value < 100:
        return statement_day.value % 100 == paragraph_day.value
    return statement_day.value == paragraph_day.value


# A figure stated for the wrong one of the paragraph's periods: "Second-quarter revenue was
# 6.8 billion yuan" ← 三季度营收68亿元 where the paragraph names the second quarter elsewhere.
# Which period a figure is for: brieflow.nlp.binding, periods standing for names. A figure
# the statement compares across periods ("0.3 points faster than in the first half") and a
# period it compares with (`basis_periods`) are left alone.
_COMPARED_AFTER = re.compile(
    r"[^,;.，；。]{0,40}?\b(?:than|from|over|compared|versus|vs|against|below|above)\b", re.I
)


def _period_mentions(text: str, *, statement: bool) -> list[tuple[int, int, str]]:
    out = []
    for p in periods(text):
        if statement and _BASIS_BEFORE.search(text[max(0, p.start - 24) : p.start]):
            continue
        out.append((p.start, p.end, p.quantity.text + "\0" + str(int(p.quantity.value))))
    return out


def swapped_periods(statement: str, paragraphs: list[str]) -> list[str]:
    """Figures the statement states for one period where every figure of the paragraphs
    that matches it is stated for another."""
    from .binding import bind
    from .numbers import matches, normalise

    text = normalise(statement)
    mine = _period_mentions(text, statement=True)
    if not mine:
        return []
    theirs = []
    for p in paragraphs:
        p = normalise(p)
        theirs += bind(p, _period_mentions(p, statement=False))

    def spans(names: frozenset[str]) -> set[str]:
        return {n.split("\0")[1] for n in names}

    out = []
    claims = bind(text, mine, trailing=True)
    for q, own in claims:
        if not own:
            continue
        at = text.find(q.text)
        if at >= 0 and _COMPARED_AFTER.match(text, at + len(q.text)):
            continue
        owners = [ns for f, ns in theirs if matches(q, f)]
        if owners and all(ns and not (spans(ns) & spans(own)) for ns in owners):
            mine_text = sorted(n.split("\0")[0] for n in own)[0]
            there = sorted(n.split("\0")[0] for n in owners[0])[0]
            out.append(f"{q.text} is for {mine_text} here, for {there} in the paragraph")
    return out
