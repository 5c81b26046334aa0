"""Evaluation sets: JSON Lines of articles with human reference summaries.

One record a line, as in ../shared/data/eval/*-dev.jsonl:
`{"id", "lang", "title", "paragraphs": [str, …], "summary": str, "alt_summaries": [str, …]}`.
The article is read by the same JSON extractor `brieflow brief` uses, so a system sees exactly
what a user's brief would see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import BrieflowError, InputError, internal_error
from ..extract.jsonl import article_from_record, parse_line
from ..models import Article
from ..nlp.lang import article_language
from ..nlp.sentences import split_sentences

# Key-point references (zh-zh-finreport) separate points with "｜"; each point is a sentence.
_POINT_BREAK = re.compile(r"[｜|\n]+")


@dataclass(frozen=True)
class EvalItem:
    """One article and its references; `references[0]` is the record's `summary`, and
    `language` is the references' language (the scoring tokenization)."""

    article: Article
    references: tuple[str, ...]
    language: str


def reference_sentences(text: str, language: str) -> list[str]:
    """A reference split into sentences for ROUGE-Lsum: at key-point bars, line breaks and
    sentence ends."""
    out: list[str] = []
    for piece in _POINT_BREAK.split(text):
        out.extend(split_sentences(piece, language))
    return out


def load_dataset(
    path: str | Path, *, failures: list[BrieflowError] | None = None
) -> list[EvalItem]:
    """Every record of the JSON Lines file at `path`. A bad line raises its InputError, or,
    when a `failures` list is given, is added to it and costs only itself."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            "no such file",
            source=str(path),
            hint="give a JSON Lines file of articles with summaries",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file ({exc})", source=str(path)) from None
    items: list[EvalItem] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        origin = f"{path}:{lineno}"
        try:
            items.append(_item(line, origin))
        except Exception as exc:
            error = exc if isinstance(exc, BrieflowError) else internal_error(exc, origin)
            if failures is None:
                raise error from None
            failures.append(error)
    if not items and failures:
        if len(failures) == 1:
            raise failures.pop()
        raise InputError(
            f"none of the {len(failures)} records can be read",
            source=str(path),
            hint=f"the first: {failures[0].line()}",
        )
    if not items:
        raise InputError(
            "the file has no records", source=str(path), hint="write one JSON object a line"
        )
    return items


def _item(line: str, origin: str) -> EvalItem:
    record = parse_line(line, origin)
    if not isinstance(record, dict):
        raise InputError("expected a JSON object", source=origin, hint="one record a line")
    summary = record.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise InputError(
            'the record has no "summary"',
            source=origin,
            hint='add the reference summary as "summary": "..."',
        )
    alternatives = record.get("alt_summaries") or []
    if not isinstance(alternatives, list):
        raise InputError('"alt_summaries" must be a list of strings', source=origin)
    references = (summary, *(str(a) for a in alternatives if str(a).strip()))
    try:
        article = article_from_record(record, origin)
    except BrieflowError as exc:
        exc.source = exc.source or origin
        raise
    if article.language is None:
        article = replace(article, language=article_language(article))
    language = str(record.get("summary_lang") or article.language)
    return EvalItem(article=article, references=references, language=language)
