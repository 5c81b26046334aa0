"""What the web app does, apart from HTTP: read a submitted input, brief it, keep it, read back.

Inputs go through `brieflow.pipeline.items` (a URL through `brieflow.fetch` with
`block_private` forced on) and briefs through `brieflow.pipeline.brief`, so the web app chains no
stages itself. Each thread gets its own Store connection (SQLite in WAL mode lets readers and the
one writer share the file), because a sqlite3 connection must not be used by two threads at once.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import pipeline
from ..config import Settings
from ..engines import BriefOptions, Engine, get_engine
from ..errors import BlockedURL, BrieflowError, ConfigError, InputError, NotFound
from ..extract import EXTENSIONS, detect_format
from ..extract.dates import normalize_published
from ..extract.feed import count_items
from ..models import Article, Brief, content_id
from ..sources import is_url
from ..store import Store
from ..store.open import is_postgres, open_store
from ..store.store import StoredArticle, StoredBrief, options_key, search_terms
from .workers import WorkerPool

INPUT_KINDS = ("text", "html", "url", "article")
# Upload names map to these extractors; anything else is sniffed from the bytes.
UPLOAD_FORMATS = {"text", "markdown", "html", "json", "jsonl"}
RATE_LIMITS = ("shared", "per-process")  # where API tokens' buckets are kept (web/auth.py)


class RefusedURL(InputError):
    """A URL the server will not fetch: not http(s), or a private, loopback, link-local or
    metadata address (also when a redirect leads there). The client's mistake, so 400."""

    http_status = 400


@dataclass(frozen=True)
class WebSettings:
    """How the server behaves; `settings` carries engine, LLM and fetch settings."""

    db: Path | str  # a SQLite file or a postgresql:// URL
    settings: Settings = field(default_factory=Settings)
    max_body_bytes: int = 5_000_000  # larger requests get 413 before any work
    brief_timeout: float = 60.0  # seconds for read + brief + store; then 504
    brief_workers: int = 2  # briefs computed at once (CPU-bound); others queue
    # "process": each brief in a worker process, killed at the deadline (a runaway cannot
    # freeze the server); "thread": in the server's threads (tests that patch brieflow in-process)
    workers: str = "process"
    allowed_hosts: tuple[str, ...] | None = None  # Host headers accepted; None: any
    require_token: bool = False  # API tokens on every call and page (brieflow/web/auth.py)
    # "shared": each token's rate limit is kept in the database, for every server process on
    # it; "per-process": in each process's memory (no write per request; N processes, N× rate)
    rate_limit: str = "shared"
    access_log: bool = False  # one line per request on stderr, naming the serving process

    def __post_init__(self) -> None:
        if self.rate_limit not in RATE_LIMITS:
            raise ConfigError(
                f"rate_limit {self.rate_limit!r} is not one of {', '.join(RATE_LIMITS)}"
            )

    def to_json(self) -> str:
        """These settings as JSON, for the server processes `brieflow serve --processes`
        starts (they import the app by name and rebuild it with `from_json`)."""
        data = asdict(self)
        data["db"] = str(self.db)
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> WebSettings:
        data = json.loads(text)
        db = data["db"]
        data["db"] = db if is_postgres(db) else Path(db)
        data["settings"] = Settings(**data["settings"])
        if data["allowed_hosts"] is not None:
            data["allowed_hosts"] = tuple(data["allowed_hosts"])
        return cls(**data)


@dataclass(frozen=True)
class Submission:
    """One input to brief: exactly one of the kinds in INPUT_KINDS."""

    kind: str
    value: str | bytes | dict[str, Any]
    # An uploaded file's name (its extension picks the extractor), "<paste>" for text pasted
    # in the form (the format is sniffed), "" for an API field (the field names the format).
    name: str = ""
    engine: str | None = None
    language: str | None = None
    max_groups: int = 4
    max_points: int = 4


