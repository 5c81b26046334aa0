"""`brieflow extract SOURCE…`: show the extracted articles (numbered paragraphs + metadata)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Article

from ._common import (
    add_input_flags,
    read_stdin_if_needed,
    report_failures,
    report_warning,
    settings_from,
    write_output,
)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "extract",
        help="show what brieflow reads from a source",
        description="Print the extracted articles: title, source, published time, URL, "
        "language and the numbered paragraphs that briefs cite.",
        epilog="examples:\n  brieflow extract page.html\n  brieflow extract feed.xml --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="file, folder, glob, URL or -")
    p.add_argument("-f", "--format", choices=["text", "json", "jsonl"], default="text")
    p.add_argument(
        "-o", "--output", metavar="PATH", help="write here (atomically) instead of stdout"
    )
    add_input_flags(p)
    p.set_defaults(func=run)


def as_text(article: Article) -> str:
    lines = []
    for label, value in (
        ("title", article.title),
        ("source", article.source),
        ("author", article.author),
        ("published", article.published),
        ("url", article.url),
        ("lang", article.language),
        ("id", article.id),
    ):
        if value:
            lines.append(f"{label}: {value}")
    lines.append("")
    lines.extend(f"[{p.number}] {p.text}" for p in article.paragraphs)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from ..pipeline import items

    settings = settings_from(
        args,
        block_private="block_private",
        fetch_links="fetch_links",
        input_max_bytes="max_input_bytes",
    )
    stdin = read_stdin_if_needed(args.sources, settings)
    articles, failures, total = [], [], 0
    for item in items(args.sources, fmt=args.input_format, stdin=stdin, settings=settings):
        total += 1
        report_warning(item.origin, item.warning)
        if item.error is not None:
            failures.append(item.error)
        elif item.article is not None:
            articles.append(item.article)
    if not articles and len(failures) == 1:
        raise failures[0]
    if articles:
        if args.format == "text":
            out = "\n\n".join(as_text(a) for a in articles) + "\n"
        elif args.format == "jsonl":
            out = "".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in articles)
        else:
            value = [a.to_dict() for a in articles]
            out = (
                json.dumps(value[0] if len(value) == 1 else value, ensure_ascii=False, indent=2)
                + "\n"
            )
        write_output(out, args.output)
    report_failures([f.line() for f in failures], total)
    if not articles:
        return failures[0].exit_code if failures else 3
    return 1 if failures else 0
