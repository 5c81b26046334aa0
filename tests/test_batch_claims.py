"""Claims: batches on one database (SQLite and PostgreSQL) never brief an article twice and never
lose one. The store's claim verbs; a dead run's claim taken over; a live one waited for; two
`brieflow batch` processes on overlapping input, with a loopback llm server counting the briefs
actually made; `kill -9` mid-run and a rerun from "another machine" after the lease."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from brieflow.batch import run_batch
from brieflow.config import Settings
from brieflow.engines import BriefOptions, get_engine
from brieflow.models import content_id
from brieflow.pipeline import brief
from brieflow.store import Store, claims, options_key
from brieflow.store.open import open_store

from .chatserver import ChatServer, Reply, paragraphs_of, quoting_brief
from .pgserver import pg_server  # noqa: F401
from .storedata import article_record, write_jsonl

ROOT = Path(__file__).resolve().parents[1]
KEY = options_key(BriefOptions().key())  # what a batch with default options claims under


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The location of a new, empty database on each store."""
    if request.param == "sqlite":
        return str(tmp_path / "claims.db")
    from .pgserver import new_database

    return new_database(request.getfixturevalue("pg_server"))


def _new_run(store: Store) -> int:
    return store.start_run(engine="extractive", engine_version="x", options=KEY, sources=[])


def _cid(record: dict) -> str:
    return content_id(record["paragraphs"])


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# -- the store's verbs ----------------------------------------------------------------------


def test_claim_verbs(db: str) -> None:
    key = ("a1", "extractive", "1", KEY)
    with open_store(db) as store:
        one, two = _new_run(store), _new_run(store)
        assert claims.claim(store, *key, run=one, lease=60, by="h:1") == claims.Claim("mine")
        # a live claim of another run: held, and by whom
        assert claims.claim(store, *key, run=two, lease=60, by="h:2") == claims.Claim(
            "held", one, "h:1"
        )
        assert claims.claim(store, *key, run=one, lease=60, by="h:1").state == "mine"  # again
        assert claims.renew(store, one, 60) == 1
        [(article, run, holder, left)] = claims.listed(store)
        assert (article, run, holder) == ("a1", one, "h:1") and 55 < left <= 60
        # its process died: its claims expire at once, and another run takes them
        assert claims.expire(store, "h:1") == 1
        assert claims.claim(store, *key, run=two, lease=60, by="h:2").state == "mine"
        assert [c[:3] for c in claims.listed(store)] == [("a1", two, "h:2")]
        assert claims.renew(store, one, 60) == 0  # run one holds nothing now
        # an expired lease is taken over without anyone's help
        other = ("a2", "extractive", "1", KEY)
        assert claims.claim(store, *other, run=one, lease=-1, by="h:1").state == "mine"
        assert claims.claim(store, *other, run=two, lease=60, by="h:2").state == "mine"
        claims.release(store, two, "a1")
        assert [c[:3] for c in claims.listed(store)] == [("a2", two, "h:2")]
        claims.release(store, one)  # not its claim: nothing happens
        assert len(claims.listed(store)) == 1
        claims.release(store, two)
        assert claims.listed(store) == []


def test_a_briefed_article_is_not_claimed(db: str, tmp_path: Path) -> None:
    record = article_record(1)
    src = write_jsonl(tmp_path / "one.jsonl", [record])
    with open_store(db) as store:
        result = run_batch([str(src)], store, concurrency=1)
        stored = next(store.briefs())
        run = _new_run(store)
        found = claims.claim(
            store,
            _cid(record),
            stored.brief.engine,
            stored.brief.engine_version,
            KEY,
            run=run,
            lease=60,
        )
        assert found == claims.Claim("briefed")
        assert claims.listed(store) == []
        assert result.progress.briefed == 1


