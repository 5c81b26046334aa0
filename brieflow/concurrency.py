"""Bounded concurrency for many slow calls (model requests): at most `limit` at once, results
in input order, a BrieflowError kept per item instead of stopping the rest."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from .errors import BrieflowError

T = TypeVar("T")
R = TypeVar("R")


def map_bounded(
    fn: Callable[[T], R], items: Iterable[T], limit: int = 4
) -> Iterator[tuple[T, R | None, BrieflowError | None]]:
    """(item, result, None) or (item, None, error) for each item, in input order.

    At most `limit` calls run at once and at most 2 × `limit` items are read ahead, so a long
    input stream is never held in memory. Errors other than BrieflowError propagate.
    """
    limit = max(1, limit)
    with ThreadPoolExecutor(max_workers=limit) as pool:
        window: deque[tuple[T, Future[R]]] = deque()
        for item in items:
            window.append((item, pool.submit(fn, item)))
            if len(window) >= 2 * limit:
                yield _result(*window.popleft())
        while window:
            yield _result(*window.popleft())


def _result(item: T, future: Future[Any]) -> tuple[T, Any, BrieflowError | None]:
    try:
        return item, future.result(), None
    except BrieflowError as exc:
        return item, None, exc
