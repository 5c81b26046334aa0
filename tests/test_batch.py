"""Batch: counts, per-item errors, resume, near-duplicates, kill -9 and rerun, parallel batches.
Every test that writes a store runs on SQLite and on PostgreSQL (`db` in tests/conftest.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from brieflow import pipeline
from brieflow.batch import (
    Job,
    Outcome,
    PoolExecutor,
    Task,
    estimate_total,
    expand_sources,
    run_batch,
    work,
)
from brieflow.models import Article, content_id
from brieflow.store import Store
from brieflow.store.open import open_store

from .conftest import backend, sql
from .storedata import article_record, edited, write_jsonl

ROOT = Path(__file__).resolve().parents[1]


def corpus(folder: Path, n: int = 12) -> dict[str, int]:
    """n articles in a JSON Lines file (with one bad line), two text files, an exact duplicate
    and a near-duplicate; returns what a batch should count."""
    folder.mkdir(parents=True, exist_ok=True)
    records = [article_record(i) for i in range(n)]
    lines = [*records, {"id": "dup-exact", "paragraphs": records[0]["paragraphs"]}]
    lines.append({"id": "dup-near", "paragraphs": edited(records[1]["paragraphs"])})
    path = write_jsonl(folder / "news.jsonl", lines)
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"id": "broken", "text": \n')
    (folder / "one.txt").write_text(
        "测试标题：锂电池价格回落\n\n碳酸锂价格连续三周下跌，电池厂商采购节奏放缓。\n\n"
        "业内人士预计，二季度价格将企稳，储能需求有望成为新的增长点。\n",
        "utf-8",
    )
    (folder / "empty.txt").write_text("   \n\n", "utf-8")
    return {"seen": n + 5, "briefed": n + 1, "skipped": 0, "duplicates": 2, "failed": 2}


def counts(result) -> dict[str, int]:
    return result.progress.counts()


def opened(db: Path | str) -> Store:
    """The test's store, on the backend its `db` names."""
    store = open_store(db)
    assert store.backend == backend(db)
    return store


def test_batch_counts_errors_and_resume(tmp_path: Path, db: Path | str) -> None:
    expected = corpus(tmp_path / "in")
    with opened(db) as store:
        first = run_batch([str(tmp_path / "in")], store, concurrency=1)
        assert counts(first) == expected
        # what was stored is what the pipeline gives for that article
        assert store.brief("art-00004").brief == pipeline.brief(store.article("art-00004").article)
        assert sorted(first.failure_kinds) == ["EmptyArticle", "InputError"]
        assert any("news.jsonl:15" in line for line in first.failures)
        assert {f.kind for f in store.failures(first.run)} == {"EmptyArticle", "InputError"}
        assert store.counts()["briefs"] == expected["briefed"]
        near = store.article("dup-near")
        assert near.duplicate_of == store.article("art-00001").id
        # the same command again: nothing left to brief
        again = run_batch([str(tmp_path / "in")], store, concurrency=1)
        assert counts(again) == {
            **expected,
            "briefed": 0,
            "skipped": expected["briefed"] + 1,
            "duplicates": 1,
        }
        assert store.counts()["briefs"] == expected["briefed"]
        runs = store.runs()
        assert [r.status for r in runs] == ["done", "done"]
        assert runs[0].counts == counts(again)
        # other options are another brief; --force briefs the near-duplicate too
        forced = run_batch([str(tmp_path / "in")], store, concurrency=1, force=True)
        assert forced.progress.briefed == 1  # only the near-duplicate was left
        assert store.counts()["briefs"] == expected["briefed"] + 1


def test_process_pool_gives_the_same_briefs_as_serial(tmp_path: Path, db: Path | str) -> None:
    corpus(tmp_path / "in", n=6)
    with Store(tmp_path / "serial.db") as s1, opened(db) as s2:
        run_batch([str(tmp_path / "in")], s1, concurrency=1)
        result = run_batch([str(tmp_path / "in")], s2, executor=PoolExecutor(2, processes=True))
        assert result.progress.briefed == 7
        one = {b.article.id: b.brief for b in s1.briefs()}
        two = {b.article.id: b.brief for b in s2.briefs()}
        assert one == two and len(one) == 7


