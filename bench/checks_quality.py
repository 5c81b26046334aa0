"""How precise the checks are on realistic model output, and how many faults they stop.

Reads the realistic corpus (bench/data/realistic/, loaded by bench/realistic.py): briefs written
the way a competent model writes them, every statement faithful, plus faulty variants with one
labelled fault each. Two measures, each for the dev split and the three held-out splits
(heldout; heldout2, written after heldout had been looked at; heldout3, written blind, without
looking at the checks, while they were being changed):

- per check (range, support, numbers, language) on the model's brief as written: the share of
  faithful statements the check flags (false alarms) and the share of faulty statements it
  flags, per fault kind;
- end to end: a loopback OpenAI-compatible server answers brieflow's `llm` engine with the
  corpus brief (and answers the repair request with the same brief: a stubborn model), the
  engine runs with `on_fail = trim`, and we look at the shipped brief. A faithful statement is a
  false alarm when it is dropped, re-cited, or its brief refused; a fault is caught when the
  faulty statement does not reach the shipped brief unchanged (dropped, or the brief refused).
  A wrong citation re-cited to a paragraph that carries the statement is counted apart
  ("fixed"): the statement ships, rightly cited.

    PYTHONPATH=. python bench/checks_quality.py [--split SPLIT] [--write]

SPLIT is dev, heldout, heldout2, heldout3 or all (the default).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._report import replace_section, revision  # noqa: E402
from bench.realistic import KINDS, Case, Fault, faulty_answer, load_corpus  # noqa: E402
from brieflow.checks import run_checks  # noqa: E402
from brieflow.config import Settings  # noqa: E402
from brieflow.engines.answer import parse_answer  # noqa: E402
from brieflow.engines.base import BriefOptions  # noqa: E402
from brieflow.engines.llm import LLMEngine  # noqa: E402
from brieflow.errors import BrieflowError  # noqa: E402
from brieflow.models import Brief  # noqa: E402

COMMAND = "PYTHONPATH=. python bench/checks_quality.py --write"
CHECKS = ("range", "support", "numbers", "language")
SPLITS = ("dev", "heldout", "heldout2", "heldout3")


# -- the loopback model ----------------------------------------------------------------------


class StubbornModel:
    """An OpenAI-compatible server on loopback that answers every request with `answer`."""

    def __init__(self) -> None:
        self.answer = "{}"
        self.requests = 0
        model = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                model.requests += 1
                body = json.dumps(
                    {
                        "id": "bench",
                        "object": "chat.completion",
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": model.answer},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {"prompt_tokens": 0, "completion_tokens": 0},
                    },
                    ensure_ascii=False,
                ).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# -- addresses and outcomes ------------------------------------------------------------------


def where_of(statement: str | tuple[int, int]) -> str:
    """The corpus address as brieflow's Finding.where names it."""
    if statement == "core_viewpoint":
        return "viewpoint"
    g, p = statement  # type: ignore[misc]
    return f"group {g + 1} point {p + 1}"


def shipped_texts(brief: Brief | None) -> dict[str, tuple[int, ...]]:
    """Every statement text of the shipped brief with its citations (empty when refused)."""
    if brief is None:
        return {}
    return {st.text: st.citations for _, st in brief.statements()}


def fate(text: str, cites: tuple[int, ...], shipped: dict[str, tuple[int, ...]]) -> str:
    """kept | re-cited | dropped, for one statement of the answer."""
    key = " ".join(text.split())
    if key not in shipped:
        return "dropped"
    return "kept" if tuple(sorted(set(cites))) == shipped[key] else "re-cited"


@dataclass
class Tally:
    """Counts for one split."""

    statements: int = 0
    flagged: Counter = field(default_factory=Counter)  # check -> faithful statements flagged
    any_flag: int = 0
    e2e: Counter = field(default_factory=Counter)  # kept / re-cited / dropped
    refused_briefs: int = 0
    briefs: int = 0
    faults: Counter = field(default_factory=Counter)  # kind -> faults
    caught_by: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    caught_any: Counter = field(default_factory=Counter)
    e2e_caught: Counter = field(default_factory=Counter)  # kind -> caught end to end
    e2e_fixed: Counter = field(default_factory=Counter)  # wrong citations re-cited rightly
    alarms: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)


def findings_at(brief: Brief, case: Case) -> dict[str, set[str]]:
    report = run_checks(brief, case.article, CHECKS)
    out: dict[str, set[str]] = defaultdict(set)
    for f in report.findings:
        if f.severity == "error":
            out[f.where].add(f.check)
    return out


def ship(engine: LLMEngine, model: StubbornModel, answer: dict[str, Any], case: Case):
    """The brief the engine ships for `answer` (None when refused) and the refusal line."""
    model.answer = json.dumps(answer, ensure_ascii=False)
    try:
        return engine.brief(case.article, BriefOptions(language=case.language)), ""
    except BrieflowError as exc:
        return None, exc.line()


def parse(answer: dict[str, Any], case: Case) -> Brief:
    return parse_answer(
        json.dumps(answer, ensure_ascii=False), language=case.language, engine="llm", version="b"
    )


def measure(cases: list[Case], engine: LLMEngine, model: StubbornModel) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for case in cases:
        t = tallies[case.split]
        # faithful brief: per check, then end to end
        found = findings_at(parse(case.answer, case), case)
        shipped, refusal = ship(engine, model, case.answer, case)
        t.briefs += 1
        t.refused_briefs += shipped is None
        kept = shipped_texts(shipped)
        for addr, st in case.statements():
            where = where_of(addr)
            t.statements += 1
            for check in found.get(where, ()):
                t.flagged[check] += 1
            t.any_flag += bool(found.get(where))
            what = fate(st["text"], tuple(st["citations"]), kept)
            t.e2e[what] += 1
            if what != "kept":
                why = refusal or ",".join(sorted(found.get(where, ()))) or "?"
                t.alarms.append(f"{case.id} {where} {what} ({why}): {st['text'][:90]}")
        # each faulty variant
        for fault in case.faults:
            measure_fault(t, case, fault, engine, model)
    return tallies


