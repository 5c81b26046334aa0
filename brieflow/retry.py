"""The one retry loop of brieflow's network calls (fetching inputs, the llm engine's requests).

An attempt raises `Retry` when trying again may help (a timeout, HTTP 429 or 5xx); a server's
Retry-After is honoured up to a cap, otherwise the caller's backoff decides the wait. `sleep` is
a parameter so tests record the waits instead of waiting.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Retry(Exception):
    """An attempt failed in a way a later one may not. `wait`: the server's Retry-After (s);
    `attempts`: how many were made, set when the loop gives up."""

    def __init__(self, reason: str, hint: str | None = None, *, wait: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.hint = hint
        self.wait = wait
        self.attempts = 1


def retrying(
    attempt: Callable[[], T],
    *,
    retries: int,
    backoff: Callable[[int], float],
    retry_after_cap: float,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """`attempt()`'s result, calling it again after each `Retry`, at most `retries` times more.
    Before retry n (0, 1, …) it waits the Retry-After (at most `retry_after_cap`), else
    `backoff(n)`. When it gives up, the last Retry is raised again with `attempts` set."""
    retries = max(0, retries)
    n = 0
    while True:
        try:
            return attempt()
        except Retry as exc:
            if n >= retries:
                exc.attempts = n + 1
                raise
            sleep(min(exc.wait, retry_after_cap) if exc.wait is not None else backoff(n))
            n += 1


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
