"""`brieflow stories update|list|show`: the stored articles grouped into stories (events)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from ._common import output
from ._store import add_db_flag, dates, open_store

if TYPE_CHECKING:  # clustering loads numpy and the segmenter: only when a command runs
    from ..store import stories as db

EPILOG = """\
examples:
  brieflow stories list --db desk.db --since 2025-08-01
  brieflow stories list --db desk.db --lang en --format json
  brieflow stories show 5f2c81d0a9e3 --db desk.db
  brieflow stories update --db desk.db --rebuild
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "stories",
        help="group stored articles into stories (one event, any source or language)",
        description="Group the stored articles into stories: the reports of one event, from any "
        "source and in Chinese or English. `list` and `show` first put the articles stored since "
        "the last call into stories (existing stories and their ids never change).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    up = acts.add_parser("update", help="put the articles that are in no story yet into one")
    add_db_flag(up)
    up.add_argument(
        "--rebuild", action="store_true", help="forget every story and cluster all articles again"
    )
    up.set_defaults(func=run_update)

    ls = acts.add_parser("list", help="stories, newest first")
    add_db_flag(ls)
    ls.add_argument("--since", metavar="DATE", help="only stories with an article on or after DATE")
    ls.add_argument("--until", metavar="DATE", help="only stories with an article up to DATE")
    ls.add_argument("--lang", choices=["zh", "en"], help="only stories with an article in LANG")
    ls.add_argument("--min-size", type=int, default=1, metavar="N", help="at least N articles")
    ls.add_argument("-n", "--limit", type=int, default=None, metavar="N", help="at most N stories")
    ls.add_argument("-f", "--format", choices=["text", "json"], default="text")
    ls.set_defaults(func=run_list)

    show = acts.add_parser("show", help="one story and its articles")
    show.add_argument("id", metavar="STORY_ID", help="a story id or a unique prefix of it")
    add_db_flag(show)
    show.add_argument("-f", "--format", choices=["text", "json"], default="text")
    show.set_defaults(func=run_show)


def _refresh(store: db.Store) -> None:
    from ..stories import update

    result = update(store)
    if result.clustered:
        print(
            f"brieflow: {result.clustered} articles clustered ({result.opened} new stories)",
            file=sys.stderr,
        )


def run_update(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        from ..stories import update

        result = update(store, rebuild=args.rebuild)
    print(
        f"{result.clustered} articles clustered: {result.joined} joined a story, "
        f"{result.opened} new stories; {result.stories} stories in all"
    )
    return 0


def story_lines(story: db.StoredStory) -> list[str]:
    head = (
        f"{story.id}  {story.first_published or '-'} … {story.last_published or '-'}  "
        f"{story.size} article{'s' if story.size != 1 else ''}  {','.join(story.languages) or '-'}"
    )
    return [head, f"    {story.title or '(no title)'}"]


def run_list(args: argparse.Namespace) -> int:
    since, until = dates(args)
    with open_store(args) as store:
        _refresh(store)
        from ..store import stories as db

        found = db.stories(
            store,
            since=since,
            until=until,
            language=args.lang,
            min_size=args.min_size,
            limit=args.limit,
        )
    with output(None) as out:
        if args.format == "json":
            out.write(json.dumps([s.to_dict() for s in found], ensure_ascii=False, indent=2) + "\n")
            return 0
        for s in found:
            out.write("\n".join(story_lines(s)) + "\n")
    return 0


def run_show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        _refresh(store)
        from ..store import stories as db

        found = db.story(store, args.id)
    with output(None) as out:
        if args.format == "json":
            out.write(json.dumps(found.to_dict(), ensure_ascii=False, indent=2) + "\n")
            return 0
        lines = story_lines(found) + [""]
        for a in found.articles:
            lines.append(
                f"  {a.display_id}  {a.published or '-'}  {a.language or '-'}  "
                f"{a.source or '-'}  {a.title or '(no title)'}"
            )
        out.write("\n".join(lines) + "\n")
    return 0
