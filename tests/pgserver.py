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
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
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


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a running throwaway cluster's `postgres` database (superuser, trust auth)."""
    bindir = _bin_dir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql): no initdb found")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip('psycopg is not installed (pip install "brieflow[postgres]")')
    home = Path(tempfile.mkdtemp(prefix="brieflow-pg-"))
    data = home / "data"
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    port = _free_port()
    run = dict(check=True, capture_output=True, text=True, timeout=120)
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
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """A new, empty database on the throwaway cluster (one per test)."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return pg_server.rsplit("/", 1)[0] + "/" + name
