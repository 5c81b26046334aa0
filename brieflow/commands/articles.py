"""`brieflow articles list|show|search`: what the database holds."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from ._common import output

if TYPE_CHECKING:
    from ..store import SearchHit, StoredArticle

from ._store import add_db_flag, add_filter_flags, dates, open_store

EPILOG = """\
examples:
  brieflow articles list --db desk.db --source 搜狐财经 --since 2024-02-01
  brieflow articles show 3cb6dee5 --db desk.db
  brieflow articles search 央行 降准 --db desk.db
  brieflow articles search "rate cut" --db desk.db --until 2024-03-31
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "articles",
        help="list, show and search stored articles",
        description="List, show and search the articles in the database.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    ls = acts.add_parser("list", help="stored articles, newest first")
    add_db_flag(ls)
    add_filter_flags(ls)
    ls.add_argument("--no-duplicates", action="store_true", help="leave out near-duplicates")
    ls.add_argument("-f", "--format", choices=["text", "jsonl"], default="text")
    ls.set_defaults(func=run_list)

    show = acts.add_parser("show", help="one article with its numbered paragraphs")
    show.add_argument("id", metavar="ID", help="content id, the input's own id, or an id prefix")
    add_db_flag(show)
    show.add_argument("-f", "--format", choices=["text", "json"], default="text")
    show.set_defaults(func=run_show)

    search = acts.add_parser(
        "search",
        help="articles holding every word of the query (Chinese or English)",
        description="Every term must appear in the article (title or a paragraph); matching is "
        "by substring, so Chinese needs no spaces between words.",
    )
    search.add_argument("query", nargs="+", metavar="TERM")
    add_db_flag(search)
    add_filter_flags(search)
    search.add_argument("-f", "--format", choices=["text", "jsonl"], default="text")
    search.set_defaults(func=run_search)


def _row(a: StoredArticle) -> str:
    parts = [
        a.display_id,
        a.article.published or "-",
        a.article.source or "-",
        a.article.title or "(no title)",
    ]
    if a.duplicate_of:
        parts.append(f"[near-duplicate of {a.duplicate_of}, {a.similarity:.2f}]")
    return "  ".join(parts)


def _meta(a: StoredArticle) -> dict:
    return {
        **a.article.meta_dict(),
        "content_id": a.id,
        "origin": a.origin,
        "paragraphs": a.paragraph_count,
        "added_at": a.added_at,
        "duplicate_of": a.duplicate_of,
        "similarity": a.similarity,
    }


def run_list(args: argparse.Namespace) -> int:
    since, until = dates(args)
    with open_store(args) as store, output(None) as out:
        for a in store.articles(
            source=args.source,
            since=since,
            until=until,
            duplicates=not args.no_duplicates,
            limit=args.limit,
        ):
            if args.format == "jsonl":
                out.write(json.dumps(_meta(a), ensure_ascii=False) + "\n")
            else:
                out.write(_row(a) + "\n")
    return 0


def run_show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        a = store.article(args.id)
    with output(None) as out:
        if args.format == "json":
            data = {
                **a.article.to_dict(),
                **{k: v for k, v in _meta(a).items() if k != "paragraphs"},
            }
            out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            return 0
        lines = [
            f"{k}: {v}"
            for k, v in (
                ("id", a.display_id),
                ("content id", a.id),
                ("title", a.article.title),
                ("source", a.article.source),
                ("published", a.article.published),
                ("url", a.article.url),
                ("lang", a.article.language),
                ("origin", a.origin),
                ("near-duplicate of", a.duplicate_of),
            )
            if v
        ]
        lines.append("")
        lines += [f"[{p.number}] {p.text}" for p in a.article.paragraphs]
        out.write("\n".join(lines) + "\n")
    return 0


def snippet(text: str, terms: list[str], width: int = 60) -> str:
    """The text around the first term found, trimmed to about 2×width characters."""
    folded = text.casefold()
    at = min((i for t in terms if (i := folded.find(t.casefold())) >= 0), default=0)
    start, end = max(0, at - width), min(len(text), at + width)
    return (
        ("…" if start else "")
        + text[start:end].replace("\n", " ")
        + ("…" if end < len(text) else "")
    )


def run_search(args: argparse.Namespace) -> int:
    since, until = dates(args)
    query = " ".join(args.query)
    with open_store(args) as store:
        hits: list[SearchHit] = store.search(
            query, source=args.source, since=since, until=until, limit=args.limit or 20
        )
    terms = query.split()
    with output(None) as out:
        for hit in hits:
            if args.format == "jsonl":
                data = {
                    **_meta(hit.article),
                    "matches": [{"number": p.number, "text": p.text} for p in hit.paragraphs],
                }
                out.write(json.dumps(data, ensure_ascii=False) + "\n")
                continue
            out.write(_row(hit.article) + "\n")
            for p in hit.paragraphs[:3]:
                out.write(f"    [{p.number}] {snippet(p.text, terms)}\n")
    return 0 if hits else 1
