"""Numbers, percentages, amounts, dates and periods in Chinese and English text, as comparable
values.

The numbers check asks "does every number in this statement appear in the paragraphs it
cites?". A model that writes English from Chinese converts units (2.8万 → 28,000, 3亿美元 →
$300 million, 九成 → 90%, -0.91pct → 0.91 percentage points), shares one unit across a list
(7.03/9.89/14.17亿元 → 703 million, 989 million and 1.417 billion yuan), shortens years
(22年, 3Q22, 2022-24年), names periods (前三季度 → the first three quarters, Q3 → the third
quarter) and approximates (近九成 → nearly 90%, 5.8% → nearly 6%). Both sides are normalised
to `Quantity`s (value, kind, currency, precision, approximation) before comparing.

Extraction is deliberately asymmetric: statements yield the numbers a reader would check
(digits, number words two and up, fractions, periods), paragraphs (`chinese_numerals=True`)
also yield every other reading a faithful statement could use (三家, 二〇二五年, 十四五, 18年,
翻番), since extra readings of a paragraph only help.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
    r"|trillion|billion|million|thousand|tn(?![A-Za-z])|bn(?![A-Za-z])|mn(?![A-Za-z])|m(?![A-Za-z])|k(?![A-Za-z])))?"
)
_NOT_CHENG = r"(?![为功立本熟长员果交绩就])"  # 成为, 成功…: words, not tenths
_UNIT = (
    r"(?:[\s-]?(?P<unit>%|‰|percent(?![A-Za-z])|per\s?cent(?![A-Za-z])|个?百分点|个?基点|percentage[\s-]+points?(?![A-Za-z])"
    r"|basis[\s-]+points?(?![A-Za-z])|bps?(?![A-Za-z])|pcts?(?![A-Za-z])|ppts?(?![A-Za-z])|pp(?![A-Za-z])|ct(?![A-Za-z])"
    r"|成" + _NOT_CHENG + r"))?"
)
_POST_CURRENCY = (
    r"(?:\s?(?P<post>美元|美金|港元|港币|欧元|日元|英镑|人民币|元|块"
    r"|(?:US\s|Hong\s+Kong\s)?dollars?(?![A-Za-z])|yuan(?![A-Za-z])|rmb(?![A-Za-z])|renminbi(?![A-Za-z])|euros?(?![A-Za-z])|yen(?![A-Za-z])|usd(?![A-Za-z])|cny(?![A-Za-z])"
    r"|hkd(?![A-Za-z])))?"
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
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH_NEAR_NUMBER = re.compile(
    r"\b(?P<m>" + _MONTH_NAMES + r")\.?(?=\s*,?\s*\d)"
    r"|(?<=\d)\s+(?P<m2>" + _MONTH_NAMES + r")\b",
    re.IGNORECASE,
)
# A capitalised full month name is a date on its own ("in August"); "May" only next to a number.
_MONTH_NAMED = re.compile(
    r"\b(?P<m>January|February|March|April|June|July|August|September|October|November"
    r"|December)\b"
)
_CITATION = re.compile(r"\[\d+\]")
# Between two numbers of one list or range: "1.1-1.25亿", "7.03/9.89/14.17亿元", "120.6, 34.8
# and 49.7 billion", "18.2%-56.37%".
_LIST_GAP = re.compile(
    r"\s*(?:[,，、/／~～\-–—]|至|到|和|及|与|以及|,?\s*(?:and|or|to)\b)\s*", re.IGNORECASE
)
# Words before a number that make it approximate, and which way.
_APPROX = re.compile(
    r"(?:(?P<about>about|around|roughly|approximately|some|an estimated|circa|约|大约|左右)"
    r"|(?P<over>over|more than|above|upwards of|in excess of|at least|exceeding|beyond|超过?"
    r"|逾|多于|高于|不低于|不少于|突破|破)"
    r"|(?P<under>nearly|almost|close to|just under|under|less than|below|up to|not quite"
    r"|近|将近|接近|不到|不足|低于))\s*(?:US\$|HK\$|\$|¥|€|£|RMB\s?)?$",
    re.IGNORECASE,
)
# After a Chinese number: 5000余家, 30多万, 10%以上, 20%左右.
_APPROX_AFTER = re.compile(r"^\s*(?:(?P<over>余|多|以上|有余)|(?P<about>左右|上下))")
# A Latin-lettered name glued to a Chinese amount in a paragraph (工业IGBT31亿美元), or a word
# glued to its number (TOP20, IPU03): a single letter is left alone (Q3, H1, P7 are names).
_GLUED = re.compile(
    r"(?<=[A-Za-z])(?=\d+(?:\.\d+)?\s?(?:万亿|亿|千万|百万|万|%|美元|港元|欧元|元))"
    r"|(?<=[A-Za-z]{2})(?=\d)"
)
_NAMED = re.compile(r"[A-Za-z]-$")
_SCALE_AFTER_MORE = re.compile(r"(?<=\d)[多余](?=万亿|亿|千万|百万|万)")  # 1380多亿: 1380亿
_PLUS_PERCENT = re.compile(r"(?<=\d)\+(?=%)")  # 100+%: more than 100%
_WIDE_THOUSANDS = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")  # 4，870 as often as 4,870
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
_ZH_FRACTION = re.compile(r"(?P<d>[二三四五六七八九十\d]+)分之(?P<n>[一二两三四五六七八九\d]+)")
_ZH_HALF = re.compile(r"一半|过半|半数|大半|逾半|超半")
# 4.4折, 八折: a price as tenths of the full one (44% of the fare, or 56% off)
_ZH_ZHE = re.compile(r"(?P<n>\d(?:\.\d+)?|[一二三四五六七八九])折")
# 三分动，七分吃: parts of ten, a pair that adds up to ten (30% and 70%)
_ZH_PARTS = re.compile(
    r"(?P<a>[一二三四五六七八九])分[^，,、；;。]{1,6}[，,、；;]\s*(?P<b>[一二三四五六七八九])分"
)
_ZH_TIMES = re.compile(r"(?P<n>[\d.]+|[一二两三四五六七八九十]+)倍")
_ZH_DOUBLE = {
    "翻倍": 2,
    "翻番": 2,
    "翻一番": 2,
    "翻了一番": 2,
    "翻两番": 4,
    "翻了两番": 4,
    "减半": 0.5,
}
# 15x, 21.0X: a multiple (a P/E ratio) as research reports write it
_TIMES_SIGN = re.compile(r"(?<![A-Za-z\d.])(?P<n>\d+(?:\.\d+)?)\s?[xX×](?![A-Za-z\d])")
# An enumeration a statement may count ("eight films" ← 《A》《B》…《H》; "three provinces" ←
# 北京、天津和河北): runs of titles, and lists of short items joined by 、.
_TITLES = re.compile(r"(?:《[^《》]{1,40}》[、，,和及与]?){2,}")
_ZH_ITEM = r"[^、，,。；;：:！？\s《》（）()]{1,12}"
_ZH_LIST = re.compile(_ZH_ITEM + r"(?:、" + _ZH_ITEM + r")+")
_ZH_LAST_JOIN = re.compile(r"[和及与]")
# 十四五 (the 14th Five-Year Plan), 十三五时期: the plan's number and the five years
_ZH_PLAN = re.compile(
    r"(?P<n>[一二三四五六七八九十]{1,3})五(?=规划|时期|期间|期末|末|初|以来|$|[^一二三四五六七八九十百千万亿])"
)


@dataclass(frozen=True)
class Quantity:
    """One number as written (`text`) and as a value: 2.8万 → 28000.0, 九成 → 90.0 percent.

    `step` is the smallest change the written form can show (28,000 → 1000, 2.8万 → 1000),
    used to accept honest rounding; `exact` marks values (years, months, periods) that must
    match exactly; `approx` is "about", "over" or "under" when a word makes the number
    approximate ("nearly 6%", 超过3万), "fraction" for a share written as a fraction.
    """

    text: str
    value: float
    kind: str = "number"  # "number" | "percent" | "points" | "period" (see .periods)
    currency: str | None = None
    step: float = 1.0
    exact: bool = False
    approx: str | None = None


# Every number, citation mark and rewrite below needs a digit: most sentences of a brief have
# none, and one quick search then spares the scans of much slower patterns.
_ANY_DIGIT = re.compile(r"\d")
# The characters _WIDE rewrites: a text without any (most) is not translated, which costs a
# dictionary lookup per character of a Chinese text.
_ANY_WIDE = re.compile("[" + "".join(re.escape(chr(c)) for c in _WIDE) + "]")


def normalise(text: str) -> str:
    """Full-width digits and signs as ASCII, citation marks removed."""
    if _ANY_WIDE.search(text):
        text = text.translate(_WIDE)
    if not _ANY_DIGIT.search(text):
        return text
    text = _CITATION.sub(" ", text)
    return _SCALE_AFTER_MORE.sub("", _PLUS_PERCENT.sub("", text))


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
    u = " ".join(unit.lower().split())
    if u == "‰":
        return "percent", 0.1
    if u.startswith("basis") or u in ("bp", "bps") or "基点" in u:
        return "points", 0.01
    if "百分点" in u or "point" in u or u in ("pp", "ppt", "ppts", "pct", "pcts", "ct"):
        return "points", 1.0
    if u == "成":
        return "percent", 10.0
    return "percent", 1.0


def _approx_before(text: str, start: int) -> str | None:
    m = _APPROX.search(text[max(0, start - 24) : start])
    if m is None:
        return None
    return next(k for k in ("about", "over", "under") if m.group(k))


def _approx_after(text: str, end: int) -> str | None:
    m = _APPROX_AFTER.match(text[end : end + 4])
    if m is None:
        return None
    return "over" if m.group("over") else "about"


@dataclass
class _Found:
    """A digit number while reading: where it stands and what it carries of its own."""

    start: int
    end: int
    num: str
    scale: str
    unit: str | None
    currency: str | None

    def is_year(self) -> bool:
        return (
            not (self.scale or self.unit or self.currency)
            and len(self.num) == 4
            and self.num.isdigit()
            and 1800 <= int(self.num) <= 2200
        )


# The longest currency sign a number opens with ("USD "): a match of _NUMBER starts at most
# this many characters before its first digit.
_PRE_REACH = 4


def _number_matches(text: str) -> Iterator[re.Match[str]]:
    """`_NUMBER.finditer(text)`, with the pattern tried only where a number can start: at a
    digit or up to _PRE_REACH characters before it. Positions are tried in order, so the first
    match found is the leftmost one, as finditer's; its scan tries every character of a long
    paragraph against a pattern that opens with optional alternatives, twice as slow."""
    pos = 0
    for digit in _ANY_DIGIT.finditer(text):
        at = digit.start()
        if at < pos:
            continue  # inside the number just found
        for start in range(max(pos, at - _PRE_REACH), at + 1):
            m = _NUMBER.match(text, start)
            if m is not None:
                yield m
                pos = m.end()
                break


def _digit_numbers(text: str) -> list[_Found]:
    out = []
    for m in _number_matches(text):
        scale = (m.group("scale") or "").lower()
        pre = (m.group("pre") or "").strip().lower()
        post = " ".join((m.group("post") or "").lower().split())
        post = post.replace("us ", "").replace("hong kong ", "hk$")
        post = "hkd" if post.startswith("hk$") else post
        if scale in ("m", "k") and not (pre or post):
            scale = ""  # "5m" is five metres as often as five million
        currency = _CURRENCY_WORDS.get(pre) or _CURRENCY_WORDS.get(post)
        # "X-" right before the number (or "X-\n", which `$` also ends): three characters back
        # are enough, rather than a scan from the start of the text for every number
        named = _NAMED.search(text, max(0, m.start() - 3), m.start())
        if named and not (scale or m.group("unit") or currency):
            continue  # Covid-19, F-35: part of a name
        out.append(_Found(m.start(), m.end(), m.group("num"), scale, m.group("unit"), currency))
    _share_list_units(text, out)
    return out


def _share_list_units(text: str, found: list[_Found]) -> None:
    """Members of a list or range without a unit of their own take the unit of its last
    member: 7.03/9.89/14.17亿元, "120.6, 34.8 and 49.7 billion yuan", 18.2-56.37%, and a
    currency sign that opens it is the whole range's: "£6.4-6.6 billion"."""
    for i in range(len(found) - 1, 0, -1):
        tail = found[i]
        if not (tail.scale or tail.unit or tail.currency) or tail.is_year():
            continue
        j = i
        while j > 0 and _LIST_GAP.fullmatch(text[found[j - 1].end : found[j].start]):
            member = found[j - 1]
            if member.scale or member.unit or member.is_year():
                break
            if member.currency:
                # "£6.4-6.6 billion": the sign opens the range, the scale closes it; both are
                # pounds (but "57 yuan, 29.6%" is no range of yuan)
                if tail.unit or not tail.scale or tail.currency not in (None, member.currency):
                    break
                tail.currency = member.currency
            member.scale, member.unit = tail.scale, tail.unit
            member.currency = member.currency or tail.currency
            j -= 1


