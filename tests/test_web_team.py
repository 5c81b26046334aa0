"""`brieflow serve` for a team: several server processes, one rate limit per token kept in the
database (SQLite and PostgreSQL), shared by every process; SIGTERM or Ctrl-C stops them all."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from brieflow.errors import StoreError
from brieflow.store import tokens
from brieflow.store.open import open_store
from brieflow.web import WebSettings

from .pgserver import pg_server, pg_url  # noqa: F401
from .test_batch import env
from .test_web_api import make_client

TEXT = "Harbour budget\n\nThe council approved the budget on Monday.\n\nWork starts in June."
# Loopback, but not one of the names `serve` treats as loopback: tokens are required there.
HOST = "127.0.0.2"
LINE = re.compile(r'brieflow\[(\d+)\] \S+ "(\w+) (\S+)" (\d+) ')


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return str(tmp_path / "team.db")


# -- the bucket in the database ------------------------------------------------------------


def test_the_shared_bucket_refills_at_the_rate(db: str) -> None:
    with open_store(db) as store:
        token, _ = tokens.create(store, "desk", rate=2)
        other, _ = tokens.create(store, "wire", rate=7)
        assert [tokens.take(store, token, 1000.0) for _ in range(3)] == [0.0, 0.0, 30.0]
        assert tokens.take(store, other, 1000.0) == 0.0  # per token
        assert tokens.take(store, token, 1015.0) == 15.0  # half a request refilled
        assert tokens.take(store, token, 1030.0) == 0.0  # one whole request
        assert tokens.take(store, token, 1030.0) == 30.0
        assert tokens.take(store, token, 1200.0) == 0.0  # refilled to the rate, never more
        assert tokens.take(store, token, 1200.0) == 0.0
        assert tokens.take(store, token, 1200.0) == 30.0
        # 60/7 s a request is not a round float: a burst of 7 still all goes, the 8th waits
        waits = [tokens.take(store, other, 2000.0) for _ in range(8)]
        assert waits[:7] == [0.0] * 7 and waits[7] == pytest.approx(60 / 7)


def test_every_connection_draws_from_one_bucket(db: str) -> None:
    """Two connections (two server processes, or two servers) share the token's budget."""
    with open_store(db) as a, open_store(db) as b:
        token, _ = tokens.create(a, "desk", rate=3)
        waits = [tokens.take(s, token, 50.0) for s in (a, b, a, b)]
        assert waits == [0.0, 0.0, 0.0, 20.0]
        assert tokens.take(b, token, 70.0) == 0.0 and tokens.take(a, token, 70.0) == 20.0


def test_a_clock_behind_refunds_nothing(db: str) -> None:
    """A server whose clock is behind another's (several machines) waits; it never refills."""
    with open_store(db) as store:
        token, _ = tokens.create(store, "desk", rate=1)
        assert tokens.take(store, token, 100.0) == 0.0
        assert tokens.take(store, token, 90.0) == 70.0


def test_settings_reach_the_server_processes_unchanged(tmp_path: Path) -> None:
    from brieflow.config import Settings

    for target in (tmp_path / "x.db", "postgresql://u:secret@db.example/brieflow"):
        web = WebSettings(
            db=target,
            settings=Settings(engine="llm", llm_model="m", fetch_timeout=3.5),
            allowed_hosts=("127.0.0.1", "localhost"),
            require_token=True,
            rate_limit="per-process",
            access_log=True,
        )
        assert WebSettings.from_json(web.to_json()) == web


def test_rate_limit_places_are_checked(tmp_path: Path) -> None:
    from brieflow.commands import serve
    from brieflow.errors import ConfigError
    from brieflow.web import service

    assert serve.RATE_LIMITS == service.RATE_LIMITS  # --help does not import the web modules
    with pytest.raises(ConfigError, match="rate_limit 'memory' is not one of shared, per-process"):
        WebSettings(db=tmp_path / "x.db", rate_limit="memory")


