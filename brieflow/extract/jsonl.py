"""JSON (one article object, or a list of them) and JSON Lines (one article per line).

Fields: id, title, source, published, url, lang (or language), and `paragraphs: [str, …]` or
`text`. Unknown fields are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..errors import BrieflowError, EmptyArticle, InputError
from ..models import Article
from . import Item, register
from .dates import normalize_published
from .decode import decode_text
from .paragraphs import split_paragraphs
from .text import article_from_paragraphs

if TYPE_CHECKING:
    from ..config import Settings


def article_from_record(record: Any, name: str) -> Article:
    """An Article from one JSON object; raises InputError naming `name` when it has no text."""
    if not isinstance(record, dict):
        raise InputError(
            f"expected a JSON object for an article, got {type(record).__name__}",
            source=name,
            hint='write {"title": ..., "text": ...} or {"paragraphs": [...]}',
        )
    paragraphs = record.get("paragraphs")
    if isinstance(paragraphs, list):
        texts = [
            p.get("text", "") if isinstance(p, dict) else str(p)
            for p in paragraphs
            if p is not None
        ]
        # One string holding blank-line separated paragraphs is split like a text file.
        if len(texts) == 1:
            texts = split_paragraphs(texts[0])
    elif isinstance(record.get("text"), str):
        texts = split_paragraphs(record["text"])
    elif isinstance(record.get("content"), str):
        texts = split_paragraphs(record["content"])
    else:
        raise EmptyArticle(
            'the article has no "paragraphs" or "text" field',
            source=name,
            hint='add "text": "..." or "paragraphs": ["...", ...]',
        )

    def meta(key: str) -> str | None:
        value = record.get(key)
        if value is None:
            return None
        value = str(value).strip()
        return value or None

    language = meta("lang") or meta("language")
    if language is not None:
        language = language.lower().split("-")[0]
    return article_from_paragraphs(
        texts,
        name,
        find_title=False,
        id=meta("id"),
        title=meta("title"),
        source=meta("source"),
        url=meta("url"),
        published=normalize_published(record.get("published")),
        language=language,
        author=meta("author") if isinstance(record.get("author"), str) else None,
    )


def parse_line(line: str, origin: str) -> Any:
    """One JSON Lines record, or an InputError naming `origin` (file:line)."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"line is not valid JSON ({exc.msg} at column {exc.colno})",
            source=origin,
            hint="each line must be one JSON object",
        ) from None


@register("json")
def extract_json(data: bytes, name: str, settings: Settings | None = None) -> Iterator[Item]:
    text = decode_text(data, name)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})",
            source=name,
            hint="fix the JSON, or use .jsonl for one article per line",
        ) from None
    if isinstance(value, list):
        for i, record in enumerate(value, start=1):
            origin = f"{name}#{i}"
            try:
                yield Item(origin, article_from_record(record, origin))
            except BrieflowError as exc:
                yield Item(origin, error=exc)
    else:
        yield Item(name, article_from_record(value, name))


@register("jsonl")
def extract_jsonl(data: bytes, name: str, settings: Settings | None = None) -> Iterator[Item]:
    text = decode_text(data, name)
    seen = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        seen = True
        origin = f"{name}:{lineno}"
        try:
            record = parse_line(line, origin)
        except InputError as exc:
            yield Item(origin, error=exc)
            continue
        try:
            yield Item(origin, article_from_record(record, origin))
        except BrieflowError as exc:
            yield Item(origin, error=exc)
    if not seen:
        raise EmptyArticle(
            "the file has no JSON lines", source=name, hint="add one article per line"
        )
