"""Tests are offline: any socket to a non-loopback address fails loudly."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parent.parent / "examples"

_real_connect = socket.socket.connect
_real_getaddrinfo = socket.getaddrinfo
_LOOPBACK = {"127.0.0.1", "::1", "localhost", "0.0.0.0"}


def _host(address) -> str | None:
    if isinstance(address, tuple) and address:
        return str(address[0])
    return None  # AF_UNIX paths are local


def _guarded_connect(self, address):
    host = _host(address)
    if host is not None and host not in _LOOPBACK and not host.startswith("127."):
        raise OSError(f"tests are offline: refused a connection to {address!r}")
    return _real_connect(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if host is not None and str(host) not in _LOOPBACK and not str(host).startswith("127."):
        # gaierror, as a real resolver without network raises
        raise socket.gaierror(socket.EAI_NONAME, f"tests are offline: refused to resolve {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)
    # No user config or data dir leaks into tests.
    monkeypatch.setenv("BRIEFLOW_CONFIG", os.devnull)
    for key in list(os.environ):
        if key.startswith("BRIEFLOW_") and key != "BRIEFLOW_CONFIG":
            monkeypatch.delenv(key)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    yield


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a test that takes more than a few seconds")


# -- the store's two backends ---------------------------------------------------------------------
# The store, batch and web suites take `db`: each such test runs once on a SQLite file and once on
# the throwaway PostgreSQL cluster (tests/pgserver.py), with ids [sqlite] and [postgresql].

from .pgserver import clean_database, pg_server, pg_shared, pg_url  # noqa: E402, F401

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path):
    """Where the test's store lives: a new SQLite file (its path) or an emptied, migrated
    PostgreSQL database (its URL). A SQLite run that never made its file fails: the test ignored
    `db`, so its PostgreSQL run would not have been one either."""
    if request.param == "postgresql":
        yield clean_database(request.getfixturevalue("pg_shared"))
        return
    path = tmp_path / "brieflow.db"
    yield path
    assert path.exists(), "the test never opened its `db`"


def backend(db: str | Path) -> str:
    """The backend a `db` value names, as `Store.backend` says it."""
    return "postgresql" if str(db).startswith("postgresql://") else "sqlite"


def sql(db: str | Path, statement: str) -> list[tuple]:
    """The rows of one statement run straight on the test's database, past the Store (either
    backend; a SQLite file must exist already: it is never created here)."""
    if backend(db) == "postgresql":
        import psycopg

        with psycopg.connect(str(db), autocommit=True) as pg:
            cur = pg.execute(statement)
            return cur.fetchall() if cur.description else []
    import sqlite3

    lite = sqlite3.connect(f"file:{db}?mode=rw", uri=True, timeout=5)
    try:
        with lite:
            return lite.execute(statement).fetchall()
    finally:
        lite.close()
