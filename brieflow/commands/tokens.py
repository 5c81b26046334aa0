"""`brieflow tokens create|list|revoke --db`: the API tokens of a shared `brieflow serve`."""

from __future__ import annotations

import argparse
import sys

from ..store import tokens
from ._store import add_db_flag, open_store

EPILOG = """\
A server bound to an address other than loopback asks every API call and page for a token:
`Authorization: Bearer TOKEN`, or open any page once with ?token=TOKEN (a cookie keeps it).
Only a hash of each token is stored; the token itself is printed once, by create.

examples:
  brieflow tokens create alice --db postgresql://desk@db/brieflow
  brieflow tokens create nightly-job --rate 600 --db desk.db
  brieflow tokens list --db desk.db
  brieflow tokens revoke alice --db desk.db
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "tokens",
        help="create, list and revoke API tokens for `brieflow serve`",
        description="Create, list and revoke the API tokens of a shared server.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = acts.add_parser("create", help="a new token (printed once)")
    create.add_argument("name", metavar="NAME", help="who or what uses it")
    create.add_argument(
        "--rate",
        type=int,
        default=tokens.DEFAULT_RATE,
        metavar="N",
        help=f"requests a minute (default {tokens.DEFAULT_RATE})",
    )
    add_db_flag(create)
    create.set_defaults(func=run_create)
    ls = acts.add_parser("list", help="the tokens (never the secrets)")
    add_db_flag(ls)
    ls.set_defaults(func=run_list)
    revoke = acts.add_parser("revoke", help="revoke a token now")
    revoke.add_argument("ref", metavar="ID|NAME|PREFIX")
    add_db_flag(revoke)
    revoke.set_defaults(func=run_revoke)


def run_create(args: argparse.Namespace) -> int:
    with open_store(args, create=True) as store:
        token, secret = tokens.create(store, args.name, rate=args.rate)
    print(secret)
    print(
        f"brieflow: token {token.id} ({token.name}, {token.rate}/min) created; it is shown only "
        "now: keep it",
        file=sys.stderr,
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        found = tokens.listed(store)
    for t in found:
        state = f"revoked {t.revoked_at}" if t.revoked_at else "active"
        print(f"{t.id}\t{t.name}\t{t.prefix}…\t{t.rate}/min\t{t.created_at}\t{state}")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        token = tokens.revoke(store, args.ref)
    print(f"brieflow: token {token.id} ({token.name}) revoked", file=sys.stderr)
    return 0
