"""Publication times normalised to "YYYY-MM-DD HH:MM" (or "YYYY-MM-DD" when no time is known),
followed by the UTC offset ("+08:00") when the value states one: ISO 8601 whose first 16
characters are always the wall time as published."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# An offset right after a clock: seconds and fractions may come first ("08:41:12.000+08:00").
_OFFSET = re.compile(
    r"(?::\d{2}(?:[.,]\d+)?)?\s*(?P<tz>Z(?![A-Za-z])|[+-]\d{2}:?\d{2}(?!\d)"
    r"|(?:GMT|UTC|EDT|EST|CDT|CST|MDT|MST|PDT|PST|BST|CEST|CET|JST|KST|HKT|SGT)(?![A-Za-z+-]))"
)
# Zone abbreviations whose offset is not in doubt (ET, PT, IST are: they are not read).
_ZONES = {
    "Z": "+00:00",
    "GMT": "+00:00",
    "UTC": "+00:00",
    "EDT": "-04:00",
    "EST": "-05:00",
    "CDT": "-05:00",
    "CST": "-06:00",
    "MDT": "-06:00",
    "MST": "-07:00",
    "PDT": "-07:00",
    "PST": "-08:00",
    "BST": "+01:00",
    "CET": "+01:00",
    "CEST": "+02:00",
    "JST": "+09:00",
    "KST": "+09:00",
    "HKT": "+08:00",
    "SGT": "+08:00",
}
# A time without a year, "09-07 19:02" or "9月7日 19:02": read only with a year from the page.
_NO_YEAR = re.compile(
    r"(?<![\d/.-])(?P<m>\d{1,2})(?:-|/|\s*月\s*)(?P<d>\d{1,2})\s*日?\s+(?P<H>\d{1,2})[:：](?P<M>\d{2})(?!\d)"
)

_PATTERNS = [
    # 2025-08-01 08:41[:12], 2025/08/01T08:41, 2025.08.01 08:41
    re.compile(
        r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
        r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2}))?"
    ),
    # 2025年8月1日 08:41 / 2025年08月01日08时41分
    re.compile(
        r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
        r"(?:\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2}))?"
    ),
    # Xinhua's page header splits the parts: "2025 08/01 16:20:05"
    re.compile(
        r"(?<!\d)(?P<y>\d{4})\s+(?P<m>\d{1,2})/(?P<d>\d{1,2})"
        r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2}))?(?!\d)"
    ),
]

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
_CLOCK = (
    r"(?:,?\s*(?:at\s+)?(?P<H>\d{1,2})[:.](?P<M>\d{2})(?::\d{2})?\s*"
    r"(?P<ampm>[ap]\.?m\.?)?)?"
)
_ENGLISH = [
    # the clock first, as CNN prints it: "Updated 6:12 AM EDT, Fri August 1, 2025"
    re.compile(
        r"\b(?P<H>\d{1,2})[:.](?P<M>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?(?P<zone>\s*(?-i:[A-Z]{2,4}))?"
        r",?\s+(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
        + _MONTH
        + r"\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})",
        re.I,
    ),
    # August 1, 2025 6:12 AM UTC · Aug. 1, 2025, 8:41 a.m. ET
    re.compile(r"\b" + _MONTH + r"\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})" + _CLOCK, re.I),
    # 1 August 2025 · Fri 1 Aug 2025 06.00 BST
    re.compile(r"\b(?P<d>\d{1,2})\s+" + _MONTH + r",?\s+(?P<y>\d{4})" + _CLOCK, re.I),
]


def wall_time(published: str | None) -> str | None:
    """`published` without its UTC offset: the wall time as published (for layouts)."""
    return published[:16] if published and len(published) > 16 else published


def instant(published: str | None) -> datetime | None:
    """The moment `published` names, when it carries an offset; else None."""
    if not published or len(published) <= 16:
        return None
    try:
        return datetime.fromisoformat(published)
    except ValueError:
        return None


def _offset(text: str, end: int) -> str:
    """The UTC offset stated right after position `end` of `text` ("+08:00"), else ""."""
    m = _OFFSET.match(text, end)
    if not m:
        return ""
    tz = m["tz"]
    if tz in _ZONES:
        return _ZONES[tz]
    hours, minutes = int(tz[1:3]), int(tz[-2:])
    if hours > 14 or minutes >= 60:
        return ""
    return f"{tz[0]}{hours:02d}:{minutes:02d}"


def normalize_published(
    value: object, *, year: int | None = None, keep_offset: bool = True
) -> str | None:
    """The time in `value` as "YYYY-MM-DD HH:MM", "YYYY-MM-DD", or None if there is none, with
    the UTC offset appended ("2025-08-01 08:41+08:00") when `value` states one and
    `keep_offset` is true. A time without a year ("09-07 19:02") is read only when `year` (the
    page's) is given.

    Absolute dates only: relative phrases ("3 hours ago", "昨天") are never guessed.
    An epoch number is a UTC time ("+00:00").
    """
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value > 1e11:  # milliseconds
            value = value / 1000
        try:
            stamp = datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M")
        except (OverflowError, OSError, ValueError):
            return None
        return stamp + ("+00:00" if keep_offset else "")
    text = str(value).strip()
    if not text:
        return None
    for pattern in _PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        try:
            datetime(y, mo, d)
        except ValueError:
            continue
        if m["H"] is not None:
            h, mi = int(m["H"]), int(m["M"])
            if h < 24 and mi < 60:
                tz = _offset(text, m.end()) if keep_offset else ""
                return f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}{tz}"
        return f"{y:04d}-{mo:02d}-{d:02d}"
    for pattern in _ENGLISH:
        for m in pattern.finditer(text):
            month = _MONTHS.get(m["mon"].lower())
            if month is None:
                continue
            y, d = int(m["y"]), int(m["d"])
            try:
                datetime(y, month, d)
            except ValueError:
                continue
            if m["H"] is not None:
                h, mi = int(m["H"]), int(m["M"])
                if m["ampm"]:
                    pm = m["ampm"].lower().startswith("p")
                    if h > 12 or h == 0:
                        return f"{y:04d}-{month:02d}-{d:02d}"
                    h = h % 12 + (12 if pm else 0)
                if h < 24 and mi < 60:
                    # The zone follows the clock: after the year, or before the date.
                    clock_end = m.end("ampm") if m["ampm"] else m.end("M")
                    at = clock_end if "zone" in m.groupdict() else m.end()
                    tz = _offset(text, at) if keep_offset else ""
                    return f"{y:04d}-{month:02d}-{d:02d} {h:02d}:{mi:02d}{tz}"
            return f"{y:04d}-{month:02d}-{d:02d}"
    if year is not None and (m := _NO_YEAR.search(text)):
        mo, d, h, mi = int(m["m"]), int(m["d"]), int(m["H"]), int(m["M"])
        try:
            datetime(year, mo, d)
        except ValueError:
            return None
        if h < 24 and mi < 60:
            return f"{year:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}"
    return None
