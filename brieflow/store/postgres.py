"""The Store on PostgreSQL (psycopg 3): one database shared by many batch processes and machines.

`PgStore` is a `Store` whose connection speaks PostgreSQL: the verbs, records and semantics are
the SQLite store's, and so is most of the SQL (portable SQL with `?` placeholders, translated by
`_Connection`). What differs is here: the connection and its errors, the schema
(brieflow/store/pg_migrations.py), adding an article, starting a run, and search (pg_trgm
trigram indexes behind ILIKE, for Chinese and English alike).

Many writers, no duplicates and no lost work: an article's content id, a brief's (article,
engine, version, options) and a near-duplicate bucket are unique keys, written with
`INSERT … ON CONFLICT DO NOTHING`, so two processes that brief the same article keep one brief
and both count it. Adding an article first takes a transaction-scoped advisory lock on each of
its near-duplicate buckets (in sorted order, so no deadlock): two near-duplicates added at the
same moment by two machines still find each other, as they do in one SQLite file.
"""

from __future__ import annotations

import functools
import re
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..errors import ConfigError, StoreError
from ..models import Article, content_id
from ..redact import without_password
from .pg_migrations import LATEST, migrate, version
from .records import Added, SearchHit
from .store import (
    _ARTICLE_COLUMNS,
    INSERT_ARTICLE,
    Store,
    _filters,
    _like_contains,
    _now,
    article_row,
    nearest_original,
    query_terms,
)

EXTRA = 'pip install "brieflow[postgres]"'


@functools.lru_cache(maxsize=512)
def _sql(sql: str) -> str:
    """The store's portable SQL in PostgreSQL's dialect (psycopg's %s placeholders)."""
    sql = sql.replace("BEGIN IMMEDIATE", "BEGIN")
    sql = sql.replace("a.source = ? COLLATE NOCASE", "lower(a.source) = lower(?)")
    sql = sql.replace("LIMIT ?", "LIMIT NULLIF(?, -1)")  # SQLite's LIMIT -1 is "no limit"
    sql = sql.replace("%", "%%")
    return re.sub(r"\?", "%s", sql)


def _params(params: Sequence[Any]) -> tuple[Any, ...] | None:
    """Query parameters PostgreSQL takes. Its text cannot hold U+0000, which SQLite keeps and a
    JSON article may carry: such a character is stored as U+FFFD (the replacement character),
    so the article is kept and briefed as on SQLite instead of failing the whole batch."""
    return (
        tuple(
            p.replace("\x00", "\ufffd") if isinstance(p, str) and "\x00" in p else p for p in params
        )
        or None
    )


class _Connection:
    """A psycopg connection (autocommit; the Store issues BEGIN/COMMIT) with sqlite3's calls."""

    def __init__(self, raw: Any):
        self.raw = raw

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.raw.execute(_sql(sql), _params(params))

    def executemany(self, sql: str, rows: Any) -> None:
        rows = [_params(row) for row in rows]
        if rows:
            with self.raw.cursor() as cur:
                cur.executemany(_sql(sql), rows)

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise ConfigError(
            "a postgresql:// database needs psycopg, which is not installed",
            hint=f"install it: {EXTRA}",
        ) from None
    return psycopg


