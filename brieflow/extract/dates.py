"""Publication times normalised to "YYYY-MM-DD HH:MM" (or "YYYY-MM-DD" when no time is known)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

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
    # August 1, 2025 6:12 AM UTC · Aug. 1, 2025, 8:41 a.m. ET
    re.compile(r"\b" + _MONTH + r"\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})" + _CLOCK, re.I),
    # 1 August 2025 · Fri 1 Aug 2025 06.00 BST
    re.compile(r"\b(?P<d>\d{1,2})\s+" + _MONTH + r",?\s+(?P<y>\d{4})" + _CLOCK, re.I),
]


def _from_timestamp(value: float) -> str | None:
    """A Unix time in seconds or milliseconds; None for one no calendar holds (1e300, NaN)."""
    try:
        seconds = value / 1000 if value > 1e11 else value  # milliseconds
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M")
    except (OverflowError, ValueError, OSError):
        return None


def normalize_published(value: object) -> str | None:
    """The time in `value` as "YYYY-MM-DD HH:MM", "YYYY-MM-DD", or None if there is none.

    Absolute dates only: relative phrases ("3 hours ago", "昨天") are never guessed.
    Timezone offsets are dropped: the wall-clock time as published is kept.
    """
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_timestamp(value)
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
                return f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}"
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
                    return f"{y:04d}-{month:02d}-{d:02d} {h:02d}:{mi:02d}"
            return f"{y:04d}-{month:02d}-{d:02d}"
    for fmt in ("%a, %d %b %Y %H:%M:%S %z", "%a, %d %b %Y %H:%M:%S %Z", "%d %b %Y %H:%M"):
        try:
            return datetime.strptime(text, fmt).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            continue
    return None
