"""`brieflow watch SOURCES…`: poll feeds and URL lists, store and brief new articles, update
stories; a status line after each poll; Ctrl-C stops cleanly between two writes."""

from __future__ import annotations

import argparse
import re
import sys

from ..errors import InputError
from ._common import add_engine_flags, brief_options, engine_settings
from ._store import add_db_flag

EPILOG = """\
examples:
  brieflow watch feeds.urls --db desk.db                  poll every 15 minutes until Ctrl-C
  brieflow watch https://example.com/rss --db desk.db --every 5m
  brieflow watch feeds.urls --db desk.db --once           one poll, for cron
"""

_EVERY = re.compile(r"^(\d+(?:\.\d+)?)\s*([smh]?)$")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "watch",
        help="poll feeds and URL lists; store, brief and group new articles into stories",
        description="Poll feeds, pages and URL lists (.urls, @FILE), store and brief the new "
        "articles, and put them into stories. Conditional GET (ETag / Last-Modified); a "
        "failing source backs off (the interval doubles with each error in a row).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="feed or page URL, list, path")
    add_db_flag(p)
    p.add_argument("--every", default="15m", metavar="DURATION", help="poll interval (15m)")
    p.add_argument("--once", action="store_true", help="poll once and exit (for cron)")
    add_engine_flags(p)
    p.set_defaults(func=run)


def seconds(text: str) -> float:
    m = _EVERY.match(text.strip())
    if not m or float(m.group(1)) <= 0:
        raise InputError(f"--every {text!r} is not a duration", hint="write 90s, 15m or 1h")
    return float(m.group(1)) * {"": 60, "s": 1, "m": 60, "h": 3600}[m.group(2)]


def run(args: argparse.Namespace) -> int:
    from ..batch import expand_sources
    from ..store.open import open_store
    from ..watch import Watcher

    settings = engine_settings(args, db="db")
    every = seconds(args.every)
    sources = list(expand_sources(args.sources))
    with open_store(settings.db or settings.db_path) as store:
        watcher = Watcher(
            store,
            sources,
            every=every,
            engine=settings.engine,
            options=brief_options(args, settings),
            settings=settings,
        )

        def show(result) -> None:
            for s in result.sources:
                if s.failed:
                    print(f"brieflow: {s.source}: {s.status}", file=sys.stderr)
            print(result.status_line(), flush=True)

        try:
            result = watcher.run(once=args.once, on_poll=show)
        except KeyboardInterrupt:
            print("brieflow: watch stopped", file=sys.stderr)
            return 0
    return 1 if any(s.failed for s in result.sources) else 0
