"""API tokens of `brieflow serve`, kept in the store (SQLite or PostgreSQL) as SHA-256 hashes.

A token is 32 random bytes (URL-safe text after a `bf_` mark), shown once when it is created. A
fast hash is enough for such a secret (nothing to guess, unlike a password); the database holds
only the hash and the token's first characters, so a leaked database grants nothing.

Each token's rate limit lives in the database too (`take`), so every server process on it, on
one machine or many, draws from one bucket per token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from ..errors import InputError, NotFound
from .store import Store, _now

MARK = "bf_"
DEFAULT_RATE = 60  # requests a minute
SLACK = 1e-6  # seconds: float sums of 60/rate must not refuse the last request of a burst


@dataclass(frozen=True)
class Token:
    id: int
    name: str
    prefix: str
    rate: int  # requests a minute
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


_COLUMNS = "id, name, prefix, rate, created_at, revoked_at"


def create(store: Store, name: str, *, rate: int = DEFAULT_RATE) -> tuple[Token, str]:
    """A new token named `name`: (its record, the secret, which is not stored)."""
    name = name.strip()
    if not name:
        raise InputError("a token needs a name", hint="e.g. `brieflow tokens create alice`")
    if rate < 1:
        raise InputError(f"--rate must be at least 1 request a minute, got {rate}")
    secret = MARK + secrets.token_urlsafe(32)
    with store.transaction(), store._errors():
        row = store._conn.execute(
            f"INSERT INTO tokens (name, prefix, hash, rate, created_at) VALUES (?, ?, ?, ?, ?) "
            f"RETURNING {_COLUMNS}",
            (name, secret[:10], digest(secret), rate, _now()),
        ).fetchone()
    return Token(*row), secret


def listed(store: Store) -> list[Token]:
    return [Token(*r) for r in store._query(f"SELECT {_COLUMNS} FROM tokens ORDER BY id")]


def revoke(store: Store, ref: str) -> Token:
    """Revoke the token whose id, name or prefix is `ref` (it must name exactly one)."""
    rows = store._query(
        f"SELECT {_COLUMNS} FROM tokens WHERE CAST(id AS TEXT) = ? OR name = ? OR prefix = ?",
        (ref, ref, ref),
    )
    if not rows:
        raise NotFound(f"no token {ref!r}", hint="see `brieflow tokens list`")
    if len(rows) > 1:
        raise InputError(f"{ref!r} names {len(rows)} tokens", hint="give the token's id")
    with store.transaction(), store._errors():
        store._conn.execute(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            (_now(), rows[0][0]),
        )
    return Token(*store._query(f"SELECT {_COLUMNS} FROM tokens WHERE id = ?", (rows[0][0],))[0])


def find(store: Store, secret: str) -> Token | None:
    """The token `secret` is (revoked or not), or None."""
    rows = store._query(f"SELECT {_COLUMNS} FROM tokens WHERE hash = ?", (digest(secret),))
    return Token(*rows[0]) if rows else None


# A token bucket of `rate` requests that refills at `rate` a minute, kept as one number: `tat`,
# the time at which the bucket is full again (the "theoretical arrival time" of GCRA, the
# cell-rate algorithm). A request at `now` may go when the bucket holds a whole request, that is
# when max(tat, now) - now <= (rate - 1) * 60 / rate; it then moves `tat` on by 60 / rate. One
# upsert decides and records it, atomically. `granted` tells the two outcomes apart, as
# RETURNING shows only the new row.
_TAKE = """
INSERT INTO token_limits (token, tat, granted) VALUES (?, ? + ?, 1)
ON CONFLICT (token) DO UPDATE SET
    granted = CASE WHEN {max}(token_limits.tat, ?) - ? <= ? THEN 1 ELSE 0 END,
    tat = CASE WHEN {max}(token_limits.tat, ?) - ? <= ?
        THEN {max}(token_limits.tat, ?) + ? ELSE token_limits.tat END
RETURNING tat, granted
"""
_TAKE_SQL = {"sqlite": _TAKE.format(max="max"), "postgresql": _TAKE.format(max="GREATEST")}


def take(store: Store, token: Token, now: float) -> float:
    """Spend one of `token`'s requests at unix time `now`: 0.0 when the request may go, else
    the seconds until it may. Shared by every process on the database; clocks of several
    machines should agree (NTP): a clock ahead spends only its own lead, never refunds."""
    interval = 60.0 / token.rate
    room = (token.rate - 1) * interval  # how far ahead of now `tat` may be
    within = room + SLACK
    params = (token.id, now, interval, now, now, within, now, now, within, now, interval)
    # One statement in autocommit on both: PostgreSQL locks the row for it (one round trip);
    # SQLite takes the write lock as the statement starts (as BEGIN IMMEDIATE would) and
    # commits as it ends, so the lock is held for that statement only, not across the extra
    # Python calls of BEGIN … COMMIT, which a busy machine may pause while other processes
    # sleep and poll for the lock.
    with store._errors():
        ((tat, granted),) = store._conn.execute(_TAKE_SQL[store.backend], params).fetchall()
    if granted:
        return 0.0
    return max(tat - now - room, SLACK)
