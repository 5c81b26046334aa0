"""JSON (one article object, or a list of them) and JSON Lines (one article per line).

Fields: id, title, source, published, url, lang (or language), and `paragraphs: [str, …]` or
`text`. Unknown fields are ignored.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .. import safejson
from ..errors import BrieflowError, EmptyArticle, InputError, internal_error
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
    if paragraphs is not None and not isinstance(paragraphs, list):
        raise InputError(
            f'"paragraphs" must be a list, got {_kind(paragraphs)}',
            source=name,
            hint='write "paragraphs": ["...", ...]',
        )
    if paragraphs is not None:
        found = (_paragraph_text(p, i, name) for i, p in enumerate(paragraphs, start=1))
        texts = [t for t in found if t is not None]
        # One string holding blank-line separated paragraphs is split like a text file.
        if len(texts) == 1:
            texts = split_paragraphs(texts[0])
    else:
        field = next((k for k in ("text", "content") if record.get(k) is not None), None)
        if field is None:
            raise EmptyArticle(
                'the article has no "paragraphs" or "text" field',
                source=name,
                hint='add "text": "..." or "paragraphs": ["...", ...]',
            )
        if not isinstance(record[field], str):
            raise InputError(
                f'"{field}" must be a string, got {_kind(record[field])}',
                source=name,
                hint=f'write "{field}": "..."',
            )
        texts = split_paragraphs(record[field])

    def meta(key: str) -> str | None:
        value = record.get(key)
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if not isinstance(value, str | int | float):
            raise InputError(
                f'"{key}" must be a string, got {_kind(value)}',
                source=name,
                hint=f'write "{key}": "..."',
            )
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


def _kind(value: Any) -> str:
    """How a JSON value is named in messages."""
    if value is None:
        return "null"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _paragraph_text(value: Any, index: int, name: str) -> str | None:
    """The text of paragraph `index`: a string, or an object with a string "text" (or
    "content"); a null entry is skipped; anything else is an InputError naming its place."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict):
        text = value.get("text", value.get("content"))
        if isinstance(text, str):
            return text
        got = f'its "text" is {_kind(text)}'
    else:
        got = f"it is {_kind(value)}"
    raise InputError(
        f"paragraph {index} is not text ({got})",
        source=name,
        hint='write each paragraph as "..." or {"text": "..."}',
    )


def parse_line(line: str, origin: str) -> Any:
    """One JSON Lines record, or an InputError naming `origin` (file:line)."""
    try:
        return safejson.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"line is not valid JSON ({exc.msg} at column {exc.colno})",
            source=origin,
            hint="each line must be one JSON object",
        ) from None


def _item(record: Any, origin: str) -> Item:
    """One record as an Item; whatever goes wrong with it costs this record only (a bug
    included: it is reported as an internal error of this record, and the reader goes on)."""
    try:
        return Item(origin, article_from_record(record, origin))
    except BrieflowError as exc:
        return Item(origin, error=exc)
    except Exception as exc:
        return Item(origin, error=internal_error(exc, origin))


@register("json")
def extract_json(data: bytes, name: str, settings: Settings | None = None) -> Iterator[Item]:
    text = decode_text(data, name)
    try:
        value = safejson.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})",
            source=name,
            hint="fix the JSON, or use .jsonl for one article per line",
        ) from None
    if isinstance(value, list):
        for i, record in enumerate(value, start=1):
            yield _item(record, f"{name}#{i}")
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
        yield _item(record, origin)
    if not seen:
        raise EmptyArticle(
            "the file has no JSON lines", source=name, hint="add one article per line"
        )