def test_thread_pool_gives_the_same_briefs_as_serial(tmp_path: Path, db: Path | str) -> None:
    # each thread has its own engine: an Engine is not promised to be thread-safe
    src = write_jsonl(tmp_path / "zh.jsonl", [article_record(i) for i in range(8)])
    with Store(tmp_path / "serial.db") as s1, opened(db) as s2:
        run_batch([str(src)], s1, concurrency=1)
        result = run_batch([str(src)], s2, executor=PoolExecutor(3, processes=False))
        assert result.progress.briefed == 8
        one = {b.article.id: b.brief for b in s1.briefs()}
        assert {b.article.id: b.brief for b in s2.briefs()} == one and len(one) == 8


class RecordingExecutor:
    """A stand-in for a distributed executor: runs tasks its own way through the same seam."""

    def __init__(self) -> None:
        self.origins: list[str] = []

    def run(self, job: Job, tasks: Iterable[Task]) -> Iterator[Outcome]:
        for task in tasks:
            self.origins.append(task.origin)
            if task.origin.endswith(":3"):
                yield Outcome(task.key, task.origin, error_kind="Lost", error="node went away")
            else:
                yield work(job, task)


def test_executor_seam(tmp_path: Path, db: Path | str) -> None:
    write_jsonl(tmp_path / "a.jsonl", [article_record(i) for i in range(4)])
    executor = RecordingExecutor()
    with opened(db) as store:
        result = run_batch([str(tmp_path / "a.jsonl")], store, executor=executor)
        assert counts(result) == {
            "seen": 4,
            "briefed": 3,
            "skipped": 0,
            "duplicates": 0,
            "failed": 1,
        }
        assert executor.origins == [f"{tmp_path / 'a.jsonl'}:{i}" for i in range(1, 5)]
        assert result.failure_kinds == {"Lost": 1}
        # the lost one is retried by the next run
        assert run_batch([str(tmp_path / "a.jsonl")], store, concurrency=1).progress.briefed == 1


