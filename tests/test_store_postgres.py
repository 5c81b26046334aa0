"""What only PostgreSQL has: opening, migrating and refusing a database, the password kept out of
messages. The store, batch and web suites run on PostgreSQL too (`db` in tests/conftest.py)."""

from __future__ import annotations

import pytest

from brieflow.errors import StoreError
from brieflow.store.open import open_store
from brieflow.store.pg_migrations import LATEST

from .conftest import sql


def test_a_new_database_is_migrated_and_foreign_or_newer_ones_are_refused(
    pg_server: str,
    pg_url: str,
) -> None:
    with open_store(pg_url) as store:
        assert store.schema_version == LATEST == 7
        assert store.path == pg_url
    with open_store(pg_url) as store:  # opening again changes nothing
        assert store.schema_version == LATEST
    sql(pg_url, "UPDATE brieflow_schema SET version = 99")
    with pytest.raises(StoreError, match="schema version 99, newer than this brieflow"):
        open_store(pg_url)
    assert sql(pg_url, "SELECT version FROM brieflow_schema") == [(99,)]
    # another application's database: refused, and left exactly as it was
    other = pg_url + "x"
    sql(pg_server, f"CREATE DATABASE {other.rsplit('/', 1)[1]}")
    sql(other, "CREATE TABLE invoices (id int)")
    with pytest.raises(StoreError, match="not a brieflow database"):
        open_store(other)
    tables = sql(other, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert tables == [("invoices",)]
    with pytest.raises(StoreError, match="cannot connect"):
        open_store("postgresql://postgres@127.0.0.1:1/nowhere")


def test_the_password_never_shows(pg_url: str) -> None:
    from brieflow.redact import without_password as shown

    assert shown("postgresql://desk:s3cret@db.example:5432/news") == (
        "postgresql://desk:***@db.example:5432/news"
    )
    assert shown(pg_url) == pg_url
