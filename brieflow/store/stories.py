"""The SQL of stories: which article is in which story, and each story's summary row.

Clustering itself lives in brieflow.stories; this module only reads and writes its state
(tables `stories`, `story_articles` and `watch_sources`, migration 5 of either store). One SQL
for SQLite and PostgreSQL (PgStore translates the placeholders); what differs is `_sorted_list`
(group_concat or string_agg) and `clustering`, which keeps two PostgreSQL processes from
clustering the same articles at once (on SQLite, `save` notices the other process instead).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import NotFound, StoreError
from ..models import Article, Paragraph
from .store import Store, _dumps, _like_prefix, _now, _sql_limit

# pg_advisory_xact_lock(BRIEFLOW, CLUSTERING): the two-key form, a key space apart from the
# one-key locks of the migrations and of the near-duplicate buckets
BRIEFLOW, CLUSTERING = 0x62726966, 1


@contextmanager
def clustering(store: Store) -> Iterator[None]:
    """The right to cluster pending articles, held for the whole clustering step.

    On PostgreSQL: one transaction under an advisory lock, so a second process (another
    `watch`, `stories list` during a batch) waits, then finds the articles clustered, instead
    of clustering them again from a stale view; if the clustering fails, none of it is kept.
    On SQLite nothing is taken (a long write transaction would hold up every batch writer):
    `save` raises Raced when another process clustered in the meantime, and the caller starts
    again from what is stored.
    """
    if store.backend != "postgresql":
        yield
        return
    with store.transaction():
        with store._errors():
            store._conn.execute(
                "SELECT pg_advisory_xact_lock(?, ?)", (BRIEFLOW, CLUSTERING)
            ).fetchall()
        yield


class Raced(StoreError):
    """Another process put articles into stories since this one read them (SQLite)."""

    def __init__(self, source: str | None = None):
        super().__init__(
            "another process put articles into stories at the same moment",
            source=source,
            hint="run the command again",
        )


def _sorted_list(store: Store, column: str) -> str:
    """SQL joining `column`'s values with commas in code-point order (group_concat keeps the
    order of its subquery; string_agg is told, in the C collation SQLite compares in)."""
    if store.backend == "postgresql":
        return f"string_agg({column}, ',' ORDER BY {column} COLLATE \"C\")"
    return f"group_concat({column}, ',')"


@dataclass(frozen=True)
class StoryArticle:
    id: str  # content id
    display_id: str  # external id when there is one
    title: str | None
    source: str | None
    published: str | None
    language: str | None
    url: str | None
    score: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.display_id,
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "language": self.language,
            "url": self.url,
        }


@dataclass(frozen=True)
class StoredStory:
    id: str
    title: str | None
    first_published: str | None
    last_published: str | None
    languages: tuple[str, ...]
    articles: tuple[StoryArticle, ...]  # oldest published first

    @property
    def size(self) -> int:
        return len(self.articles)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "first_published": self.first_published,
            "last_published": self.last_published,
            "languages": list(self.languages),
            "articles": [a.to_dict() for a in self.articles],
        }


@dataclass(frozen=True)
class Clustered:
    """One clustered article as clustering needs it again."""

    id: str
    story: str
    language: str | None
    published: str | None
    vector: np.ndarray
    features: dict[str, list[str]]


@dataclass(frozen=True)
class Pending:
    """An article not in a story yet, with its first paragraphs."""

    pk: int
    id: str
    duplicate_of: str | None
    article: Article


def vector_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f2").tobytes()


def vector_from(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f2").astype(np.float32)


def clustered(store: Store) -> Iterator[Clustered]:
    """Every clustered article, in the order they were stored."""
    sql = (
        "SELECT a.id, s.id, a.language, a.published, sa.vector, sa.features "
        "FROM story_articles sa JOIN articles a ON a.pk = sa.article "
        "JOIN stories s ON s.pk = sa.story ORDER BY a.pk"
    )
    for cid, story, language, published, vector, feats in store._iter(sql, ()):
        yield Clustered(cid, story, language, published, vector_from(vector), json.loads(feats))


def has_pending(store: Store) -> bool:
    """Whether some stored article is in no story yet."""
    return bool(
        store._query(
            "SELECT 1 FROM articles a WHERE NOT EXISTS (SELECT 1 FROM story_articles sa "
            "WHERE sa.article = a.pk) LIMIT 1"
        )
    )


def story_count(store: Store) -> int:
    return int(store._query("SELECT count(*) FROM stories")[0][0])


def pending(store: Store, *, paragraphs: int = 3, batch: int = 500) -> Iterator[list[Pending]]:
    """Articles in no story yet, in the order they were stored, `batch` at a time, each with
    its first `paragraphs` paragraphs (all clustering reads)."""
    last = 0
    while True:
        rows = store._query(
            "SELECT a.pk, a.id, a.external_id, a.title, a.source, a.url, a.published, "
            "a.language, a.duplicate_of FROM articles a "
            "WHERE a.pk > ? AND NOT EXISTS (SELECT 1 FROM story_articles sa "
            "WHERE sa.article = a.pk) ORDER BY a.pk LIMIT ?",
            (last, batch),
        )
        if not rows:
            return
        pks = [r[0] for r in rows]
        texts: dict[int, list[Paragraph]] = {pk: [] for pk in pks}
        marks = ",".join("?" * len(pks))
        for pk, number, text in store._query(
            f"SELECT article, number, text FROM paragraphs WHERE article IN ({marks}) "
            "AND number <= ? ORDER BY article, number",
            (*pks, paragraphs),
        ):
            texts[pk].append(Paragraph(number, text))
        out = []
        for pk, cid, external, title, source, url, published, language, dup in rows:
            article = Article(
                tuple(texts[pk]), title, source, url, published, language, external or cid
            )
            out.append(Pending(pk, cid, dup, article))
        yield out
        last = pks[-1]


def save(
    store: Store,
    rows: list[tuple[int, str, float | None, np.ndarray, dict[str, list[str]]]],
    titles: dict[str, str],
    *,
    known: int,
) -> None:
    """Record (article pk, story id, score, vector, features) rows, then refresh the summary of
    every story they touch (title = the content id of its representative article). `known`:
    how many clustered articles the caller's clustering saw; Raced (nothing written) when the
    store holds another number, because another process clustered meanwhile."""
    if not rows:
        return
    now = _now()
    with store.transaction(), store._errors():
        conn = store._conn
        if conn.execute("SELECT count(*) FROM story_articles").fetchone()[0] != known:
            raise Raced(store._name)
        for story in dict.fromkeys(r[1] for r in rows):
            conn.execute(
                "INSERT INTO stories (id, created_at, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO NOTHING",
                (story, now, now),
            )
        conn.executemany(
            "INSERT INTO story_articles (article, story, score, vector, features) "
            "VALUES (?, (SELECT pk FROM stories WHERE id = ?), ?, ?, ?)",
            [(pk, story, score, vector_bytes(v), _dumps(f)) for pk, story, score, v, f in rows],
        )
        for story in dict.fromkeys(r[1] for r in rows):
            conn.execute(
                "UPDATE stories SET updated_at = ?, "
                "title = (SELECT title FROM articles WHERE id = ?), "
                "size = (SELECT count(*) FROM story_articles WHERE story = stories.pk), "
                "first_published = (SELECT min(a.published) FROM story_articles sa "
                "  JOIN articles a ON a.pk = sa.article WHERE sa.story = stories.pk), "
                "last_published = (SELECT max(a.published) FROM story_articles sa "
                "  JOIN articles a ON a.pk = sa.article WHERE sa.story = stories.pk), "
                f"languages = coalesce((SELECT {_sorted_list(store, 'l')} FROM (SELECT DISTINCT "
                "  a.language l FROM story_articles sa JOIN articles a ON a.pk = sa.article "
                "  WHERE sa.story = stories.pk AND a.language IS NOT NULL ORDER BY l) ls), '') "
                "WHERE id = ?",
                (now, titles.get(story), story),
            )


def clear(store: Store) -> None:
    """Forget every story (for a rebuild)."""
    with store.transaction(), store._errors():
        store._conn.execute("DELETE FROM story_articles")
        store._conn.execute("DELETE FROM stories")


_STORY_COLUMNS = "s.pk, s.id, s.title, s.first_published, s.last_published, s.languages"


def _members(store: Store, pks: list[int]) -> dict[int, list[StoryArticle]]:
    out: dict[int, list[StoryArticle]] = {pk: [] for pk in pks}
    if not pks:
        return out
    marks = ",".join("?" * len(pks))
    for story, cid, external, title, source, published, language, url, score in store._query(
        "SELECT sa.story, a.id, a.external_id, a.title, a.source, a.published, a.language, "
        "a.url, sa.score FROM story_articles sa JOIN articles a ON a.pk = sa.article "
        f"WHERE sa.story IN ({marks}) ORDER BY a.published IS NULL, a.published, a.pk",
        pks,
    ):
        out[story].append(
            StoryArticle(cid, external or cid, title, source, published, language, url, score)
        )
    return out


def _build(store: Store, rows: list[tuple[Any, ...]]) -> list[StoredStory]:
    members = _members(store, [r[0] for r in rows])
    return [
        StoredStory(
            sid,
            title,
            first,
            last,
            tuple(x for x in (languages or "").split(",") if x),
            tuple(members[pk]),
        )
        for pk, sid, title, first, last, languages in rows
    ]


def stories(
    store: Store,
    *,
    since: str | None = None,
    until: str | None = None,
    language: str | None = None,
    min_size: int = 1,
    limit: int | None = None,
    order: str = "newest",
) -> list[StoredStory]:
    """Stories whose span meets [since, until], newest first (`order="largest"`: most
    articles first, then newest); `language`: only stories with an article in it."""
    where: list[str] = ["s.size >= ?"]
    params: list[object] = [min_size]
    if since:
        where.append("s.last_published >= ?")
        params.append(since)
    if until:
        where.append("s.first_published <= ?")
        params.append(until + "~" if len(until) == 10 else until)
    if language:
        where.append("(',' || s.languages || ',') LIKE ?")
        params.append(f"%,{language},%")
    by = "s.size DESC, " if order == "largest" else ""
    sql = (
        f"SELECT {_STORY_COLUMNS} FROM stories s WHERE "
        + " AND ".join(where)
        + f" ORDER BY {by}s.last_published IS NULL, s.last_published DESC, s.pk DESC LIMIT ?"
    )
    rows = store._query(sql, [*params, _sql_limit(limit)])
    return _build(store, rows)


def story(store: Store, ref: str) -> StoredStory:
    """The story `ref` names (its id or a unique prefix of 4+ characters); raises NotFound."""
    sql = f"SELECT {_STORY_COLUMNS} FROM stories s WHERE "
    rows = store._query(sql + "s.id = ?", (ref,))
    if not rows and len(ref) >= 4:
        rows = store._query(sql + "s.id LIKE ? ESCAPE '\\' LIMIT 2", (_like_prefix(ref),))
        if len(rows) > 1:
            raise StoreError(
                f"the id prefix {ref!r} names several stories", hint="give more characters"
            )
    if not rows:
        raise NotFound(
            f"no story with id {ref!r}", source=store._name, hint="see `brieflow stories list`"
        )
    return _build(store, rows)[0]


# -- watch state (brieflow.watch) -------------------------------------------------------------


@dataclass(frozen=True)
class WatchState:
    source: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    next_poll: float | None = None
    last_status: str | None = None
    checked_at: str | None = None


def watch_state(store: Store, source: str) -> WatchState:
    rows = store._query(
        "SELECT source, etag, last_modified, failures, next_poll, last_status, checked_at "
        "FROM watch_sources WHERE source = ?",
        (source,),
    )
    return WatchState(*rows[0]) if rows else WatchState(source)


def save_watch_state(store: Store, state: WatchState) -> None:
    with store.transaction(), store._errors():
        store._conn.execute(
            "INSERT INTO watch_sources (source, etag, last_modified, failures, next_poll, "
            "last_status, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source) DO UPDATE "
            "SET etag = excluded.etag, last_modified = excluded.last_modified, "
            "failures = excluded.failures, next_poll = excluded.next_poll, "
            "last_status = excluded.last_status, checked_at = excluded.checked_at",
            (
                state.source,
                state.etag,
                state.last_modified,
                state.failures,
                state.next_poll,
                state.last_status,
                state.checked_at,
            ),
        )
