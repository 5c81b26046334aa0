"""Labels and punctuation of a brief in its language, and the header line of a brief."""

from __future__ import annotations

from ..extract.dates import wall_time
from ..models import Article, Brief
from ..romanize import romanize

LABELS = {
    "en": {"viewpoint": "Core Viewpoint", "group": "Group {n}: {title}", "stop": "."},
    "zh": {"viewpoint": "核心观点", "group": "主题{n}：{title}", "stop": "。"},
}

_STOPS = "。．.；;，,：:"


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])


def cites(citations: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in citations)


def statement(text: str, citations: tuple[int, ...], language: str) -> str:
    """`text [3][4].` — citations before the closing full stop, as in the seed."""
    body = _strip_stops(text.strip())
    space = "" if language == "zh" else " "
    return f"{body}{space}{cites(citations)}{labels(language)['stop']}"


def _strip_stops(text: str) -> str:
    """`text` without trailing whitespace and stops. A backwards scan, not a `[…]+$` regex: a
    regex search retries at every mark of a long run (quadratic time on 40,000 "，")."""
    end = len(text)
    while end and (text[end - 1].isspace() or text[end - 1] in _STOPS):
        end -= 1
    return text[:end]


def source_line(brief: Brief, article: Article) -> str | None:
    """`source·YYYY-MM-DD HH:MM`; a Chinese source is romanised in an English brief; missing
    parts are left out (never "None")."""
    source = article.source
    if source and brief.language != "zh":
        source = romanize(source)
    parts = [p for p in (source, wall_time(article.published)) if p]
    return "·".join(parts) if parts else None


def check_notes(brief: Brief) -> list[str]:
    """What a reader must be told: failed checks and what was done about them."""
    notes = [f"{f.where}: {f.message}" for f in brief.checks.findings if f.severity == "error"]
    return notes + list(brief.checks.actions)
