"""API tokens on every API call and page of a shared server, with a per-token rate limit.

On when `serve` binds an address other than loopback (unless `--no-auth`). A request shows its
token as `Authorization: Bearer TOKEN` (API clients), or in the `brieflow_token` cookie, which a
GET of any page with `?token=TOKEN` sets (browsers; the token then leaves the address bar).
`/healthz` and `/static/` stay open. Errors are JSON: 401 no or unknown token, 403 revoked token,
429 over the token's requests a minute (with Retry-After), 503 when the database fails.

The rate limit is a token bucket per API token. By default (`WebSettings.rate_limit == "shared"`)
it lives in the database (`brieflow.store.tokens.take`: one upsert per request), so every server
process on the database, on one machine or several, draws from the same bucket. "per-process"
keeps the buckets in this process's memory instead: no database write per request, but each of
N processes allows the full rate.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from contextlib import nullcontext
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import StoreError
from ..store import tokens
from ..store.open import is_postgres

log = logging.getLogger("brieflow.web")
COOKIE = "brieflow_token"
OPEN_PATHS = ("/healthz",)
OPEN_PREFIXES = ("/static/",)
CACHE_SECONDS = 5.0  # a revoked token stops working within this long


class Buckets:
    """Token buckets: `rate` requests a minute, bursts up to `rate`."""

    def __init__(self, clock: Any = time.monotonic):
        self.clock = clock
        self.state: dict[int, tuple[float, float]] = {}  # token id -> (tokens left, when)

    def take(self, key: int, rate: int) -> float:
        """0.0 when the request may go, else the seconds until it may."""
        now = self.clock()
        left, then = self.state.get(key, (float(rate), now))
        left = min(float(rate), left + (now - then) * rate / 60.0)
        if left >= 1.0:
            self.state[key] = (left - 1.0, now)
            return 0.0
        self.state[key] = (left, now)
        return (1.0 - left) * 60.0 / rate


def _error(status: int, kind: str, message: str, headers: dict[str, str] | None = None):
    body = {"error": {"type": kind, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


class TokenAuth:
    def __init__(
        self,
        app: ASGIApp,
        service: Any,
        clock: Any = time.monotonic,
        wall_clock: Any = time.time,
    ):
        self.app = app
        self.service = service
        self.shared = service.web.rate_limit == "shared"
        self.buckets = Buckets(clock)
        self.cache: dict[str, tuple[tokens.Token | None, float]] = {}
        self.clock = clock
        self.wall_clock = wall_clock  # shared buckets: unix time, the same in every process
        # SQLite: this process's threads take turns before the database's write lock, whose
        # busy handler would make them sleep and poll (other processes still contend there)
        self.turns = threading.Lock() if not is_postgres(service.web.db) else nullcontext()

    def _lookup(self, secret: str) -> tokens.Token | None:
        now = self.clock()
        hit = self.cache.get(secret)
        if hit is not None and hit[1] > now:
            return hit[0]
        found = tokens.find(self.service.store, secret)
        if len(self.cache) > 10_000:
            self.cache.clear()
        self.cache[secret] = (found, now + CACHE_SECONDS)
        return found

    def _check(self, secret: str) -> tuple[tokens.Token | None, float]:
        """The token `secret` is, and the seconds its request must wait (0.0: it may go).
        At most one database round trip: the lookup is cached, the shared bucket is not."""
        token = self._lookup(secret)
        if token is None or not token.active:
            return token, 0.0
        if self.shared:
            store = self.service.store
            with self.turns:
                return token, tokens.take(store, token, self.wall_clock())
        return token, self.buckets.take(token.id, token.rate)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        from_query = next((v for k, v in query if k == "token"), None)
        secret = None
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            secret = auth[7:].strip()
        elif from_query:
            secret = from_query
        else:
            cookie = SimpleCookie(headers.get("cookie", ""))
            if COOKIE in cookie:
                secret = cookie[COOKIE].value
        if not secret:
            response = _error(
                401,
                "Unauthorized",
                "this server needs an API token: send `Authorization: Bearer TOKEN` "
                "(tokens come from `brieflow tokens create`)",
                {"WWW-Authenticate": "Bearer"},
            )
        else:
            failed = False
            try:
                token, wait = await run_in_threadpool(self._check, secret)
            except StoreError as exc:  # fail closed, and say so as JSON
                log.error("API token check failed: %s", exc.message)
                token, wait, failed = None, 0.0, True
            if failed:
                response = _error(
                    503,
                    "StoreError",
                    "the server cannot check API tokens now (its database failed); try again",
                    {"Retry-After": "5"},
                )
            elif token is None:
                response = _error(
                    401, "Unauthorized", "unknown API token", {"WWW-Authenticate": "Bearer"}
                )
            elif not token.active:
                response = _error(403, "Forbidden", f"API token {token.prefix}… is revoked")
            elif wait:
                response = _error(
                    429,
                    "TooManyRequests",
                    f"over this token's {token.rate} requests a minute; retry in {wait:.0f} s",
                    {"Retry-After": str(math.ceil(wait))},
                )
            elif from_query and scope.get("method") == "GET":
                rest = urlencode([(k, v) for k, v in query if k != "token"])
                response = RedirectResponse(path + (f"?{rest}" if rest else ""), status_code=303)
                response.set_cookie(
                    COOKIE,
                    secret,
                    httponly=True,
                    samesite="strict",
                    secure=scope.get("scheme") == "https",
                )
            else:
                await self.app(scope, receive, send)
                return
        await response(scope, receive, send)
