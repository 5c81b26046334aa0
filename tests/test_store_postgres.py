"""PostgreSQL as the shared store: schema refusals, the CLI with a postgresql:// --db, a batch
gives the SQLite batch's counts and briefs, two batch processes on overlapping input."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from brieflow.batch import run_batch
from brieflow.cli import main
from brieflow.errors import StoreError
from brieflow.store import Store
from brieflow.store.open import open_store
from brieflow.store.pg_migrations import LATEST

from .pgserver import pg_server, pg_url  # noqa: F401
from .storedata import article_record, write_jsonl
from .test_batch import _batch_cmd, corpus, env


def _sql(url: str, statement: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(statement)
        return cur.fetchall() if cur.description else []


def test_a_new_database_is_migrated_and_foreign_or_newer_ones_are_refused(
    pg_server: str,  # noqa: F811
    pg_url: str,  # noqa: F811
) -> None:
    with open_store(pg_url) as store:
        assert store.schema_version == LATEST == 7
        assert store.path == pg_url
    with open_store(pg_url) as store:  # opening again changes nothing
        assert store.schema_version == LATEST
    _sql(pg_url, "UPDATE brieflow_schema SET version = 99")
    with pytest.raises(StoreError, match="schema version 99, newer than this brieflow"):
        open_store(pg_url)
    assert _sql(pg_url, "SELECT version FROM brieflow_schema") == [(99,)]
    # another application's database: refused, and left exactly as it was
    other = pg_url + "x"
    _sql(pg_server, f"CREATE DATABASE {other.rsplit('/', 1)[1]}")
    _sql(other, "CREATE TABLE invoices (id int)")
    with pytest.raises(StoreError, match="not a brieflow database"):
        open_store(other)
    tables = _sql(other, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert tables == [("invoices",)]
    with pytest.raises(StoreError, match="cannot connect"):
        open_store("postgresql://postgres@127.0.0.1:1/nowhere")


def test_the_password_never_shows(pg_url: str) -> None:  # noqa: F811
    from brieflow.redact import without_password as shown

    assert shown("postgresql://desk:s3cret@db.example:5432/news") == (
        "postgresql://desk:***@db.example:5432/news"
    )
    assert shown(pg_url) == pg_url


def test_batch_on_postgres_counts_and_briefs_as_on_sqlite(tmp_path: Path, pg_url: str) -> None:  # noqa: F811
    expected = corpus(tmp_path / "in")
    with Store(tmp_path / "s.db") as lite, open_store(pg_url) as pg:
        one = run_batch([str(tmp_path / "in")], lite, concurrency=1)
        two = run_batch([str(tmp_path / "in")], pg, concurrency=1)
        assert one.progress.counts() == two.progress.counts() == expected
        assert pg.counts() == lite.counts()
        assert {b.article.id: b.brief for b in pg.briefs()} == {
            b.article.id: b.brief for b in lite.briefs()
        }
        assert pg.article("dup-near").duplicate_of == pg.article("art-00001").id
        again = run_batch([str(tmp_path / "in")], pg, concurrency=1)
        assert (again.progress.briefed, again.progress.skipped) == (0, expected["briefed"] + 1)


def test_the_cli_takes_a_postgresql_url(tmp_path: Path, pg_url: str, capsys, monkeypatch) -> None:  # noqa: F811
    src = write_jsonl(tmp_path / "a.jsonl", [article_record(i) for i in range(3)])
    assert main(["batch", str(src), "--db", pg_url, "--progress", "none"]) == 0
    assert "3 briefed" in capsys.readouterr().err
    monkeypatch.setenv("BRIEFLOW_DB", pg_url)
    assert main(["articles", "search", "Test story"]) == 0
    assert "art-00000" in capsys.readouterr().out
    out = tmp_path / "out.jsonl"
    assert main(["briefs", "export", "--format", "jsonl", "-o", str(out)]) == 0
    assert len(out.read_text("utf-8").splitlines()) == 3


@pytest.mark.slow
def test_two_batch_processes_on_one_postgres_database(tmp_path: Path, pg_url: str) -> None:  # noqa: F811
    records = [article_record(i) for i in range(30)]
    a = write_jsonl(tmp_path / "a.jsonl", records[:20])
    b = write_jsonl(tmp_path / "b.jsonl", records[10:])  # 10 articles in both
    procs = [
        subprocess.Popen(
            _batch_cmd(pg_url, str(src)),  # type: ignore[arg-type]
            env=env(),
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for src in (a, b)
    ]
    outs = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert _sql(pg_url, "SELECT count(*), count(DISTINCT id) FROM articles") == [(30, 30)]
    assert _sql(pg_url, "SELECT count(*), count(DISTINCT article) FROM briefs") == [(30, 30)]
    assert _sql(pg_url, "SELECT count(*) FROM failures") == [(0,)]


def test_the_web_app_on_postgres(pg_url: str) -> None:  # noqa: F811
    from brieflow.web import WebSettings, create_app

    from .test_web_api import TestClient  # imported there without Starlette's warning

    client = TestClient(create_app(WebSettings(db=pg_url)), raise_server_exceptions=False)
    made = client.post(
        "/api/briefs",
        json={"text": "Test title\n\nThe bank cut its rates on Monday.\n\nShares rose after it."},
    )
    assert made.status_code in (200, 201), made.text
    number = made.json()["brief_id"]
    assert client.get("/api/briefs").json()["count"] == 1
    assert client.get(f"/api/briefs/{number}").json()["brief_id"] == number
    assert client.get("/healthz").json()["schema_version"] == LATEST


@pytest.mark.slow
def test_kill_9_mid_run_on_postgres_then_rerun_briefs_everything_once(
    tmp_path: Path,
    pg_url: str,  # noqa: F811
) -> None:
    import os
    import signal
    import time

    n = 40
    src = write_jsonl(tmp_path / "big.jsonl", [article_record(i) for i in range(n)])
    cmd = _batch_cmd(pg_url, str(src), jobs=2)  # type: ignore[arg-type]
    proc = subprocess.Popen(
        cmd, env=env(), cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )

    def briefed() -> int:
        try:
            return _sql(pg_url, "SELECT count(*) FROM briefs")[0][0]
        except Exception:  # the schema is not there yet
            return 0

    deadline = time.monotonic() + 120
    while briefed() < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = briefed()
    assert 5 <= killed_at < n
    rerun = subprocess.run(
        cmd, env=env(), cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"{n - killed_at} briefed, {killed_at} already briefed" in rerun.stderr
    assert _sql(pg_url, "SELECT count(*), count(DISTINCT article) FROM briefs") == [(n, n)]
    assert _sql(pg_url, "SELECT status FROM runs ORDER BY id") == [("running",), ("done",)]


def test_stories_on_postgres_are_a_clear_configuration_error(
    tmp_path: Path,
    pg_url: str,  # noqa: F811
    capsys,
) -> None:
    src = write_jsonl(tmp_path / "a.jsonl", [article_record(i) for i in range(2)])
    assert main(["batch", str(src), "--db", pg_url, "--progress", "none"]) == 0
    capsys.readouterr()
    assert main(["stories", "list", "--db", pg_url]) == 7
    err = capsys.readouterr().err
    assert err.startswith("brieflow: error: postgresql:")
    assert "stories, digests and watch keep their state in SQLite only" in err
    assert len(err.strip().splitlines()) == 1
