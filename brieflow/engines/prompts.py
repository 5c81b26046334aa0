"""The llm engine's prompts and answer schema, versioned: a new wording is a new PROMPT_VERSION,
so cached answers and stored briefs from an older prompt are never mistaken for new ones."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..models import Article, Finding, Paragraph

PROMPT_VERSION = "1"

LANGUAGE_NAMES = {"en": "English", "zh": "Simplified Chinese"}

_STATEMENT = {
    "type": "object",
    "properties": {
        "text": {"type": "string"},
        "citations": {"type": "array", "items": {"type": "integer"}},
    },
    "required": ["text", "citations"],
    "additionalProperties": False,
}

# Exactly the brief's JSON core (brieflow.brief/1 without metadata, engine and checks).
BRIEF_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "core_viewpoint": _STATEMENT,
        "groups": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "title": {"type": "string"},
                    "points": {"type": "array", "items": _STATEMENT},
                },
                "required": ["title", "points"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["core_viewpoint", "groups"],
    "additionalProperties": False,
}

SYSTEM = (
    "You write briefs of news articles for busy readers. Every statement you write rests on "
    "the numbered paragraphs you are given and cites them. You never add facts, numbers, "
    "names or dates that the cited paragraphs do not contain. You answer with JSON only."
)

_EXAMPLE = {
    "core_viewpoint": {
        "text": "The article's central claim in one or two sentences.",
        "citations": [1, 2],
    },
    "groups": [
        {
            "title": "Short theme title",
            "points": [
                {"text": "One key point in one sentence.", "citations": [2]},
                {"text": "Another key point.", "citations": [3]},
            ],
        }
    ],
}


def response_format(mode: str) -> dict[str, Any] | None:
    """The `response_format` request field for a mode (see openai_client.MODES)."""
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": "brief", "strict": True, "schema": BRIEF_SCHEMA},
        }
    if mode == "json_object_schema":  # llama-cpp-python, Anyscale: the schema inside json_object
        return {"type": "json_object", "schema": BRIEF_SCHEMA}
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def _meta_lines(article: Article) -> list[str]:
    lines = []
    for label, value in (
        ("Title", article.title),
        ("Source", article.source),
        ("Published", article.published),
        ("URL", article.url),
    ):
        if value:
            lines.append(f"{label}: {value}")
    return lines


def brief_request(
    article: Article,
    paragraphs: Iterable[Paragraph],
    *,
    language: str,
    max_groups: int,
    max_points: int,
) -> list[dict[str, str]]:
    """The chat messages asking for a brief of `paragraphs` (numbered as in the article)."""
    lang = LANGUAGE_NAMES.get(language, language)
    numbered = "\n\n".join(f"[{p.number}] {p.text}" for p in paragraphs)
    groups = f"2-{max_groups}" if max_groups > 2 else str(max_groups)
    points = f"2-{max_points}" if max_points > 2 else str(max_points)
    rules = [
        f"Write the brief in {lang}. Every text and title must be in {lang}; keep names of "
        "people, companies and places recognisable (translate or romanise them).",
        "core_viewpoint: the article's central claim in one or two sentences, citing the "
        "paragraphs it rests on.",
        f"groups: {groups} groups, each a short title (a few words) and {points} points; each "
        "point is one sentence citing the 1-2 paragraphs that state it.",
        "citations are the paragraph numbers in square brackets above, as integers; cite "
        "only paragraphs that really say what the statement says.",
        "Copy every number, percentage, amount and date exactly as the cited paragraph "
        "gives it, converting units correctly: 1万 = 10,000; 1亿 = 100 million; 3成 = 30%; "
        "个百分点 = percentage points; 元 = yuan, 美元 = US dollars.",
        "Do not add anything the paragraphs do not say; no opinions of your own.",
    ]
    text = "\n".join(
        [
            *_meta_lines(article),
            "",
            "Paragraphs:",
            numbered,
            "",
            "Instructions:",
            *(f"- {r}" for r in rules),
            "",
            "Answer with one JSON object of exactly this form and nothing else:",
            json.dumps(_EXAMPLE, ensure_ascii=False),
        ]
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": text}]


def repair_request(
    messages: list[dict[str, str]], answer: str, problems: list[str]
) -> list[dict[str, str]]:
    """The follow-up conversation listing the exact problems of the first answer."""
    listed = "\n".join(f"- {p}" for p in problems)
    text = (
        "Your brief has these problems:\n"
        f"{listed}\n\n"
        "Return the whole corrected brief as one JSON object of the same form. Fix each "
        "statement listed (correct its numbers or citations from the paragraphs) or remove "
        "it; keep the other statements as they are."
    )
    return [*messages, {"role": "assistant", "content": answer}, {"role": "user", "content": text}]


def describe(finding: Finding) -> str:
    """A finding as one line for the repair request."""
    return f"{finding.where}: {finding.message}"
