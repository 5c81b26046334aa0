"""`brieflow brief SOURCE…`: print or write a brief for every article in the sources."""

from __future__ import annotations

import argparse

from ..errors import BrieflowError
from ..render import FORMATS, get_renderer
from ._common import (
    add_engine_flags,
    add_input_flags,
    brief_options,
    engine_settings,
    read_stdin_if_needed,
    report_failures,
    report_warning,
    write_output,
)

HELP = """\
Each SOURCE is a file (text, Markdown, HTML, JSON, JSON Lines, RSS/Atom), a folder, a glob,
a URL, or - for standard input. Every article found becomes one brief, in input order.

examples:
  brieflow brief examples/zh-battery-prices.txt
  brieflow brief examples/en-chip-export.txt --format markdown
  brieflow brief articles.jsonl --format jsonl -o briefs.jsonl
  brieflow brief https://example.com/news/1.html --format json

When some items fail (a bad JSON line, an empty article) the others are still written; each
failure is one line on stderr and the exit code is 1.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "brief",
        help="brief articles (the main job)",
        description="Brief articles: a core viewpoint and 2-4 themed groups of key points, "
        "each citing the source paragraphs it comes from.",
        epilog=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="file, folder, glob, URL or -")
    p.add_argument(
        "-f",
        "--format",
        choices=FORMATS,
        default=None,
        help="output layout (default: text, the seed's layout)",
    )
    p.add_argument(
        "-o", "--output", metavar="PATH", help="write here (atomically) instead of stdout"
    )
    add_engine_flags(p)
    add_input_flags(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..engines import get_engine
    from ..pipeline import brief, items

    settings = engine_settings(args, format="format")
    renderer = get_renderer(settings.format)
    engine = get_engine(settings.engine, settings)
    options = brief_options(args, settings)
    stdin = read_stdin_if_needed(args.sources, settings)
    parts: list[tuple] = []
    failures: list[BrieflowError] = []
    total = 0
    for item in items(args.sources, fmt=args.input_format, stdin=stdin, settings=settings):
        total += 1
        report_warning(item.origin, item.warning)
        if item.error is not None:
            failures.append(item.error)
            continue
        assert item.article is not None
        try:
            result = brief(item.article, engine=engine, options=options)
        except BrieflowError as exc:
            if exc.source in (None, item.article.id):  # the input's place says more
                exc.source = item.origin
            failures.append(exc)
            continue
        parts.append((result, item.article))
    if not parts and len(failures) == 1:
        raise failures[0]
    if parts:
        write_output(renderer.render_many(parts), args.output)
    report_failures([f.line() for f in failures], total)
    if not parts:
        return failures[0].exit_code if failures else 3
    return 1 if failures else 0
