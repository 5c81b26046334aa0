"""Choose the extractive engine's scoring weights by cross-validation over the dev sets.

    python bench/tune.py [EVAL_DIR] [--sets GLOB] [--folds 5] [--passes 2] [--by-language]
        [--start defaults|v0.2.0|v0.3.0] [--grid all|orders] [--no-loso] [--write]

The same procedure runs three ways, and only the held-out figures are reported:

- k-fold: every article of every dev set falls in fold `sha1(id) mod k` (deterministic, no
  random seed to fix); the weights are fitted on the other folds of all sets and the article is
  scored with them. Each article is scored exactly once by weights that never saw it.
- leave-one-set-out: the weights are fitted on the other dev sets and scored on the whole of
  the held-out set (does the choice carry over to a kind of text it has not seen?).
- all: fitted on every dev article; these are the weights the engine ships (`Weights`), and
  their in-sample figures are printed for reference only.

The fit is coordinate search over a fixed grid per weight, starting from the current defaults,
keeping a change only when it strictly raises the objective: the mean over dev sets (each set
weighs the same) of the mean of ROUGE-1, ROUGE-2 and ROUGE-L F1, reference-length protocol,
scored as `brieflow eval` scores a brief (viewpoint then key points, cut to the reference's
length). Titles do not enter ROUGE, so the fit skips them.

The fixtures of the eval gate (tests/fixtures/eval, never tuned on) are scored with the start
and the fitted weights at the end: the out-of-sample guard.

`--write` puts the table in docs/benchmarks.md (section `tune`).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from statistics import mean

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _report import default_eval_dir, replace_section, revision  # noqa: E402

from brieflow.engines.base import BriefOptions  # noqa: E402
from brieflow.engines.extractive import VERSION, ExtractiveEngine, Reading, Weights  # noqa: E402
from brieflow.evaluate.datasets import EvalItem, load_dataset, reference_sentences  # noqa: E402
from brieflow.evaluate.metrics import rouge, text_length, tokenize, truncate_text  # noqa: E402
from brieflow.nlp.sentences import split_sentences  # noqa: E402
from brieflow.nlp.trim import CUTS  # noqa: E402

HEADING = "### Scoring weights chosen by cross-validation"
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "eval"

# Each weight's candidate values (the current default is always tried as well).
GRID: dict[str, list[float]] = {
    # centrality stays at 1: every term has a weight, so one of them fixes the scale.
    "title": [0.0, 0.15, 0.3, 0.45, 0.6, 0.9],
    "paragraph_position": [0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.6, 2.0],
    "sentence_position": [0.0, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.6],
    "lead_trust": [0.0, 0.5, 1.0, 2.0, 3.0, 4.0],
    "figures": [0.0, 2.5, 5.0, 10.0, 20.0, 40.0],
    "figures_free": [0.2, 0.3, 0.4],
    "mmr_lambda": [0.3, 0.5, 0.7, 0.9],
    "lead_window": [2, 3, 4, 6],
    "lead_paragraphs": [2, 3, 5, 10, 20],
    "viewpoint_centrality": [0.0, 0.25, 0.5, 1.0, 1.5, 2.0],
    "viewpoint_cue": [0.0, 0.025, 0.05, 0.1, 0.2, 0.3],
    "viewpoint_scene": [0.0, 0.025, 0.05, 0.1, 0.2, 0.3],
    "points_by_score": [0, 1],
    "themes_by_score": [0, 1],
    "points_viewpoint": [0.0, 0.1, 0.25, 0.5, 0.75],
}
# The statement cuts (brieflow.nlp.trim.CUTS), each switched on or off in turn (`--grid cuts`);
# a language's cuts apply in this order.
CUT_NAMES: list[str] = list(dict.fromkeys(name for rules in CUTS.values() for name in rules))
METRICS = ("rouge1", "rouge2", "rougeL")


@dataclass
class Case:
    """One dev article, read once: the engine's sentences and the scoring reference."""

    set: str
    id: str
    fold: int
    language: str  # the article's
    title: str | None
    reading: Reading
    budget: int
    reference: list[list[str]]
    scoring_language: str

    @property
    def key(self) -> str:
        return f"{self.set}/{self.id}"


_TOKENS: dict[tuple[str, str], list[str]] = {}


