"""Numbered schema migrations of a PostgreSQL store, applied in order when it opens.

The table `brieflow_schema` marks a database (schema) as brieflow's and holds the number of the
last migration applied. Each migration runs in one transaction with the bump of that number,
under an advisory lock, so many processes opening one database at once migrate it once. A schema
that holds other tables but no `brieflow_schema` is another application's, and one at a newer
version than this brieflow is a newer brieflow's: both are refused, never changed. Never edit a
released migration: add a new one. The numbers follow the SQLite store's (brieflow/store/
migrations.py) so one version number means the same verbs on both.
"""

from __future__ import annotations

from typing import Any

from ..errors import StoreError

MIGRATION_LOCK = 0x62726966  # "brif", as the SQLite application_id

V1_CORE = """
CREATE TABLE articles (
    pk BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    external_id TEXT,
    title TEXT,
    source TEXT,
    url TEXT,
    published TEXT,
    language TEXT,
    origin TEXT,
    paragraph_count INTEGER NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX articles_external_id ON articles (external_id);
CREATE INDEX articles_source ON articles (lower(source), published);
CREATE INDEX articles_published ON articles (published);

CREATE TABLE paragraphs (
    article BIGINT NOT NULL REFERENCES articles (pk) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (article, number)
);

CREATE TABLE runs (
    id BIGSERIAL PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    engine TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    options TEXT NOT NULL,
    sources TEXT NOT NULL,
    counts TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE briefs (
    pk BIGSERIAL PRIMARY KEY,
    article BIGINT NOT NULL REFERENCES articles (pk) ON DELETE CASCADE,
    engine TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    options TEXT NOT NULL,
    language TEXT NOT NULL,
    passed INTEGER NOT NULL,
    checks TEXT NOT NULL,
    brief TEXT NOT NULL,
    run BIGINT REFERENCES runs (id),
    created_at TEXT NOT NULL,
    UNIQUE (article, engine, engine_version, options)
);
CREATE INDEX briefs_engine ON briefs (engine, engine_version);
"""

V2_FAILURES_AND_DUPLICATES = """
CREATE TABLE failures (
    pk BIGSERIAL PRIMARY KEY,
    run BIGINT REFERENCES runs (id),
    origin TEXT NOT NULL,
    article TEXT,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX failures_run ON failures (run);

ALTER TABLE articles ADD COLUMN duplicate_of TEXT;
ALTER TABLE articles ADD COLUMN similarity DOUBLE PRECISION;
ALTER TABLE articles ADD COLUMN signature BYTEA;
CREATE INDEX articles_duplicate_of ON articles (duplicate_of);

CREATE TABLE lsh (
    bucket BIGINT NOT NULL,
    article BIGINT NOT NULL REFERENCES articles (pk) ON DELETE CASCADE,
    PRIMARY KEY (bucket, article)
);
"""

# pg_trgm: trigram GIN indexes serve ILIKE '%term%' for Chinese and English alike (no word
# splitting); a trusted extension since PostgreSQL 13, so a database owner may create it.
V3_SEARCH = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX paragraphs_text_trgm ON paragraphs USING gin (text gin_trgm_ops);
CREATE INDEX articles_title_trgm ON articles USING gin (title gin_trgm_ops);
"""

V4_TOKENS = """
CREATE TABLE tokens (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    rate INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
"""

# The SQLite store's migration 5 (brieflow/store/migrations.py says what each column holds);
# float8 where SQLite says REAL, BYTEA for its BLOB.
V5_STORIES = """
CREATE TABLE stories (
    pk BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT,
    first_published TEXT,
    last_published TEXT,
    size INTEGER NOT NULL DEFAULT 0,
    languages TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX stories_last_published ON stories (last_published);

CREATE TABLE story_articles (
    article BIGINT PRIMARY KEY REFERENCES articles (pk) ON DELETE CASCADE,
    story BIGINT NOT NULL REFERENCES stories (pk) ON DELETE CASCADE,
    score DOUBLE PRECISION,
    vector BYTEA NOT NULL,
    features TEXT NOT NULL
);
CREATE INDEX story_articles_story ON story_articles (story);

CREATE TABLE watch_sources (
    source TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    next_poll DOUBLE PRECISION,
    last_status TEXT,
    checked_at TEXT
);
"""

# Work claimed by a running batch (brieflow/store/claims.py), keyed like a brief; taken with
# SELECT … FOR UPDATE SKIP LOCKED when its lease has expired. As SQLite's migration 7.
V6_CLAIMS = """
CREATE TABLE claims (
    article TEXT NOT NULL,
    engine TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    options TEXT NOT NULL,
    run BIGINT NOT NULL,
    holder TEXT NOT NULL,
    expires DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (article, engine, engine_version, options)
);
CREATE INDEX claims_run ON claims (run);
CREATE INDEX claims_holder ON claims (holder);
"""

V7_TOKEN_LIMITS = """
CREATE TABLE token_limits (
    token BIGINT PRIMARY KEY REFERENCES tokens (id) ON DELETE CASCADE,
    tat DOUBLE PRECISION NOT NULL,
    granted INTEGER NOT NULL
);
"""

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "articles, paragraphs, briefs, runs", V1_CORE),
    (2, "failures and near-duplicates", V2_FAILURES_AND_DUPLICATES),
    (3, "full-text search (pg_trgm)", V3_SEARCH),
    (4, "API tokens", V4_TOKENS),
    (5, "stories", V5_STORIES),
    (6, "work claims of concurrent batches", V6_CLAIMS),
    (7, "shared per-token rate limits", V7_TOKEN_LIMITS),
)
LATEST = MIGRATIONS[-1][0]


def version(conn: Any) -> int | None:
    """The schema version, or None when this is not (yet) a brieflow schema."""
    exists = conn.execute("SELECT to_regclass('brieflow_schema') IS NOT NULL").fetchone()[0]
    if not exists:
        return None
    row = conn.execute("SELECT version FROM brieflow_schema").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: Any, *, source: str) -> int:
    """Bring the database to LATEST; returns the version it was at before. `conn` is a
    psycopg connection in autocommit mode."""
    import psycopg

    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        before = version(conn)
        if before is None:
            others = conn.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
            ).fetchone()[0]
            if others:
                raise StoreError(
                    "not a brieflow database (it holds another application's tables)",
                    source=source,
                    hint="choose another database or an empty one",
                )
        if (before or 0) > LATEST:
            raise StoreError(
                f"the database is at schema version {before}, newer than this brieflow ({LATEST})",
                source=source,
                hint="upgrade brieflow",
            )
        if before is None:
            conn.execute(
                "CREATE TABLE brieflow_schema (application TEXT NOT NULL DEFAULT 'brieflow', "
                "version INTEGER NOT NULL)"
            )
            conn.execute("INSERT INTO brieflow_schema (version) VALUES (0)")
        for number, name, script in MIGRATIONS:
            if (before or 0) < number:
                try:
                    with conn.transaction():
                        conn.execute(script)
                        conn.execute("UPDATE brieflow_schema SET version = %s", (number,))
                except psycopg.Error as exc:
                    raise StoreError(
                        f"migration {number} ({name}) failed: {exc}", source=source
                    ) from exc
    return before or 0