def quantities(text: str, *, chinese_numerals: bool = False) -> list[Quantity]:
    """Every number in `text` as a Quantity, in order of appearance (periods last).

    `chinese_numerals` also reads everything a paragraph may say a number with: bare Chinese
    numerals (三家 → 3, 二〇二五 → 2025), short years (18年, 3Q22), plan names (十四五),
    fractions and multiples (三分之一, 翻番); use it for the paragraphs a statement is checked
    against, where extra readings only help.
    """
    from .numwords import english_words
    from .periods import periods, short_years

    text = normalise(text)
    if chinese_numerals:
        text = _GLUED.sub(" ", text)
    out: list[Quantity] = []
    for f in _digit_numbers(text):
        out.append(_quantity(text, f))
    if chinese_numerals and _WIDE_THOUSANDS.search(text):
        wide = _WIDE_THOUSANDS.sub(",", text)
        out.extend(_quantity(wide, f) for f in _digit_numbers(wide) if "," in f.num)
    found_periods = periods(text)
    spans = [(p.start, p.end) for p in found_periods]
    out.extend(_months(text, spans))
    for m in _ZH_PERCENT.finditer(text):
        percent = _zh_or_digits(m.group("n"))
        if percent is not None:
            out.append(Quantity(m.group(0), percent, "percent", step=1.0))
    for m in _ZH_CHENG.finditer(text):
        value = float(_ZH_DIGIT.get(m.group("n"), 10)) * 10
        approx = _approx_before(text, m.start())
        out.append(Quantity(m.group(0), value, "percent", step=10.0, approx=approx))
    if chinese_numerals:
        out.extend(_chinese_runs(text))
        out.extend(_zh_shares(text))
        out.extend(short_years(text))
        out.extend(_zh_months(text, [p.quantity for p in found_periods]))
    out.extend(english_words(text, spans, generous=chinese_numerals))
    out.extend(p.quantity for p in found_periods)
    return out


