"""Reading a model's answer: JSON (possibly in code fences or after a <think> block) checked
against the brief's JSON core, turned into a Brief. Every problem is named precisely, because
the list goes back to the model in the repair request."""

from __future__ import annotations

import json
import re
from typing import Any

from .. import safejson
from ..models import Brief, KeyPoint, Theme, Viewpoint

_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)


class InvalidAnswer(Exception):
    """The answer is not a brief; `problems` are one line each, ready for the repair request."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def extract_json(content: str) -> Any:
    """The JSON value in `content`: the whole text, a fenced block, or the outermost {...}."""
    text = _THINK.sub("", content).strip()
    candidates = [text]
    candidates += [m.group(1).strip() for m in _FENCE.finditer(text)]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    error: json.JSONDecodeError | None = None
    for candidate in candidates:
        try:
            return safejson.loads(candidate)
        except json.JSONDecodeError as exc:
            error = error or exc
    detail = f"{error.msg} at line {error.lineno} column {error.colno}" if error else "empty"
    snippet = " ".join(text.split())[:80]
    raise InvalidAnswer([f"the answer is not valid JSON ({detail}); it begins: {snippet!r}"])


def _citations(value: Any, where: str, problems: list[str]) -> tuple[int, ...]:
    if not isinstance(value, list):
        problems.append(f"{where}: citations must be a list of paragraph numbers")
        return ()
    out = []
    for v in value:
        if isinstance(v, bool):
            v = None
        if isinstance(v, str) and re.fullmatch(r"\s*\[?\s*\d+\s*\]?\s*", v):
            v = int(v.strip(" []"))
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if not isinstance(v, int):
            problems.append(f"{where}: citation {v!r} is not a paragraph number")
            continue
        out.append(v)
    return tuple(sorted(set(out)))


def _statement(value: Any, where: str, problems: list[str]) -> tuple[str, tuple[int, ...]]:
    if not isinstance(value, dict):
        problems.append(f"{where}: must be an object with text and citations")
        return "", ()
    text = value.get("text")
    if not isinstance(text, str):
        problems.append(f"{where}: text must be a string")
        text = ""
    return " ".join(text.split()), _citations(value.get("citations"), where, problems)


def parse_answer(content: str, *, language: str, engine: str, version: str) -> Brief:
    """The Brief in a model's answer; raises InvalidAnswer listing every schema violation."""
    data = extract_json(content)
    problems: list[str] = []
    if not isinstance(data, dict):
        raise InvalidAnswer(["the answer must be one JSON object with core_viewpoint and groups"])
    for key in ("core_viewpoint", "groups"):
        if key not in data:
            problems.append(f"the answer has no {key}")
    vp_text, vp_cites = _statement(data.get("core_viewpoint", {}), "core_viewpoint", problems)
    groups = data.get("groups", [])
    if not isinstance(groups, list):
        problems.append("groups must be a list")
        groups = []
    themes = []
    for g, group in enumerate(groups, start=1):
        if not isinstance(group, dict):
            problems.append(f"group {g}: must be an object with title and points")
            continue
        title = group.get("title")
        if not isinstance(title, str):
            problems.append(f"group {g}: title must be a string")
            title = ""
        points = group.get("points")
        if not isinstance(points, list):
            problems.append(f"group {g}: points must be a list")
            points = []
        kps = []
        for p, point in enumerate(points, start=1):
            text, cites = _statement(point, f"group {g} point {p}", problems)
            kps.append(KeyPoint(text, cites))
        themes.append(Theme(" ".join(title.split()), tuple(kps)))
    if problems:
        raise InvalidAnswer(problems)
    return Brief(
        viewpoint=Viewpoint(vp_text, vp_cites),
        themes=tuple(themes),
        language=language,
        engine=engine,
        engine_version=version,
    )