def measure_fault(
    t: Tally, case: Case, fault: Fault, engine: LLMEngine, model: StubbornModel
) -> None:
    answer = faulty_answer(case.answer, fault)
    where = where_of(fault.statement)
    t.faults[fault.kind] += 1
    found = findings_at(parse(answer, case), case).get(where, set())
    for check in found:
        t.caught_by[fault.kind][check] += 1
    t.caught_any[fault.kind] += bool(found)
    shipped, _ = ship(engine, model, answer, case)
    what = fate(fault.text, fault.citations, shipped_texts(shipped))
    if what == "dropped":
        t.e2e_caught[fault.kind] += 1
    elif what == "re-cited" and fault.kind == "wrong_citation":
        faithful = dict(case.statements())[fault.statement]
        new = shipped_texts(shipped)[" ".join(fault.text.split())]
        if set(new) <= set(faithful["citations"]):
            t.e2e_caught[fault.kind] += 1
            t.e2e_fixed[fault.kind] += 1
        else:
            t.misses.append(f"{fault.fault_id} {fault.kind} re-cited to {list(new)}")
    else:
        t.misses.append(f"{fault.fault_id} {fault.kind} {what}: {fault.text[:90]}")


# -- the report ------------------------------------------------------------------------------


def pct(n: int, d: int) -> str:
    return f"{n / d:.1%}" if d else "—"


def table(name: str, t: Tally) -> list[str]:
    kinds = [k for k in KINDS if t.faults[k]]
    total = sum(t.faults.values())
    lines = [
        f"### {name}: {t.briefs} briefs, {t.statements} faithful statements, {total} faults",
        "",
        "Faithful statements (false alarms):",
        "",
        "| | flagged | dropped | re-cited |",
        "| --- | --- | --- | --- |",
    ]
    for check in CHECKS:
        lines.append(f"| {check} check | {pct(t.flagged[check], t.statements)} | | |")
    lines.append(f"| any check | {pct(t.any_flag, t.statements)} | | |")
    lost = t.e2e["dropped"] + t.e2e["re-cited"]
    lines.append(
        f"| **engine end to end** | | {pct(t.e2e['dropped'], t.statements)} | "
        f"{pct(t.e2e['re-cited'], t.statements)} |"
    )
    lines += [
        "",
        f"End to end: **{pct(lost, t.statements)}** of faithful statements lost or changed "
        f"({lost}/{t.statements}); {t.refused_briefs} of {t.briefs} faithful briefs refused.",
        "",
        "Faults caught (the faulty statement flagged by the check / kept out of the shipped "
        "brief end to end):",
        "",
        "| kind | faults | " + " | ".join(CHECKS) + " | any check | **end to end** |",
        "| --- | --- | " + " | ".join("---" for _ in CHECKS) + " | --- | --- |",
    ]
    for kind in kinds:
        n = t.faults[kind]
        cells = " | ".join(pct(t.caught_by[kind][c], n) for c in CHECKS)
        fixed = f" ({t.e2e_fixed[kind]} re-cited rightly)" if t.e2e_fixed[kind] else ""
        lines.append(
            f"| {kind} | {n} | {cells} | {pct(t.caught_any[kind], n)} | "
            f"**{pct(t.e2e_caught[kind], n)}**{fixed} |"
        )
    caught = sum(t.e2e_caught.values())
    anyc = sum(t.caught_any.values())
    cells = " | ".join(pct(sum(t.caught_by[k][c] for k in kinds), total) for c in CHECKS)
    lines.append(f"| **all** | {total} | {cells} | {pct(anyc, total)} | **{pct(caught, total)}** |")
    return lines


def report(tallies: dict[str, Tally], seconds: float, cases: int, rev: str) -> str:
    lines = [
        f"Command: `{COMMAND}` · revision {rev} · {cases} briefs of the realistic corpus "
        "(`bench/data/realistic/`, see its README) · "
        f"{seconds:.0f} s on {os.cpu_count()} busy cores.",
        "",
        "Per check: the check run on the model's brief as written. End to end: the brief served "
        "by a loopback OpenAI-compatible server to the `llm` engine (`on_fail = trim`; the "
        "repair request answered with the same brief), then the shipped brief compared with "
        "the answer. Target (issue 12): at most 2% of faithful statements lost or changed, at "
        "least 95% of faults caught overall and 90% of each kind.",
    ]
    for split in SPLITS:
        if split in tallies:
            lines += ["", *table(split, tallies[split])]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--verbose", action="store_true", help="list false alarms and misses")
    args = parser.parse_args()
    rev = revision()  # the code measured, before anything can change under the run
    cases = [c for c in load_corpus() if args.split in ("all", c.split)]
    model = StubbornModel()
    settings = Settings(llm_base_url=model.url, llm_model="bench", cache_dir="off", on_fail="trim")
    engine = LLMEngine(settings)
    start = time.perf_counter()
    try:
        tallies = measure(cases, engine, model)
    finally:
        engine.close()
        model.close()
    section = report(tallies, time.perf_counter() - start, len(cases), rev)
    print(section)
    if args.verbose:
        for split, t in tallies.items():
            print(f"\n{split} false alarms:", *t.alarms, sep="\n- ")
            print(f"\n{split} faults through:", *t.misses, sep="\n- ")
    if args.write:
        replace_section("checks", section, "## Checks")


if __name__ == "__main__":
    main()
