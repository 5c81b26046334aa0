"""Batch briefing into a Store: bounded concurrency, per-item errors, resumable, crash-safe.

The main process reads items through `pipeline.items`, stores each new article (so near-duplicates
of anything seen before, in this run or an earlier one, are found), skips what is already briefed
with the same engine, version and options, and hands the rest to an `Executor`. Workers call
`pipeline.brief`; only the main process writes to the database, one transaction per write, so
`kill -9` at any moment loses at most the briefs in flight, which the next run redoes. The unique
key (article, engine, version, options) makes a second copy of a brief impossible.

Several batches on one database (processes, machines) split overlapping input instead of
briefing it twice: an article is claimed (brieflow/store/claims.py) before it goes to the
executor. One claimed by another live batch is kept aside and looked at again while this batch
works and after its input ends, until the other batch has stored it (counted as skipped) or
died or failed it (then this batch claims and briefs it). So when a batch finishes, every
article of its input is briefed, by it or another, and none twice.

An Executor is the seam for other ways of running the work (a distributed queue, say): it takes
picklable `Task`s and yields `Outcome`s, and knows nothing of the store.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures import Executor as _PoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .config import Settings
from .engines import BriefOptions, Engine, get_engine
from .errors import BrieflowError, InputError
from .extract import Item
from .models import Article, Brief, content_id
from .pipeline import brief as brief_article
from .pipeline import items
from .sources import files_in, is_url
from .store import Store, claims, options_key

# -- the executor seam ---------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to build its engine: picklable, so it can travel."""

    engine: str
    options: BriefOptions
    settings: Settings


@dataclass(frozen=True)
class Task:
    key: str  # the article's content id
    origin: str
    article: Article


@dataclass(frozen=True)
class Outcome:
    key: str
    origin: str
    brief: Brief | None = None
    error_kind: str | None = None
    error: str | None = None


class Executor(Protocol):
    """Runs tasks with the job's engine; yields one Outcome per task, in any order."""

    def run(self, job: Job, tasks: Iterable[Task]) -> Iterator[Outcome]: ...


# The engines this process built, per (engine name, settings), built once and reused. An
# engine that declares itself `thread_safe` (llm: one HTTP client, one learned response mode,
# one usage total) is shared by every thread; any other engine is built once per thread,
# because an Engine is not promised to be thread-safe.
_engines = threading.local()
_shared: dict[tuple[str, Settings], tuple[Engine, int]] = {}  # engine, batches using it
_shared_lock = threading.Lock()


def _engine_for(job: Job) -> Engine:
    key = (job.engine, job.settings)
    with _shared_lock:
        if key in _shared:
            return _shared[key][0]
    built: dict[tuple[str, Settings], Engine] = _engines.__dict__.setdefault("built", {})
    if key not in built:
        built[key] = get_engine(job.engine, job.settings)
    return built[key]


def share_engine(job: Job, engine: Engine) -> None:
    """Use `engine` for `job` in every thread of this process, when it is thread-safe."""
    if getattr(engine, "thread_safe", False):
        key = (job.engine, job.settings)
        with _shared_lock:
            shared, users = _shared.get(key, (engine, 0))
            _shared[key] = (shared, users + 1)


def release_engine(job: Job) -> None:
    """The batch of `job` is over: its shared engine is closed when no other batch uses it."""
    key = (job.engine, job.settings)
    with _shared_lock:
        if key not in _shared:
            return
        engine, users = _shared.pop(key)
        if users > 1:
            _shared[key] = (engine, users - 1)
            return
    close = getattr(engine, "close", None)
    if close is not None:
        close()