def located(text: str, *, generous: bool = False) -> tuple[str, list[tuple[int, int, Quantity]]]:
    """The normalised text and its digit numbers with their offsets in it, for checks that
    look at the words around a figure (its direction: rose 5%, 同比-5%)."""
    text = normalise(text)
    if generous:
        text = _GLUED.sub(" ", text)
    return text, [(f.start, f.end, _quantity(text, f)) for f in _digit_numbers(text)]


def _quantity(text: str, f: _Found) -> Quantity:
    scale = _SCALE.get(f.scale, 1.0)
    kind, factor = _kind_of(f.unit)
    value = float(f.num.replace(",", "")) * scale * factor
    approx = _approx_before(text, f.start) or _approx_after(text, f.end)
    return Quantity(
        text=text[f.start : f.end].strip(),
        value=value,
        kind=kind,
        currency=f.currency,
        step=_step(f.num, scale) * factor,
        exact=f.is_year(),
        approx=approx,
    )


def _months(text: str, periods: list[tuple[int, int]]) -> list[Quantity]:
    """Month names next to a number (Aug 5, 5 May) or capitalised (in August), except those
    inside a period (January-March is the period, not two months)."""
    out = []
    taken: list[tuple[int, int]] = list(periods)
    for m in _MONTH_NEAR_NUMBER.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        name = (m.group("m") or m.group("m2")).lower()
        taken.append((m.start(), m.end()))
        out.append(Quantity(m.group(0).strip(), float(_MONTHS[name]), "month", exact=True))
    for m in _MONTH_NAMED.finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            out.append(
                Quantity(m.group(0), float(_MONTHS[m.group(0).lower()]), "month", exact=True)
            )
    return out


