"""`brieflow digest`: one story briefed as one, or the morning brief (the largest stories)."""

from __future__ import annotations

import argparse
import json
import re
from datetime import datetime, timedelta

from ..engines.base import BriefOptions
from ..errors import InputError
from ..extract.dates import normalize_published
from ._common import add_engine_flags, engine_settings, output
from ._store import add_db_flag, open_store

EPILOG = """\
examples:
  brieflow digest 056311547a20 --db desk.db                 one story, the seed's layout
  brieflow digest 0563 --db desk.db --lang en --format html -o story.html
  brieflow digest --since 24h --top 5 --db desk.db          the morning brief
"""

_DURATION = re.compile(r"^(\d+)\s*([mhdw])$")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "digest",
        help="brief a story (its articles from every source and language) as one",
        description="Brief a story as one digest: its title, its sources (A, B, …), a core "
        "viewpoint and 2-4 groups of points, every statement citing a source and a paragraph "
        "([B2]), checked against those paragraphs. Without STORY_ID, --since and --top give the "
        "largest recent stories.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("story", nargs="?", metavar="STORY_ID", help="a story id or unique prefix")
    add_db_flag(p)
    add_engine_flags(p)  # extractive or llm; --lang: default the story's majority language
    p.add_argument("-f", "--format", choices=["text", "markdown", "json", "html"], default="text")
    p.add_argument(
        "--since",
        metavar="WHEN",
        help="without STORY_ID: stories with an article since WHEN (24h, 3d, or a date)",
    )
    p.add_argument(
        "--top", type=int, default=5, metavar="N", help="without STORY_ID: the N largest stories"
    )
    p.add_argument("-o", "--output", metavar="PATH", help="write here instead of stdout")
    p.set_defaults(func=run)


def since_value(text: str, now: datetime | None = None) -> str:
    """`24h`, `90m`, `3d`, `1w` before now, or a date, in the stored form."""
    m = _DURATION.match(text.strip())
    if m:
        n, unit = int(m.group(1)), m.group(2)
        delta = {
            "m": timedelta(minutes=n),
            "h": timedelta(hours=n),
            "d": timedelta(days=n),
            "w": timedelta(weeks=n),
        }[unit]
        return ((now or datetime.now()) - delta).strftime("%Y-%m-%d %H:%M")
    norm = normalize_published(text)
    if norm is None:
        raise InputError(
            f"--since {text!r} is neither a duration nor a date",
            hint="write 24h, 3d, 90m, 1w or YYYY-MM-DD[ HH:MM]",
        )
    return norm


def run(args: argparse.Namespace) -> int:
    # clustering and digests load numpy and the segmenter: only when the command runs
    from ..digest import digest_story
    from ..digest.render import SCRIPT, STYLE, render, section
    from ..store import stories as db
    from ..stories import update

    settings = engine_settings(args)
    options = BriefOptions(max_groups=args.groups, max_points=args.points)
    engine = settings.engine
    if engine not in ("extractive", "llm"):
        raise InputError(f"no digest engine {engine!r}", hint="choose extractive or llm")

    def one(story_id: str):
        return digest_story(
            store,
            story_id,
            engine=engine,
            language=args.lang,
            options=options,
            settings=settings,
        )

    with open_store(args) as store:
        update(store)
        if args.story:
            digests = [one(args.story)]
        else:
            if not args.since:
                raise InputError(
                    "give a STORY_ID, or --since for the largest recent stories",
                    hint="brieflow digest --since 24h --top 5 --db desk.db",
                )
            found = db.stories(
                store, since=since_value(args.since), order="largest", limit=args.top
            )
            digests = [one(s.id) for s in found]
    with output(args.output) as out:
        if args.format == "json":
            data = [d.to_dict() for d in digests]
            out.write(json.dumps(data if not args.story else data[0], ensure_ascii=False, indent=2))
            out.write("\n")
        elif args.format == "html" and len(digests) != 1:
            out.write(
                '<!doctype html>\n<html><head><meta charset="utf-8"><title>brieflow digest'
                f"</title><style>{STYLE}</style></head><body>\n"
                + "\n".join(section(d) for d in digests)
                + f"\n<script>{SCRIPT}</script>\n</body></html>\n"
            )
        else:
            sep = "\n\n---\n\n" if args.format == "markdown" else "\n\n\n"
            out.write(sep.join(render(d, args.format) for d in digests) + "\n")
    return 0
