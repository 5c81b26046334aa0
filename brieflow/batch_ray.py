"""Batches on a Ray cluster: the `Executor` of `brieflow.batch`, with briefs run as Ray tasks.

Only the executor differs from a local batch: the driver (the `brieflow batch` process) reads the
sources, stores the articles, decides what to brief and writes every result, once, to the store;
Ray tasks only call `batch.work`, which never raises. At most `window` tasks are in flight, so a
long input never floods the cluster or the driver's memory. Tasks are not retried by Ray: a
worker or node that dies costs its in-flight articles a `WorkerDied` failure, and the next run
briefs them, exactly as with local processes. Killing the driver ends its tasks (Ray cancels the
work of a dead owner); the store holds what was written, and a rerun does the rest.

For network-bound engines (llm) one cap holds across the whole cluster: a named, detached
semaphore actor (`brieflow-llm-limiter`) that every task of every driver asks for a permit, so
several batches on many machines together stay under a provider's rate limit. A permit is a
lease: one held by a task that died is taken back when its lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from .batch import Job, Outcome, Task, work
from .errors import ConfigError

NAMESPACE = "brieflow"
LIMITER = "brieflow-llm-limiter"
EXTRA = 'pip install "brieflow[ray]"'


def import_ray() -> Any:
    """Ray, or one clear error naming the extra that installs it."""
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "--executor ray needs Ray, which is not installed", hint=f"install it: {EXTRA}"
        ) from None
    return ray


def connect(address: str | None = None) -> Any:
    """Ray, connected: to `address` (host:port of a cluster's head, or "auto"), else to the
    cluster this process already joined, else to $RAY_ADDRESS, else to a new local one."""
    ray = import_ray()
    if not ray.is_initialized():
        try:
            ray.init(
                address=address,
                namespace=NAMESPACE,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
            )
        except (ConnectionError, ValueError, RuntimeError) as exc:
            raise ConfigError(
                f"cannot join the Ray cluster at {address or 'auto'}: {exc}",
                hint="start it with `ray start --head` or check --ray-address",
            ) from None
    return ray


class _Limiter:
    """A counting semaphore with leases (an async actor: waiting callers do not block others)."""

    def __init__(self, permits: int):
        self.permits = max(1, permits)
        self.leases: dict[str, float] = {}  # lease id -> deadline (monotonic)
        self.changed = asyncio.Condition()

    async def acquire(self, seconds: float) -> str:
        async with self.changed:
            while True:
                now = time.monotonic()
                for lease, deadline in list(self.leases.items()):
                    if deadline < now:  # its holder died without giving it back
                        del self.leases[lease]
                if len(self.leases) < self.permits:
                    lease = uuid.uuid4().hex
                    self.leases[lease] = now + seconds
                    return lease
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.changed.wait(), timeout=1.0)

    async def release(self, lease: str) -> None:
        async with self.changed:
            self.leases.pop(lease, None)
            self.changed.notify()

    async def state(self) -> tuple[int, int]:
        """(permits, leases held now)."""
        return self.permits, len(self.leases)


def limiter(permits: int) -> Any:
    """The cluster's llm limiter (made by the first driver that asks, with its cap)."""
    ray = import_ray()
    actor = ray.remote(num_cpus=0, max_concurrency=1000)(_Limiter)
    return actor.options(
        name=LIMITER, namespace=NAMESPACE, get_if_exists=True, lifetime="detached"
    ).remote(permits)


def _lease_seconds(job: Job) -> float:
    s = job.settings
    return s.llm_timeout * (s.llm_max_retries + 1) + 60.0


def _limited_work(job: Job, task: Task, gate: Any) -> Outcome:
    """`work`, holding one of the cluster's permits when there is a gate."""
    if gate is None:
        return work(job, task)
    import ray

    lease = ray.get(gate.acquire.remote(_lease_seconds(job)))
    try:
        return work(job, task)
    finally:
        gate.release.remote(lease)


class RayExecutor:
    """Briefs as Ray tasks: one CPU each for the extractive engine; for other (network-bound)
    engines no CPU and a cluster-wide cap of `llm_limit` calls at once."""

    def __init__(
        self, address: str | None = None, *, llm_limit: int = 4, window: int | None = None
    ):
        self.address = address
        self.llm_limit = max(1, llm_limit)
        self.window = window

    def run(self, job: Job, tasks: Iterable[Task]) -> Iterator[Outcome]:
        ray = connect(self.address)
        cpu_bound = job.engine == "extractive"
        gate = None if cpu_bound else limiter(self.llm_limit)
        remote = ray.remote(num_cpus=1 if cpu_bound else 0, max_retries=0)(_limited_work)
        if self.window:
            window = self.window
        elif cpu_bound:
            window = 2 * max(1, math.floor(ray.cluster_resources().get("CPU", 1)))
        else:
            window = 2 * self.llm_limit
        job_ref = ray.put(job)  # shipped once, not once per task
        source = iter(tasks)
        pending: dict[Any, Task] = {}
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < window:
                    task = next(source, None)
                    if task is None:
                        exhausted = True
                    else:
                        pending[remote.remote(job_ref, task, gate)] = task
                if not pending:
                    return
                done, _ = ray.wait(list(pending), num_returns=1)
                for ref in done:
                    task = pending.pop(ref)
                    try:
                        yield ray.get(ref)
                    except ray.exceptions.RayError as exc:  # the worker or its node died
                        yield Outcome(
                            task.key,
                            task.origin,
                            error_kind="WorkerDied",
                            error=f"{task.origin}: a Ray worker died on this article "
                            f"({type(exc).__name__})",
                        )
        finally:
            for ref in pending:  # interrupted: do not leave work running for nobody
                ray.cancel(ref, force=True)