class Service:
    """The web app's access to the pipeline and the store (one per app)."""

    def __init__(self, web: WebSettings):
        self.web = web
        self.settings = replace(web.settings, block_private=True)
        self._local = threading.local()
        self._stores: list[Store] = []
        self._engines: dict[str, Engine] = {}  # thread-safe engines, kept for the app's life
        self._lock = threading.Lock()
        self.pool = WorkerPool(web.brief_workers) if web.workers == "process" else None
        self.store  # noqa: B018 - open (and migrate) the database now, not on the first request

    @property
    def store(self) -> Store:
        """This thread's connection to the database."""
        store = getattr(self._local, "store", None)
        if store is None or store.closed:  # closed: the app was shut down and started again
            store = open_store(self.web.db)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
        with self._lock:
            for store in self._stores:
                store.close()
            self._stores.clear()
            engines = list(self._engines.values())
            self._engines.clear()
        for engine in engines:
            close = getattr(engine, "close", None)
            if close is not None:
                close()

    def engine(self, name: str | None) -> Engine:
        """The engine called `name` (the configured one when None). A thread-safe engine (llm)
        is built once and kept, with its HTTP connections and the response mode it learned;
        others are built per request, as they are not promised to be thread-safe."""
        name = name or self.settings.engine
        with self._lock:
            if name in self._engines:
                return self._engines[name]
        engine = get_engine(name, self.settings)  # an unknown name is a 400, before any work
        if getattr(engine, "thread_safe", False):
            with self._lock:
                kept = self._engines.setdefault(name, engine)
            if kept is not engine:  # another thread built it first
                close = getattr(engine, "close", None)
                if close is not None:
                    close()
            return kept
        return engine

    # -- writing ---------------------------------------------------------------------------

    def submit(self, sub: Submission) -> StoredBrief:
        """Read `sub`, brief it unless an equal brief is stored, and return the stored brief."""
        deadline = time.monotonic() + self.web.brief_timeout
        engine = self.engine(sub.engine)  # 400 before work
        article = self._work(read_submission, sub, self.settings, deadline=deadline)
        options = BriefOptions(
            language=sub.language or self.settings.language,
            max_groups=sub.max_groups,
            max_points=sub.max_points,
        )
        key = options_key(options.key())
        cid, _ = pipeline.brief_and_store(
            article,
            self.store,
            engine=engine,
            options=options,
            origin=f"web:{sub.kind}",
            settings=self.settings,
            # in a worker process, which keeps its own engine (brief_article); in thread mode
            # here, with the engine this service keeps
            compute=None
            if self.pool is None
            else lambda a: self._work(
                brief_article, a, engine.name, options, self.settings, deadline=deadline
            ),
        )
        found = self._find(cid, engine.name, engine.version, key)
        if found is None:  # pragma: no cover - brief_and_store has just committed it
            raise NotFound("the brief just stored cannot be read back", source=cid)
        return found

    def _work(self, fn: Callable[..., Any], *args: Any, deadline: float) -> Any:
        """`fn(*args)` in a worker process (killed at `deadline`), or here when the server runs
        briefs in threads (`WebSettings.workers == "thread"`)."""
        if self.pool is None:
            return fn(*args)
        return self.pool.run(fn, *args, deadline=deadline, seconds=self.web.brief_timeout)

    def _find(self, cid: str, engine: str, version: str, key: str) -> StoredBrief | None:
        """The stored brief of article `cid` by this engine version with these options."""
        wanted = json.loads(key)
        for stored in self.store.briefs(article=cid, engine=engine):
            if stored.brief.engine_version == version and stored.options == wanted:
                return stored
        return None

    # -- reading ---------------------------------------------------------------------------

    def brief(self, number: int) -> tuple[StoredBrief, StoredArticle]:
        """The brief stored under `number` and its article with paragraphs; raises NotFound."""
        for stored in self.store.briefs(number=number, limit=1):
            return stored, self.store.article(stored.article.id)
        raise NotFound(f"no brief number {number}", hint="see the list of briefs at /briefs")

    def article(self, ref: str) -> StoredArticle:
        return self.store.article(ref)

    def article_briefs(self, cid: str) -> list[StoredBrief]:
        return list(self.store.briefs(article=cid))

    def listing(
        self,
        *,
        query: str | None = None,
        engine: str | None = None,
        source: str | None = None,
        language: str | None = None,
        passed: bool | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 50,
    ) -> list[StoredBrief]:
        """Stored briefs matching every filter given; `query` searches titles and paragraphs
        (Chinese or English words, all of them must occur)."""
        since, until = _date(since, "since"), _date(until, "until")
        found: Iterator[StoredBrief]
        if query and search_terms(query):
            hits = self.store.search(query, source=source, since=since, until=until, limit=limit)
            found = (
                b
                for hit in hits
                for b in self.store.briefs(article=hit.article.id, engine=engine, passed=passed)
            )
        else:
            found = self.store.briefs(
                engine=engine or None, source=source, since=since, until=until, passed=passed
            )
        out = []
        for stored in found:
            if language and stored.brief.language != language:
                continue
            out.append(stored)
            if len(out) >= limit:
                break
        return out

    def engines(self) -> list[str]:
        from ..engines import engine_names

        return engine_names()


