"""Pathological inputs at 1x and 10x size: CPU time of the whole path, and how it grows.

    python bench/adversarial.py [--cases NAME,...] [--scale 1] [--timeout 120] [--write]

Every case is an input that once took quadratic or cubic time (issue 13): a regex that
backtracks over a long run, a string rebuilt at every line, a parser that rescans. Each runs
the path `brieflow brief` runs — extract, the extractive engine with its checks, and every
renderer — in a fresh process, once at its 1x size and once at 10x, timing the process's CPU
time (time the busy machine gives to other work is not charged). Linear growth shows as a
ratio near 10; quadratic growth would show about 100, cubic about 1000. A run over --timeout
seconds is reported as such. `--scale` multiplies both sizes (0.1 for a quick look).
`--write` puts the table into docs/benchmarks.md with the command that made it.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _report import replace_section, revision  # noqa: E402

HEADING = "## Pathological inputs (linear time)"


def _laiyuan(n: int) -> tuple[bytes, str]:
    return ("<html><body><div>来源" + " " * n + "x,</div></body></html>").encode(), "html"


def _en_marks(mark: str) -> Callable[[int], tuple[bytes, str]]:
    def make(n: int) -> tuple[bytes, str]:
        text = "The market rose again today. Traders said so " + mark * n + "x and more."
        return text.encode(), "text"

    return make


def _md(unit: str) -> Callable[[int], tuple[bytes, str]]:
    return lambda n: (("# Title\n\nFirst words. " + unit * n).encode(), "markdown")


def _lines(n: int) -> tuple[bytes, str]:
    body = "\n".join(f"line {i} of the block" for i in range(n))
    return f"A title\n\nFirst paragraph.\n\n{body}\n\nLast paragraph.".encode(), "text"


def _zh_commas(n: int) -> tuple[bytes, str]:
    return ("中国经济持续增长，记者表示" + "，" * n + "增长").encode(), "text"


def _p_tags(n: int) -> tuple[bytes, str]:
    return ("<html><body>" + "<p>" * n + "text</body></html>").encode(), "html"


# name → (what it is, 1x size, make(size) → (bytes, format))
CASES: dict[str, tuple[str, int, Callable[[int], tuple[bytes, str]]]] = {
    "html-laiyuan-spaces": ("`<div>来源` + N spaces + `x,</div>`", 3_200, _laiyuan),
    "en-exclamations": ("English with N `!` in a row", 40_000, _en_marks("!")),
    "en-full-stops": ("English with N `.` in a row", 40_000, _en_marks(".")),
    "md-star-a": ("Markdown `*a ` x N", 40_000, _md("*a ")),
    "md-brackets": ("Markdown `[` x N", 40_000, _md("[")),
    "text-short-lines": ("a text block of N short lines", 40_000, _lines),
    "zh-commas": ("Chinese with N `，` in a row", 40_000, _zh_commas),
    "html-p-tags": ("N unclosed `<p>`", 100_000, _p_tags),
}


def run_case(name: str, size: int) -> None:
    """The whole `brieflow brief` path on one case: extract, brief (with checks), render."""
    from brieflow.extract import extract
    from brieflow.pipeline import brief, with_language
    from brieflow.render import FORMATS, get_renderer

    data, fmt = CASES[name][2](size)
    for item in extract(data, name, fmt):
        if item.article is None:
            continue
        article = with_language(item).article
        result = brief(article)
        for f in FORMATS:
            get_renderer(f).render_many([(result, article)])


def _timed(name: str, size: int, queue) -> None:  # noqa: ANN001 - a multiprocessing queue
    from brieflow.errors import BrieflowError

    run_case(name, 10)  # warm-up: imports, the segmenter's dictionary
    start = time.process_time()
    outcome = "ok"
    try:
        run_case(name, size)
    except BrieflowError as exc:
        outcome = type(exc).__name__
    queue.put((time.process_time() - start, outcome))


def measure(name: str, size: int, timeout: float) -> tuple[float | None, str]:
    """CPU seconds of one case in a fresh process, or None past `timeout` (wall) seconds."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_timed, args=(name, size, queue))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None, f"over {timeout:g} s"
    if queue.empty():
        return None, f"crashed (exit {proc.exitcode})"
    return queue.get()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated case names")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply both sizes")
    ap.add_argument("--timeout", type=float, default=120.0, help="wall seconds per run")
    ap.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = ap.parse_args()
    names = [c for c in args.cases.split(",") if c]
    rows = [
        "| input | 1x size | 1x CPU s | 10x CPU s | ratio 10x/1x |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name in names:
        what, base, _ = CASES[name]
        size = max(1, int(base * args.scale))
        small, note_small = measure(name, size, args.timeout)
        large, note_large = measure(name, size * 10, args.timeout)
        ratio = f"{large / small:.1f}" if small and large else "-"
        cells = [
            f"{small:.2f}" if small is not None else note_small,
            f"{large:.2f}" if large is not None else note_large,
        ]
        row = f"| {what} | {size:,} | {cells[0]} | {cells[1]} | {ratio} |"
        rows.append(row)
        print(row, flush=True)
    if args.write:
        body = (
            f"`python bench/adversarial.py --write` — measured at {revision()}, "
            f"{time.strftime('%Y-%m-%d')}. CPU time of the whole `brieflow brief` path (extract, "
            "extractive engine with checks, every renderer) in a fresh process per run. Linear "
            "growth is a ratio near 10 (quadratic would be about 100); tiny times make the "
            "ratio noisy.\n\n" + "\n".join(rows)
        )
        replace_section("adversarial", body, HEADING)


if __name__ == "__main__":
    main()