def _tokens(text: str, language: str) -> list[str]:
    key = (text, language)
    t = _TOKENS.get(key)
    if t is None:
        t = _TOKENS[key] = tokenize(text, language)
    return t


def fold_of(article_id: str, folds: int) -> int:
    return int(hashlib.sha1(article_id.encode("utf-8")).hexdigest(), 16) % folds


def load_cases(paths: list[Path], folds: int) -> list[Case]:
    engine = ExtractiveEngine()
    cases = []
    for path in paths:
        for item in load_dataset(path):
            cases.append(_case(path.stem, item, engine, folds))
    return cases


def _case(name: str, item: EvalItem, engine: ExtractiveEngine, folds: int) -> Case:
    article = item.article
    language = article.language or "en"
    summary = item.references[0]
    return Case(
        set=name,
        id=str(article.id),
        fold=fold_of(str(article.id), folds),
        language=language,
        title=article.title,
        reading=engine.read(article, language),
        budget=text_length(summary, item.language),
        reference=[_tokens(s, item.language) for s in reference_sentences(summary, item.language)],
        scoring_language=item.language,
    )


OPTIONS = BriefOptions()


def score_case(
    case: Case, weights: Weights, engine: ExtractiveEngine | None = None
) -> tuple[float, float, float]:
    """ROUGE-1/2/L F1 of the brief `weights` (or `engine`) give, as `brieflow eval` scores it."""
    engine = engine or ExtractiveEngine(weights)
    reading = case.reading
    if not reading.sentences:
        return (0.0, 0.0, 0.0)
    engine.score(reading, case.title, case.language)
    viewpoint = engine.viewpoint(reading, case.language)
    statements = [viewpoint] + [
        s for _, picked in engine.select(reading, viewpoint, OPTIONS) for s in picked
    ]
    full: list[str] = []
    used = 0
    for s in statements:  # only as many statements as the reference's length needs
        for piece in split_sentences(engine.statement(s.text, case.language), case.language):
            full.append(piece)
            used += text_length(piece, case.scoring_language)
        if used >= case.budget:
            break
    cut = truncate_text(full, case.budget, case.scoring_language)
    scores = rouge([_tokens(s, case.scoring_language) for s in cut], case.reference)
    return tuple(scores[m].f1 for m in METRICS)  # type: ignore[return-value]


def objective(cases: list[Case], weights: Weights) -> float:
    """Mean over sets of mean(R1, R2, RL), each set weighing the square root of its size: a
    6-article set must not outweigh a 150-article one, nor 150 articles of one kind drown 55
    of another."""
    by_set: dict[str, list[float]] = {}
    for case in cases:
        by_set.setdefault(case.set, []).append(mean(score_case(case, weights)))
    total = sum(math.sqrt(len(v)) for v in by_set.values())
    return sum(math.sqrt(len(v)) * mean(v) for v in by_set.values()) / total


def fit_by_language(
    cases: list[Case], start: dict[str, Weights], passes: int, log=None
) -> dict[str, Weights]:
    """One set of weights per article language, each fitted on that language's articles."""
    out = dict(start)
    for language in sorted({c.language for c in cases}):
        if log:
            log(f" language {language}")
        out[language] = fit(
            [c for c in cases if c.language == language], start[language], passes, log
        )
    return out


MIN_GAIN = 0.0  # --min-gain, in objective points (×100)


def fit(cases: list[Case], start: Weights, passes: int, log=None) -> Weights:
    """Coordinate search over GRID from `start`; a change is kept only if it raises the
    objective by more than MIN_GAIN points."""
    best, best_value = start, objective(cases, start)
    for p in range(passes):
        changed = False
        if CUTS_GRID:
            for name in CUT_NAMES:
                on = set(best.cuts) ^ {name}
                trial = replace(best, cuts=tuple(n for n in CUT_NAMES if n in on))
                if trial.cuts == best.cuts or not _applies(cases, name):
                    continue
                v = objective(cases, trial)
                if v > best_value + MIN_GAIN / 100 + 1e-9:
                    best, best_value, changed = trial, v, True
            if log:
                log(f"  pass {p + 1} cuts = {best.cuts} ({100 * best_value:.2f})")
        for name, values in GRID.items():
            current = getattr(best, name)
            for value in values:
                if value == current:
                    continue
                trial = replace(best, **{name: type(current)(value)})
                v = objective(cases, trial)
                if v > best_value + MIN_GAIN / 100 + 1e-9:
                    best, best_value, changed = trial, v, True
                    current = getattr(best, name)
            if log:
                log(f"  pass {p + 1} {name} = {getattr(best, name)} ({100 * best_value:.2f})")
        if not changed:
            break
    return best


