"""The `llm` engine: a brief written by any OpenAI-compatible model, then checked, repaired once
with the exact failures listed, and finally trimmed or refused by the `on_fail` policy.

The model sees the article's numbered paragraphs (pre-selected by the extractive scorer when
the article is longer than `llm_context_chars`, keeping their numbers), the title and metadata,
the instructions and the brief's JSON schema. Writes English unless another language is asked.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import httpx

from ..checks import run_checks
from ..config import Settings
from ..errors import CheckError, ConfigError, EngineNotConfigured, EngineResponseError
from ..models import Article, Brief, Finding, KeyPoint, Paragraph, Theme, Usage, Viewpoint
from ..nlp.lang import article_language, require_language
from ..nlp.support import SupportScorer
from .answer import InvalidAnswer, parse_answer
from .base import BriefOptions
from .openai_client import ChatClient, Completion, ResponseCache, default_cache_dir
from .prompts import PROMPT_VERSION, brief_request, describe, repair_request

VERSION = "0.1.0"
DEFAULT_LANGUAGE = "en"
CONFIG_HINT = (
    "pass --base-url and --model (e.g. --base-url http://localhost:11434/v1 --model qwen2.5:7b) "
    "or set BRIEFLOW_LLM_BASE_URL and BRIEFLOW_LLM_MODEL; see docs/llm.md"
)

_Statement = TypeVar("_Statement", Viewpoint, KeyPoint)


class LLMEngine:
    """Thread-safe: one engine serves many threads (batch, the web app), sharing its HTTP
    connections, the response mode it learned and its usage total."""

    name = "llm"
    thread_safe = True

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ):
        needed = (("--base-url", settings.llm_base_url), ("--model", settings.llm_model))
        missing = [flag for flag, value in needed if not value]
        if missing:
            raise EngineNotConfigured(
                f"the llm engine needs {' and '.join(missing)}", hint=CONFIG_HINT
            )
        if settings.llm_max_tokens < 1:
            raise ConfigError(
                f"llm_max_tokens = {settings.llm_max_tokens} is not a token budget",
                hint="use a positive number such as 4096",
            )
        if settings.on_fail not in ("trim", "error"):
            raise ConfigError(
                f"on_fail = {settings.on_fail!r} is not a policy", hint="use trim or error"
            )
        self.settings = settings
        self.version = f"{VERSION}/prompt-{PROMPT_VERSION}/{settings.llm_model}"
        self.usage = Usage()  # running total over every brief this engine wrote
        self._lock = threading.Lock()
        self.client = ChatClient(
            settings.llm_base_url,  # type: ignore[arg-type]
            settings.llm_model,  # type: ignore[arg-type]
            settings.llm_api_key,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            max_tokens=settings.llm_max_tokens,
            cache=_cache(settings.cache_dir),
            transport=transport,
            sleep=sleep,
            rng=rng,
        )

    def close(self) -> None:
        """Close the HTTP connections (the engine is unusable afterwards)."""
        self.client.close()

    def __repr__(self) -> str:
        return f"LLMEngine(model={self.settings.llm_model!r}, url={self.client.shown_url!r})"

    def brief(self, article: Article, options: BriefOptions) -> Brief:
        language = require_language(
            options.language or DEFAULT_LANGUAGE, source=article.id, engine=self.name
        )
        if article.language is not None:  # the checks read the article in its language
            require_language(article.language, source=article.id, engine=self.name)
        paragraphs, actions = select_paragraphs(article, self.settings.llm_context_chars)
        messages = brief_request(
            article,
            paragraphs,
            language=language,
            max_groups=options.max_groups,
            max_points=options.max_points,
        )
        usage = Usage()
        first = self._ask(messages)
        usage += _cost(first)
        draft, problems = self._evaluate(first.content, article, language)
        if problems:
            actions.append(f"asked the model once to repair {_count(problems)}")
            listed = [_line(p) for p in problems]
            second = self._ask(repair_request(messages, first.content, listed))
            usage += _cost(second)
            draft2, problems2 = self._evaluate(second.content, article, language)
            if draft2 is not None and (draft is None or len(problems2) <= len(problems)):
                draft, problems = draft2, problems2
        with self._lock:
            self.usage += usage
        if draft is None:
            raise EngineResponseError(
                "the model did not return a valid brief, even after a repair request: "
                + "; ".join(_line(p) for p in problems[:3]),
                hint="try a larger model or one that supports JSON output",
            )
        if problems and self.settings.on_fail == "error":
            raise CheckError(
                f"{_count(problems)} after one repair: "
                + "; ".join(_line(p) for p in problems[:6]),
                hint="--on-fail trim drops failing points instead; or try a larger model",
            )
        brief, trimmed = trim(draft, article, problems, options)
        actions.extend(trimmed)
        brief = replace(
            brief,
            article_id=article.id,
            usage=usage,
            checks=replace(brief.checks, actions=tuple(actions)),
        )
        report = run_checks(brief, article)
        if not report.passed:
            failures = [f for f in report.findings if f.severity == "error"]
            raise CheckError(
                f"{_count(failures)} left after repair and trimming: "
                + "; ".join(describe(f) for f in failures[:6]),
                hint="try a larger model",
            )
        return replace(brief, checks=report)

    def _ask(self, messages: list[dict[str, str]]) -> Completion:
        return self.client.complete(messages, tag=f"prompt-{PROMPT_VERSION}")

    def _evaluate(
        self, content: str, article: Article, language: str
    ) -> tuple[Brief | None, list[Finding | str]]:
        """The parsed brief (None when unreadable) and its problems: schema violations as
        strings, failed checks as error Findings."""
        try:
            draft = parse_answer(content, language=language, engine=self.name, version=self.version)
        except InvalidAnswer as exc:
            return None, list(exc.problems)
        report = run_checks(draft, article)
        return draft, [f for f in report.findings if f.severity == "error"]


def _cache(cache_dir: str | None) -> ResponseCache | None:
    if cache_dir and cache_dir.lower() in ("off", "none", "no"):
        return None
    return ResponseCache(Path(cache_dir) / "llm" if cache_dir else default_cache_dir())


def _cost(completion: Completion) -> Usage:
    if completion.cached:
        return Usage(cached=1)
    return Usage(completion.prompt_tokens, completion.completion_tokens, requests=1)


def _line(problem: Finding | str) -> str:
    return problem if isinstance(problem, str) else describe(problem)


def _count(problems: list) -> str:
    return f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"


def select_paragraphs(article: Article, budget: int) -> tuple[list[Paragraph], list[str]]:
    """The paragraphs the model sees: all of them when they fit `budget` characters, else the
    best-scoring ones (extractive scorer) in article order, keeping their numbers."""
    paragraphs = list(article.paragraphs)
    total = sum(len(p.text) for p in paragraphs)
    if total <= budget or len(paragraphs) <= 1:
        return paragraphs, []
    from .extractive import ExtractiveEngine

    language = article_language(article)
    engine = ExtractiveEngine().for_language(language)
    reading = engine.read(article, language)
    engine.score(reading, article.title, language)
    score: dict[int, float] = {}
    for s in reading.sentences:
        score[s.paragraph] = max(score.get(s.paragraph, 0.0), s.score)
    chosen: set[int] = set()
    used = 0
    for p in sorted(paragraphs, key=lambda p: (-score.get(p.number, 0.0), p.number)):
        if used + len(p.text) <= budget or not chosen:
            chosen.add(p.number)
            used += len(p.text)
    kept = [p for p in paragraphs if p.number in chosen]
    note = (
        f"the article has {len(paragraphs)} paragraphs ({total:,} characters, over the "
        f"{budget:,} budget); the model saw {len(kept)} chosen by the extractive scorer"
    )
    return kept, [note]


def _fix(
    statement: Viewpoint | KeyPoint,
    checks: set[str],
    article: Article,
    scorer: SupportScorer,
    language: str,
) -> tuple[int, ...] | None:
    """New citations that make `statement` pass, when only its citations were wrong: the
    paragraph the support check finds for it, when that is not one it already cites (then the
    statement itself is wrong, not its citation) and the statement passes every check there."""
    if not checks <= {"range", "support", "numbers"}:
        return None
    found = scorer.find(statement.text)
    if found is None or found in statement.citations:
        return None
    moved = replace(statement, citations=(found,))
    probe = Brief(Viewpoint(moved.text, moved.citations), (), language, "llm", VERSION)
    report = run_checks(probe, article, ("range", "support", "numbers"))
    if any(f.severity == "error" for f in report.findings):
        return None
    return (found,)


def trim(
    brief: Brief, article: Article, problems: list[Finding | str], options: BriefOptions
) -> tuple[Brief, list[str]]:
    """The brief with failing statements re-cited (where the support check finds the paragraph
    that carries them) or dropped, failing groups dropped, and the shape cut to `options`.

    A failing core viewpoint is re-cited, else cut to its leading clauses that pass, else
    replaced by the passing key point closest to it (moved out of its group); the brief is
    refused only when no key point passes."""
    actions: list[str] = []
    failing: dict[str, set[str]] = {}
    untitled: set[str] = set()
    for f in problems:
        if isinstance(f, Finding):
            failing.setdefault(f.where, set()).add(f.check)
            if f.check == "shape" and "no title" in f.message:
                untitled.add(f.where)
    scorer = SupportScorer(article)

    def mend(where: str, st: _Statement) -> _Statement | None:
        if where not in failing:
            return st
        cites = _fix(st, failing[where], article, scorer, brief.language)
        if cites is None:
            actions.append(f"dropped {where} ({', '.join(sorted(failing[where]))} check failed)")
            return None
        actions.append(f"re-cited {where}: {_marks(st.citations)} → {_marks(cites)}")
        return replace(st, citations=cites)

    viewpoint: Viewpoint | None = brief.viewpoint
    if "viewpoint" in failing:
        why = ", ".join(sorted(failing["viewpoint"]))
        cites = _fix(brief.viewpoint, failing["viewpoint"], article, scorer, brief.language)
        if cites is not None:
            actions.append(
                f"re-cited viewpoint: {_marks(brief.viewpoint.citations)} → {_marks(cites)}"
            )
            viewpoint = replace(brief.viewpoint, citations=cites)
        else:
            viewpoint = _shorten(brief.viewpoint, article, brief.language)
            if viewpoint is not None:
                actions.append(
                    f"cut the core viewpoint to its leading clauses that pass ({why} check failed)"
                )
    themes = []
    numbers: list[tuple[int, list[int]]] = []  # each kept group's and point's number
    for g, theme in enumerate(brief.themes, start=1):
        if f"group {g} title" in failing or f"group {g}" in untitled:
            actions.append(f"dropped group {g} ({theme.title or 'untitled'}): its title failed")
            continue
        points: list[KeyPoint] = []
        kept_numbers: list[int] = []
        for p, point in enumerate(theme.points, start=1):
            kept = mend(f"group {g} point {p}", point)
            if kept is not None:
                points.append(kept)
                kept_numbers.append(p)
        if len(points) > options.max_points:
            actions.append(f"kept the first {options.max_points} points of group {g}")
            points = points[: options.max_points]
        if points:
            themes.append(replace(theme, points=tuple(points)))
            numbers.append((g, kept_numbers))
        elif theme.points:
            actions.append(f"dropped group {g} ({theme.title}): no point left")
    if viewpoint is None and sum(len(t.points) for t in themes) > 1:
        viewpoint, themes = _promote(brief.viewpoint, themes, numbers, actions)
    if viewpoint is None:
        raise CheckError(
            "the core viewpoint failed its checks after one repair, and no key point passes "
            "to stand in for it: "
            + "; ".join(_line(p) for p in problems if _where(p) == "viewpoint"),
            hint="try a larger model",
        )
    if not themes:
        raise CheckError(
            "no key point passed its checks after one repair: "
            + "; ".join(_line(p) for p in problems[:6]),
            hint="try a larger model",
        )
    if len(themes) > options.max_groups:
        actions.append(f"kept the first {options.max_groups} groups")
        themes = themes[: options.max_groups]
    return replace(brief, viewpoint=viewpoint, themes=tuple(themes)), actions


# Where a sentence may be cut: after a comma or semicolon that ends a clause (not "1,006").
_CLAUSE_END = re.compile(r"[,;](?=\s)|[，；]")
# A leading clause kept as a core viewpoint keeps at least this share of the original.
_MIN_KEPT = 0.4


def _shorten(viewpoint: Viewpoint, article: Article, language: str) -> Viewpoint | None:
    """The longest run of `viewpoint`'s leading clauses that passes every statement check at
    its citations (the thesis comes first; what fails is usually an added reason or detail),
    or None when no such run keeps enough of it."""
    text = viewpoint.text.strip()
    cuts = [m.start() for m in _CLAUSE_END.finditer(text)]
    stop = "。" if language == "zh" else "."
    for cut in reversed(cuts):
        head = text[:cut].rstrip(" ,;，；")
        if len(head) < _MIN_KEPT * len(text) or (language != "zh" and len(head.split()) < 4):
            continue
        shorter = replace(viewpoint, text=head + stop)
        probe = Brief(shorter, (), language, "llm", VERSION)
        report = run_checks(probe, article, ("range", "language", "support", "numbers"))
        if not any(f.severity == "error" for f in report.findings):
            return shorter
    return None


def _promote(
    failed: Viewpoint,
    themes: list[Theme],
    numbers: list[tuple[int, list[int]]],
    actions: list[str],
) -> tuple[Viewpoint, list[Theme]]:
    """The passing key point closest in meaning to the failed viewpoint, as the viewpoint, and
    the groups without it (a group left empty is dropped). `numbers` gives each group's and
    point's number in the model's brief, for the action line."""
    from ..nlp import embeddings

    points = [(g, p) for g, theme in enumerate(themes) for p in range(len(theme.points))]
    sims = embeddings.similarity([failed.text], [themes[g].points[p].text for g, p in points])[0]
    g, p = points[max(range(len(points)), key=lambda i: (float(sims[i]), -i))]
    chosen = themes[g].points[p]
    group = numbers[g][0]
    actions.append(
        f"replaced the core viewpoint by group {group} point {numbers[g][1][p]}, the passing "
        "point closest to it"
    )
    out = list(themes)
    rest = tuple(pt for i, pt in enumerate(themes[g].points) if i != p)
    if rest:
        out[g] = replace(themes[g], points=rest)
    else:
        del out[g]
        actions.append(f"dropped group {group} ({themes[g].title}): no point left")
    return Viewpoint(chosen.text, chosen.citations), out


def _where(problem: Finding | str) -> str | None:
    return problem.where if isinstance(problem, Finding) else None


def _marks(cites: tuple[int, ...]) -> str:
    return "".join(f"[{c}]" for c in cites) or "none"


__all__ = ["LLMEngine", "select_paragraphs", "trim"]
