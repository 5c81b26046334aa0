"""Quality on every dev set: brieflow beside Lead, sumy and the oracle, written to
docs/benchmarks.md (section `quality`).

    python bench/quality.py [EVAL_DIR] [--sets GLOB] [--no-write] [--json-dir DIR]
    python bench/quality.py --structure-only     # only the structure section (seconds)

EVAL_DIR defaults to ../shared/data/eval (next to the repository). Each set is scored by the
same code as `brieflow eval`; a cross-check recomputes the Lead figures with the rouge-score
package (its own tokenizer and stemmer for English; a plain Han-character tokenizer for
Chinese) and prints the difference, which must stay under one point.

A second section, `structure`, measures the engine's viewpoints, titles and grouping against the
reference briefs of bench/data/reference_briefs.jsonl (brieflow.evaluate.structure), beside the
previous engine's figures saved in bench/data/structure-engine-0.3.0.json (written by this
script's `--structure-json` on engine 0.3.0) and the Lead viewpoint (the first sentence).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _report import ROOT, default_eval_dir, replace_section, revision  # noqa: E402

from brieflow.engines import BriefOptions, Engine, get_engine  # noqa: E402
from brieflow.errors import BrieflowError  # noqa: E402
from brieflow.evaluate.baselines import article_sentences  # noqa: E402
from brieflow.evaluate.datasets import EvalItem, load_dataset, reference_sentences  # noqa: E402
from brieflow.evaluate.metrics import text_length, truncate_text  # noqa: E402
from brieflow.evaluate.run import evaluate  # noqa: E402
from brieflow.evaluate.structure import (  # noqa: E402
    ReferenceBrief,
    load_reference_briefs,
    score_rows,
    summarize,
)
from brieflow.models import Brief  # noqa: E402
from brieflow.pipeline import brief as make_brief  # noqa: E402

HEADING = "## Quality (ROUGE against human summaries)"
STRUCTURE_HEADING = "## Structure (viewpoint, titles, grouping against reference briefs)"
REFERENCES = ROOT / "bench" / "data" / "reference_briefs.jsonl"
PREVIOUS = ROOT / "bench" / "data" / "structure-engine-0.3.0.json"


class _HanTokenizer:
    def tokenize(self, text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+|[\u4e00-\u9fff]", text.lower())


def lead_cross_check(items: list[EvalItem]) -> dict[str, float]:
    """Lead (reference-length protocol) F1 ×100 by rouge-score, independent of our metrics."""
    from rouge_score import rouge_scorer

    keys = ("rouge1", "rouge2", "rougeLsum")
    scorers = {
        "en": rouge_scorer.RougeScorer(list(keys), use_stemmer=True),
        "zh": rouge_scorer.RougeScorer(list(keys), tokenizer=_HanTokenizer()),
    }
    totals = dict.fromkeys(keys, 0.0)
    for item in items:
        sentences = [s for _, s in article_sentences(item.article)]
        summary = item.references[0]
        lead = truncate_text(sentences, text_length(summary, item.language), item.language)
        ref = "\n".join(reference_sentences(summary, item.language))
        scores = scorers["zh" if item.language == "zh" else "en"].score(ref, "\n".join(lead))
        for key in keys:
            totals[key] += scores[key].fmeasure
    return {k: round(100 * v / len(items), 2) for k, v in totals.items()}


def table(report: dict, check: dict[str, float]) -> str:
    unit = "characters" if report["languages"] == ["zh"] else "words"
    lines = [
        f"**{report['dataset']}** — {report['articles']} articles, mean reference length "
        f"{report['reference_length']} {unit}",
        "",
        "| system | R1 | R2 | RL | full R1 | full R2 | full RL | full length | best-ref R1 "
        "| articles/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, s in report["systems"].items():
        full, best = s["full"], s.get("best_reference", {})
        label = f"**{name}**" if name == "brieflow" else name
        lines.append(
            f"| {label} | {s['rouge1_f1']:.1f} | {s['rouge2_f1']:.1f} | {s['rougeL_f1']:.1f} "
            f"| {full['rouge1_f1']:.1f} | {full['rouge2_f1']:.1f} | {full['rougeL_f1']:.1f} "
            f"| {full['length']:.0f} | {best.get('rouge1_f1', float('nan')):.1f} "
            f"| {s['articles_per_second']:.1f} |"
        )
    ours = report["systems"].get("brieflow")
    if ours is not None:
        lines.append("")
        lines.append(
            f"brieflow briefs: citations valid {ours['citation_validity']:.1%}, "
            f"{ours['groups']} groups and {ours['points']} points on average, "
            f"{ours['shape_ok']:.0%} with 2–4 groups of 2–4 points, "
            f"checks passed {ours['checks_passed']:.0%}, empty {ours['empty']:.0%}."
        )
    lead = report["systems"].get("lead")
    if lead is not None:
        diffs = [
            abs(lead["rouge1_f1"] - check["rouge1"]),
            abs(lead["rouge2_f1"] - check["rouge2"]),
            abs(lead["rougeL_f1"] - check["rougeLsum"]),
        ]
        lines.append(
            f"Lead cross-check with rouge-score: {check['rouge1']:.2f} / {check['rouge2']:.2f} / "
            f"{check['rougeLsum']:.2f} (largest difference {max(diffs):.2f})."
        )
    return "\n".join(lines)


def structure(
    paths: list[Path], references: list[ReferenceBrief], engine: Engine
) -> dict[str, dict]:
    """Structure measures per set (and pooled as "all") for the engine's briefs of the articles
    the reference briefs name."""
    rows_by_set: dict[str, list[dict]] = {}
    for path in paths:
        wanted = [r for r in references if r.set == path.stem]
        if not wanted:
            continue
        ids = {r.id for r in wanted}
        articles = {i.article.id: i.article for i in load_dataset(path) if i.article.id in ids}
        briefs: dict[str, Brief | None] = {}
        for article_id, article in articles.items():
            try:
                briefs[article_id] = make_brief(article, engine=engine, options=BriefOptions())
            except BrieflowError:
                briefs[article_id] = None
        rows_by_set[path.stem] = score_rows(wanted, articles, briefs)
    out = {name: summarize(rows) for name, rows in rows_by_set.items()}
    every = [row for rows in rows_by_set.values() for row in rows]
    if len(out) > 1:
        out["all"] = summarize(every)
    batches = sorted({row["batch"] for row in every})
    if len(batches) > 1:
        for batch in batches:
            out[f"all, batch {batch}"] = summarize([r for r in every if r["batch"] == batch])
    return out


def _f(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def structure_table(current: dict, label: str, previous: dict | None, previous_label: str) -> str:
    lines = [
        "| set (articles, one-paragraph) | system | viewpoint cites ref. paragraph % | same "
        "sentence % | same sentence, one-paragraph % | viewpoint R1 | viewpoint RL | title R1 "
        "| titles grounded % | briefs repeating a title % | grouping ARI |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, s in current.items():
        head = f"{name} ({s['articles']}, {s['one_paragraph']})"
        systems = [(f"**{label}**", s)]
        if previous and name in previous:
            systems.append((previous_label, previous[name]))
        for system, r in systems:
            v = r["viewpoint"] or {}
            lines.append(
                f"| {head or ' '} | {system} | {_f(v.get('paragraph'))} | {_f(v.get('sentence'))} "
                f"| {_f(v.get('sentence_one_paragraph'))} | {_f(v.get('rouge1'))} "
                f"| {_f(v.get('rougeL'))} | {_f(r['titles_rouge1'])} | {_f(r['titles_grounded'])} "
                f"| {_f(r['titles_repeated'])} | {_f(r['ari'], 3)} |"
            )
            head = ""
        lead = s["lead_viewpoint"]
        lines.append(
            f"|   | Lead (first sentence) | {_f(lead['paragraph'])} | {_f(lead['sentence'])} "
            f"| {_f(lead['sentence_one_paragraph'])} | {_f(lead['rouge1'])} "
            f"| {_f(lead['rougeL'])} | | | | |"
        )
    reference_grounded = current.get("all", next(iter(current.values())))
    return "\n".join(lines) + (
        "\n\nThe reference titles themselves are grounded in their units' words "
        f"{_f(reference_grounded['reference_titles_grounded'])}% of the time (all sets): an "
        "editor names the theme rather than repeating a phrase, so a high grounded share is "
        "not the aim by itself; it guards against titles that name nothing in the group."
    )


def write_structure(
    paths: list[Path], args: argparse.Namespace, engine: Engine, write: bool
) -> dict[str, dict]:
    references = load_reference_briefs(args.reference_briefs)
    current = structure(paths, references, engine)
    if args.structure_json:
        args.structure_json.write_text(
            json.dumps(
                {
                    "engine": engine.name,
                    "version": engine.version,
                    "commit": revision(),
                    "sets": current,
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n",
            "utf-8",
        )
    previous = None
    previous_label = ""
    if args.previous and args.previous.exists():
        saved = json.loads(args.previous.read_text("utf-8"))
        previous = saved["sets"]
        previous_label = (
            f"{saved['engine']} {saved['version']} (previous, {saved.get('commit', '?')})"
        )
    label = f"brieflow {engine.name} {engine.version} (this commit)"
    table = structure_table(current, label, previous, previous_label)
    print(table + "\n")
    body = "\n\n".join(
        [
            f"`python bench/quality.py --structure-only` (commit {revision()}; per set: "
            "`brieflow eval ../shared/data/eval/SET.jsonl --reference-briefs "
            "bench/data/reference_briefs.jsonl`). Our briefs against reference briefs an "
            f"editor wrote for {sum(1 for _ in load_reference_briefs(args.reference_briefs))} "
            "dev-set articles (bench/data/reference_briefs.jsonl: sentence positions, no "
            "article text; the selection rule and every measure: docs/evaluation.md). "
            "Viewpoint: share citing the reference viewpoint's paragraph, share on the very "
            "sentence (all articles; one-paragraph articles only), ROUGE-1/ROUGE-L F1 ×100 "
            "against the reference sentence; Lead = the article's first sentence. Titles: "
            "ROUGE-1 F1 ×100 against the reference titles under the best one-to-one pairing; "
            "share whose content words all occur in their own group's points; share of briefs "
            "where two groups share a title. Grouping: adjusted Rand index of the sentence "
            "partition (each article sentence takes the theme of the nearest grouped sentence), "
            "mean over articles.",
            table,
        ]
    )
    if write:
        replace_section("structure", body, STRUCTURE_HEADING)
        print("quality: wrote the structure section of docs/benchmarks.md", file=sys.stderr)
    return current


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("eval_dir", nargs="?", type=Path, default=default_eval_dir())
    parser.add_argument("--sets", default="*-dev.jsonl", help="file pattern inside EVAL_DIR")
    parser.add_argument("--engine", default="extractive")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--json-dir", type=Path, help="also write each set's report here")
    parser.add_argument(
        "--reference-briefs",
        type=Path,
        default=REFERENCES,
        help="reference briefs for the structure section",
    )
    parser.add_argument(
        "--structure-only", action="store_true", help="only the structure section (fast)"
    )
    parser.add_argument(
        "--structure-json", type=Path, help="save the structure figures here (per set)"
    )
    parser.add_argument(
        "--previous",
        type=Path,
        default=PREVIOUS,
        help="saved structure figures of the previous engine, shown beside the current ones",
    )
    args = parser.parse_args(argv)
    paths = sorted(args.eval_dir.glob(args.sets))
    if not paths:
        print(f"quality: no {args.sets} in {args.eval_dir}", file=sys.stderr)
        return 3
    engine = get_engine(args.engine)
    write_structure(paths, args, engine, not args.no_write)
    if args.structure_only:
        return 0
    parts = []
    worst = 0.0
    for path in paths:
        print(f"quality: {path.name}…", file=sys.stderr)
        items = load_dataset(path)
        report = evaluate(items, engine=engine, dataset=path.stem)
        check = lead_cross_check(items)
        lead = report["systems"]["lead"]
        worst = max(
            worst,
            abs(lead["rouge1_f1"] - check["rouge1"]),
            abs(lead["rougeL_f1"] - check["rougeLsum"]),
        )
        if args.json_dir:
            args.json_dir.mkdir(parents=True, exist_ok=True)
            out = args.json_dir / f"{path.stem}.json"
            out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
        parts.append(table(report, check))
        print(parts[-1] + "\n")
    body = "\n\n".join(
        [
            f"`python bench/quality.py` (engine `{args.engine}`, commit {revision()}; the same "
            "numbers per set: `brieflow eval ../shared/data/eval/SET.jsonl`). ROUGE F1 ×100 "
            "against `summary`, mean over articles. R1/R2/RL: reference-length protocol (each "
            "system's sentences in reading order cut to the reference's length, words for "
            "English, characters for Chinese). full: outputs uncut (the whole brief; Lead-3; "
            "sumy's top 3; the oracle's free pick), with their mean length. best-ref: max over "
            "`summary` and `alt_summaries`. Tokens: English rouge-score words with Porter "
            "stemming; Chinese characters and Latin/digit runs. articles/s is noisy on a "
            "shared machine; see Speed for a controlled comparison. Protocol: "
            "docs/evaluation.md.",
            *parts,
        ]
    )
    if not args.no_write:
        replace_section("quality", body, HEADING)
        print("quality: wrote docs/benchmarks.md", file=sys.stderr)
    if worst >= 1.0:
        print(f"quality: Lead differs from rouge-score by {worst:.2f} points", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