def test_url_lists_and_estimates(tmp_path: Path) -> None:
    urls = tmp_path / "feeds.txt"
    urls.write_text("# desk feeds\nhttps://example.com/a.xml\n\nhttp://example.com/b\n", "utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("https://example.com/a\nThis line is prose, so this is an article.\n", "utf-8")
    listed = tmp_path / "local.list"
    listed.write_text(f"{notes}\n# skip\n{urls}\n", "utf-8")
    assert list(expand_sources([str(urls)])) == [
        "https://example.com/a.xml",
        "http://example.com/b",
    ]
    assert list(expand_sources([str(notes)])) == [str(notes)]
    assert list(expand_sources([f"@{listed}", "x.html"])) == [str(notes), str(urls), "x.html"]
    write_jsonl(tmp_path / "a.jsonl", [article_record(i) for i in range(7)])
    assert estimate_total([str(tmp_path / "a.jsonl"), str(notes)]) == 8
    assert estimate_total(["-"]) is None


def _briefed(db: Path | str) -> int:
    """Briefs in the database so far (0 while the batch has not made it yet)."""
    try:
        return sql(db, "SELECT count(*) FROM briefs")[0][0]
    except Exception:  # no file or no table yet (sqlite3 or psycopg errors)
        return 0


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def _batch_cmd(db: Path | str, *sources: str, jobs: int = 1) -> list[str]:
    return [
        sys.executable,
        "-m",
        "brieflow",
        "batch",
        *sources,
        "--db",
        str(db),
        "--concurrency",
        str(jobs),
        "--progress",
        "lines",
    ]


def env() -> dict[str, str]:
    """The environment for a CLI subprocess: this test's (offline, no user config)."""
    return {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("db", "jobs"),
    [("sqlite", 1), ("sqlite", 2), ("postgresql", 2)],  # one worker or two: no backend's concern
    indirect=["db"],
)
def test_kill_9_mid_run_then_rerun_briefs_everything_exactly_once(
    tmp_path: Path, jobs: int, db: Path | str
) -> None:
    n = 40
    records = [article_record(i) for i in range(n)]
    src = write_jsonl(tmp_path / "big.jsonl", records)
    proc = subprocess.Popen(
        _batch_cmd(db, str(src), jobs=jobs),
        env=env(),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while _briefed(db) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the batch finished before it could be killed"
    workers = _children(proc.pid)
    assert len(workers) >= (2 if jobs == 2 else 0)
    try:
        os.kill(proc.pid, signal.SIGKILL)  # the batch process only: its workers must follow
        proc.wait()
        deadline = time.monotonic() + 15
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [w for w in workers if _alive(w)], "workers outlived the killed batch"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    killed_at = _briefed(db)
    assert 5 <= killed_at < n
    rerun = subprocess.run(
        _batch_cmd(db, str(src), jobs=jobs),
        env=env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr
    if backend(db) == "sqlite":  # the file survived the kill (PostgreSQL keeps its own WAL)
        assert sql(db, "PRAGMA integrity_check") == [("ok",)]
    assert sql(db, "SELECT count(*) FROM articles") == [(n,)]
    assert sql(db, "SELECT count(*), count(DISTINCT article) FROM briefs") == [(n, n)]
    statuses = [s for (s,) in sql(db, "SELECT status FROM runs ORDER BY id")]
    assert statuses == ["running", "done"]  # the killed run never got to say it ended
    externals = {
        e
        for (e,) in sql(
            db, "SELECT a.external_id FROM briefs b JOIN articles a ON a.pk = b.article"
        )
    }
    assert externals == {r["id"] for r in records}
    assert f"{n - killed_at} briefed, {killed_at} already briefed" in rerun.stderr


@pytest.mark.slow
def test_two_batches_at_once_on_one_database(tmp_path: Path, db: Path | str) -> None:
    records = [article_record(i) for i in range(30)]
    a = write_jsonl(tmp_path / "a.jsonl", records[:20])
    b = write_jsonl(tmp_path / "b.jsonl", records[10:])  # 10 articles in both
    procs = [
        subprocess.Popen(
            _batch_cmd(db, str(src)),
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
    assert sql(db, "SELECT count(*), count(DISTINCT id) FROM articles") == [(30, 30)]
    assert sql(db, "SELECT count(*), count(DISTINCT article) FROM briefs") == [(30, 30)]
    assert sql(db, "SELECT count(*) FROM failures") == [(0,)]


@pytest.mark.slow
def test_batch_cli_reports_and_exit_codes(tmp_path: Path, db: Path | str) -> None:
    corpus(tmp_path / "in", n=3)
    done = subprocess.run(
        _batch_cmd(db, str(tmp_path / "in")), env=env(), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 1  # some items failed; the rest are stored
    lines = done.stderr.splitlines()
    # plain lines when not on a terminal: the first at once (empty.txt comes first), then every 10 s
    assert lines[0].startswith("brieflow: 1/8 items (0 briefed, 0 skipped, 0 duplicates, 1 failed)")
    assert any("news.jsonl:6: line is not valid JSON" in line for line in lines)
    assert any("empty.txt" in line for line in lines)
    assert lines[-1].startswith(
        "brieflow: run 1: 8 items, 4 briefed, 0 already briefed, "
        "2 duplicates, 2 failed (1 EmptyArticle, 1 InputError)"
    )
    missing = subprocess.run(
        _batch_cmd(db, str(tmp_path / "nope.jsonl")),
        env=env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert missing.returncode == 3
    assert "nope.jsonl: no such file" in missing.stderr


@pytest.mark.slow
def test_ctrl_c_ends_the_run_as_interrupted_and_resume_finishes_it(
    tmp_path: Path, db: Path | str
) -> None:
    n = 40
    src = write_jsonl(tmp_path / "c.jsonl", [article_record(i) for i in range(n)])
    proc = subprocess.Popen(
        _batch_cmd(db, str(src), jobs=2),
        env=env(),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while _briefed(db) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the batch finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C does: the whole foreground group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.rstrip().endswith("brieflow: interrupted")
    assert sql(db, "SELECT status FROM runs") == [("interrupted",)]
    rerun = subprocess.run(
        _batch_cmd(db, str(src), jobs=2), env=env(), capture_output=True, text=True, timeout=300
    )
    assert rerun.returncode == 0, rerun.stderr
    assert sql(db, "SELECT count(*), count(DISTINCT article) FROM briefs") == [(n, n)]


def test_an_extractor_crash_costs_only_its_own_source(
    tmp_path: Path, monkeypatch, db: Path | str
) -> None:
    # An extractor bug (simulated: the text extractor raising on one file) must not end the batch.
    import brieflow.extract as extract

    extract._load_builtin()
    real = extract.EXTRACTORS["text"]

    def flaky(data: bytes, name: str, settings=None):
        if name.endswith("crash.txt"):
            raise RuntimeError("boom")
        return real(data, name, settings)

    monkeypatch.setitem(extract.EXTRACTORS, "text", flaky)
    (tmp_path / "crash.txt").write_text("Some text.\n\nMore text here.\n", "utf-8")
    src = write_jsonl(tmp_path / "ok.jsonl", [article_record(i) for i in range(2)])
    with opened(db) as store:
        result = run_batch([str(tmp_path / "crash.txt"), str(src)], store, concurrency=1)
        assert store.counts()["articles"] == 2
    assert counts(result) == {"seen": 3, "briefed": 2, "skipped": 0, "duplicates": 0, "failed": 1}
    assert result.failures == [
        f"{tmp_path / 'crash.txt'}: internal error while reading: RuntimeError('boom') "
        "(please report it)"
    ]


def test_a_nul_character_in_an_article_is_stored_on_either_backend(
    tmp_path: Path, db: Path | str
) -> None:
    # PostgreSQL text cannot hold U+0000 (SQLite can): it used to fail the whole batch there
    records = [article_record(i) for i in range(3)]
    records[1]["title"] = "Nul\x00title"
    records[1]["paragraphs"][0] = "Nul\x00here. " + records[1]["paragraphs"][0]
    src = write_jsonl(tmp_path / "nul.jsonl", records)
    with opened(db) as store:
        result = run_batch([str(src)], store, concurrency=1)
        assert counts(result) == {
            "seen": 3,
            "briefed": 3,
            "skipped": 0,
            "duplicates": 0,
            "failed": 0,
        }
        kept = "\x00" if backend(db) == "sqlite" else "\ufffd"  # the replacement character
        stored = store.article("art-00001").article
        assert stored.title == f"Nul{kept}title"
        assert stored.paragraphs[0].text.startswith(f"Nul{kept}here. ")
        assert store.article("art-00001").id == content_id(
            Article.from_texts(records[1]["paragraphs"]).paragraphs
        )  # the id is the text's as given, on both
        assert run_batch([str(src)], store, concurrency=1).progress.skipped == 3


FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>测试快讯</title><link>http://127.0.0.1/</link>
<item><title>港口吞吐量回升</title><pubDate>Mon, 04 Mar 2024 09:00:00 +0800</pubDate>
<description>今年前两个月，沿海主要港口货物吞吐量同比增长百分之六，集装箱业务恢复较快。</description>
</item>
<item><title>钢材库存下降</title><pubDate>Mon, 04 Mar 2024 10:00:00 +0800</pubDate>
<description>上周全国主要城市钢材社会库存环比下降，建筑钢材需求随气温回升逐步释放。</description>
</item></channel></rss>"""


def test_a_list_of_urls_over_loopback(tmp_path: Path, db: Path | str) -> None:
    from .httpserver import Handler, Server

    Handler.routes["/batch-feed.xml"] = (
        200,
        {"Content-Type": "application/rss+xml; charset=utf-8"},
        FEED.encode("utf-8"),
    )
    with Server() as base:
        urls = tmp_path / "desk.urls"
        urls.write_text(
            f"# the desk's sources\n{base}/batch-feed.xml\n{base}/utf8\n{base}/missing\n", "utf-8"
        )
        with opened(db) as store:
            result = run_batch([str(urls)], store, concurrency=1)
            assert counts(result) == {
                "seen": 4,
                "briefed": 3,
                "skipped": 0,
                "duplicates": 0,
                "failed": 1,
            }
            assert result.failure_kinds == {"FetchError": 1}
            assert sorted(a.article.title or "" for a in store.articles()) == [
                "测试页面",
                "港口吞吐量回升",
                "钢材库存下降",
            ]
            assert [h.article.article.title for h in store.search("吞吐量")] == ["港口吞吐量回升"]