def test_a_failing_database_answers_503_json(tmp_path: Path, monkeypatch) -> None:
    client = make_client(tmp_path, require_token=True)
    with open_store(tmp_path / "web.db") as store:
        _, secret = tokens.create(store, "desk")

    def broken(*args: object) -> float:
        raise StoreError("database error: disk I/O error", source=str(tmp_path / "web.db"))

    monkeypatch.setattr(tokens, "take", broken)
    r = client.get("/api/briefs", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 503 and r.headers["retry-after"] == "5"
    assert r.json()["error"]["type"] == "StoreError"
    assert str(tmp_path) not in r.text  # the path never reaches a client


def test_per_process_buckets_are_kept_in_memory(tmp_path: Path) -> None:
    client = make_client(tmp_path, require_token=True, rate_limit="per-process")
    with open_store(tmp_path / "web.db") as store:
        _, secret = tokens.create(store, "desk", rate=2)
    auth = {"Authorization": f"Bearer {secret}"}
    assert [client.get("/api/briefs", headers=auth).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    with open_store(tmp_path / "web.db") as store:
        assert store._query("SELECT count(*) FROM token_limits") == [(0,)]


# -- a real server with two processes --------------------------------------------------------


class Server:
    """`python -m brieflow serve --processes N --access-log` on HOST; its stderr is read as it
    comes (each access line names the process that served the request)."""

    def __init__(self, db: str, cwd: Path, processes: int = 2):
        with socket.socket() as s:
            s.bind((HOST, 0))
            self.port = s.getsockname()[1]
        self.base = f"http://{HOST}:{self.port}"
        cmd = [sys.executable, "-m", "brieflow", "serve", "--host", HOST]
        cmd += ["--port", str(self.port), "--db", db, "--processes", str(processes)]
        self.proc = subprocess.Popen(
            [*cmd, "--access-log"],
            env=env(),
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, as in a terminal
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    def served(self, path: str) -> list[tuple[int, int]]:
        """(process id, status) of each request for `path` in the access log."""
        return [
            (int(m[1]), int(m[4]))
            for line in self.lines
            if (m := LINE.search(line)) and m[3] == path
        ]

    def processes(self, path: str, count: int) -> set[int]:
        """The processes that served `path`, once the log shows `count` requests for it (its
        line is written after the answer is sent)."""
        deadline = time.monotonic() + 10
        while len(self.served(path)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return {pid for pid, _ in self.served(path)}

    def wait_for(self, processes: int, timeout: float = 120) -> None:
        """Until `processes` different processes have answered /healthz (fresh connections)."""
        deadline = time.monotonic() + timeout
        while len({pid for pid, _ in self.served("/healthz")}) < processes:
            assert self.proc.poll() is None, "".join(self.lines)
            assert time.monotonic() < deadline, "not every process answered:\n" + "".join(
                self.lines
            )
            try:
                httpx.get(self.base + "/healthz", timeout=5)
            except httpx.HTTPError:
                time.sleep(0.2)

    def tree(self) -> set[int]:
        """The server's process and all of its descendants."""
        parents: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(stat.parent.name)] = int(fields[1])
        found, todo = set(), [self.proc.pid]
        while todo:
            pid = todo.pop()
            found.add(pid)
            todo += [child for child, parent in parents.items() if parent == pid]
        return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def server(db: str, tmp_path: Path) -> Iterator[Server]:
    srv = Server(db, tmp_path)
    try:
        yield srv
    finally:
        if srv.proc.poll() is None:
            srv.proc.kill()
            srv.proc.wait(30)


@pytest.mark.slow
def test_two_processes_share_each_tokens_rate_limit(db: str, server: Server) -> None:
    rate = 5
    with open_store(db) as store:
        _, warm = tokens.create(store, "warm")
        _, secret = tokens.create(store, "desk", rate=rate)
    server.wait_for(2)
    brief = httpx.post(
        server.base + "/api/briefs",
        json={"text": TEXT},
        headers={"Authorization": f"Bearer {warm}"},
        timeout=60,
    )
    assert brief.status_code == 201, brief.text  # a brief worker runs under one process now
    auth = {"Authorization": f"Bearer {secret}"}
    start = time.monotonic()
    url = server.base + "/api/briefs"
    # 3 × rate requests, each on a fresh connection (the kernel hands each to either process);
    # should one process have got them all, a few more (over the budget by now) reach the other.
    answers = [httpx.get(url, headers=auth, timeout=30) for _ in range(3 * rate)]
    while len(server.processes("/api/briefs", len(answers))) < 2 and len(answers) < 6 * rate:
        answers.append(httpx.get(url, headers=auth, timeout=30))
    elapsed = time.monotonic() - start
    assert elapsed < 60 / rate, "too slow to tell: a request refilled during the burst"
    statuses = [r.status_code for r in answers]
    assert statuses.count(200) == rate and statuses.count(429) == len(answers) - rate, statuses
    assert statuses[:rate] == [200] * rate  # the first ones, whichever process served them
    for r in answers[rate:]:
        assert r.json()["error"]["type"] == "TooManyRequests"
        assert 1 <= int(r.headers["retry-after"]) <= 60 / rate
    # Both processes answered requests of the burst; had each kept its own bucket, more than
    # `rate` would have gone through (each process would have let its first ones pass).
    assert len(server.processes("/api/briefs", len(answers))) == 2, server.lines
    tree = server.tree()
    assert len(tree) >= 3  # the supervisor, two server processes (and their brief workers)
    if db.startswith("postgresql"):
        server.proc.send_signal(signal.SIGTERM)  # a service manager stops it
    else:
        os.killpg(server.proc.pid, signal.SIGINT)  # Ctrl-C: every process of the group
    assert server.proc.wait(60) == 0
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in tree) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in tree if alive(pid)], "processes left behind"
    server.reader.join(10)
    assert "Traceback" not in "".join(server.lines), "".join(server.lines)


def test_processes_must_be_a_positive_number(capsys) -> None:
    from brieflow.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["serve", "--processes", "0"])
    assert exc.value.code == 2
    assert "--processes: must be 1 or more, got 0" in capsys.readouterr().err


def test_a_bad_database_fails_once_before_any_process_starts(tmp_path: Path, capsys) -> None:
    from brieflow.cli import main

    foreign = tmp_path / "other.db"
    import sqlite3

    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE mine (x)")
    assert main(["serve", "--processes", "2", "--db", str(foreign), "--port", "0"]) != 0
    assert "not a brieflow database" in capsys.readouterr().err
    assert "BRIEFLOW_WEB_SETTINGS" not in os.environ