def test_two_stores_taking_over_the_same_expired_claims_get_each_once(db: str) -> None:
    """Two connections race for 30 expired claims: every one is taken by exactly one of them
    (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED)."""
    keys = [(f"a{i:02d}", "extractive", "1", KEY) for i in range(30)]
    with open_store(db) as store:
        dead, runs = _new_run(store), [_new_run(store), _new_run(store)]
        for key in keys:
            claims.claim(store, *key, run=dead, lease=-1, by="gone:1")
    won: dict[int, list[str]] = {run: [] for run in runs}
    start = threading.Barrier(2)

    def race(run: int) -> None:
        with open_store(db) as mine:
            start.wait()
            for key in keys:
                if claims.claim(mine, *key, run=run, lease=60, by=f"h:{run}").state == "mine":
                    won[run].append(key[0])

    threads = [threading.Thread(target=race, args=(run,)) for run in runs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(won[runs[0]] + won[runs[1]]) == [k[0] for k in keys]
    with open_store(db) as store:
        assert {c[1] for c in claims.listed(store)} <= set(runs)
        assert len(claims.listed(store)) == 30


# -- run_batch with claims of other runs -----------------------------------------------------


def test_claims_of_dead_runs_are_taken_over(db: str, tmp_path: Path) -> None:
    """One claim with an expired lease (a run elsewhere that died), one with a live lease held
    by a process of this machine that is gone: the batch briefs both, at once."""
    records = [article_record(i) for i in range(4)]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    with open_store(db) as store:
        ghost = _new_run(store)
        made = get_engine("extractive")
        engine = (made.name, made.version)
        claims.claim(store, _cid(records[1]), *engine, KEY, run=ghost, lease=-5, by="far:7")
        here = f"{socket.gethostname()}:{_dead_pid()}"
        claims.claim(store, _cid(records[2]), *engine, KEY, run=ghost, lease=600, by=here)
        result = run_batch([str(src)], store, concurrency=1)
        assert result.progress.counts() == {
            "seen": 4,
            "briefed": 4,
            "skipped": 0,
            "duplicates": 0,
            "failed": 0,
        }
        assert {b.run for b in store.briefs()} == {result.run}
        assert claims.listed(store) == []


def test_a_live_claim_is_waited_for(db: str, tmp_path: Path) -> None:
    """Two of four articles are claimed by another live batch (on another machine): the run
    briefs the other two, then waits; the other batch stores one (counted as skipped here) and
    fails the other (so this run briefs it). One brief per article, none made twice."""
    records = [article_record(i) for i in range(4)]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    stored, failed = _cid(records[1]), _cid(records[2])
    made = get_engine("extractive")
    engine = (made.name, made.version)
    with open_store(db) as store:
        other = _new_run(store)
        for cid in (stored, failed):
            claims.claim(store, cid, *engine, KEY, run=other, lease=600, by="far:7")
    outcome: dict = {}

    def batch() -> None:
        with open_store(db) as mine:
            outcome["result"] = run_batch(
                [str(src)], mine, concurrency=1, settings=Settings(claim_lease=30)
            )

    waiting = threading.Thread(target=batch)
    waiting.start()
    with open_store(db) as store:
        deadline = time.monotonic() + 120
        while store.counts()["briefs"] < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)
        assert waiting.is_alive(), "the run did not wait for the claimed articles"
        assert store.counts()["briefs"] == 2
        # the other batch stores its brief of one, and gives up on the other
        made_there = brief(store.article(stored).article, engine="extractive")
        with store.transaction():
            assert store.add_brief(stored, made_there, options=KEY, run=other)
            claims.release(store, other, stored)
        claims.release(store, other, failed)
        waiting.join(120)
        assert not waiting.is_alive()
        result = outcome["result"]
        assert result.progress.counts() == {
            "seen": 4,
            "briefed": 3,
            "skipped": 1,
            "duplicates": 0,
            "failed": 0,
        }
        runs = {b.article.display_id: b.run for b in store.briefs()}
        assert len(runs) == 4 and store.counts()["briefs"] == 4
        assert runs[records[1]["id"]] == other
        assert runs[records[2]["id"]] == result.run
        assert claims.listed(store) == []


# -- real processes ---------------------------------------------------------------------------


def _llm_cmd(db: str, src: Path, jobs: int = 2) -> list[str]:
    return [
        sys.executable,
        "-m",
        "brieflow",
        "batch",
        str(src),
        "--db",
        db,
        "--engine",
        "llm",
        "--concurrency",
        str(jobs),
        "--progress",
        "none",
    ]


def _llm_env(url: str, lease: float) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BRIEFLOW_LLM_BASE_URL": url,
        "BRIEFLOW_LLM_MODEL": "m",
        "BRIEFLOW_CACHE_DIR": "off",
        "BRIEFLOW_CLAIM_LEASE": str(lease),
    }


_SUMMARY = re.compile(r"(\d+) briefed, (\d+) already briefed, (\d+) duplicates, (\d+) failed")


def _summary(stderr: str) -> tuple[int, int, int, int]:
    found = _SUMMARY.search(stderr)
    assert found, stderr
    briefed, skipped, duplicates, failed = (int(x) for x in found.groups())
    return briefed, skipped, duplicates, failed


