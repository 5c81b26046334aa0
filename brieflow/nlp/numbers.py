"""Numbers, percentages, amounts and dates in Chinese and English text, as comparable values.

The numbers check asks "does every number in this statement appear in the paragraphs it
cites?". A model that writes English from Chinese converts units (2.8万 → 28,000, 3亿美元 →
$300 million, 九成 → 90%), so both sides are normalised to a `Quantity` (value, kind,
currency) before comparing. Extraction is deliberately asymmetric: statements yield only
numbers written with digits (plus 百分之/成 forms), paragraphs also yield Chinese numerals
(三家, 二〇二五年), so a paragraph offers every reading a faithful statement could use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Full-width digits and signs → ASCII (１２．５％ → 12.5%).
_WIDE = str.maketrans("０１２３４５６７８９．％＄￥", "0123456789.%$¥")

_SCALE = {
    "万亿": 1e12,
    "千亿": 1e11,
    "百亿": 1e10,
    "十亿": 1e9,
    "亿": 1e8,
    "千万": 1e7,
    "百万": 1e6,
    "万": 1e4,
    "千": 1e3,
    "trillion": 1e12,
    "tn": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "million": 1e6,
    "mn": 1e6,
    "thousand": 1e3,
    # only after a currency sign: "$5m", "$40k"
    "m": 1e6,
    "k": 1e3,
}
_CURRENCY_WORDS = {
    "美元": "USD",
    "美金": "USD",
    "港元": "HKD",
    "港币": "HKD",
    "欧元": "EUR",
    "日元": "JPY",
    "英镑": "GBP",
    "人民币": "CNY",
    "元": "CNY",
    "块": "CNY",
    "dollars": "USD",
    "dollar": "USD",
    "usd": "USD",
    "us$": "USD",
    "$": "USD",
    "hk$": "HKD",
    "hkd": "HKD",
    "euros": "EUR",
    "euro": "EUR",
    "eur": "EUR",
    "€": "EUR",
    "yen": "JPY",
    "jpy": "JPY",
    "pounds": "GBP",
    "£": "GBP",
    "gbp": "GBP",
    "yuan": "CNY",
    "rmb": "CNY",
    "cny": "CNY",
    "¥": "CNY",
    "renminbi": "CNY",
}
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

_PRE_CURRENCY = r"(?P<pre>US\$|HK\$|\$|¥|€|£|(?:USD|RMB|CNY|EUR|HKD)\s?)?"
_DIGITS = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE_RE = (
    r"(?:\s?(?P<scale>万亿|千亿|百亿|十亿|亿|千万|百万|万|千(?![瓦克米卡伏帕赫])"
    r"|trillion|billion|million|thousand|tn\b|bn\b|mn\b|m\b|k\b))?"
)
_NOT_CHENG = r"(?![为功立本熟长员果交绩就])"  # 成为, 成功…: words, not tenths
_UNIT = (
    r"(?:\s?(?P<unit>%|‰|percent\b|per\s?cent\b|个?百分点|percentage\s+points?\b|pp\b"
    r"|成" + _NOT_CHENG + r"))?"
)
_POST_CURRENCY = (
    r"(?:\s?(?P<post>美元|美金|港元|港币|欧元|日元|英镑|人民币|元|块"
    r"|(?:US\s)?dollars?\b|yuan\b|rmb\b|renminbi\b|euros?\b|yen\b|usd\b|cny\b))?"
)
_NUMBER = re.compile(
    _PRE_CURRENCY
    + r"(?:(?<![A-Za-z0-9.])|(?<=RMB)|(?<=USD)|(?<=CNY)|(?<=EUR)|(?<=HKD))"
    + _DIGITS
    + _SCALE_RE
    + _UNIT
    + _POST_CURRENCY,
    re.IGNORECASE,
)
_MONTH_NEAR_NUMBER = re.compile(
    r"\b(?P<m>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?(?=\s*,?\s*\d)"
    r"|(?<=\d)\s+(?P<m2>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
# A capitalised full month name is a date on its own ("in August"); "May" only next to a number.
_MONTH_NAMED = re.compile(
    r"\b(?P<m>January|February|March|April|June|July|August|September|October|November"
    r"|December)\b"
)
_CITATION = re.compile(r"\[\d+\]")

_ZH_DIGIT = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_UNIT = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"万": 10_000, "亿": 100_000_000}
_ZH_RUN = re.compile(r"[零〇○一二两三四五六七八九十百千万亿]+")
_ZH_PERCENT = re.compile(r"百分之(?P<n>[零〇一二两三四五六七八九十百千点.\d]+)")
_ZH_CHENG = re.compile(r"(?P<n>[一二两三四五六七八九十])成" + _NOT_CHENG)


@dataclass(frozen=True)
class Quantity:
    """One number as written (`text`) and as a value: 2.8万 → 28000.0, 九成 → 90.0 percent.

    `step` is the smallest change the written form can show (28,000 → 1000, 2.8万 → 1000),
    used to accept honest rounding; `exact` marks values (years) that must match exactly.
    """

    text: str
    value: float
    kind: str = "number"  # "number" | "percent" | "points" (百分点 / percentage points)
    currency: str | None = None
    step: float = 1.0
    exact: bool = False


def normalise(text: str) -> str:
    """Full-width digits and signs as ASCII, citation marks removed."""
    return _CITATION.sub(" ", text.translate(_WIDE))


def _step(num: str, scale: float) -> float:
    digits = num.replace(",", "")
    if "." in digits:
        return 10.0 ** -len(digits.split(".")[1]) * scale
    stripped = digits.rstrip("0")
    zeros = len(digits) - len(stripped) if stripped else 0
    return 10.0**zeros * scale


def _kind_of(unit: str | None) -> tuple[str, float]:
    if not unit:
        return "number", 1.0
    u = unit.lower()
    if u == "‰":
        return "percent", 0.1
    if "百分点" in u or "point" in u or u == "pp":
        return "points", 1.0
    if u == "成":
        return "percent", 10.0
    return "percent", 1.0


def quantities(text: str, *, chinese_numerals: bool = False) -> list[Quantity]:
    """Every number in `text` as a Quantity, in order of appearance.

    `chinese_numerals` also reads bare Chinese numerals (三家 → 3, 二〇二五 → 2025); use it
    for the paragraphs a statement is checked against, where extra readings only help.
    """
    text = normalise(text)
    out: list[Quantity] = []
    for m in _NUMBER.finditer(text):
        num = m.group("num")
        scale_word = (m.group("scale") or "").lower()
        pre = (m.group("pre") or "").strip().lower()
        post = (m.group("post") or "").lower().replace("us ", "")
        if scale_word in ("m", "k") and not (pre or post):
            scale_word = ""  # "5m" is five metres as often as five million
        scale = _SCALE.get(scale_word, 1.0)
        kind, factor = _kind_of(m.group("unit"))
        value = float(num.replace(",", "")) * scale * factor
        currency = _CURRENCY_WORDS.get(pre) or _CURRENCY_WORDS.get(post)
        is_year = (
            kind == "number"
            and scale == 1.0
            and not currency
            and "." not in num
            and len(num) == 4
            and 1800 <= value <= 2200
        )
        out.append(
            Quantity(
                text=m.group(0).strip(),
                value=value,
                kind=kind,
                currency=currency,
                step=_step(num, scale) * factor,
                exact=is_year,
            )
        )
    months: set[tuple[int, int]] = set()
    for m in _MONTH_NEAR_NUMBER.finditer(text):
        name = (m.group("m") or m.group("m2")).lower()
        months.add((m.start(), m.end()))
        out.append(Quantity(text=m.group(0).strip(), value=float(_MONTHS[name]), exact=True))
    for m in _MONTH_NAMED.finditer(text):
        if not any(a <= m.start() < b for a, b in months):
            out.append(Quantity(m.group(0), float(_MONTHS[m.group(0).lower()]), exact=True))
    for m in _ZH_PERCENT.finditer(text):
        percent = _zh_or_digits(m.group("n"))
        if percent is not None:
            out.append(Quantity(m.group(0), percent, "percent", step=1.0))
    for m in _ZH_CHENG.finditer(text):
        out.append(
            Quantity(m.group(0), float(_ZH_DIGIT.get(m.group("n"), 10)) * 10, "percent", step=10.0)
        )
    if chinese_numerals:
        out.extend(_chinese_runs(text))
    return out


def _zh_or_digits(s: str) -> float | None:
    s = s.replace("点", ".")
    try:
        return float(s)
    except ValueError:
        pass
    if "." in s:
        whole, _, frac = s.partition(".")
        w = parse_chinese_number(whole)
        if w is None or not all(c in _ZH_DIGIT for c in frac):
            return None
        return float(f"{int(w)}.{''.join(str(_ZH_DIGIT[c]) for c in frac)}")
    return parse_chinese_number(s)


def _chinese_runs(text: str) -> list[Quantity]:
    out = []
    for m in _ZH_RUN.finditer(text):
        run = m.group(0)
        if run in ("万", "亿", "千", "百", "十"):
            continue
        values = set()
        if all(c in _ZH_DIGIT for c in run) and len(run) > 1:
            values.add(float("".join(str(_ZH_DIGIT[c]) for c in run)))  # 二〇二五 → 2025
        parsed = parse_chinese_number(run)
        if parsed is not None:
            values.add(parsed)
        for value in sorted(values):
            out.append(Quantity(run, value, step=1.0))
    # digits followed by a Chinese numeral scale inside a run are handled by _NUMBER already
    return out


def parse_chinese_number(s: str) -> float | None:
    """三万五千 → 35000, 十二 → 12, 两亿 → 2e8; None when `s` is not a Chinese numeral."""
    if not s or any(c not in _ZH_DIGIT and c not in _ZH_UNIT and c not in _ZH_BIG for c in s):
        return None
    total, section, digit = 0.0, 0.0, None
    for c in s:
        if c in _ZH_DIGIT:
            digit = _ZH_DIGIT[c]
        elif c in _ZH_UNIT:
            section += (1 if digit is None else digit) * _ZH_UNIT[c]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            if section == 0:
                section = 1
            total = (total + section) * _ZH_BIG[c] if c == "亿" else total + section * _ZH_BIG[c]
            section, digit = 0.0, None
    return total + section + (digit or 0)


def matches(claim: Quantity, found: Quantity, tolerance: float = 0.03) -> bool:
    """Whether `found` (from a paragraph) carries the number `claim` (from a statement).

    Equal values match; so does honest rounding: `claim` is `found` rounded to the precision
    `claim` is written in, and within `tolerance` (3 %) of it. Years match only exactly.
    Percent and percentage points are read as the same kind; currencies must agree when
    both sides name one.
    """
    if claim.kind in ("percent", "points") and found.kind not in ("percent", "points"):
        return False
    if claim.currency and found.currency and claim.currency != found.currency:
        return False
    a, b = claim.value, found.value
    if abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0):
        return True
    if claim.exact or found.exact or b == 0:
        return False
    rounded = round(b / claim.step) * claim.step
    return abs(rounded - a) <= 1e-9 * max(abs(a), 1.0) and abs(a - b) / abs(b) <= tolerance


def missing_numbers(statement: str, paragraphs: list[str]) -> list[Quantity]:
    """The numbers of `statement` that none of `paragraphs` carries."""
    found = [q for p in paragraphs for q in quantities(p, chinese_numerals=True)]
    return [q for q in quantities(statement) if not any(matches(q, f) for f in found)]
