"""A learned sentence scorer for the extractive engine, cross-validated: does it beat the
hand-built score?

    python bench/learn.py [EVAL_DIR] [--sets GLOB] [--folds 5]

Each sentence of each dev article gets a label: the mean of ROUGE-1, -2 and -L F1 of the
sentence alone (as the engine states it, cut to the reference's length) against the reference
summary, which is what a sentence is worth as the Core Viewpoint under the reference-length
protocol. Its features are the engine's own (brieflow.engines.extractive: centrality, the two
position priors and the lead trust, the figures share and penalty, claim and scene cues) plus
first/second sentence, length, centrality rank, similarity to the first sentence, one-paragraph
article. A linear model per language, fitted in numpy (the inference would be a dot product):

- `ridge`: least squares on the labels centred per article (L2 1.0 on standardized features);
- `listwise`: softmax over each article's candidates against softmax(label / 0.05) (ListNet),
  Adam, L2 0.01.

Folds are by article (`sha1(id) mod k`, as bench/tune.py): each fold's articles are scored by a
model fitted on the other folds of the same language. Reported, per set: the viewpoint's label
(engine, first sentence, learned, and the oracle sentence, the ceiling) and the whole brief's
ROUGE-1/2/L when the learned score replaces the engine's (viewpoint and points), held-out. The
fixtures of tests/fixtures/eval (never fitted on) are scored by a model fitted on every dev
article of their language.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from statistics import mean

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _report import ROOT, default_eval_dir  # noqa: E402
from tune import Case, _tokens, load_cases, score_case  # noqa: E402

from brieflow.engines.extractive import (  # noqa: E402
    _CUE,
    _SCENE,
    LANGUAGE_WEIGHTS,
    ExtractiveEngine,
    Weights,
)
from brieflow.evaluate.metrics import rouge, truncate_text  # noqa: E402
from brieflow.nlp.sentences import split_sentences  # noqa: E402
from brieflow.nlp.vectors import cosine  # noqa: E402

FEATURES = (
    "central",
    "paragraph_position",
    "trusted_paragraph_position",
    "sentence_position",
    "lead_trust",
    "figures",
    "figures_penalty",
    "has_figures",
    "first",
    "second",
    "dependent",
    "cue",
    "scene",
    "cue_commentary",
    "scene_commentary",
    "log_length",
    "central_rank",
    "like_first",
    "one_paragraph",
    "index_prior",
)


def weights(language: str) -> Weights:
    return LANGUAGE_WEIGHTS.get(language, Weights())


def label(case: Case, text: str) -> float:
    statement = ExtractiveEngine(weights(case.language)).statement(text, case.language)
    pieces = split_sentences(statement, case.language)
    cut = truncate_text(pieces, case.budget, case.scoring_language)
    scores = rouge([_tokens(p, case.scoring_language) for p in cut], case.reference)
    return mean(scores[m].f1 for m in ("rouge1", "rouge2", "rougeL"))


def features(case: Case) -> np.ndarray:
    """One row per sentence, after the engine has scored the article (centrality, lead)."""
    reading, language = case.reading, case.language
    ExtractiveEngine(weights(language)).score(reading, case.title, language)
    sentences = reading.sentences
    rank = {s.index: k for k, s in enumerate(sorted(sentences, key=lambda s: -s.central))}
    paragraphs = sentences[-1].paragraph_rank + 1
    first = sentences[0].vector
    rows = []
    for s in sentences:
        size = len("".join(s.text.split())) if language == "zh" else len(s.text.split())
        cue = float(_CUE[language].search(s.text) is not None)
        scene = float(_SCENE[language].search(s.text) is not None)
        position = 1 / math.sqrt(1 + s.paragraph_rank)
        rows.append(
            [
                s.central,
                position,
                reading.lead * position,
                1 / math.sqrt(1 + s.rank),
                reading.lead,
                s.figures,
                max(0.0, s.figures - 0.3) * (1 - 1 / paragraphs),
                float(s.figures > 0),
                float(s.index == 0),
                float(s.index == 1),
                float(s.dependent),
                cue,
                scene,
                cue * (1 - reading.lead),
                scene * (1 - reading.lead),
                math.log1p(size),
                1 / math.sqrt(1 + rank[s.index]),
                cosine(s.vector, first),
                float(paragraphs == 1),
                1 / math.sqrt(1 + s.index),
            ]
        )
    return np.array(rows)


def candidates(case: Case) -> np.ndarray:
    """The engine's viewpoint pool (engine.viewpoint's window and filters) as a mask."""
    w = weights(case.language)
    window = [
        s
        for s in case.reading.sentences
        if s.index < w.lead_window or s.paragraph_rank < w.lead_paragraphs
    ]
    pool = [s for s in window if s.fits and not s.dependent] or [s for s in window if s.fits]
    mask = np.zeros(len(case.reading.sentences), bool)
    mask[[s.index for s in pool or window]] = True
    return mask


class Model:
    def __init__(self, w: np.ndarray, mu: np.ndarray, sd: np.ndarray):
        self.w, self.mu, self.sd = w, mu, sd

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mu) / self.sd) @ self.w


def _stack(train: list[Case]):
    cs = [c for c in train if c.mask.sum() > 1]
    x = np.vstack([c.x[c.mask] for c in cs])
    mu, sd = x.mean(0), x.std(0)
    sd[sd == 0] = 1
    sizes = [int(c.mask.sum()) for c in cs]
    starts = np.cumsum([0, *sizes[:-1]])
    group = np.repeat(np.arange(len(cs)), sizes)
    return cs, (x - mu) / sd, mu, sd, starts, group


def fit_ridge(train: list[Case], lam: float = 1.0) -> Model:
    cs, x, mu, sd, _, _ = _stack(train)
    y = np.concatenate([c.y[c.mask] - c.y[c.mask].mean() for c in cs])
    w = np.linalg.solve(x.T @ x + lam * np.eye(x.shape[1]), x.T @ y)
    return Model(w, mu, sd)


def fit_listwise(train: list[Case], tau=0.05, lam=1e-2, iters=400, lr=0.1) -> Model:
    cs, x, mu, sd, starts, group = _stack(train)

    def softmax(z: np.ndarray) -> np.ndarray:
        e = np.exp(z - np.maximum.reduceat(z, starts)[group])
        return e / np.add.reduceat(e, starts)[group]

    q = softmax(np.concatenate([c.y[c.mask] for c in cs]) / tau)
    w, m, v = np.zeros(x.shape[1]), np.zeros(x.shape[1]), np.zeros(x.shape[1])
    for t in range(1, iters + 1):
        g = x.T @ (softmax(x @ w) - q) / len(cs) + lam * w
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return Model(w, mu, sd)


def learned_brief(case: Case, model: Model) -> tuple[float, float, float]:
    """The brief's ROUGE when the learned score is every sentence's score (viewpoint and
    points), rescaled to the engine's spread so MMR's balance is unchanged."""
    engine = ExtractiveEngine(weights(case.language))
    original = engine.score

    def score(reading, title, language) -> None:
        original(reading, title, language)
        base = np.array([s.score for s in reading.sentences])
        new = model(case.x)
        new = new / (new.std() + 1e-9) * (base.std() + 1e-9)
        for s, value in zip(reading.sentences, new, strict=True):
            s.score = float(value)

    engine.score = score  # type: ignore[method-assign]
    return score_case(case, weights(case.language), engine=engine)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("eval_dir", nargs="?", type=Path, default=default_eval_dir())
    parser.add_argument("--sets", default="*-dev.jsonl")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    cases = load_cases(sorted(args.eval_dir.glob(args.sets)), args.folds)
    fixtures = load_cases(sorted((ROOT / "tests" / "fixtures" / "eval").glob("*.jsonl")), 1)
    for c in cases + fixtures:
        c.x = features(c)  # type: ignore[attr-defined]
        c.y = np.array([label(c, s.text) for s in c.reading.sentences])  # type: ignore[attr-defined]
        c.mask = candidates(c)  # type: ignore[attr-defined]
    rows: dict[str, dict[str, list]] = {}

    def add(case: Case, key: str, value) -> None:
        rows.setdefault(case.set, {}).setdefault(key, []).append(value)

    for c in cases + fixtures:
        engine = ExtractiveEngine(weights(c.language))
        engine.score(c.reading, c.title, c.language)
        add(c, "viewpoint: engine", c.y[engine.viewpoint(c.reading, c.language).index])
        add(c, "viewpoint: first sentence", c.y[0])
        add(c, "viewpoint: oracle", c.y[c.mask].max())
        add(c, "brief: engine", score_case(c, weights(c.language)))
    for name, fitter in (("ridge", fit_ridge), ("listwise", fit_listwise)):
        for language in sorted({c.language for c in cases}):
            own = [c for c in cases if c.language == language]
            held = [
                ([c for c in own if c.fold != f], [c for c in own if c.fold == f])
                for f in range(args.folds)
            ]
            held.append((own, [c for c in fixtures if c.language == language]))
            for train, test in held:
                model = fitter(train)
                for c in test:
                    pick = int(np.argmax(np.where(c.mask, model(c.x), -np.inf)))
                    add(c, f"viewpoint: {name}", c.y[pick])
                    add(c, f"brief: {name}", learned_brief(c, model))
    for name, table in rows.items():
        print(name)
        for key, values in table.items():
            if key.startswith("viewpoint"):
                print(f"  {key:28} {100 * mean(values):5.1f}")
            else:
                means = " / ".join(f"{100 * mean(v[i] for v in values):.1f}" for i in range(3))
                print(f"  {key:28} {means}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
