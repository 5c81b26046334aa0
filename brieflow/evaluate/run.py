"""Run an evaluation: every system on every article, scored under both length protocols.

Protocols (docs/evaluation.md):
- `reference` (the headline figures): a system's sentences in reading order, cut to the length
  of the reference (words for English, characters for Chinese). A brief reads as its core
  viewpoint then its key points; ranking baselines take their best sentences until the length is
  reached, then read them in article order; the oracle picks for that length.
- `full`: each system's own output, uncut: the whole brief; Lead-3; sumy's top 3 sentences;
  the oracle's unconstrained greedy pick.

Scores are ROUGE F1 and recall (×100, averaged over articles) against the record's `summary`;
`best_reference` repeats the reference protocol with the best-scoring of `summary` and
`alt_summaries` for each article (each cut to its own length).
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from ..engines import BriefOptions, Engine
from ..errors import BrieflowError, ConfigError, InputError
from ..models import Brief
from ..nlp.sentences import split_sentences
from .baselines import (
    BASELINES,
    SUMY_METHODS,
    article_sentences,
    lead_ranking,
    oracle_selection,
    sumy_ranking,
)
from .datasets import EvalItem, reference_sentences
from .metrics import rouge, text_length, tokenization_label, tokenize, truncate_text
from .structure import ReferenceBrief, format_structure, score_rows, summarize

ENGINE_SYSTEM = "brieflow"
FULL_COUNT = 3  # sentences a ranking baseline outputs under the `full` protocol (Lead-3)
METRICS = ("rouge1", "rouge2", "rougeL")
PROTOCOL = {
    "reference": "each system's sentences in reading order (a brief: core viewpoint, then key "
    "points), cut to the reference's length: words (en) or characters (zh)",
    "full": f"each system's own output uncut: the whole brief; Lead-{FULL_COUNT}; sumy's top "
    f"{FULL_COUNT}; the oracle's unconstrained greedy pick",
    "references": "scored against `summary`; best_reference: max F1 per metric over `summary` "
    "and `alt_summaries`",
}


@dataclass
class Output:
    """What one system produced for one article, under both protocols."""

    full: list[str]
    # reference text → sentences cut to that reference's length
    fitted: dict[str, list[str]]
    brief: Brief | None = None
    error: str | None = None


@dataclass
class SystemResult:
    name: str
    outputs: list[Output] = field(default_factory=list)
    seconds: float = 0.0
    engine: str | None = None
    engine_version: str | None = None


def _fill(
    ranking: Iterable[int], sentences: Sequence[str], budget: int, language: str
) -> list[str]:
    """Ranked sentences until `budget` is reached, then in reading order, cut to `budget`."""
    picked, used = [], 0
    for i in ranking:
        if used >= budget:
            break
        picked.append(i)
        used += text_length(sentences[i], language)
    return truncate_text([sentences[i] for i in sorted(picked)], budget, language)


def _budgets(item: EvalItem, best_reference: bool) -> dict[str, int]:
    refs = item.references if best_reference else item.references[:1]
    return {r: text_length(r, item.language) for r in refs}


def _ranking_system(rank: Callable[[list[str], str], list[int]]) -> Callable[..., Output]:
    def run(item: EvalItem, best_reference: bool) -> Output:
        sentences = [s for _, s in article_sentences(item.article)]
        order = rank(sentences, item.article.language or item.language)
        full = [sentences[i] for i in sorted(order[:FULL_COUNT])]
        fitted = {
            ref: _fill(order, sentences, budget, item.language)
            for ref, budget in _budgets(item, best_reference).items()
        }
        return Output(full=full, fitted=fitted)

    return run


def _oracle(item: EvalItem, best_reference: bool) -> Output:
    sentences = [s for _, s in article_sentences(item.article)]
    summary = item.references[0]
    picked = oracle_selection(sentences, summary, item.language)
    fitted = {}
    for ref, budget in _budgets(item, best_reference).items():
        chosen = oracle_selection(sentences, ref, item.language, budget)
        fitted[ref] = truncate_text([sentences[i] for i in chosen], budget, item.language)
    return Output(full=[sentences[i] for i in picked], fitted=fitted)


def _engine_system(engine: Engine, options: BriefOptions) -> Callable[..., Output]:
    from ..pipeline import brief as make_brief

    def run(item: EvalItem, best_reference: bool) -> Output:
        try:
            result = make_brief(item.article, engine=engine, options=options)
        except BrieflowError as exc:
            return Output(full=[], fitted={}, error=exc.line())
        language = result.language or item.language
        full = [s for text in result.sentences() for s in split_sentences(text, language)]
        fitted = {
            ref: truncate_text(full, budget, item.language)
            for ref, budget in _budgets(item, best_reference).items()
        }
        return Output(full=full, fitted=fitted, brief=result)

    return run


def _baseline(name: str) -> Callable[..., Output]:
    if name == "lead":
        return _ranking_system(lambda sentences, language: lead_ranking(sentences))
    if name in SUMY_METHODS:
        return _ranking_system(lambda sentences, language: sumy_ranking(name, sentences, language))
    if name == "oracle":
        return _oracle
    raise InputError(
        f"unknown baseline {name!r}",
        source="--baselines",
        hint=f"choose from {','.join(BASELINES)}",
    )


def _require(items: Sequence[EvalItem], baselines: Sequence[str]) -> None:
    """The optional packages this run needs: rouge-score (English tokens), sumy (baselines) and
    jieba (sumy's Chinese words)."""
    needed = []
    if any(item.language != "zh" for item in items):
        needed.append(("rouge_score", "rouge-score"))
    if any(name in SUMY_METHODS for name in baselines):
        needed.append(("sumy", "sumy"))
        if any(item.article.language == "zh" for item in items):
            needed.append(("jieba", "jieba"))
    missing = [dist for module, dist in needed if importlib.util.find_spec(module) is None]
    if missing:
        raise ConfigError(
            f"evaluation needs {' and '.join(missing)}, which is not installed",
            source="brieflow eval",
            hint='pip install "brieflow[eval]"',
        )


def parse_baselines(value: str | None) -> list[str]:
    """`lead,lexrank` → ["lead", "lexrank"]; None → all; "" or "none" → none."""
    if value is None:
        return list(BASELINES)
    names = [n.strip().lower() for n in value.split(",") if n.strip()]
    if names == ["none"]:
        return []
    for name in names:
        _baseline(name)  # raises on an unknown name
    return list(dict.fromkeys(names))


def evaluate(
    items: Sequence[EvalItem],
    *,
    engine: Engine | None = None,
    options: BriefOptions | None = None,
    baselines: Sequence[str] = BASELINES,
    best_reference: bool = True,
    dataset: str = "",
    progress: Callable[[str], None] | None = None,
    details: list[dict[str, Any]] | None = None,
    references: Sequence[ReferenceBrief] | None = None,
) -> dict[str, Any]:
    """Score `engine` (as system "brieflow") and `baselines` on `items`; the report is the
    JSON document `brieflow eval --json` writes. A `details` list receives one record per system
    and article (scores and the cut output), for error analysis. With `references` (reference
    briefs, brieflow.evaluate.structure), the report's `structure` measures the engine's
    viewpoints, titles and grouping against those of the items they name."""
    _require(items, baselines)
    systems: list[tuple[str, Callable[..., Output]]] = []
    if engine is not None:
        systems.append((ENGINE_SYSTEM, _engine_system(engine, options or BriefOptions())))
    systems.extend((name, _baseline(name)) for name in baselines)
    results = []
    for name, run in systems:
        if progress:
            progress(name)
        result = SystemResult(name)
        if name == ENGINE_SYSTEM and engine is not None:
            result.engine, result.engine_version = engine.name, engine.version
        if items:  # untimed warm-up: imports, dictionaries, caches
            run(items[0], False)
        start = time.perf_counter()
        for item in items:
            result.outputs.append(run(item, best_reference))
        result.seconds = time.perf_counter() - start
        results.append(result)
    report = {
        "dataset": dataset,
        "articles": len(items),
        "languages": sorted({i.language for i in items}),
        "protocol": PROTOCOL,
        "tokenization": tokenization_label([i.language for i in items]),
        "reference_length": round(mean(text_length(i.references[0], i.language) for i in items), 1),
        "systems": {r.name: _summarize(r, items, best_reference, details) for r in results},
    }
    if references is not None:
        ours = next((r for r in results if r.name == ENGINE_SYSTEM), None)
        outputs = ours.outputs if ours else [Output([], {})] * len(items)
        briefs = {str(i.article.id): o.brief for i, o in zip(items, outputs, strict=True)}
        articles = {str(i.article.id): i.article for i in items}
        rows = score_rows(references, articles, briefs)
        report["structure"] = summarize(rows)
        if details is not None:
            details.extend({"system": "structure", **row} for row in rows)
    return report


def _scores(sentences: list[str], reference: str, language: str) -> dict[str, tuple[float, float]]:
    candidate = [tokenize(s, language) for s in sentences]
    ref = [tokenize(s, language) for s in reference_sentences(reference, language)]
    return {k: (v.f1, v.recall) for k, v in rouge(candidate, ref).items()}


def _summarize(
    result: SystemResult,
    items: Sequence[EvalItem],
    best_reference: bool,
    details: list[dict[str, Any]] | None = None,
) -> dict:
    n = len(items)
    per: dict[str, list[float]] = {}

    def add(prefix: str, scores: dict[str, tuple[float, float]]) -> None:
        for metric, (f1, recall) in scores.items():
            per.setdefault(f"{prefix}{metric}_f1", []).append(f1)
            per.setdefault(f"{prefix}{metric}_recall", []).append(recall)

    lengths = []
    for item, out in zip(items, result.outputs, strict=True):
        reference = item.references[0]
        scores = _scores(out.fitted.get(reference, []), reference, item.language)
        add("", scores)
        if details is not None:
            details.append(
                {
                    "id": item.article.id,
                    "system": result.name,
                    **{f"{m}_f1": round(100 * f1, 2) for m, (f1, _) in scores.items()},
                    "output": out.fitted.get(reference, []),
                    "summary": reference,
                    **({"error": out.error} if out.error else {}),
                }
            )
        add("full.", _scores(out.full, reference, item.language))
        lengths.append(sum(text_length(s, item.language) for s in out.full))
        if best_reference:
            best = {m: (0.0, 0.0) for m in METRICS}
            for ref in item.references:
                scores = _scores(out.fitted.get(ref, []), ref, item.language)
                best = {m: max(best[m], scores[m]) for m in METRICS}
            add("best.", best)

    def avg(key: str) -> float:
        return round(100 * mean(per[key]), 2) if per.get(key) else 0.0

    keys = [f"{m}_{s}" for m in METRICS for s in ("f1", "recall")]
    summary: dict[str, Any] = {k: avg(k) for k in keys}
    summary["full"] = {k: avg(f"full.{k}") for k in keys}
    summary["full"]["length"] = round(mean(lengths), 1) if lengths else 0.0
    if best_reference:
        summary["best_reference"] = {k: avg(f"best.{k}") for k in keys}
    summary["articles_per_second"] = round(n / result.seconds, 2) if result.seconds > 0 else None
    summary["empty"] = round(sum(1 for o in result.outputs if not o.full) / n, 4) if n else 0.0
    errors = [o.error for o in result.outputs if o.error]
    summary["errors"] = len(errors)
    if errors:
        summary["first_error"] = errors[0]
    if result.engine is not None:
        summary["engine"] = {"name": result.engine, "version": result.engine_version}
        summary.update(_brief_stats(result.outputs, items))
    return summary


def _brief_stats(outputs: Sequence[Output], items: Sequence[EvalItem]) -> dict[str, Any]:
    """Citation validity and the shape of the briefs that were produced."""
    cited = valid = 0
    groups, points, shaped, passed = [], [], 0, 0
    for out, item in zip(outputs, items, strict=True):
        if out.brief is None:
            continue
        numbers = item.article.numbers
        for _, statement in out.brief.statements():
            cited += len(statement.citations)
            valid += sum(1 for c in statement.citations if c in numbers)
        themes = out.brief.themes
        groups.append(len(themes))
        points.append(sum(len(t.points) for t in themes))
        shaped += 2 <= len(themes) <= 4 and all(2 <= len(t.points) <= 4 for t in themes)
        passed += out.brief.checks.passed
    made = len(groups)
    return {
        "citation_validity": round(valid / cited, 4) if cited else None,
        "citations": cited,
        "groups": round(mean(groups), 2) if groups else None,
        "points": round(mean(points), 2) if points else None,
        "shape_ok": round(shaped / made, 4) if made else None,
        "checks_passed": round(passed / made, 4) if made else None,
    }


def format_table(report: dict[str, Any]) -> str:
    """The plain-text report `brieflow eval` prints."""
    unit = {"zh": "characters", "en": "words"}.get("".join(report["languages"]), "units")
    lines = [
        f"dataset: {report['dataset']} ({report['articles']} articles; mean reference length "
        f"{report['reference_length']} {unit})",
        f"tokenization: {report['tokenization']}",
        f"protocol: reference = {report['protocol']['reference']}",
        f"          full = {report['protocol']['full']}",
        f"references: {report['protocol']['references']}",
        "",
        f"{'system':<10} {'R1':>6} {'R2':>6} {'RL':>6} │ {'full R1':>7} {'R2':>6} {'RL':>6} "
        f"{'length':>7} │ {'best R1':>7} │ {'art/s':>8} {'empty':>6} │ brief",
    ]
    for name, s in report["systems"].items():
        full, best = s["full"], s.get("best_reference", {})
        brief = ""
        if "engine" in s:
            cv = s.get("citation_validity")
            brief = (
                f"cites ok {cv:.1%}, groups {s['groups']}, points {s['points']}"
                if cv is not None
                else "no briefs"
            )
            if s["errors"]:
                brief += f", {s['errors']} errors ({s['first_error']})"
        aps = s["articles_per_second"]
        lines.append(
            f"{name:<10} {s['rouge1_f1']:>6.2f} {s['rouge2_f1']:>6.2f} {s['rougeL_f1']:>6.2f} │ "
            f"{full['rouge1_f1']:>7.2f} {full['rouge2_f1']:>6.2f} {full['rougeL_f1']:>6.2f} "
            f"{full['length']:>7.1f} │ {best.get('rouge1_f1', float('nan')):>7.2f} │ "
            f"{(aps if aps is not None else float('nan')):>8.1f} {s['empty']:>6.1%} │ {brief}"
        )
    lines.append("")
    lines.append("ROUGE F1 ×100, mean over articles; recall in --json.")
    text = "\n".join(lines) + "\n"
    if "structure" in report:
        text += "\n" + format_structure(report["structure"])
    return text
