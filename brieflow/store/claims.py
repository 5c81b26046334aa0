"""Work claims: several batches (processes, machines) on one database never brief one article
twice, and never lose one.

A claim is a row keyed like a brief (article content id, engine, version, options) naming the
run that holds it, that run's process (`holder`, "host:pid") and when its lease runs out. A
batch claims an article before it briefs it; a claim of another run whose lease is alive means
"not now". The holder renews its leases while it works and deletes each claim when the brief is
stored (in the same transaction) or the article fails. A batch killed with `kill -9` renews
nothing: once its leases expire any other batch takes its claims over — at once when the
holder is a dead process on this machine (`expire`).

Taking a claim is one transaction: SQLite's `BEGIN IMMEDIATE` serialises it; on PostgreSQL the
row is inserted with `ON CONFLICT DO NOTHING`, and an expired one is taken with
`SELECT … FOR UPDATE SKIP LOCKED`, so of two batches taking over the same expired claim one gets
it and the other sees it held. Lease times are the database's clock (one clock for all machines).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import Literal

from .store import Store

# The database's clock as unix seconds, and the row lock of a takeover, per backend.
_NOW = {
    "sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
    "postgresql": "extract(epoch from clock_timestamp())::float8",
}
_LOCK = {"sqlite": "", "postgresql": " FOR UPDATE SKIP LOCKED"}
_KEY = "article = ? AND engine = ? AND engine_version = ? AND options = ?"


@dataclass(frozen=True)
class Claim:
    """What `claim` found: the article is now `mine`, `held` by another live run (which, and
    its process), or already `briefed` (nothing to do)."""

    state: Literal["mine", "held", "briefed"]
    run: int | None = None
    holder: str | None = None


def holder() -> str:
    """This process, as a claim names it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def dead_here(name: str | None) -> bool:
    """Whether `name` is a process of this machine that no longer runs (so its claims need not
    wait for their leases). A pid reused by another process counts as alive: that only waits."""
    host, _, pid = (name or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # another user's process: alive
        return False
    return False


def claim(
    store: Store,
    article: str,
    engine: str,
    engine_version: str,
    options: str,
    *,
    run: int,
    lease: float,
    by: str | None = None,
) -> Claim:
    """Claim the article for `run` for `lease` seconds, unless another run holds a live claim on
    it or its brief is stored already."""
    key = (article, engine, engine_version, options)
    now = _NOW[store.backend]
    # a live claim of another run is the common answer on overlapping input: no write lock
    seen = store._query(f"SELECT run, holder, expires > {now} FROM claims WHERE {_KEY}", key)
    if seen and seen[0][2] and seen[0][0] != run:
        return Claim("held", seen[0][0], seen[0][1])
    by = by or holder()
    conn = store._conn
    with store.transaction(), store._errors():
        inserted = conn.execute(
            "INSERT INTO claims (article, engine, engine_version, options, run, holder, expires) "
            f"VALUES (?, ?, ?, ?, ?, ?, {now} + ?) "
            "ON CONFLICT (article, engine, engine_version, options) DO NOTHING",
            (*key, run, by, lease),
        )
        if inserted.rowcount != 1:
            taken = conn.execute(
                f"SELECT run FROM claims WHERE {_KEY} AND (expires <= {now} OR run = ?)"
                + _LOCK[store.backend],
                (*key, run),
            ).fetchone()
            if taken is None:  # live, or another batch is taking it over right now
                row = conn.execute(f"SELECT run, holder FROM claims WHERE {_KEY}", key).fetchone()
                return Claim("held", *(row or (None, None)))
            conn.execute(
                f"UPDATE claims SET run = ?, holder = ?, expires = {now} + ? WHERE {_KEY}",
                (run, by, lease, *key),
            )
        # checked after the claim is ours: a brief stored (and its claim deleted) by another
        # run a moment ago is seen here, so it is not briefed again
        if store.has_brief(*key):
            conn.execute(f"DELETE FROM claims WHERE {_KEY}", key)
            return Claim("briefed")
    return Claim("mine")


def renew(store: Store, run: int, lease: float) -> int:
    """Extend every claim of `run` to `lease` seconds from now; how many it holds."""
    with store.transaction(), store._errors():
        cur = store._conn.execute(
            f"UPDATE claims SET expires = {_NOW[store.backend]} + ? WHERE run = ?", (lease, run)
        )
        return int(cur.rowcount)


def release(store: Store, run: int, article: str | None = None) -> None:
    """Delete the claim of `run` on `article` (every claim of `run` when None)."""
    with store.transaction(), store._errors():
        if article is None:
            store._conn.execute("DELETE FROM claims WHERE run = ?", (run,))
        else:
            store._conn.execute("DELETE FROM claims WHERE run = ? AND article = ?", (run, article))


def expire(store: Store, by: str) -> int:
    """End the leases of every claim held by the process `by` (known dead): others take them
    over at once instead of waiting. How many there were."""
    with store.transaction(), store._errors():
        cur = store._conn.execute("UPDATE claims SET expires = 0 WHERE holder = ?", (by,))
        return int(cur.rowcount)


def listed(store: Store) -> list[tuple[str, int, str, float]]:
    """Every claim: (article, run, holder, seconds its lease has left; negative: expired)."""
    return [
        (a, int(r), h, float(left))
        for a, r, h, left in store._query(
            f"SELECT article, run, holder, expires - {_NOW[store.backend]} FROM claims "
            "ORDER BY article"
        )
    ]