CUTS_GRID = False  # --grid cuts


def _applies(cases: list[Case], name: str) -> bool:
    """Whether the cut `name` exists for some case's language (else it cannot change a thing)."""
    return any(name in CUTS.get(c.language, {}) for c in cases)


def per_set(cases: list[Case], scores: dict[str, tuple[float, float, float]]) -> dict:
    out: dict[str, list[float]] = {}
    for name in sorted({c.set for c in cases}):
        rows = [scores[c.key] for c in cases if c.set == name]
        out[name] = [round(100 * mean(r[i] for r in rows), 2) for i in range(3)]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("eval_dir", nargs="?", type=Path, default=default_eval_dir())
    parser.add_argument("--sets", default="*-dev.jsonl")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument(
        "--start", choices=["defaults", "v0.2.0", "v0.3.0", "v0.4.0"], default="defaults"
    )
    parser.add_argument(
        "--grid",
        choices=["all", "orders", "cuts"],
        default="all",
        help="fit every weight, only the reading-order choices on top of the start, or the "
        "statement cuts and the reading-order choices on top of the start",
    )
    parser.add_argument("--no-loso", action="store_true", help="skip leave-one-set-out")
    parser.add_argument(
        "--by-language", action="store_true", help="fit one set of weights per language"
    )
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument(
        "--min-gain", type=float, default=0.0, help="keep a change only above this gain (points)"
    )
    args = parser.parse_args(argv)
    global MIN_GAIN
    MIN_GAIN = args.min_gain
    paths = sorted(args.eval_dir.glob(args.sets))
    if not paths:
        print(f"tune: no {args.sets} in {args.eval_dir}", file=sys.stderr)
        return 3

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    t0 = time.process_time()
    cases = load_cases(paths, args.folds)
    languages = sorted({c.language for c in cases})
    starts = {
        "defaults": {},
        "v0.2.0": dict.fromkeys(languages, V020),
        "v0.3.0": V030,
        "v0.4.0": V040,
    }
    start = {lang: starts[args.start].get(lang, Weights()) for lang in languages}
    global CUTS_GRID
    if args.grid in ("orders", "cuts"):
        for name in list(GRID):
            if name not in ORDERS:
                del GRID[name]
    CUTS_GRID = args.grid == "cuts"
    log(f"tune: {len(cases)} articles read in {time.process_time() - t0:.1f} CPU s")

    def fitter(train: list[Case]) -> dict[str, Weights]:
        if args.by_language:
            return fit_by_language(train, start, args.passes, log)
        one = fit(train, start[languages[0]], args.passes, log)
        return dict.fromkeys(languages, one)

    def scores(cases: list[Case], ws: dict[str, Weights]) -> dict:
        return {c.key: score_case(c, ws[c.language]) for c in cases}

    untuned = scores(cases, start)
    log(f"start: {per_set(cases, untuned)}")

    kfold: dict[str, tuple[float, float, float]] = {}
    for f in range(args.folds):
        train = [c for c in cases if c.fold != f]
        log(f"fold {f + 1}/{args.folds}: fit on {len(train)}")
        ws = fitter(train)
        log(f"fold {f + 1}: {_describe(start, ws)}")
        kfold.update(scores([c for c in cases if c.fold == f], ws))

    loso: dict[str, tuple[float, float, float]] = {}
    sets = sorted({c.set for c in cases})
    if not args.no_loso and len(sets) > 1:
        for name in sets:
            train = [c for c in cases if c.set != name]
            held = [c for c in cases if c.set == name]
            if {c.language for c in held} - {c.language for c in train} and args.by_language:
                log(f"leave out {name}: no other set in its language, skipped")
                continue
            log(f"leave out {name}: fit on {len(train)}")
            ws = fitter(train)
            log(f"without {name}: {_describe(start, ws)}")
            loso.update(scores(held, ws))

    log("all: fit on every article")
    final = fitter(cases)
    shipped = scores(cases, final)

    rows = {
        "start": per_set(cases, untuned),
        "kfold": per_set(cases, kfold),
        "loso": per_set([c for c in cases if c.key in loso], loso) if loso else {},
        "all": per_set(cases, shipped),
    }
    print(
        f"engine {VERSION}; start = {args.start}; folds = {args.folds}; "
        f"by language: {args.by_language}"
    )
    print(f"fitted on all: {_describe(start, final)}")
    for lang, w in final.items():
        print(f"  {lang}: {w}")
    for name in sets:
        print(
            f"{name}: start {rows['start'][name]}  k-fold {rows['kfold'][name]}  "
            f"leave-set-out {rows['loso'].get(name)}  in-sample {rows['all'][name]}"
        )
    # The out-of-sample guard: the gate's fixtures, never tuned on (docs/evaluation.md).
    fixtures = load_cases(sorted(FIXTURES.glob("*.jsonl")), args.folds)
    for name in sorted({c.set for c in fixtures}):
        held = [c for c in fixtures if c.set == name]
        before = per_set(held, scores(held, start))[name]
        after = per_set(held, scores(held, final))[name]
        print(f"fixture {name} (never tuned on): start {before}  fit on all {after}")
    print(f"CPU {time.process_time() - t0:.0f} s")
    if args.write:
        replace_section("tune", _table(rows, sets, final, args), HEADING)
    return 0