class PgStore(Store):
    """A brieflow database on PostgreSQL; opening it applies any pending migration and refuses
    another application's database or a newer schema."""

    backend = "postgresql"

    def __init__(self, url: str, *, timeout: float = 30.0, create: bool = True):
        psycopg = _psycopg()
        self._name = without_password(url)
        self.path = self._name  # type: ignore[assignment]  # what the CLI prints
        self._url = url  # with its password, for reopen; never shown
        self._depth = 0
        try:
            raw = psycopg.connect(
                url,
                autocommit=True,
                connect_timeout=max(1, int(timeout)),
                application_name="brieflow",
            )
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect: {str(exc).strip().splitlines()[0]}",
                source=self._name,
                hint="check the URL, the server and the credentials",
            ) from None
        # what Store._conn hands out, to the thread that opened the store only
        self._connection = _Connection(raw)  # type: ignore[assignment]
        self._owner = threading.get_ident()
        self.closed = False
        try:
            with self._errors():
                raw.execute(f"SET lock_timeout = '{int(timeout * 1000)}ms'")
                if not create and version(raw) is None:
                    from ..errors import NotFound

                    raise NotFound(
                        "no brieflow database here",
                        source=self._name,
                        hint="run `brieflow batch` first or pass --db",
                    )
                migrate(raw, source=self._name)
        except BaseException:
            raw.close()
            raise

    latest_schema_version = LATEST

    def reopen(self) -> PgStore:
        return PgStore(self._url, create=False)

    @property
    def schema_version(self) -> int:
        return version(self._conn.raw) or 0  # type: ignore[attr-defined]

    @contextmanager
    def _errors(self) -> Iterator[None]:
        import psycopg

        try:
            yield
        except psycopg.errors.LockNotAvailable as exc:
            raise StoreError(
                "the database stayed locked by another writer",
                source=self._name,
                hint="wait for the other brieflow process, or raise the timeout",
            ) from exc
        except psycopg.OperationalError as exc:
            raise StoreError(
                f"database error: {exc}", source=self._name, hint="is the server up?"
            ) from exc
        except psycopg.Error as exc:
            raise StoreError(f"database error: {exc}", source=self._name) from exc

    def _iter(self, sql: str, params: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
        """Rows through a server-side cursor, 500 at a time: a long export never sits in
        memory (a plain psycopg cursor would fetch every row first)."""
        raw = self._conn.raw  # type: ignore[attr-defined]
        if self._depth or self._conn.in_transaction:  # inside a write: keep it simple
            yield from self._query(sql, params)
            return
        name = f"brieflow_{uuid.uuid4().hex[:12]}"
        with self._errors(), raw.transaction(), raw.cursor(name=name) as cur:
            cur.itersize = 500
            cur.execute(_sql(sql), _params(params))
            while rows := cur.fetchmany(500):
                yield from rows

    def add_article(
        self, article: Article, *, origin: str | None = None, detect_duplicates: bool = True
    ) -> Added:
        from . import dedupe

        cid = content_id(article.paragraphs)
        conn = self._conn
        with self.transaction(), self._errors():
            row = conn.execute(
                "SELECT duplicate_of, similarity FROM articles WHERE id = ?", (cid,)
            ).fetchone()
            if row is not None:
                return Added(cid, False, row[0], row[1])
            sig = dedupe.signature([p.text for p in article.paragraphs])
            keys = sorted(set(dedupe.buckets(sig)))
            # other writers adding a near-duplicate wait here until this one is committed
            conn.execute(
                "SELECT pg_advisory_xact_lock(k) FROM "
                "(SELECT unnest(?::bigint[]) AS k ORDER BY 1) AS s",
                (keys,),
            ).fetchall()
            original: str | None = None
            best = 0.0
            if detect_duplicates:
                original, best = nearest_original(
                    sig,
                    conn.execute(
                        "SELECT DISTINCT a.id, a.duplicate_of, a.signature FROM lsh "
                        "JOIN articles a ON a.pk = lsh.article WHERE lsh.bucket = ANY(?)",
                        (keys,),
                    ).fetchall(),
                )
            inserted = conn.execute(
                INSERT_ARTICLE + " ON CONFLICT (id) DO NOTHING RETURNING pk",
                article_row(article, cid, origin, original, best, sig),
            ).fetchone()
            if inserted is None:  # another writer stored the same text first
                row = conn.execute(
                    "SELECT duplicate_of, similarity FROM articles WHERE id = ?", (cid,)
                ).fetchone()
                return Added(cid, False, row[0], row[1])
            pk = inserted[0]
            conn.executemany(
                "INSERT INTO paragraphs (article, number, text) VALUES (?, ?, ?)",
                [(pk, p.number, p.text) for p in article.paragraphs],
            )
            if original is None:
                conn.executemany(
                    "INSERT INTO lsh (bucket, article) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [(k, pk) for k in keys],
                )
        return Added(cid, True, original, best if original else None)

    def start_run(
        self, *, engine: str, engine_version: str, options: str, sources: list[str]
    ) -> int:
        from .store import _dumps

        with self.transaction(), self._errors():
            row = self._conn.execute(
                "INSERT INTO runs (started_at, engine, engine_version, options, sources) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (_now(), engine, engine_version, options, _dumps(sources)),
            ).fetchone()
            return int(row[0])

    def search(
        self,
        query: str,
        *,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        """As `Store.search`: every term in the title or a paragraph (ILIKE, served by the
        pg_trgm indexes for terms of 3+ characters), newest first."""
        terms = query_terms(query)
        where, params = _filters(source, since, until)
        for term in terms:
            like = _like_contains(term)
            where.append(
                "(a.pk IN (SELECT p.article FROM paragraphs p WHERE p.text ILIKE ? ESCAPE '\\') "
                "OR a.title ILIKE ? ESCAPE '\\')"
            )
            params += [like, like]
        sql = (
            f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE "
            + " AND ".join(where)
            + " ORDER BY a.published IS NULL, a.published DESC, a.pk DESC LIMIT ?"
        )
        folded = [t.casefold() for t in terms]
        hits = []
        for row in self._query(sql, [*params, limit]):
            matching = tuple(
                p for p in self._paragraphs(row[0]) if any(t in p.text.casefold() for t in folded)
            )
            hits.append(SearchHit(self._stored(row), matching))
        return hits
