"""`brieflow eval DATA.jsonl`: score our engine beside Lead, sumy and an oracle with ROUGE."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..engines import BriefOptions, get_engine
from ..errors import BrieflowError, ConfigError
from ._common import report_failures, settings_from, write_output

HELP = """\
DATA is JSON Lines: one article a line with its reference summary, e.g.
  {"id": "a1", "lang": "en", "paragraphs": ["...", "..."], "summary": "...",
   "alt_summaries": ["..."]}

Scores are ROUGE-1, ROUGE-2 and ROUGE-L (summary-level) F1 ×100 against `summary`:
English words with Porter stemming, Chinese characters and Latin/digit runs. The headline
protocol cuts every system's sentences to the reference's length; `full` scores outputs uncut.
With --reference-briefs, the engine's briefs are also measured against reference briefs
written by an editor (sentence positions, no article text; bench/data/reference_briefs.jsonl):
the share of viewpoints citing the reference viewpoint's paragraph (and, for one-paragraph
articles, the same sentence), the viewpoint's ROUGE against that sentence beside the Lead's
first sentence, the titles' ROUGE-1 against the reference titles, how many titles are grounded
in their own points and how many briefs repeat a title, and the adjusted Rand index of the
sentence grouping. See docs/evaluation.md.

examples:
  brieflow eval ../shared/data/eval/en-en-news-dev.jsonl
  brieflow eval dev.jsonl --baselines lead,lexrank --json report.json
  brieflow eval dev.jsonl --engine none            baselines only
  brieflow eval dev.jsonl --reference-briefs bench/data/reference_briefs.jsonl
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval",
        help="measure an engine against Lead, sumy and an oracle (ROUGE)",
        description="Score an engine's briefs and the baselines against reference summaries.",
        epilog=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("data", metavar="DATA.jsonl", help="articles with reference summaries")
    p.add_argument(
        "-e",
        "--engine",
        default=None,
        metavar="NAME",
        help="engine scored as `brieflow`: extractive, llm, a plugin's, or none "
        "(default: extractive)",
    )
    p.add_argument(
        "--baselines",
        default=None,
        metavar="LIST",
        help="comma-separated from lead,lexrank,textrank,lsa,oracle, or none (default: all)",
    )
    p.add_argument("--json", metavar="PATH", help="also write the full report as JSON here")
    p.add_argument(
        "--details",
        metavar="PATH",
        help="write JSON Lines with every system's score and cut output per article",
    )
    p.add_argument(
        "--reference-briefs",
        metavar="FILE",
        help="also measure viewpoints, titles and grouping against these reference briefs "
        "(JSON Lines; the articles of DATA they name by id)",
    )
    p.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N articles")
    p.add_argument(
        "--summary-only",
        action="store_true",
        help="skip the best-of-references scores (faster on sets with many references)",
    )
    p.add_argument("--base-url", help="llm engine: OpenAI-compatible base URL")
    p.add_argument("--model", help="llm engine: model name")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..evaluate.datasets import load_dataset
    from ..evaluate.run import evaluate, format_table, parse_baselines
    from ..evaluate.structure import load_reference_briefs

    settings = settings_from(args, engine="engine", llm_base_url="base_url", llm_model="model")
    baselines = parse_baselines(args.baselines)
    engine = None if settings.engine.lower() == "none" else get_engine(settings.engine, settings)
    if engine is None and not baselines:
        raise ConfigError(
            "nothing to evaluate", source="brieflow eval", hint="give --engine or --baselines"
        )
    references = load_reference_briefs(args.reference_briefs) if args.reference_briefs else None
    failures: list[BrieflowError] = []
    items = load_dataset(args.data, failures=failures)
    report_failures([f.line() for f in failures], len(items) + len(failures))
    if args.limit is not None:
        items = items[: max(args.limit, 1)]
    details: list[dict] | None = [] if args.details else None
    report = evaluate(
        items,
        engine=engine,
        options=BriefOptions(),
        baselines=baselines,
        best_reference=not args.summary_only,
        dataset=Path(args.data).stem,
        progress=lambda name: print(f"brieflow: eval: {name}…", file=sys.stderr),
        details=details,
        references=references,
    )
    if args.details:
        lines = (json.dumps(d, ensure_ascii=False) + "\n" for d in details or [])
        write_output("".join(lines), args.details)
    if args.json:
        write_output(json.dumps(report, ensure_ascii=False, indent=2) + "\n", args.json)
    write_output(format_table(report), None)
    return 1 if failures else 0
