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
    """A new, empty database on the throwaway cluster (one per test)."""
    return new_database(pg_server)
