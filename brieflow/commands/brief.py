"""`brieflow brief SOURCE…`: print or write a brief for every article in the sources."""

from __future__ import annotations

import argparse

from ..engines import BriefOptions, engine_names, get_engine
from ..errors import BrieflowError
from ..extract import formats
from ..pipeline import brief, items
from ..render import FORMATS, get_renderer
from ._common import read_stdin_if_needed, report_failures, settings_from, write_output

HELP = """\
Each SOURCE is a file (text, Markdown, HTML, JSON, JSON Lines, RSS/Atom), a folder, a glob,
a URL, or - for standard input. Every article found becomes one brief, in input order.

examples:
  brieflow brief examples/zh-battery-prices.txt
  brieflow brief examples/en-chip-export.md --format markdown
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
    p.add_argument(
        "-e",
        "--engine",
        default=None,
        metavar="NAME",
        help=f"engine: {', '.join(engine_names())} (default: extractive, offline)",
    )
    p.add_argument(
        "-l",
        "--lang",
        choices=["zh", "en"],
        default=None,
        help="language of the brief (extractive: the article's own; llm: en)",
    )
    p.add_argument(
        "--input-format",
        choices=formats(),
        default=None,
        help="treat every SOURCE as this format instead of detecting it",
    )
    p.add_argument("--groups", type=int, default=4, metavar="N", help="at most N groups (2-4)")
    p.add_argument(
        "--points", type=int, default=4, metavar="N", help="at most N points a group (2-4)"
    )
    p.add_argument(
        "--base-url", help="llm engine: OpenAI-compatible base URL, e.g. http://localhost:11434/v1"
    )
    p.add_argument("--model", help="llm engine: model name")
    p.add_argument(
        "--on-fail",
        choices=["trim", "error"],
        default=None,
        help="llm engine: drop failing points (trim) or refuse the brief (error)",
    )
    p.add_argument(
        "--allow-private",
        dest="block_private",
        action="store_false",
        default=None,
        help=argparse.SUPPRESS,
    )
    p.add_argument(
        "--block-private",
        dest="block_private",
        action="store_true",
        help="refuse URLs that resolve to private, loopback or link-local addresses",
    )
    p.add_argument(
        "--no-fetch-links",
        dest="fetch_links",
        action="store_false",
        default=None,
        help="feeds: brief an item's teaser instead of fetching its link",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(
        args,
        engine="engine",
        language="lang",
        format="format",
        llm_base_url="base_url",
        llm_model="model",
        on_fail="on_fail",
        block_private="block_private",
        fetch_links="fetch_links",
    )
    renderer = get_renderer(settings.format)
    for name, value in (("--groups", args.groups), ("--points", args.points)):
        if not 1 <= value <= 4:
            raise BrieflowError(f"{name} must be between 1 and 4, got {value}")
    engine = get_engine(settings.engine, settings)
    options = BriefOptions(
        language=settings.language, max_groups=args.groups, max_points=args.points
    )
    stdin = read_stdin_if_needed(args.sources)
    parts: list[tuple] = []
    failures: list[BrieflowError] = []
    total = 0
    for item in items(args.sources, fmt=args.input_format, stdin=stdin, settings=settings):
        total += 1
        if item.error is not None:
            failures.append(item.error)
            continue
        assert item.article is not None
        try:
            result = brief(item.article, engine=engine, options=options)
        except BrieflowError as exc:
            exc.source = exc.source or item.origin
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
