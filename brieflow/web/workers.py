"""Worker processes for the web app: a runaway brief cannot freeze the server.

A brief in a thread of the server holds the GIL whenever it is inside one long C call (a regex
that backtracks, a parser on a huge page): every other request, `/healthz` included, waits, and
a thread cannot be stopped. Here each job runs in a worker process; the server's thread waits
on a pipe with a deadline, and a worker past it is killed (its job is lost) and replaced by a
fresh one on the next job. A worker that dies on its own (out of memory, a crash in C code) is
replaced the same way and the request gets `WorkerLost` (503).

Workers come from a fork server (multiprocessing "forkserver") that imported brieflow's
pipeline once, so a new worker is ready in milliseconds, not the seconds a fresh interpreter
needs, and it never inherits the server's threads or open database connections.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

# Imported by the fork server once, so that every worker starts with them loaded.
PRELOAD = [
    "brieflow.web.service",
    "brieflow.engines.extractive",
    "brieflow.checks",
    "brieflow.extract.html",
    "brieflow.extract.feed",
    "brieflow.extract.jsonl",
    "brieflow.extract.text",
    "brieflow.web.warm",
]


class BriefTimeout(Exception):
    """A brief ran past the server's deadline (504)."""

    def __init__(self, seconds: float, *, stopped: bool):
        what = "and was stopped" if stopped else "; the brief is still stored when it finishes"
        sep = " " if stopped else ""
        super().__init__(f"briefing took longer than {seconds:g} s{sep}{what}")
        self.seconds = seconds


class WorkerLost(Exception):
    """The worker process died during a job (503): the next job gets a fresh one."""


def _serve(conn: Connection) -> None:
    """A worker's loop: run each (function, args) sent, answer (ok, value or exception)."""
    # Ctrl-C in a terminal reaches every process of the group; the server stops its workers
    # itself (it closes their pipes, or they see it gone), so a worker ignores it rather than
    # dying mid-job with a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[bool, Any] = (True, fn(*args))
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the server
            answer = (False, exc)
        try:
            conn.send(answer)
        except Exception as exc:  # noqa: BLE001 - an unpicklable result or exception
            conn.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


class _Worker:
    def __init__(self, ctx: Any):
        self.generation = 0
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """At most `size` worker processes, each running one job at a time."""

    def __init__(self, size: int):
        self.size = max(1, size)
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(PRELOAD)
        self._idle: list[_Worker] = []
        self._count = 0  # workers alive, idle or busy
        self._cond = threading.Condition()
        self._generation = 0  # close() starts a new one; older workers stop when they are done
        self.killed = 0  # workers stopped at a deadline (for tests and logs)

    def run(self, fn: Callable[..., Any], *args: Any, deadline: float, seconds: float) -> Any:
        """`fn(*args)` in a worker, by the time.monotonic() `deadline`; else the worker is
        killed and BriefTimeout(seconds) raised. Blocks the calling thread."""
        worker = self._take(deadline, seconds)
        worker.generation = self._generation
        try:
            worker.conn.send((fn, args))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._discard(worker)
                self.killed += 1
                raise BriefTimeout(seconds, stopped=True)
            ok, value = worker.conn.recv()
        except (EOFError, OSError) as exc:
            self._discard(worker)
            raise WorkerLost("the briefing worker stopped unexpectedly; try again") from exc
        self._give_back(worker)
        if ok:
            return value
        raise value

    def _take(self, deadline: float, seconds: float) -> _Worker:
        with self._cond:
            while True:
                if self._idle:
                    return self._idle.pop()
                if self._count < self.size:
                    self._count += 1
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BriefTimeout(seconds, stopped=True)
                self._cond.wait(left)
        try:
            return _Worker(self._ctx)
        except BaseException:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def _give_back(self, worker: _Worker) -> None:
        with self._cond:
            if worker.generation == self._generation:
                self._idle.append(worker)
                self._cond.notify()
                return
            self._count -= 1
            self._cond.notify()
        worker.stop()  # it started before the last close()

    def _discard(self, worker: _Worker) -> None:
        worker.stop()
        with self._cond:
            self._count -= 1
            self._cond.notify()

    def close(self) -> None:
        """Stop every idle worker now; busy ones stop when their job ends. The pool stays
        usable: the next job starts a fresh worker (an app may be shut down and started again)."""
        with self._cond:
            self._generation += 1
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            worker.stop()