# 3月, 三月, 12月份 in a paragraph (not 3个月, a span); the months a range spans end to end
_ZH_MONTH = re.compile(r"(?<![\d.])(?P<n>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s?月(?!度)")


_MONTH_SPAN = re.compile(r"月|\b(?:" + _MONTH_NAMES + r")\b", re.IGNORECASE)


def _zh_months(text: str, found_periods: list[Quantity]) -> list[Quantity]:
    """A paragraph's months as a statement may name them ("in March" ← 3月; "by September" ←
    1-9月; "at the end of March" ← 一季度末)."""
    out = []
    for m in _ZH_MONTH.finditer(text):
        n = _zh_or_digits(m.group("n"))
        if n is not None and 1 <= n <= 12:
            out.append(Quantity(m.group(0), float(n), "month", exact=True))
    for q in found_periods:
        first, last = divmod(int(q.value), 100)
        out += [Quantity(q.text, float(last), "month", exact=True)]  # "the end of March" ← 一季度末
        if _MONTH_SPAN.search(q.text):  # a range of months names its first month too
            out += [Quantity(q.text, float(first), "month", exact=True)]
    return out


def _zh_shares(text: str) -> list[Quantity]:
    """Fractions, halves and multiples in a paragraph, in every reading a statement may use:
    三分之一 → 33.3%, 一半 → 50%, 翻番 → ×2 (and +100%), 增长2倍 → ×2, ×3, +200%."""
    out = []
    for m in _ZH_FRACTION.finditer(text):
        den, num = _zh_or_digits(m.group("d")), _zh_or_digits(m.group("n"))
        if den and num is not None:
            out.append(Quantity(m.group(0), 100.0 * num / den, "percent", approx="fraction"))
    for m in _ZH_HALF.finditer(text):
        out.append(Quantity(m.group(0), 50.0, "percent", approx="fraction"))
    for m in _ZH_ZHE.finditer(text):
        tenths = _zh_or_digits(m.group("n"))
        if tenths is not None and 0 < tenths < 10:
            out.append(Quantity(m.group(0), 10.0 * tenths, "percent", step=0.1))
            out.append(Quantity(m.group(0), 100.0 - 10.0 * tenths, "percent", step=0.1))
    for m in _ZH_PARTS.finditer(text):
        a, b = _ZH_DIGIT[m.group("a")], _ZH_DIGIT[m.group("b")]
        if a + b == 10:
            out.append(Quantity(m.group(0), 10.0 * a, "percent", step=10.0))
            out.append(Quantity(m.group(0), 10.0 * b, "percent", step=10.0))
    for word, times in _ZH_DOUBLE.items():
        if word in text:
            out.append(Quantity(word, float(times), "multiple", exact=True))
            out.append(Quantity(word, 100.0 * (times - 1), "percent"))
    for m in _ZH_TIMES.finditer(text):
        n = _zh_or_digits(m.group("n"))
        if n is None:
            continue
        for times in (n, n + 1):  # 增长2倍 is read both ways
            out.append(Quantity(m.group(0), times, "multiple", exact=True))
            out.append(Quantity(m.group(0), 100.0 * (times - 1), "percent"))
    for m in _ZH_PLAN.finditer(text):
        n = parse_chinese_number(m.group("n"))
        if n is not None:
            out.append(Quantity(m.group(0), n))
            out.append(Quantity(m.group(0), 5.0))
    for m in _TIMES_SIGN.finditer(text):
        out.append(Quantity(m.group(0), float(m.group("n")), "multiple", exact=True))
    out.extend(_counts(text))
    return out


