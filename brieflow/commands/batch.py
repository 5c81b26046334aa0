"""`brieflow batch SOURCE… --db PATH`: brief many articles into the store, resumably."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import InputError
from ._common import (
    add_engine_flags,
    add_input_flags,
    brief_options,
    engine_settings,
    read_stdin_if_needed,
)
from ._store import add_db_flag, at_least_one, open_store

if TYPE_CHECKING:
    from ..batch import Executor, Progress

HELP = """\
Each SOURCE is a file (text, Markdown, HTML, JSON, JSON Lines, RSS/Atom), a folder (read
recursively), a glob, a URL, - for standard input, or a list of sources: @FILE, a .urls or .list
file, or a .txt file in which every non-blank line is a URL (one source per line, # comments).

Every article is stored once (its id is a hash of its text) and briefed once per engine, version
and options: run the same command again after a crash or Ctrl-C and only the rest is done.
Near-duplicates (the same story re-edited by another portal) are linked to the original and not
briefed unless --force.

examples:
  brieflow batch news/ --db desk.db
  brieflow batch feeds.urls --db desk.db --concurrency 2
  brieflow batch archive.jsonl --db desk.db --engine llm --concurrency 8
  brieflow batch archive.jsonl --db desk.db --executor ray --ray-address head:6379
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="brief many articles into the database (resumable)",
        description="Brief every article in the sources into the database, with a progress bar, "
        "per-item errors and resume.",
        epilog=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="file, folder, glob, URL, list or -"
    )
    add_db_flag(p)
    add_engine_flags(p)
    add_input_flags(p)
    p.add_argument(
        "-j",
        "--concurrency",
        type=at_least_one,
        default=None,
        metavar="N",
        help="briefs at once (default: the CPU count for extractive, 4 for llm)",
    )
    p.add_argument("--force", action="store_true", help="brief near-duplicates too")
    p.add_argument(
        "--executor",
        choices=["local", "ray"],
        default="local",
        help="where briefs run: local processes (default) or a Ray cluster "
        '(pip install "brieflow[ray]")',
    )
    p.add_argument(
        "--ray-address",
        metavar="ADDRESS",
        default=None,
        help="the Ray cluster's head, host:port or auto (default: $RAY_ADDRESS, else a new "
        "local cluster)",
    )
    p.add_argument(
        "--progress",
        choices=["auto", "bar", "lines", "none"],
        default="auto",
        help="progress display (auto: a bar on a terminal, else a line every 10 s)",
    )
    p.set_defaults(func=run)


def _format_eta(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}"


def _line(p: Progress) -> str:
    elapsed = max(time.monotonic() - p.started, 1e-9)
    rate = p.done / elapsed
    total = max(p.total or 0, p.seen)
    eta = f", ETA {_format_eta((total - p.done) / rate)}" if rate > 0 and p.total else ""
    of = f"/{total}" if p.total else ""
    return (
        f"brieflow: {p.done}{of} items ({p.briefed} briefed, {p.skipped} skipped, "
        f"{p.duplicates} duplicates, {p.failed} failed), {rate:.1f}/s{eta}"
    )


class _Display:
    """A rich progress bar on a terminal, plain lines otherwise (logs, CI, pipes)."""

    def __init__(self, mode: str):
        if mode == "auto":
            mode = "bar" if sys.stderr.isatty() else "lines"
        self.mode = mode
        self._last = 0.0
        self._first = True
        self._bar = None
        self._latest: Progress | None = None
        if mode == "bar":
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import (
                Progress as Bar,
            )

            self._bar = Bar(
                TextColumn("[bold]brief"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}/s"),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[detail]}"),
                console=Console(stderr=True),
                transient=False,
            )
            self._task = self._bar.add_task("brief", total=None, rate="0.0", detail="")
            self._bar.start()

    def update(self, p: Progress) -> None:
        self._latest = p
        now = time.monotonic()
        if self._bar is not None:
            if now - self._last < 0.1:
                return
            self._last = now
            elapsed = max(now - p.started, 1e-9)
            total = max(p.total, p.seen) if p.total else None
            self._bar.update(
                self._task,
                completed=p.done,
                total=total,
                rate=f"{p.done / elapsed:.1f}",
                detail=f"{p.skipped} skipped · {p.duplicates} dup · {p.failed} failed",
            )
        elif self.mode == "lines" and (self._first or now - self._last >= 10.0):
            self._first = False
            self._last = now
            print(_line(p), file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            if self._latest is not None:
                self._last = 0.0
                self.update(self._latest)
            self._bar.stop()


def _executor(args: argparse.Namespace) -> Executor | None:
    """None (local processes or threads) unless --executor ray; then --concurrency is the
    cluster-wide cap on llm calls at once and, for extractive, the tasks in flight."""
    if args.executor != "ray":
        if args.ray_address:
            raise InputError("--ray-address needs --executor ray")
        return None
    from ..batch_ray import RayExecutor, import_ray

    import_ray()  # a missing Ray is one clear error before any work
    n = args.concurrency
    return RayExecutor(args.ray_address, llm_limit=n or 4, window=n)


def run(args: argparse.Namespace) -> int:
    from ..batch import run_batch

    settings = engine_settings(args, db="db")
    options = brief_options(args, settings)
    stdin = read_stdin_if_needed(args.sources, settings)
    executor = _executor(args)
    display = _Display(args.progress)
    update: Callable[[Progress], None] = display.update
    with open_store(args, create=True) as store:
        try:
            result = run_batch(
                args.sources,
                store,
                engine=settings.engine,
                options=options,
                settings=settings,
                concurrency=args.concurrency,
                executor=executor,
                force=args.force,
                fmt=args.input_format,
                stdin=stdin,
                on_progress=update,
            )
        finally:
            display.close()
    p = result.progress
    for line in result.warnings:
        print(f"brieflow: warning: {line}", file=sys.stderr)
    for line in result.failures:
        print(f"brieflow: error: {line}", file=sys.stderr)
    if p.failed > len(result.failures):
        print(
            f"brieflow: … and {p.failed - len(result.failures)} more failures "
            f"(see the failures table of run {result.run})",
            file=sys.stderr,
        )
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(result.failure_kinds.items()))
    rate = p.done / result.seconds if result.seconds > 0 else 0.0
    print(
        f"brieflow: run {result.run}: {p.seen} items, {p.briefed} briefed, {p.skipped} already "
        f"briefed, {p.duplicates} duplicates, {p.failed} failed{f' ({kinds})' if kinds else ''} "
        f"in {result.seconds:.1f} s ({rate:.1f}/s) → {store.path}",
        file=sys.stderr,
    )
    if p.failed and not (p.briefed or p.skipped or p.duplicates):
        return 3
    return 1 if p.failed else 0
