"""`brieflow watch`: poll feeds and URL lists, store and brief new articles, update stories.

Each poll reads every source that is due: a URL through brieflow.fetch with a conditional GET
(If-None-Match / If-Modified-Since from the last answer's ETag / Last-Modified, so an unchanged
feed costs one 304), a path from disk. Articles whose text is already stored are not new; new
ones are stored, briefed (near-duplicates are stored and linked, not briefed, as in `batch`)
and put into stories. A source that fails waits `every × 2^(failures)` (at most MAX_BACKOFF)
before the next try; one failing source never stops the others. The state (validators,
failures, next poll) is kept in the database, so `--once` from cron backs off too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from .config import Settings
from .engines import BriefOptions, Engine, get_engine
from .errors import BrieflowError
from .extract import extract
from .models import content_id
from .pipeline import brief, items, with_language
from .sources import is_url
from .store import Store, options_key
from .store import stories as db
from .stories import update

MAX_BACKOFF = 6 * 3600.0  # seconds


@dataclass
class SourceResult:
    source: str
    status: str  # "new N", "not modified", "no new articles", "error: …", "backing off …"
    new: int = 0
    briefed: int = 0
    failed: int = 0


@dataclass
class PollResult:
    sources: list[SourceResult] = field(default_factory=list)
    clustered: int = 0
    stories: int = 0

    @property
    def new(self) -> int:
        return sum(s.new for s in self.sources)

    def status_line(self) -> str:
        errors = sum(s.status.startswith("error") for s in self.sources)
        waiting = sum(s.status.startswith("backing off") for s in self.sources)
        unchanged = sum(s.status == "not modified" for s in self.sources)
        stamp = datetime.now().strftime("%H:%M:%S")
        return (
            f"{stamp} {len(self.sources)} sources: {self.new} new articles, "
            f"{unchanged} not modified, {errors} failed, {waiting} backing off; "
            f"{self.stories} stories"
        )


class Watcher:
    def __init__(
        self,
        store: Store,
        sources: list[str],
        *,
        every: float = 900.0,
        engine: str | Engine = "extractive",
        options: BriefOptions | None = None,
        settings: Settings | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.store = store
        self.sources = sources
        self.every = every
        self.settings = settings or Settings()
        self.engine = get_engine(engine, self.settings) if isinstance(engine, str) else engine
        self.options = options or BriefOptions(language=self.settings.language)
        self.key = options_key(self.options.key())
        self.clock = clock

    def poll(self) -> PollResult:
        """One round: every due source once, then the stories."""
        result = PollResult()
        for source in self.sources:
            result.sources.append(self._poll_source(source))
        up = update(self.store)
        result.clustered, result.stories = up.clustered, up.stories
        return result

    def _poll_source(self, source: str) -> SourceResult:
        state = db.watch_state(self.store, source)
        now = self.clock()
        if state.next_poll is not None and now < state.next_poll:
            wait = datetime.fromtimestamp(state.next_poll).strftime("%H:%M")
            return SourceResult(source, f"backing off until {wait} ({state.last_status})")
        checked = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            found = self._read(source, state)
        except BrieflowError as exc:
            failures = state.failures + 1
            delay = min(self.every * 2**failures, MAX_BACKOFF)
            status = f"error: {exc.message}" + (f" ({exc.hint})" if exc.hint else "")
            db.save_watch_state(
                self.store,
                replace(
                    state,
                    failures=failures,
                    next_poll=now + delay,
                    last_status=status,
                    checked_at=checked,
                ),
            )
            return SourceResult(source, status, failed=1)
        if found is None:
            result = SourceResult(source, "not modified")
        else:
            fetched, validators = found
            result = self._store_new(source, fetched)
            state = replace(state, etag=validators[0], last_modified=validators[1])
        db.save_watch_state(
            self.store,
            replace(
                state, failures=0, next_poll=None, last_status=result.status, checked_at=checked
            ),
        )
        return result

    def _read(self, source: str, state: db.WatchState):
        """(items, (etag, last_modified)), or None when the server says nothing changed."""
        if not is_url(source):
            found = list(items([source], settings=self.settings))
            errors = [i.error for i in found if i.error is not None]
            if errors and len(errors) == len(found):
                raise errors[0]  # nothing readable: the source failed (and backs off)
            return found, (None, None)
        from .fetch import fetch

        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        fetched = fetch(source, self.settings, headers=headers or None)
        if fetched.status == 304:
            return None
        found = [
            with_language(i) for i in extract(fetched.as_bytes(), source, settings=self.settings)
        ]
        return found, (fetched.etag, fetched.last_modified)

    def _store_new(self, source: str, found: list) -> SourceResult:
        result = SourceResult(source, "")
        for item in found:
            if item.error is not None or item.article is None:
                result.failed += 1
                continue
            article = item.article
            cid = content_id(article.paragraphs)
            if self.store.has_article(cid):
                continue
            added = self.store.add_article(article, origin=item.origin)
            result.new += 1
            if added.duplicate_of is not None:
                continue
            try:
                b = brief(article, engine=self.engine, options=self.options, settings=self.settings)
            except BrieflowError as exc:
                result.failed += 1
                self.store.add_failure(
                    run=None, origin=item.origin, kind=type(exc).__name__, message=exc.line()
                )
                continue
            self.store.add_brief(cid, b, options=self.key)
            result.briefed += 1
        result.status = f"new {result.new}" if result.new else "no new articles"
        if result.failed:
            result.status += f", {result.failed} failed"
        return result

    def run(
        self,
        *,
        once: bool = False,
        on_poll: Callable[[PollResult], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> PollResult:
        """Poll now, then every `every` seconds until interrupted (or once)."""
        while True:
            started = self.clock()
            result = self.poll()
            if on_poll is not None:
                on_poll(result)
            if once:
                return result
            sleep(max(0.0, self.every - (self.clock() - started)))
