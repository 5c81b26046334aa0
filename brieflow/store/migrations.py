"""Numbered schema migrations, applied in order when a Store opens a database.

`PRAGMA user_version` holds the number of the last migration applied; each migration runs in its
own transaction together with the bump of that number, so a crash leaves the database at either the
old or the new version, never in between. A migration is SQL, or a function taking the connection
(for backfills that need Python, such as near-duplicate signatures). Never edit a released
migration: add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import StoreError

# "brif": marks a file as a brieflow database, so a foreign SQLite file is refused, not altered.
APPLICATION_ID = 0x62726966


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    apply: str | Callable[[sqlite3.Connection], None]


V1_CORE = """
CREATE TABLE articles (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,          -- content hash (brieflow.models.content_id)
    external_id TEXT,                 -- the input's own id (JSON Lines "id"), when it had one
    title TEXT,
    source TEXT,
    url TEXT,
    published TEXT,                   -- "YYYY-MM-DD HH:MM" or "YYYY-MM-DD"
    language TEXT,
    origin TEXT,                      -- where it was first read: "news.jsonl:12"
    paragraph_count INTEGER NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX articles_external_id ON articles(external_id);
CREATE INDEX articles_source ON articles(source, published);
CREATE INDEX articles_published ON articles(published);

CREATE TABLE paragraphs (
    article INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (article, number)
);

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',   -- running | done | interrupted
    engine TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    options TEXT NOT NULL,
    sources TEXT NOT NULL,                    -- JSON list
    counts TEXT NOT NULL DEFAULT '{}'         -- JSON: seen, briefed, skipped, duplicates, failed
);

CREATE TABLE briefs (
    pk INTEGER PRIMARY KEY,
    article INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
    engine TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    options TEXT NOT NULL,            -- canonical JSON of BriefOptions.key()
    language TEXT NOT NULL,
    passed INTEGER NOT NULL,          -- the checks found no error
    checks TEXT NOT NULL,             -- JSON CheckReport
    brief TEXT NOT NULL,              -- JSON wire form (brieflow.brief/1) without article metadata
    run INTEGER REFERENCES runs(id),
    created_at TEXT NOT NULL,
    UNIQUE (article, engine, engine_version, options)
);
CREATE INDEX briefs_engine ON briefs(engine, engine_version);
"""

V2_FAILURES_AND_DUPLICATES = """
CREATE TABLE failures (
    pk INTEGER PRIMARY KEY,
    run INTEGER REFERENCES runs(id),
    origin TEXT NOT NULL,
    article TEXT,                     -- content id when the article was read
    kind TEXT NOT NULL,               -- error class name
    message TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX failures_run ON failures(run);

ALTER TABLE articles ADD COLUMN duplicate_of TEXT;   -- id of the original of a near-duplicate
ALTER TABLE articles ADD COLUMN similarity REAL;     -- estimated Jaccard with that original
ALTER TABLE articles ADD COLUMN signature BLOB;      -- MinHash signature (near-duplicates)
CREATE INDEX articles_duplicate_of ON articles(duplicate_of);

-- MinHash LSH buckets: one row per band of an article's signature.
CREATE TABLE lsh (
    bucket INTEGER NOT NULL,
    article INTEGER NOT NULL,
    PRIMARY KEY (bucket, article)
) WITHOUT ROWID;
"""


def _backfill_signatures(conn: sqlite3.Connection) -> None:
    """Signatures and buckets for articles stored before near-duplicate detection existed."""
    for statement in _statements(V2_FAILURES_AND_DUPLICATES):
        conn.execute(statement)
    _compute_signatures(conn)


def _compute_signatures(conn: sqlite3.Connection) -> None:
    """Every article's MinHash signature and LSH buckets, from its stored paragraphs."""
    rows = conn.execute("SELECT pk FROM articles ORDER BY pk").fetchall()
    if not rows:  # a new database: no numpy import while holding the write lock
        return
    from .dedupe import buckets, signature, signature_bytes

    for (pk,) in rows:
        texts = [
            t
            for (t,) in conn.execute(
                "SELECT text FROM paragraphs WHERE article = ? ORDER BY number", (pk,)
            )
        ]
        sig = signature(texts)
        conn.execute("UPDATE articles SET signature = ? WHERE pk = ?", (signature_bytes(sig), pk))
        conn.executemany(
            "INSERT OR IGNORE INTO lsh (bucket, article) VALUES (?, ?)",
            [(b, pk) for b in buckets(sig)],
        )


V3_SEARCH = """
-- Full-text search over paragraphs: trigram tokens work for Chinese (no word splitting needed)
-- and English alike. External content: the text is stored once, in `paragraphs`.
CREATE VIRTUAL TABLE paragraphs_fts USING fts5(
    text, content='paragraphs', content_rowid='rowid', tokenize='trigram'
);
CREATE TRIGGER paragraphs_ai AFTER INSERT ON paragraphs BEGIN
    INSERT INTO paragraphs_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER paragraphs_ad AFTER DELETE ON paragraphs BEGIN
    INSERT INTO paragraphs_fts(paragraphs_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('rebuild');
"""


def _recompute_signatures(conn: sqlite3.Connection) -> None:
    """MinHash signatures and buckets again, with permutations from a fixed hash (they came
    from numpy's random stream before, which numpy may change). Which article a stored one
    duplicates, and the similarity recorded then, stay as they were."""
    conn.execute("DELETE FROM lsh")
    _compute_signatures(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "articles, paragraphs, briefs, runs", V1_CORE),
    Migration(2, "failures and near-duplicates", _backfill_signatures),
    Migration(3, "full-text search", V3_SEARCH),
    Migration(4, "MinHash permutations from a fixed hash", _recompute_signatures),
)

LATEST = MIGRATIONS[-1].number


def _statements(script: str) -> list[str]:
    """Split a script into complete statements (trigger bodies hold inner semicolons)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf)
            buf = ""
    if buf.strip():
        out.append(buf)
    return out


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, *, target: int = LATEST, source: str | None = None) -> int:
    """Bring the database to `target`; returns the version it was at before."""
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    before = version(conn)
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and before != 0):
        raise StoreError("not a brieflow database", source=source, hint="choose another --db path")
    if before > LATEST:
        raise StoreError(
            f"the database is at schema version {before}, newer than this brieflow ({LATEST})",
            source=source,
            hint="upgrade brieflow",
        )
    for m in MIGRATIONS:
        if before < m.number <= target:
            _apply(conn, m, source)
    return before


def _apply(conn: sqlite3.Connection, m: Migration, source: str | None) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        if version(conn) >= m.number:  # another process migrated while we waited
            conn.execute("ROLLBACK")
            return
        if callable(m.apply):
            m.apply(conn)
        else:
            for statement in _statements(m.apply):
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {m.number}")
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        conn.execute("ROLLBACK")
        raise StoreError(f"migration {m.number} ({m.name}) failed: {exc}", source=source) from exc
