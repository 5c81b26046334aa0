"""A throwaway PostgreSQL cluster for the tests: `initdb` into a temporary folder, `pg_ctl start`
on a loopback port (as the `postgres` user when the tests run as root: PostgreSQL refuses root),
stopped and deleted at the end of the session. Tests that need it skip, saying why, when Debian's
`postgresql` (the binaries under /usr/lib/postgresql/*/bin) or psycopg is missing."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    which = shutil.which("initdb")
    return Path(which).resolve().parent if which else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def missing() -> str | None:
    """Why a throwaway cluster cannot start here, or None."""
    if bin_dir() is None:
        return "PostgreSQL is not installed (apt-get install postgresql): no initdb found"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return 'psycopg is not installed (pip install "brieflow[postgres]")'
    return None


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a cluster in a temporary folder; yields the URL of its `postgres` database
    (superuser, trust authentication, loopback only); stops and deletes it at the end."""
    bindir = bin_dir()
    assert bindir is not None, missing()
    home = Path(tempfile.mkdtemp(prefix="brieflow-pg-"))
    data = home / "data"
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    port = _free_port()
    run: dict = dict(check=True, capture_output=True, text=True, timeout=120)
    try:
        subprocess.run(
            _as_owner(
                [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
                + ["-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
            ),
            **run,
        )
        opts = f"-p {port} -h 127.0.0.1 -k {home} -F -c max_connections=60"
        subprocess.run(
            _as_owner(
                [str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-w", "-l"]
                + [str(home / "log"), "start"]
            ),
            **run,
        )
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(home, ignore_errors=True)


def new_database(server: str) -> str:
    """The URL of a new, empty database on the cluster at `server`."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a throwaway cluster's `postgres` database, one for the test session."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    with throwaway_cluster() as url:
        yield url


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """A new, empty database on the throwaway cluster (one per test): for tests of opening,
    migrating or refusing a database."""
    return new_database(pg_server)


@pytest.fixture(scope="session")
def pg_shared(pg_server: str) -> str:
    """One migrated brieflow database for the session, emptied by each test that uses it
    (`clean_database`): CREATE DATABASE costs ~0.5 s here, emptying one ~0.05 s."""
    from brieflow.store.open import open_store

    url = new_database(pg_server)
    open_store(url).close()
    return url


def clean_database(url: str) -> str:
    """Empty the brieflow database at `url` as if it were new: end every other session on it
    (a previous test's server, a killed batch's), empty every table but `brieflow_schema` and
    restart the numbering (brief numbers and run ids start at 1 again)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        schema = "schemaname = current_schema()"
        tables = conn.execute(
            f"SELECT tablename FROM pg_tables WHERE {schema} AND tablename <> 'brieflow_schema'"
        ).fetchall()
        sequences = conn.execute(f"SELECT sequencename FROM pg_sequences WHERE {schema}").fetchall()
        # DELETE, not TRUNCATE: it need not wait for the ended sessions to let go of their locks;
        # replica mode skips the foreign-key triggers, so the order of the tables does not matter
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
            for (table,) in tables:
                conn.execute(f'DELETE FROM "{table}"')
            for (sequence,) in sequences:
                conn.execute(f'ALTER SEQUENCE "{sequence}" RESTART')
    return url
