"""Plain text → paragraph strings, and the title/metadata a text file may start with."""

from __future__ import annotations

import re

from .dates import normalize_published

_CJK_END = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]$")
_CJK_START = re.compile(r"^[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_SENTENCE_END = re.compile(r"[。！？!?；;…：:，,、]$|(?<![A-Z])\.$")
_SOURCE_LINE = re.compile(
    r"^(?P<source>[^·\n]{0,60}?)\s*·\s*(?P<time>\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?"
    r"(?:\s*\d{1,2}:\d{2})?)\s*$"
)


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")


def text_weight(text: str) -> float:
    """How much text `text` holds, comparable across languages: non-space characters, a Han (or
    kana, hangul) one counting 2.5, since one carries about what a short English word's letters
    do. Used to tell a teaser from an article and a thin page from a full one."""
    han = len(_HAN.findall(text))
    return han * 2.5 + len(re.sub(r"\s+", "", text)) - han


def join_lines(lines: list[str]) -> str:
    """Join hard-wrapped lines: no space between Chinese characters, one space otherwise.
    Only the last character of the line before is looked at (linear in the text's length)."""
    parts: list[str] = []
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if parts and not (_CJK_END.search(parts[-1][-1]) and _CJK_START.search(line[0])):
            parts.append(" ")
        parts.append(line)
    return "".join(parts)


def split_paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; with no blank line at all, every line is one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2029", "\n\n")
    blocks = [b for b in re.split(r"\n[ \t\u3000]*\n", text) if b.strip()]
    if len(blocks) == 1:
        return [ln.strip() for ln in blocks[0].split("\n") if ln.strip()]
    return [p for p in (join_lines(b.split("\n")) for b in blocks) if p]


def looks_like_title(line: str) -> bool:
    """Short, one line, and not ending like a sentence."""
    line = line.strip()
    if not line or "\n" in line:
        return False
    limit = 60 if _CJK_START.search(line) else 160
    return len(line) <= limit and not _SENTENCE_END.search(line)


def parse_source_line(line: str) -> tuple[str | None, str | None] | None:
    """`Sou Hu Cai Jing·2025-08-01 08:41` → (source, published), as the seed prints it."""
    m = _SOURCE_LINE.match(line.strip())
    if not m:
        return None
    return (m["source"].strip() or None, normalize_published(m["time"]))
