"""`brieflow briefs list|show|export`: the briefs kept in the database."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..render import FORMATS, get_renderer
from ._common import output

if TYPE_CHECKING:
    from ..store import Store, StoredBrief

from ._store import add_db_flag, add_filter_flags, dates, open_store

EPILOG = """\
examples:
  brieflow briefs list --db desk.db --since 2024-02-01
  brieflow briefs show finna-eval-0009 --db desk.db --format markdown
  brieflow briefs export --db desk.db --format jsonl -o briefs.jsonl
  brieflow briefs export --db desk.db --format csv --source 搜狐财经 -o briefs.csv

In exports the top-level "id" is the article's own id from the input (a JSON Lines "id"), or the
content id when the input had none.
"""

CSV_COLUMNS = [
    "id",
    "content_id",
    "title",
    "source",
    "published",
    "url",
    "article_language",
    "language",
    "engine",
    "engine_version",
    "passed",
    "core_viewpoint",
    "viewpoint_citations",
    "groups",
]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "briefs",
        help="list, show and export stored briefs",
        description="List, show and export the briefs in the database.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    ls = acts.add_parser("list", help="stored briefs, newest article first")
    add_db_flag(ls)
    add_filter_flags(ls)
    ls.add_argument("-e", "--engine", metavar="NAME", help="only briefs from this engine")
    ls.add_argument("--failed-checks", action="store_true", help="only briefs whose checks failed")
    ls.set_defaults(func=run_list)

    show = acts.add_parser("show", help="the brief of one article")
    show.add_argument("id", metavar="ID", help="the article's id, content id or an id prefix")
    add_db_flag(show)
    show.add_argument("-e", "--engine", metavar="NAME", help="the brief from this engine")
    show.add_argument("-f", "--format", choices=FORMATS, default="text")
    show.set_defaults(func=run_show)

    export = acts.add_parser(
        "export", help="every matching brief, one per line or record, in input order"
    )
    add_db_flag(export)
    add_filter_flags(export)
    export.add_argument("-e", "--engine", metavar="NAME", help="only briefs from this engine")
    export.add_argument("-f", "--format", choices=["jsonl", "csv", "markdown"], default="jsonl")
    export.add_argument("-o", "--output", metavar="PATH", help="write here (atomically)")
    export.set_defaults(func=run_export)


def _selected(store: Store, args: argparse.Namespace, **extra: Any) -> Iterator[StoredBrief]:
    since, until = dates(args)
    return store.briefs(
        engine=args.engine, source=args.source, since=since, until=until, limit=args.limit, **extra
    )


def run_list(args: argparse.Namespace) -> int:
    passed = False if args.failed_checks else None
    with open_store(args) as store, output(None) as out:
        for s in _selected(store, args, passed=passed):
            a = s.article
            out.write(
                "  ".join(
                    [
                        a.display_id,
                        f"{s.brief.engine}/{s.brief.engine_version}",
                        s.brief.language,
                        "ok" if s.brief.checks.passed else "FAILED",
                        a.article.published or "-",
                        a.article.source or "-",
                        a.article.title or "(no title)",
                    ]
                )
                + "\n"
            )
    return 0


def run_show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        found = store.brief(args.id, engine=args.engine)
        article = store.article(found.article.id).article
    renderer = get_renderer(args.format)
    with output(None) as out:
        out.write(renderer.render_many([(found.brief, article)]))
    return 0


# A cell starting with one of these is a formula to a spreadsheet (=HYPERLINK(...) runs when
# the export is opened): such text gets a leading ' (OWASP's advice), shown as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_row(s: StoredBrief) -> dict[str, object]:
    """One CSV row of a brief, every text cell safe to open in a spreadsheet."""
    return {k: _cell(v) for k, v in _csv_values(s).items()}


def _csv_values(s: StoredBrief) -> dict[str, object]:
    b, a = s.brief, s.article
    groups = " | ".join(
        f"{t.title}: " + "; ".join(f"{p.text} {list(p.citations)}" for p in t.points)
        for t in b.themes
    )
    return {
        "id": a.display_id,
        "content_id": a.id,
        "title": a.article.title,
        "source": a.article.source,
        "published": a.article.published,
        "url": a.article.url,
        "article_language": a.article.language,
        "language": b.language,
        "engine": b.engine,
        "engine_version": b.engine_version,
        "passed": int(b.checks.passed),
        "core_viewpoint": b.viewpoint.text,
        "viewpoint_citations": " ".join(map(str, b.viewpoint.citations)),
        "groups": groups,
    }


def run_export(args: argparse.Namespace) -> int:
    count = 0
    with open_store(args) as store, output(args.output) as out:
        if args.format == "csv":
            import csv

            writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
            writer.writeheader()
            for s in _selected(store, args, newest_first=False):
                writer.writerow(csv_row(s))
                count += 1
        elif args.format == "jsonl":
            for s in _selected(store, args, newest_first=False):
                out.write(
                    json.dumps(
                        s.brief.to_dict(s.article.article),
                        ensure_ascii=False,
                        separators=(",", ":"),
                    )
                    + "\n"
                )
                count += 1
        else:
            renderer = get_renderer("markdown")
            for s in _selected(store, args, newest_first=False):
                article = store.article(s.article.id).article  # the renderer may quote paragraphs
                out.write(("\n\n---\n\n" if count else "") + renderer.render(s.brief, article))
                count += 1
            if count:
                out.write("\n")
    return 0