def _counts(text: str) -> list[Quantity]:
    """How many items an enumeration in a paragraph has: 《A》《B》《C》 → 3; 北京、天津和河北 → 3
    (2 too, when 和 joins two words of one item)."""
    out = []
    for m in _TITLES.finditer(text):
        out.append(Quantity(m.group(0), float(m.group(0).count("《"))))
    for m in _ZH_LIST.finditer(text):
        items = m.group(0).split("、")
        n = len(items)
        out.append(Quantity(m.group(0), float(n)))
        if _ZH_LAST_JOIN.search(items[-1][1:]):
            out.append(Quantity(m.group(0), float(n + 1)))
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
        if run in ("万", "亿", "千", "百") or text.startswith("十分", m.start()):
            continue  # a scale on its own; 十分 is "very"
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


_EXACT_KINDS = ("period", "month", "relative", "date")
TOLERANCE = 0.03  # honest rounding: at most this far from the paragraph's value
APPROX_TOLERANCE = 0.06  # "about"/"nearly" 6% (5.8% → "nearly 6%"; 34% is not "about 30%")
BOUND_TOLERANCE = 0.10  # "more than 70%" for 72% (not for 80%), "nearly 6%" for 5.8%
FRACTION_TOLERANCE = 0.08  # "a third" for 31-36%