class _Counting:
    """The loopback llm: counts the briefs asked for, per article (its first paragraph); holds
    every answer until both batches have asked (so they surely overlap); every 5th answer takes
    longer than the batches' claim lease (so only renewal keeps those claims)."""

    def __init__(self, records: list[dict], *, a_only: int, slow: float = 1.5):
        self.index = {r["paragraphs"][0]: i for i, r in enumerate(records)}
        self.asked: dict[int, int] = {}
        self.a_only = a_only
        self.slow = slow
        self.both = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, body: dict) -> Reply:
        i = self.index[paragraphs_of(body)[1]]
        with self.lock:
            self.asked[i] = self.asked.get(i, 0) + 1
            if any(k < self.a_only for k in self.asked) and any(
                k >= self.a_only for k in self.asked
            ):
                self.both.set()
        self.both.wait(120)
        return Reply(quoting_brief(body), delay=self.slow if i % 5 == 0 else 0.2)


def _sql(db: str, statement: str) -> list[tuple]:
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db, autocommit=True) as conn:
            cur = conn.execute(statement)
            return cur.fetchall() if cur.description else []
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute(statement).fetchall()


@pytest.mark.slow
def test_two_batch_processes_on_overlapping_input_brief_each_article_once(
    db: str, tmp_path: Path
) -> None:
    """A: articles 0-29, B: 10-39, both at once with 2 threads each on one database. Each article
    is asked of the llm exactly once, the runs' briefed counts add up to 40 and their skipped
    counts to the 20 they share."""
    records = [article_record(i, lang="en", seed=41) for i in range(40)]
    a = write_jsonl(tmp_path / "a.jsonl", records[:30])
    b = write_jsonl(tmp_path / "b.jsonl", records[10:])
    # a 2 s lease renewed every 0.5 s: a busy machine may stall the renewing thread for a
    # second (a 1 s lease failed once so, with four jobs on two cores); slow answers outlast it
    llm = _Counting(records, a_only=10, slow=2.5)
    with ChatServer(llm) as url:
        procs = [
            subprocess.Popen(
                _llm_cmd(db, src),
                env=_llm_env(url, lease=2.0),
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for src in (a, b)
        ]
        errs = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert llm.both.is_set()
    assert llm.asked == {i: 1 for i in range(40)}, "an article was briefed twice"
    one, two = _summary(errs[0]), _summary(errs[1])
    assert one[0] + two[0] == 40 and one[1] + two[1] == 20, errs
    assert (one[2], one[3], two[2], two[3]) == (0, 0, 0, 0)
    assert _sql(db, "SELECT count(*), count(DISTINCT article) FROM briefs") == [(40, 40)]
    assert _sql(db, "SELECT count(*) FROM claims") == [(0,)]


@pytest.mark.slow
def test_kill_9_leaves_claims_that_a_rerun_elsewhere_takes_over_after_the_lease(
    db: str, tmp_path: Path
) -> None:
    """A batch killed mid-run leaves the claims of its in-flight articles; a rerun "on another
    machine" (its claims' holder rewritten to another host) waits out the 2 s lease, then
    briefs exactly the rest."""
    n = 24
    records = [article_record(i, lang="en", seed=43) for i in range(n)]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    llm = _Counting(records, a_only=n, slow=0.3)  # no gate: one batch at a time here
    llm.both.set()
    with ChatServer(llm) as url:
        env = _llm_env(url, lease=2.0)
        proc = subprocess.Popen(
            _llm_cmd(db, src),
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def briefed() -> int:
            try:
                return _sql(db, "SELECT count(*) FROM briefs")[0][0]
            except Exception:  # the schema is not there yet
                return 0

        deadline = time.monotonic() + 120
        while briefed() < 4 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the batch finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        killed_at = briefed()
        left = _sql(db, "SELECT holder FROM claims")
        assert left and {h for (h,) in left} == {f"{socket.gethostname()}:{proc.pid}"}
        _sql(db, f"UPDATE claims SET holder = 'elsewhere:{proc.pid}'")
        rerun = subprocess.run(
            _llm_cmd(db, src), env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
        )
    assert rerun.returncode == 0, rerun.stderr
    assert _summary(rerun.stderr) == (n - killed_at, killed_at, 0, 0)
    assert _sql(db, "SELECT count(*), count(DISTINCT article) FROM briefs") == [(n, n)]
    assert _sql(db, "SELECT count(*) FROM claims") == [(0,)]
    # only what was in flight when the batch died was asked for twice
    assert sum(llm.asked.values()) - n <= len(left)