def _describe(start: dict[str, Weights], ws: dict[str, Weights]) -> str:
    if len({id(w) for w in ws.values()}) == 1:
        return _changes(next(iter(start.values())), next(iter(ws.values())))
    return "; ".join(f"{lang}: {_changes(start[lang], w)}" for lang, w in ws.items())


def _changes(start: Weights, w: Weights) -> str:
    a, b = asdict(start), asdict(w)
    return ", ".join(f"{k} {a[k]}→{b[k]}" for k in a if a[k] != b[k]) or "no change"


def _table(rows: dict, sets: list[str], final: Weights, args) -> str:
    lines = [
        f"`python bench/tune.py --write` (commit {revision()}, {args.folds} folds by "
        f"sha1(id), {args.passes} passes). ROUGE F1 ×100, reference-length protocol, R1 / R2 / "
        "RL. k-fold and leave-one-set-out are held-out figures; in-sample (the shipped "
        "weights on the data they were fitted on) is shown for reference only.",
        "",
        "| dev set | k-fold CV | leave-one-set-out | in-sample |",
        "| --- | --- | --- | --- |",
    ]

    def cell(v: list[float] | None) -> str:
        return " / ".join(f"{x:.1f}" for x in v) if v else "—"

    for name in sets:
        lines.append(
            f"| {name} | {cell(rows['kfold'][name])} | {cell(rows['loso'].get(name))} "
            f"| {cell(rows['all'][name])} |"
        )
    lines.append("")
    for lang, w in final.items():
        lines.append(f"Shipped weights ({lang}): {_changes(V020, w)} (from engine 0.2.0's).")
    return "\n".join(lines)


# Engine 0.2.0's weights (hand-set on the dev sets), without the viewpoint terms.
V020 = replace(
    Weights(),
    centrality=1.0,
    title=0.6,
    paragraph_position=0.8,
    sentence_position=0.8,
    mmr_lambda=0.5,
    lead_window=4,
    lead_paragraphs=10,
    lead_trust=2.0,
    figures=10.0,
    figures_free=0.3,
    viewpoint_centrality=0.0,
    viewpoint_cue=0.0,
    viewpoint_scene=0.0,
)


# Engine 0.3.0's weights per language: English fitted, Chinese 0.2.0's.
V030 = {"en": replace(V020, sentence_position=0.1, lead_trust=0.0, viewpoint_centrality=1.0)}
ORDERS = ("points_by_score", "themes_by_score", "points_viewpoint")
# Engine 0.4.0's weights per language: 0.3.0's with the order choices fitted on top.
V040 = {
    "en": replace(V030["en"], points_by_score=True),
    "zh": replace(V020, themes_by_score=True),
}


if __name__ == "__main__":
    sys.exit(main())
