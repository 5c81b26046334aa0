"""The eval gate: pinned floors per set, system and metric that a change may not go below.

The floors live in tests/eval_floors.json and are checked by tests/test_eval_gate.py on the
fixture sets in tests/fixtures/eval/ (articles and summaries written for brieflow, so the gate
runs offline in CI). To move the floors:

    python -m brieflow.evaluate.gate --update                 # raise floors to today's scores
    python -m brieflow.evaluate.gate --update --allow-lower   # also lower them (say why in review)

and commit tests/eval_floors.json with the change that moved them; the diff is the review.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FLOORS = ROOT / "tests" / "eval_floors.json"
FIXTURES = ROOT / "tests" / "fixtures" / "eval"
GATED = ("rouge1_f1", "rouge2_f1", "rougeL_f1")
GATED_FULL = ("rouge1_f1", "rouge2_f1", "rougeL_f1")
GATED_BRIEF = ("citation_validity",)


def run_fixtures(fixtures: Path = FIXTURES) -> dict[str, dict[str, Any]]:
    """The eval report of every fixture set: the extractive engine and every baseline."""
    from ..engines import get_engine
    from .datasets import load_dataset
    from .run import evaluate

    engine = get_engine("extractive")
    reports = {}
    for path in sorted(fixtures.glob("*.jsonl")):
        reports[path.stem] = evaluate(load_dataset(path), engine=engine, dataset=path.stem)
    return reports


def observed(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The gated numbers of one report: {system: {metric: value}}."""
    out: dict[str, dict[str, float]] = {}
    for name, system in report["systems"].items():
        values = {m: system[m] for m in GATED}
        values.update({f"full.{m}": system["full"][m] for m in GATED_FULL})
        for m in GATED_BRIEF:
            if system.get(m) is not None:
                values[m] = system[m]
        out[name] = values
    return out


def check(reports: dict[str, dict[str, Any]], floors: dict[str, Any]) -> list[str]:
    """One line per floor that today's scores fall below (or that no longer exists)."""
    problems = []
    for set_name, systems in floors["sets"].items():
        if set_name not in reports:
            problems.append(f"{set_name}: fixture set missing")
            continue
        seen = observed(reports[set_name])
        for system, metrics in systems.items():
            for metric, floor in metrics.items():
                value = seen.get(system, {}).get(metric)
                if value is None:
                    problems.append(f"{set_name} {system} {metric}: not measured")
                elif value < floor:
                    problems.append(f"{set_name} {system} {metric}: {value} < floor {floor}")
    return problems


def updated(
    reports: dict[str, dict[str, Any]], floors: dict[str, Any], allow_lower: bool
) -> dict[str, Any]:
    """Floors moved to today's scores (rounded down to 0.01); lowered only if allowed."""
    sets: dict[str, Any] = {}
    for set_name, report in reports.items():
        old_set = floors.get("sets", {}).get(set_name, {})
        sets[set_name] = {}
        for system, metrics in observed(report).items():
            old = old_set.get(system, {})
            new = {}
            for metric, value in metrics.items():
                scale = 10_000 if metric in GATED_BRIEF else 100
                floor = math.floor(value * scale + 1e-9) / scale
                if metric in old and not allow_lower:
                    floor = max(floor, old[metric])
                new[metric] = floor
            sets[set_name][system] = new
    return {"about": floors.get("about", ABOUT), "sets": sets}


ABOUT = (
    "Floors for the eval gate (tests/test_eval_gate.py): ROUGE F1 x100 under the reference-length "
    "protocol and, under full.*, the uncut outputs, on tests/fixtures/eval/*.jsonl. Raise with "
    "`python -m brieflow.evaluate.gate --update`; lowering needs --allow-lower and a reason in "
    "review. See docs/evaluation.md."
)


def load_floors(path: Path = FLOORS) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m brieflow.evaluate.gate", description=__doc__)
    parser.add_argument("--update", action="store_true", help="write today's scores as floors")
    parser.add_argument("--allow-lower", action="store_true", help="let --update lower floors")
    args = parser.parse_args(argv)
    reports = run_fixtures()
    floors = load_floors() if FLOORS.exists() else {"sets": {}}
    if args.update:
        new = updated(reports, floors, args.allow_lower)
        FLOORS.write_text(json.dumps(new, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {FLOORS}")
        return 0
    problems = check(reports, floors)
    for line in problems:
        print(f"below floor: {line}", file=sys.stderr)
    print("eval gate: ok" if not problems else f"eval gate: {len(problems)} below floor")
    return 1 if problems else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
