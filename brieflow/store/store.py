"""The Store: SQLite persistence of articles, paragraphs, briefs, runs and failures.

All of brieflow's SQL lives in this package. The database runs in WAL mode with a busy timeout,
so one writer and many readers (other processes included) work side by side; every write is a
transaction (`BEGIN IMMEDIATE`), so a crash at any moment leaves either all of a write or none.

Ids: an article's `id` is its content hash (`brieflow.models.content_id`), so the same text is the
same article whatever file it came from. The input's own id (a JSON Lines `"id"`) is kept as
`external_id`; exports and `Article.id` use the external id when there is one, else the content id.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import InputError, NotFound, StoreError
from ..models import Article, Brief, Paragraph, content_id
from .location import database_path
from .migrations import LATEST, migrate, refuse_foreign
from .records import Added, Failure, Run, SearchHit, StoredArticle, StoredBrief

MAX_SEARCH_TERMS = 32
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # a NUL in a search is a space, not an SQL error

_ARTICLE_COLUMNS = (
    "a.pk, a.id, a.external_id, a.title, a.source, a.url, a.published, a.language, a.origin, "
    "a.paragraph_count, a.added_at, a.duplicate_of, a.similarity"
)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def options_key(options: dict[str, Any]) -> str:
    """The canonical text of a BriefOptions.key(): equal options give equal keys."""
    return _dumps(options)


class Store:
    """A brieflow database; opening it applies any pending migration. A Store belongs to the
    thread that opened it (other threads get a StoreError): open one per thread."""

    backend = "sqlite"  # PgStore: "postgresql"

    def __init__(self, path: str | Path, *, timeout: float = 30.0, create: bool = True):
        self.path = database_path(path)
        self._name = str(path)
        if not create and not self.path.exists():
            raise NotFound(
                "no database here",
                source=self._name,
                hint="run `brieflow batch` first or pass --db",
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the folder: {exc.strerror}", source=self._name
            ) from None
        self._depth = 0
        self._owner = threading.get_ident()
        self.closed = False
        try:
            self._connection = sqlite3.connect(
                self._name, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the database: {exc}", source=self._name) from None
        try:
            with self._errors():
                self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
                refuse_foreign(self._conn, source=self._name)  # before WAL changes the file
                mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StoreError(f"cannot switch to WAL mode (got {mode})", source=self._name)
                self._conn.execute("PRAGMA synchronous = NORMAL")
                self._conn.execute("PRAGMA foreign_keys = ON")
                migrate(self._conn, source=self._name)
        except BaseException:
            self._connection.close()
            raise

    # -- plumbing -------------------------------------------------------------------------

    @property
    def _conn(self) -> sqlite3.Connection:
        """The connection, for the thread that opened the Store only: a sqlite3 connection
        used by two threads at once interleaves their transactions."""
        if threading.get_ident() != self._owner:
            raise StoreError(
                "this Store was opened by another thread",
                source=self._name,
                hint="open one Store per thread: a database connection must not be shared",
            )
        return self._connection

    def close(self) -> None:
        """Close the connection (from any thread: shutting down is not sharing)."""
        self.closed = True
        self._connection.close()

    def reopen(self) -> Store:
        """Another connection to this database, for the calling thread (a Store is one
        thread's)."""
        return Store(self._name, create=False)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    latest_schema_version = LATEST

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(
                    "the database stayed locked by another writer",
                    source=self._name,
                    hint="wait for the other brieflow process, or raise the timeout",
                ) from exc
            raise StoreError(f"database error: {exc}", source=self._name) from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"database error: {exc}",
                source=self._name,
                hint="the file may be damaged; restore it or choose another --db",
            ) from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes into one transaction (nested calls join the outer one)."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with self._errors():
            self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        self._depth = 0
        with self._errors():
            self._conn.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._errors():
            return self._conn.execute(sql, params).fetchall()

    # -- articles ---------------------------------------------------------------------------

    def add_article(
        self, article: Article, *, origin: str | None = None, detect_duplicates: bool = True
    ) -> Added:
        """Store `article` unless its text is already here; link it to the original it nearly
        duplicates (estimated Jaccard >= dedupe.THRESHOLD over character shingles)."""
        from . import dedupe  # numpy loads only when articles are added

        cid = content_id(article.paragraphs)
        texts = [p.text for p in article.paragraphs]
        with self.transaction(), self._errors():
            row = self._conn.execute(
                "SELECT duplicate_of, similarity FROM articles WHERE id = ?", (cid,)
            ).fetchone()
            if row is not None:
                return Added(cid, False, row[0], row[1])
            sig = dedupe.signature(texts)
            keys = dedupe.buckets(sig)
            original: str | None = None
            best = 0.0
            if detect_duplicates:
                marks = ",".join("?" * len(keys))
                original, best = nearest_original(
                    sig,
                    self._conn.execute(
                        "SELECT DISTINCT a.id, a.duplicate_of, a.signature FROM lsh "
                        f"JOIN articles a ON a.pk = lsh.article WHERE lsh.bucket IN ({marks})",
                        keys,
                    ),
                )
            cur = self._conn.execute(
                INSERT_ARTICLE, article_row(article, cid, origin, original, best, sig)
            )
            pk = cur.lastrowid
            self._conn.executemany(
                "INSERT INTO paragraphs (article, number, text) VALUES (?, ?, ?)",
                [(pk, p.number, p.text) for p in article.paragraphs],
            )
            if original is None:  # duplicates stay out of the buckets: their original is there
                self._conn.executemany(
                    "INSERT OR IGNORE INTO lsh (bucket, article) VALUES (?, ?)",
                    [(k, pk) for k in set(keys)],
                )
        return Added(cid, True, original, best if original else None)

    def _stored(
        self, row: tuple[Any, ...], paragraphs: tuple[Paragraph, ...] = ()
    ) -> StoredArticle:
        (
            _pk,
            cid,
            external,
            title,
            source,
            url,
            published,
            language,
            origin,
            count,
            added,
            dup,
            sim,
        ) = row
        article = Article(
            paragraphs=paragraphs,
            title=title,
            source=source,
            url=url,
            published=published,
            language=language,
            id=external or cid,
        )
        return StoredArticle(cid, external, article, origin, count, added, dup, sim)

    def _resolve(self, ref: str) -> tuple[Any, ...]:
        """The article row that `ref` names: content id, external id, or a unique id prefix."""
        sql = f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE "
        rows = self._query(sql + "a.id = ?", (ref,))
        if not rows:
            rows = self._query(sql + "a.external_id = ? ORDER BY a.pk", (ref,))
        if not rows and len(ref) >= 4:
            rows = self._query(sql + "a.id LIKE ? ESCAPE '\\' LIMIT 2", (_like_prefix(ref),))
            if len(rows) > 1:
                raise StoreError(
                    f"the id prefix {ref!r} names several articles", hint="give more characters"
                )
        if not rows:  # no source: the web app shows this, and the path is the server's
            raise NotFound(f"no article with id {ref!r}", hint="see `brieflow articles list`")
        return rows[0]

    def _paragraphs(self, pk: int) -> tuple[Paragraph, ...]:
        return tuple(
            Paragraph(n, t)
            for n, t in self._query(
                "SELECT number, text FROM paragraphs WHERE article = ? ORDER BY number", (pk,)
            )
        )

    def article(self, ref: str) -> StoredArticle:
        """The stored article (with its paragraphs) that `ref` names; raises NotFound."""
        row = self._resolve(ref)
        return self._stored(row, self._paragraphs(row[0]))

    def has_article(self, article_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM articles WHERE id = ?", (article_id,)))

    def articles(
        self,
        *,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        duplicates: bool = True,
        limit: int | None = None,
        offset: int = 0,
    ) -> Iterator[StoredArticle]:
        """Stored articles, newest published first (metadata only, no paragraphs)."""
        where, params = _filters(source, since, until)
        if not duplicates:
            where.append("a.duplicate_of IS NULL")
        sql = (
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY a.published IS NULL, a.published DESC, a.pk DESC LIMIT ? OFFSET ?"
        )
        for row in self._iter(sql, [*params, _sql_limit(limit), min(max(0, offset), _SQL_MAX)]):
            yield self._stored(row)

    def _iter(self, sql: str, params: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
        with self._errors():
            cur = self._conn.execute(sql, params)
            while rows := cur.fetchmany(500):
                yield from rows

    def search(
        self,
        query: str,
        *,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        """Articles holding every whitespace-separated term of `query` (in the title or a
        paragraph), newest first. Terms of 3+ characters use the trigram index; shorter ones
        (two-character Chinese words like 央行) fall back to a scan."""
        terms = query_terms(query)
        where, params = _filters(source, since, until)
        for term in terms:
            like = _like_contains(term)
            if len(term) >= 3:
                sub = (
                    "SELECT p.article FROM paragraphs_fts f JOIN paragraphs p ON p.rowid = f.rowid "
                    "WHERE paragraphs_fts MATCH ?"
                )
                params.append('"' + term.replace('"', '""') + '"')
            else:
                sub = "SELECT p.article FROM paragraphs p WHERE p.text LIKE ? ESCAPE '\\'"
                params.append(like)
            where.append(f"(a.pk IN ({sub}) OR a.title LIKE ? ESCAPE '\\')")
            params.append(like)
        sql = (
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE "
            + " AND ".join(where)
            + " ORDER BY a.published IS NULL, a.published DESC, a.pk DESC LIMIT ?"
        )
        hits = []
        folded = [t.casefold() for t in terms]
        for row in self._query(sql, [*params, _sql_limit(limit)]):
            matching = tuple(
                p for p in self._paragraphs(row[0]) if any(t in p.text.casefold() for t in folded)
            )
            hits.append(SearchHit(self._stored(row), matching))
        return hits

    # -- briefs -------------------------------------------------------------------------------

    def has_brief(
        self,
        article_id: str,
        engine: str,
        engine_version: str,
        options: str,
        *,
        run: int | None = None,
    ) -> bool:
        """Whether the article is briefed with this engine, version and options key (by the
        run `run`, when given)."""
        sql = (
            "SELECT 1 FROM briefs b JOIN articles a ON a.pk = b.article WHERE a.id = ? "
            "AND b.engine = ? AND b.engine_version = ? AND b.options = ?"
        )
        params: list[Any] = [article_id, engine, engine_version, options]
        if run is not None:
            sql += " AND b.run = ?"
            params.append(run)
        return bool(self._query(sql, params))

    def add_brief(
        self, article_id: str, brief: Brief, *, options: str, run: int | None = None
    ) -> bool:
        """Keep `brief` for the stored article; False when an equal one (same engine, version
        and options) is already there, which is then left as it was."""
        data = brief.to_dict()
        data.pop("article", None)
        data.pop("id", None)
        with self.transaction(), self._errors():
            row = self._conn.execute(
                "SELECT pk FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if row is None:
                raise NotFound(f"no article with id {article_id!r}", source=self._name)
            cur = self._conn.execute(
                "INSERT INTO briefs (article, engine, engine_version, options, language, passed, "
                "checks, brief, run, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (article, engine, engine_version, options) DO NOTHING",
                (
                    row[0],
                    brief.engine,
                    brief.engine_version,
                    options,
                    brief.language,
                    int(brief.checks.passed),
                    _dumps(brief.checks.to_dict()),
                    _dumps(data),
                    run,
                    _now(),
                ),
            )
            return cur.rowcount == 1

    def briefs(
        self,
        *,
        article: str | None = None,
        engine: str | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        passed: bool | None = None,
        limit: int | None = None,
        newest_first: bool = True,
        number: int | None = None,
    ) -> Iterator[StoredBrief]:
        """Stored briefs (articles without paragraphs): newest published article first, or in
        the order the articles were stored (input order, no sorting: for long exports);
        `number` picks the one brief stored under that number (the web app's brief id)."""
        where, params = _filters(source, since, until)
        if number is not None:
            if not 0 < number <= _SQL_MAX:  # no brief is stored under it (nor can be)
                return
            where.append("b.pk = ?")
            params.append(number)
        if article is not None:
            where.append("a.pk = ?")
            params.append(self._resolve(article)[0])
        if engine is not None:
            where.append("b.engine = ?")
            params.append(engine)
        if passed is not None:
            where.append("b.passed = ?")
            params.append(int(passed))
        sql = (
            f"SELECT {_ARTICLE_COLUMNS}, b.pk, b.options, b.brief, b.run, b.created_at "
            "FROM briefs b JOIN articles a ON a.pk = b.article"
            + (" WHERE " + " AND ".join(where) if where else "")
            + (
                " ORDER BY a.published IS NULL, a.published DESC, a.pk DESC, b.pk DESC"
                if newest_first
                else " ORDER BY a.pk, b.pk"
            )
            + " LIMIT ?"
        )
        for row in self._iter(sql, [*params, _sql_limit(limit)]):
            stored = self._stored(row[:13])
            number, options, text, run, created = row[13:]
            try:
                brief = replace(Brief.from_dict(json.loads(text)), article_id=stored.display_id)
                options = json.loads(options)
            except (
                ValueError,
                KeyError,
                TypeError,
                AttributeError,
                IndexError,
                OverflowError,
            ) as exc:
                raise StoreError(
                    f"brief {number} is damaged ({type(exc).__name__}: {exc})",
                    hint="restore the database from a backup, or delete that brief",
                ) from None
            yield StoredBrief(number, brief, stored, options, run, created)

    def brief(self, article: str, *, engine: str | None = None) -> StoredBrief:
        """The newest brief of the article `article` names; raises NotFound."""
        for found in self.briefs(article=article, engine=engine, limit=1):
            return found
        raise NotFound(
            f"article {article!r} has no brief" + (f" from engine {engine!r}" if engine else ""),
            hint="run `brieflow batch` on it",
        )

    # -- runs and failures ------------------------------------------------------------------

    def start_run(
        self, *, engine: str, engine_version: str, options: str, sources: list[str]
    ) -> int:
        with self.transaction(), self._errors():
            cur = self._conn.execute(
                "INSERT INTO runs (started_at, engine, engine_version, options, sources) "
                "VALUES (?, ?, ?, ?, ?)",
                (_now(), engine, engine_version, options, _dumps(sources)),
            )
            return int(cur.lastrowid or 0)

    def update_run(self, run: int, counts: dict[str, int], status: str | None = None) -> None:
        """Record the run's counts so far; a status other than running also ends it."""
        with self.transaction(), self._errors():
            if status is None or status == "running":
                self._conn.execute("UPDATE runs SET counts = ? WHERE id = ?", (_dumps(counts), run))
            else:
                self._conn.execute(
                    "UPDATE runs SET counts = ?, status = ?, finished_at = ? WHERE id = ?",
                    (_dumps(counts), status, _now(), run),
                )

    def runs(self, limit: int = 20) -> list[Run]:
        return [
            Run(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                json.loads(r[6]),
                json.loads(r[7]),
                json.loads(r[8]),
            )
            for r in self._query(
                "SELECT id, started_at, finished_at, status, engine, engine_version, options, "
                "sources, counts FROM runs ORDER BY id DESC LIMIT ?",
                (limit,),
            )
        ]

    def add_failure(
        self, *, run: int | None, origin: str, kind: str, message: str, article: str | None = None
    ) -> None:
        with self.transaction(), self._errors():
            self._conn.execute(
                "INSERT INTO failures (run, origin, article, kind, message, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (run, origin, article, kind, message, _now()),
            )

    def failures(self, run: int | None = None) -> list[Failure]:
        sql = "SELECT run, origin, article, kind, message, created_at FROM failures"
        rows = (
            self._query(sql + " WHERE run = ? ORDER BY pk", (run,))
            if run is not None
            else self._query(sql + " ORDER BY pk")
        )
        return [Failure(*r) for r in rows]

    def counts(self) -> dict[str, int]:
        """How many of each thing the database holds."""
        one = self._query(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM paragraphs), "
            "(SELECT count(*) FROM briefs), "
            "(SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL), "
            "(SELECT count(*) FROM runs), (SELECT count(*) FROM failures)"
        )[0]
        keys = ("articles", "paragraphs", "briefs", "duplicates", "runs", "failures")
        return dict(zip(keys, (int(v) for v in one), strict=True))


# One article row, as both stores insert it (PostgreSQL adds its ON CONFLICT clause).
INSERT_ARTICLE = (
    "INSERT INTO articles (id, external_id, title, source, url, published, language, "
    "origin, paragraph_count, added_at, duplicate_of, similarity, signature) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def article_row(
    article: Article,
    cid: str,
    origin: str | None,
    original: str | None,
    best: float,
    sig: Any,
) -> tuple[Any, ...]:
    """The values of INSERT_ARTICLE for `article` (content id `cid`, MinHash signature `sig`)."""
    from . import dedupe

    external = article.id if article.id and article.id != cid else None
    return (
        cid,
        external,
        article.title,
        article.source,
        article.url,
        article.published,
        article.language,
        origin,
        len(article.paragraphs),
        _now(),
        original,
        best if original else None,
        dedupe.signature_bytes(sig),
    )


def nearest_original(
    sig: Any, candidates: Iterable[tuple[str, str | None, bytes | None]]
) -> tuple[str | None, float]:
    """The original of the most similar near-duplicate among (id, duplicate_of, signature)
    rows sharing a bucket with `sig`, and that similarity; (None, 0.0) when none reaches
    dedupe.THRESHOLD."""
    from . import dedupe

    original, best = None, 0.0
    for other_id, other_dup, other_sig in candidates:
        if other_sig is None:
            continue
        sim = dedupe.similarity(sig, dedupe.from_bytes(bytes(other_sig)))
        if sim >= dedupe.THRESHOLD and sim > best:
            original, best = other_dup or other_id, sim
    return original, best


def search_terms(query: str) -> list[str]:
    """The words of a search query (control characters such as NUL separate words)."""
    return _CONTROL.sub(" ", query).split()


def query_terms(query: str) -> list[str]:
    """The words of a search query that a store can run: an empty query or one of more than
    MAX_SEARCH_TERMS words (each is a subquery) is the user's InputError (400, exit 3)."""
    terms = search_terms(query)
    if not terms:
        raise InputError("the search query is empty", hint="give at least one word")
    if len(terms) > MAX_SEARCH_TERMS:
        raise InputError(
            f"the search has too many words ({len(terms)})",
            hint=f"search for at most {MAX_SEARCH_TERMS} words",
        )
    return terms


# SQLite integers are 64-bit: a larger number from a user (-n 10**30, /api/briefs/10**22)
# means "no limit" or "nothing stored under it", never an OverflowError.
_SQL_MAX = 2**63 - 1


def _sql_limit(limit: int | None) -> int:
    """A LIMIT SQLite takes: None or a huge number is no limit (-1)."""
    if limit is None or limit > _SQL_MAX:
        return -1
    return max(0, limit)


def _like_contains(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _like_prefix(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def _filters(
    source: str | None, since: str | None, until: str | None
) -> tuple[list[str], list[Any]]:
    """WHERE clauses for a source name and a published range (dates compare as text:
    "YYYY-MM-DD[ HH:MM]"; `until` includes the whole day it names)."""
    where: list[str] = []
    params: list[Any] = []
    if source:
        where.append("a.source = ? COLLATE NOCASE")
        params.append(source)
    if since:
        where.append("a.published >= ?")
        params.append(since)
    if until:
        where.append("a.published <= ?")
        params.append(until + "~" if len(until) == 10 else until)
    return where, params