def matches(claim: Quantity, found: Quantity, tolerance: float = TOLERANCE) -> bool:
    """Whether `found` (from a paragraph) carries the number `claim` (from a statement).

    Equal values match; so does honest rounding: `claim` is `found` rounded to the precision
    `claim` is written in, and within `tolerance` (3 %) of it. An approximate claim may be
    further off, in its own direction ("more than 70%" for 72%, "nearly 6%" for 5.8%).
    Years, months, periods and multiples match only exactly. Percent and percentage points
    are read as the same kind; currencies must agree when both sides name one.
    """
    a, b = claim.value, found.value
    if claim.kind in _EXACT_KINDS or found.kind in _EXACT_KINDS:
        return claim.kind == found.kind and a == b
    if claim.kind == "multiple":  # doubled: ×2, or +100%; halved: ×0.5, or -50%
        ratios: tuple[float, ...]
        if found.kind == "percent":
            ratios = (1 + b / 100, 1 - b / 100)
        elif found.kind == "multiple":
            ratios = (b,)
        else:
            return False
        tolerance = 0.02 * a if found.kind == "percent" else 1e-9 * a
        if any(abs(r - a) <= tolerance for r in ratios):
            return True
        if claim.approx in ("over", "under"):  # more than doubled ← +107%; nearly tripled ← 2.9倍
            sign = 1 if claim.approx == "over" else -1
            return any(0 < sign * (r - a) <= BOUND_TOLERANCE * a for r in ratios)
        return False
    if found.kind == "multiple" and claim.kind != "number":
        return False
    if claim.kind in ("percent", "points") and found.kind not in ("percent", "points"):
        return False
    if claim.currency and found.currency and claim.currency != found.currency:
        return False
    if abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0):
        return True
    if claim.exact or found.exact or b == 0:
        return False
    off = (a - b) / abs(b)  # > 0: the claim says more than the paragraph
    if claim.approx == "fraction" or found.approx == "fraction":
        return abs(off) <= FRACTION_TOLERANCE
    if found.approx:  # 超过八成, 35度以上: already approximate, only rounding is honest
        return _rounds(claim, b, tolerance)
    if claim.approx == "over":
        return -BOUND_TOLERANCE <= off < 0 or _rounds(claim, b, tolerance)
    if claim.approx == "under":
        return 0 < off <= BOUND_TOLERANCE or _rounds(claim, b, tolerance)
    if claim.approx == "about":
        return abs(off) <= APPROX_TOLERANCE and _rounds(claim, b, APPROX_TOLERANCE)
    return _rounds(claim, b, tolerance)