def read_submission(sub: Submission, settings: Settings) -> Article:
    """The one article `sub` holds (fetched, decoded, extracted); a worker job."""
    if sub.kind not in INPUT_KINDS:
        raise InputError(f"unknown input kind {sub.kind!r}", hint="give text, html, url or article")
    if sub.kind == "url":
        url = str(sub.value).strip()
        if not is_url(url):  # else pipeline.items would read it as a local path
            raise RefusedURL(
                "only http:// and https:// URLs are fetched",
                source=url[:200],
                hint="give the address of a public web page",
            )
        sources, stdin, fmt = [url], None, None
    elif sub.kind == "article":
        data = json.dumps(sub.value, ensure_ascii=False).encode("utf-8")
        sources, stdin, fmt = ["-"], data, "json"
    else:
        data = sub.value if isinstance(sub.value, bytes) else str(sub.value).encode("utf-8")
        fmt = _format_for(sub.kind, sub.name)
        sources, stdin = ["-"], data
        if (fmt or detect_format(data, sub.name)) == "feed" and (n := count_items(data)) > 1:
            raise _not_one(n, sub)  # decided before any of the feed's links is fetched
    articles, errors = [], []
    for item in pipeline.items(sources, fmt=fmt, stdin=stdin, settings=settings):
        if item.error is not None:
            errors.append(item.error)
        elif item.article is not None:
            articles.append(item.article)
    for i, error in enumerate(errors):
        if error.source == "<stdin>":  # the pipeline's name for bytes handed to it
            error.source = _shown(sub)
        if isinstance(error, BlockedURL):  # refused, not failed: the API names it so
            errors[i] = RefusedURL(error.message, source=error.source, hint=error.hint)
    if errors and not articles:
        raise errors[0]
    if len(articles) + len(errors) != 1:
        raise _not_one(len(articles) + len(errors), sub)
    article = articles[0]
    if article.id is None:
        article = replace(article, id=content_id(article.paragraphs))
    return article


def brief_article(
    article: Article, engine: str, options: BriefOptions, settings: Settings
) -> Brief:
    """The brief of `article` by the engine named `engine`, checked; a worker job."""
    return pipeline.brief(
        article, engine=_engine(engine, settings), options=options, settings=settings
    )


@functools.lru_cache(maxsize=8)
def _engine(name: str, settings: Settings) -> Engine:
    """One engine per name and settings in each process (a worker keeps its llm engine, its
    HTTP connections and the response mode it learned, across the briefs it runs)."""
    return get_engine(name, settings)


def _format_for(kind: str, name: str) -> str | None:
    if not name:
        return kind  # "text" or "html", as the API field says
    ext = EXTENSIONS.get(Path(name).suffix.lower())
    return ext if ext in UPLOAD_FORMATS else None  # else sniffed from the first bytes


def _not_one(count: int, sub: Submission) -> InputError:
    return InputError(
        f"the input holds {count} articles, not one",
        source=_shown(sub),
        hint="post one article at a time, or use `brieflow batch` for many",
    )


def _shown(sub: Submission) -> str:
    if sub.kind == "url":
        return str(sub.value)[:200]
    return sub.name or f"the {sub.kind} field"


def _date(value: str | None, name: str) -> str | None:
    if not value:
        return None
    norm = normalize_published(value, keep_offset=False)
    if norm is None:
        raise InputError(f"{name} {value!r} is not a date", hint="write YYYY-MM-DD")
    return norm


__all__ = ["BrieflowError", "Service", "Submission", "WebSettings"]
