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

V4_TOKENS = """
-- API tokens of `brieflow serve` (brieflow/store/tokens.py): only a hash of each is kept.
CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,             -- the token's first characters, to recognise it
    hash TEXT NOT NULL UNIQUE,        -- SHA-256 of the token, hex
    rate INTEGER NOT NULL,            -- requests a minute
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
"""

V5_STORIES = """
-- Stories: the articles (any source, any language) that report one event (brieflow.stories).
CREATE TABLE stories (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,          -- from the content id of the article that opened it
    title TEXT,                       -- its most representative headline
    first_published TEXT,
    last_published TEXT,
    size INTEGER NOT NULL DEFAULT 0,
    languages TEXT NOT NULL DEFAULT '',  -- "en,zh"
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX stories_last_published ON stories(last_published);

-- One row per clustered article: its story, the score it joined with, and what clustering
-- compares (the encoder vector as float16 and the names and figures), so that a rerun only
-- reads the articles added since.
CREATE TABLE story_articles (
    article INTEGER PRIMARY KEY REFERENCES articles(pk) ON DELETE CASCADE,
    story INTEGER NOT NULL REFERENCES stories(pk) ON DELETE CASCADE,
    score REAL,                       -- NULL for the article that opened the story
    vector BLOB NOT NULL,
    features TEXT NOT NULL            -- JSON: {"terms": [...], "anchors": [...]}
);
CREATE INDEX story_articles_story ON story_articles(story);

-- What `brieflow watch` remembers of each source between polls (and between --once runs).
CREATE TABLE watch_sources (
    source TEXT PRIMARY KEY,          -- a URL or a path
    etag TEXT,
    last_modified TEXT,
    failures INTEGER NOT NULL DEFAULT 0,  -- errors in a row (backoff doubles with each)
    next_poll REAL,                   -- unix time before which the source is not polled
    last_status TEXT,                 -- "new 3", "not modified", "error: …"
    checked_at TEXT
);
"""


V7_CLAIMS = """
-- Work claimed by a running batch (brieflow/store/claims.py), keyed like a brief: while a claim's
-- lease has not expired no other batch briefs that article; a claim is deleted when its brief is
-- stored or the article fails, and one left by a dead batch is taken over once its lease expires.
CREATE TABLE claims (
    article TEXT NOT NULL,            -- content id
    engine TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    options TEXT NOT NULL,            -- canonical JSON, as briefs.options
    run INTEGER NOT NULL,             -- the claiming run
    holder TEXT NOT NULL,             -- its process: "host:pid"
    expires REAL NOT NULL,            -- unix time the lease runs out
    PRIMARY KEY (article, engine, engine_version, options)
) WITHOUT ROWID;
CREATE INDEX claims_run ON claims(run);
CREATE INDEX claims_holder ON claims(holder);
"""


V8_TOKEN_LIMITS = """
-- The per-token rate limit shared by every `brieflow serve` process on this database: a token
-- bucket kept as its theoretical arrival time (brieflow/store/tokens.py, `take`).
CREATE TABLE token_limits (
    token INTEGER PRIMARY KEY REFERENCES tokens(id) ON DELETE CASCADE,
    tat REAL NOT NULL,                -- unix time when the bucket is full again
    granted INTEGER NOT NULL          -- whether the last request went through
);
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
    Migration(4, "API tokens", V4_TOKENS),
    Migration(5, "stories", V5_STORIES),
    Migration(6, "MinHash permutations from a fixed hash", _recompute_signatures),
    Migration(7, "work claims of concurrent batches", V7_CLAIMS),
    Migration(8, "shared per-token rate limits", V8_TOKEN_LIMITS),
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


def refuse_foreign(conn: sqlite3.Connection, *, source: str | None = None) -> None:
    """StoreError unless the file is a brieflow database or empty: another program's SQLite
    file (its own tables, no brieflow stamp) is refused before anything writes to it."""
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if app_id == APPLICATION_ID:
        return
    foreign = app_id != 0 or version(conn) != 0
    if not foreign:
        foreign = conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None
    if foreign:
        raise StoreError(
            "not a brieflow database (it holds another program's data; left unchanged)",
            source=source,
            hint="choose another --db path",
        )


def migrate(conn: sqlite3.Connection, *, target: int = LATEST, source: str | None = None) -> int:
    """Bring the database to `target`; returns the version it was at before."""
    refuse_foreign(conn, source=source)
    before = version(conn)
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