def _init_worker(job: Job, parent: int) -> None:
    """`parent` is the batch process's pid, passed in: read here with getppid() it would be
    init's when the batch was killed while this worker was still starting (then it lingered)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a pool process: Ctrl-C is the parent's job

    def watch() -> None:  # the parent killed (kill -9): do not linger as an orphan
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="brieflow-parent-watch").start()
    _engine_for(job)


def work(job: Job, task: Task) -> Outcome:
    """Brief one task; never raises, so one bad article cannot stop a batch."""
    try:
        result = brief_article(task.article, engine=_engine_for(job), options=job.options)
        return Outcome(task.key, task.origin, brief=result)
    except BrieflowError as exc:
        if exc.source in (None, task.article.id):  # the input's place says more
            exc.source = task.origin
        return Outcome(task.key, task.origin, error_kind=type(exc).__name__, error=exc.line())
    except Exception as exc:  # an engine bug must not stop the batch: record it
        return Outcome(
            task.key,
            task.origin,
            error_kind=type(exc).__name__,
            error=f"{task.origin}: internal error: {exc!r} (please report it)",
        )


class SerialExecutor:
    """In this process, one at a time: the simplest executor, used for --concurrency 1."""

    def run(self, job: Job, tasks: Iterable[Task]) -> Iterator[Outcome]:
        for task in tasks:
            yield work(job, task)


class PoolExecutor:
    """A local pool of processes (CPU-bound engines) or threads (I/O-bound engines such as llm),
    with at most `window` tasks in flight so memory stays flat however long the input."""

    def __init__(self, workers: int, *, processes: bool, window: int | None = None):
        self.workers = max(1, workers)
        self.processes = processes
        self.window = window or self.workers * 4

    def _pool(self, job: Job) -> _PoolExecutor:
        if self.processes:
            # spawn: no fork of a process holding threads (the progress bar) or a database handle
            return ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(job, os.getpid()),
            )
        return ThreadPoolExecutor(self.workers, thread_name_prefix="brieflow-batch")

    def run(self, job: Job, tasks: Iterable[Task]) -> Iterator[Outcome]:
        source = iter(tasks)
        pool = self._pool(job)
        pending: dict[Future[Outcome], Task] = {}
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < self.window:
                    task = next(source, None)
                    if task is None:
                        exhausted = True
                    else:
                        pending[pool.submit(work, job, task)] = task
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                broken = False
                for future in done:
                    task = pending.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        broken = True
                        yield Outcome(
                            task.key,
                            task.origin,
                            error_kind="WorkerDied",
                            error=f"{task.origin}: a worker process died on this article",
                        )
                if broken:  # the other in-flight tasks were lost with the pool: fail them too
                    for future, task in pending.items():
                        future.cancel()
                        yield Outcome(
                            task.key,
                            task.origin,
                            error_kind="WorkerDied",
                            error=f"{task.origin}: a worker process died while briefing",
                        )
                    pending.clear()
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = self._pool(job)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def default_executor(engine: str, concurrency: int | None) -> Executor:
    """Processes for the CPU-bound extractive engine, threads for network-bound engines."""
    cpu = os.cpu_count() or 1
    if engine == "extractive":
        n = concurrency or cpu
        return SerialExecutor() if n <= 1 else PoolExecutor(n, processes=True)
    n = concurrency or 4
    return SerialExecutor() if n <= 1 else PoolExecutor(n, processes=False)


# -- sources ----------------------------------------------------------------------------------

LIST_SUFFIXES = (".urls", ".list")


def expand_sources(sources: Iterable[str]) -> Iterator[str]:
    """Sources with URL lists opened up: `@FILE`, a `.urls`/`.list` file, or a `.txt` file whose
    every non-blank line is a URL lists one source (URL or path) per line; `#` starts a comment."""
    for source in sources:
        listed = _listed(source)
        if listed is None:
            yield source
        else:
            yield from listed


def _listed(source: str) -> list[str] | None:
    explicit = source.startswith("@") and len(source) > 1
    path = Path(source[1:] if explicit else source)
    if not explicit and (is_url(source) or path.suffix.lower() not in (*LIST_SUFFIXES, ".txt")):
        return None
    if not explicit and not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 20)
            if path.suffix.lower() == ".txt" and not explicit:
                lines = _lines(head)
                if not lines or not all(is_url(x) for x in lines) or fh.read(1):
                    return None
                return lines
            return _lines(head + fh.read())
    except OSError as exc:
        raise InputError(f"cannot read the list: {exc.strerror}", source=str(path)) from None


def _lines(data: bytes) -> list[str]:
    out = []
    for raw in data.decode("utf-8", errors="replace").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _guarded_items(
    sources: list[str], *, fmt: str | None, stdin: bytes | None, settings: Settings
) -> Iterator[Item]:
    """`pipeline.items`, one source at a time, so that a bug in an extractor costs the rest of
    that source (recorded as a failure), not the rest of the batch."""
    for source in expand_sources(sources):
        try:
            yield from items([source], fmt=fmt, stdin=stdin, settings=settings)
        except Exception as exc:
            yield Item(
                source,
                error=BrieflowError(
                    f"internal error while reading: {exc!r}", source=source, hint="please report it"
                ),
            )


def estimate_total(sources: Iterable[str]) -> int | None:
    """A cheap guess of how many items the sources hold (for the progress bar's ETA): a line per
    JSON Lines record, an entry per feed item, one per other file or URL. None if unknown."""
    total = 0
    for source in expand_sources(sources):
        if source == "-":
            return None
        if is_url(source):
            total += 1
            continue
        path = Path(source)
        if path.is_file():
            files = [path]
        elif path.is_dir():
            files = files_in(path)
        else:
            files = []
        if not files:
            return None
        for f in files:
            total += _count(f)
    return total


def _count(path: Path) -> int:
    suffix = path.suffix.lower()
    try:
        if suffix in (".jsonl", ".ndjson"):
            with path.open("rb") as fh:
                return sum(1 for line in fh if line.strip())
        if suffix in (".xml", ".rss", ".atom"):
            data = path.read_bytes()
            return max(1, data.count(b"<item") + data.count(b"<entry"))
    except OSError:
        return 1
    return 1


# -- the batch ------------------------------------------------------------------------------


@dataclass
class Progress:
    """Counts so far; `total` is an estimate (None when unknown)."""

    total: int | None = None
    seen: int = 0
    briefed: int = 0
    skipped: int = 0  # briefed by another run (earlier, or a concurrent batch): same engine,
    # version and options
    duplicates: int = 0  # the same text earlier in this run, or a near-duplicate of a stored one
    failed: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def done(self) -> int:
        return self.briefed + self.skipped + self.duplicates + self.failed

    def counts(self) -> dict[str, int]:
        return {
            "seen": self.seen,
            "briefed": self.briefed,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "failed": self.failed,
        }


@dataclass
class BatchResult:
    run: int
    progress: Progress
    failures: list[str]  # the first MAX_KEPT failure lines (all of them are in the store)
    failure_kinds: dict[str, int]
    seconds: float
    # the first MAX_KEPT "origin: warning" lines of items briefed in a way the user should know
    # (a feed item briefed from its own text because its link failed)
    warnings: list[str] = field(default_factory=list)


MAX_KEPT = 50


def run_batch(
    sources: list[str],
    store: Store,
    *,
    engine: str = "extractive",
    options: BriefOptions | None = None,
    settings: Settings | None = None,
    concurrency: int | None = None,
    executor: Executor | None = None,
    force: bool = False,
    fmt: str | None = None,
    stdin: bytes | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> BatchResult:
    """Brief every article in `sources` into `store`; see the module docstring."""
    settings = settings or Settings()
    options = options or BriefOptions(language=settings.language)
    the_engine = get_engine(engine, settings)  # fails fast on a bad engine or its config
    key = options_key(options.key())
    job = Job(engine, options, settings)
    share_engine(job, the_engine)  # threads of this process use it (and what it learns)
    executor = executor or default_executor(engine, concurrency)
    progress = Progress(total=estimate_total(sources) if stdin is None else None)
    run = store.start_run(
        engine=the_engine.name, engine_version=the_engine.version, options=key, sources=sources
    )
    failures: list[str] = []
    warnings: list[str] = []
    kinds: dict[str, int] = {}
    in_flight: set[str] = set()
    last_saved = time.monotonic()
    # claims: an article is briefed by the batch that claims it (brieflow/store/claims.py); one
    # claimed by another live batch is kept aside and looked at again every `poll` seconds
    lease = settings.claim_lease
    me = claims.holder()
    aside: dict[str, tuple[str, Article]] = {}  # content id -> (origin, article)
    poll = min(2.0, max(0.1, lease / 8))
    next_check = time.monotonic() + poll

    def tick() -> None:
        nonlocal last_saved
        if on_progress is not None:
            on_progress(progress)
        if time.monotonic() - last_saved > 2.0:
            store.update_run(run, progress.counts())
            last_saved = time.monotonic()

    def fail(origin: str, kind: str, line: str, article: str | None = None) -> None:
        progress.failed += 1
        kinds[kind] = kinds.get(kind, 0) + 1
        if len(failures) < MAX_KEPT:
            failures.append(line)
        store.add_failure(run=run, origin=origin, kind=kind, message=line, article=article)

    def take(cid: str) -> str:
        """Claim the article for this run: "mine", "held" by another live run, or "briefed"."""
        found = claims.claim(
            store, cid, the_engine.name, the_engine.version, key, run=run, lease=lease, by=me
        )
        if found.state == "held" and found.holder and claims.dead_here(found.holder):
            claims.expire(store, found.holder)  # its process is gone: no need to wait
            found = claims.claim(
                store, cid, the_engine.name, the_engine.version, key, run=run, lease=lease, by=me
            )
        return found.state

    def recheck() -> list[Task]:
        """The articles kept aside that are free now (their claimant died or failed them);
        those another run has briefed meanwhile count as skipped."""
        nonlocal next_check
        began = time.monotonic()
        ready = []
        for cid, (origin, article) in list(aside.items()):
            state = take(cid)
            if state == "held":
                continue
            del aside[cid]
            if state == "briefed":
                progress.skipped += 1
            else:
                in_flight.add(cid)
                ready.append(Task(cid, origin, article))
        # a long list aside is not read again more often than it takes to read it, twice over
        next_check = time.monotonic() + max(poll, 2 * (time.monotonic() - began))
        tick()
        return ready

    def finish(outcome: Outcome) -> None:
        """Store an outcome and let go of its claim, in one transaction."""
        in_flight.discard(outcome.key)
        with store.transaction():
            if outcome.brief is not None:
                if store.add_brief(outcome.key, outcome.brief, options=key, run=run):
                    progress.briefed += 1
                else:  # another batch on this database stored the same brief first
                    progress.skipped += 1
            else:
                fail(
                    outcome.origin, outcome.error_kind or "Error", outcome.error or "", outcome.key
                )
            claims.release(store, run, outcome.key)
        tick()

    def tasks() -> Iterator[Task]:
        for item in _guarded_items(sources, fmt=fmt, stdin=stdin, settings=settings):
            progress.seen += 1
            if item.error is not None:
                fail(item.origin, type(item.error).__name__, item.error.line())
                tick()
                continue
            article = item.article
            assert article is not None
            if item.warning and len(warnings) < MAX_KEPT:
                warnings.append(f"{item.origin}: {item.warning}")
            cid = content_id(article.paragraphs)
            briefed = store.has_brief(cid, the_engine.name, the_engine.version, key)
            if (
                cid in in_flight
                or cid in aside
                or (
                    briefed
                    and store.has_brief(cid, the_engine.name, the_engine.version, key, run=run)
                )
            ):
                progress.duplicates += 1  # the same text came earlier in this run
            elif briefed:
                progress.skipped += 1
            else:
                added = store.add_article(article, origin=item.origin)
                if added.duplicate_of is not None and not force:
                    progress.duplicates += 1
                else:
                    state = take(cid)
                    if state == "mine":
                        in_flight.add(cid)
                        tick()
                        yield Task(cid, item.origin, article)
                        continue
                    if state == "briefed":  # by another batch, a moment ago
                        progress.skipped += 1
                    else:  # another live batch is briefing it: see again later
                        aside[cid] = (item.origin, article)
            tick()
            if aside and time.monotonic() >= next_check:
                yield from recheck()

    status = "interrupted"
    stop_renewing = _keep_alive(store, run, lease)
    try:
        for outcome in executor.run(job, tasks()):
            finish(outcome)
        while aside:  # held by other live batches when the input ended: wait for them
            ready = recheck()
            if ready:  # a claimant died or failed them: brief them here
                for outcome in executor.run(job, ready):
                    finish(outcome)
            elif aside:
                time.sleep(poll)
        status = "done"
    finally:
        stop_renewing()
        try:
            claims.release(store, run)
        finally:
            store.update_run(run, progress.counts(), status)
            release_engine(job)
    return BatchResult(
        run, progress, failures, kinds, time.monotonic() - progress.started, warnings
    )


def _keep_alive(store: Store, run: int, lease: float) -> Callable[[], None]:
    """Renew the claims of `run` every few seconds from a thread of its own (on its own
    connection), so they stay alive however long the main thread waits for a slow brief; a
    batch killed renews nothing and its claims expire. Returns the function that stops it."""
    stop = threading.Event()

    def beat() -> None:
        other: Store | None = None
        while not stop.wait(min(10.0, lease / 4)):
            try:
                other = other or store.reopen()
                claims.renew(other, run, lease)
            except BrieflowError:  # the database is away: the main thread says so; try again
                if other is not None:
                    other.close()
                other = None
        if other is not None:
            other.close()

    thread = threading.Thread(target=beat, daemon=True, name="brieflow-claims")
    thread.start()

    def end() -> None:
        stop.set()
        thread.join(timeout=60)

    return end
