"""The command line: a thin edge that parses flags, calls the library and maps errors to exit codes.

Exit codes: 0 ok · 1 some items failed (the others were written) · 2 usage · 3 bad input ·
4 engine · 5 check · 6 store · 7 config · 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from ._version import __version__
from .errors import BrieflowError, internal_error

# Each module in brieflow.commands adds one sub-command through `add_parser(subparsers)`.
COMMANDS = [
    "brief",
    "extract",
    "batch",
    "articles",
    "briefs",
    "stories",
    "digest",
    "watch",
    "eval",
    "serve",
    "tokens",
]

EPILOG = """\
examples:
  brieflow brief examples/en-chip-export.txt        brief one article (the seed's layout)
  brieflow brief article.html --format markdown     also: text, markdown, json, jsonl, html
  brieflow brief news.jsonl -f jsonl -o out.jsonl   one brief per input line
  cat article.txt | brieflow brief -                read standard input

exit codes: 0 ok, 1 some items failed, 2 usage, 3 bad input, 4 engine, 5 check, 6 store,
7 config, 130 interrupted. Run `brieflow COMMAND --help` for a command's options.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="brieflow",
        description="Turn Chinese and English news articles into briefs you can check: a core "
        "viewpoint and themed key points, each citing the source paragraphs it rests on.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"brieflow {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f".commands.{name}", __package__).add_parser(sub)
    return parser


def error_line(exc: BrieflowError) -> str:
    return f"brieflow: error: {exc.line()}"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrieflowError as exc:
        print(error_line(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("brieflow: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); say nothing more.
        sys.stderr.close()
        return 0
    except Exception as exc:
        # The net, not the fix: a bug is one line asking for a report, never a traceback.
        # BRIEFLOW_RAISE_ERRORS=1 lets tests (and bug reports) see the traceback.
        if os.environ.get("BRIEFLOW_RAISE_ERRORS") == "1":
            raise
        print(f"brieflow: {internal_error(exc).line()}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
