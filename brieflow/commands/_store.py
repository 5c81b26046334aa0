"""Helpers for the commands that use the store: the --db flag and filters."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..errors import InputError
from ..extract.dates import normalize_published
from ._common import at_least_one, settings_from

if TYPE_CHECKING:
    from ..store import Store


def add_db_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="PATH|URL",
        default=None,
        help="the database: a SQLite file or postgresql://user@host:port/db (default: "
        "$BRIEFLOW_DB, else <data dir>/brieflow/brieflow.db)",
    )


def add_filter_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--source", metavar="NAME", help="only articles from this source (e.g. 搜狐财经)"
    )
    p.add_argument("--since", metavar="DATE", help="only articles published on or after DATE")
    p.add_argument("--until", metavar="DATE", help="only articles published on or before DATE")
    p.add_argument(
        "-n", "--limit", type=at_least_one, default=None, metavar="N", help="at most N results"
    )


def dates(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """--since/--until in the stored form ("YYYY-MM-DD[ HH:MM]"); a bad date is an input error."""
    out: list[str | None] = []
    for flag in ("since", "until"):
        value = getattr(args, flag, None)
        if value is None:
            out.append(None)
            continue
        norm = normalize_published(value, keep_offset=False)
        if norm is None:
            raise InputError(
                f"--{flag} {value!r} is not a date", hint="write YYYY-MM-DD or YYYY-MM-DD HH:MM"
            )
        out.append(norm)
    return out[0], out[1]


def open_store(args: argparse.Namespace, *, create: bool = False) -> Store:
    from ..store.open import open_store as open_db

    settings = settings_from(args, db="db")
    return open_db(settings.db or settings.db_path, create=create)