def _is_year(q: Quantity) -> bool:
    return q.exact and q.kind == "number" and q.value.is_integer() and 1800 <= q.value <= 2200


def _rounds(claim: Quantity, b: float, tolerance: float) -> bool:
    """`claim` is `b` rounded to the precision it is written in, and within `tolerance`."""
    a = claim.value
    rounded = round(b / claim.step) * claim.step
    return abs(rounded - a) <= 1e-9 * max(abs(a), 1.0) and abs(a - b) / abs(b) <= tolerance


def missing_numbers(
    statement: str, paragraphs: list[str], published: int | None = None
) -> list[Quantity]:
    """The numbers of `statement` that none of `paragraphs` carries. Its relative times and
    weekdays (last year, on Thursday) are missing only where the paragraphs themselves date
    by the same unit, and not so (去年 for "two years ago"); a year of theirs counts as the
    relative time it is from the publication year (`published`): 2024 is "last year" in 2025.
    Its days of a month ("on January 24") likewise, where the paragraphs name days (1月23日)."""
    from .periods import (
        basis_periods,
        dates,
        previous_quarters,
        relative_year,
        same_day,
        time_unit,
        time_words,
    )

    found = [q for p in paragraphs for q in quantities(p, chinese_numerals=True)]
    times = time_words(statement)
    plain = statement
    for q in times:  # "two years ago" is a time, not a count of two
        plain = plain.replace(q.text, " ")
    missing = [q for q in quantities(plain) if not any(matches(q, f) for f in found)]
    if times:
        theirs = [q for p in paragraphs for q in time_words(normalise(p), generous=True)]
        units = {time_unit(q) for q in theirs}  # the paragraph dates so itself
        if published is not None:  # and its years may say the same ("last year" ← 2024)
            theirs += [relative_year(q.value, published) for q in found if _is_year(q)]
        missing += [
            q for q in times if time_unit(q) in units and not any(matches(q, f) for f in theirs)
        ]
    days = dates(statement)
    if days:  # "on January 24" where the paragraph dates by day: 1月23日
        theirs = [q for p in paragraphs for q in dates(normalise(p))]
        said = {(q.value, q.text) for q in missing}
        if theirs:  # a day the paragraph does not hold at all is named as a number already
            missing += [
                q
                for q in days
                if not any(same_day(q, f) for f in theirs)
                and not any(v == q.value % 100 and t in q.text for v, t in said)
            ]
    bases = basis_periods(statement) if any(q.kind == "period" for q in missing) else set()
    if bases:  # "down 5% from the fourth quarter" ← 一季度…环比下降5%
        before = [q for p in paragraphs for q in previous_quarters(normalise(p))]
        missing = [
            q for q in missing if not (q.text in bases and any(matches(q, f) for f in before))
        ]
    return missing
