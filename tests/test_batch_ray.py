"""The Ray executor: same briefs as local processes, one cluster-wide llm cap, kill -9 of the
driver then rerun. One local Ray cluster (2 CPUs, loopback) for the whole session: Ray starts
slowly, so these tests are few."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from brieflow.batch import run_batch
from brieflow.batch_ray import NAMESPACE, RayExecutor, import_ray, limiter
from brieflow.errors import ConfigError
from brieflow.store import Store

from .storedata import article_record, write_jsonl
from .test_batch import _batch_cmd, _briefed, env

try:
    import ray
except ImportError:
    ray = None


@pytest.fixture(scope="session")
def ray_cluster():
    """The address of a local 2-CPU cluster on loopback, started once."""
    if ray is None:
        pytest.skip('Ray is not installed (pip install "brieflow[ray]")')
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        namespace=NAMESPACE,
        _node_ip_address="127.0.0.1",
        log_to_driver=False,
        configure_logging=False,
    )
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def test_ray_gives_the_same_briefs_as_local_processes(tmp_path: Path, ray_cluster) -> None:
    src = write_jsonl(tmp_path / "a.jsonl", [article_record(i) for i in range(20)])
    with Store(tmp_path / "local.db") as s1, Store(tmp_path / "ray.db") as s2:
        run_batch([str(src)], s1, concurrency=1)
        result = run_batch([str(src)], s2, executor=RayExecutor())
        assert result.progress.counts() == {
            "seen": 20,
            "briefed": 20,
            "skipped": 0,
            "duplicates": 0,
            "failed": 0,
        }
        one = {b.article.id: b.brief for b in s1.briefs()}
        assert {b.article.id: b.brief for b in s2.briefs()} == one and len(one) == 20
        # resume is the store's, whatever the executor: nothing left to do
        again = run_batch([str(src)], s2, executor=RayExecutor())
        assert (again.progress.briefed, again.progress.skipped) == (0, 20)


def test_the_llm_limiter_caps_the_cluster_and_takes_back_dead_leases(ray_cluster) -> None:
    gate = limiter(2)
    try:
        held = [ray.get(gate.acquire.remote(60.0)) for _ in range(2)]
        third = gate.acquire.remote(60.0)
        ready, _ = ray.wait([third], timeout=1.5)
        assert ready == [] and ray.get(gate.state.remote()) == (2, 2)
        ray.get(gate.release.remote(held[0]))
        assert isinstance(ray.get(third, timeout=10), str)
        # a second driver asking gets the same actor, with the first one's cap
        assert ray.get(limiter(50).state.remote()) == (2, 2)
        # a lease whose holder never gives it back expires
        ray.get(gate.release.remote(held[1]))
        ray.get(gate.acquire.remote(0.5))
        ray.get(gate.acquire.remote(0.5))
        assert isinstance(ray.get(gate.acquire.remote(60.0), timeout=10), str)
    finally:
        ray.kill(gate)


@pytest.mark.slow
def test_kill_9_of_the_ray_driver_then_rerun_briefs_everything_once(
    tmp_path: Path, ray_cluster
) -> None:
    n = 40
    records = [article_record(i) for i in range(n)]
    src = write_jsonl(tmp_path / "big.jsonl", records)
    db = tmp_path / "k.db"
    cmd = [*_batch_cmd(db, str(src), jobs=2), "--executor", "ray", "--ray-address", ray_cluster]
    proc = subprocess.Popen(
        cmd,
        env=env(),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while _briefed(db) < 5 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the batch finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    killed_at = _briefed(db)
    assert 5 <= killed_at < n
    rerun = subprocess.run(
        cmd, env=env(), cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert rerun.returncode == 0, rerun.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == n
    assert conn.execute("SELECT count(*), count(DISTINCT article) FROM briefs").fetchone() == (n, n)
    conn.close()
    assert f"{n - killed_at} briefed, {killed_at} already briefed" in rerun.stderr


def test_a_missing_ray_is_one_clear_error(tmp_path: Path, monkeypatch, capsys) -> None:
    from brieflow.cli import main

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ConfigError, match=r'pip install "brieflow\[ray\]"'):
        import_ray()
    src = write_jsonl(tmp_path / "a.jsonl", [article_record(0)])
    code = main(["batch", str(src), "--db", str(tmp_path / "x.db"), "--executor", "ray"])
    err = capsys.readouterr().err
    assert code != 0 and 'pip install "brieflow[ray]"' in err and not (tmp_path / "x.db").exists()


def _descends_from_us(pid: int) -> bool:
    """Whether `pid` runs under this test process (the session cluster's raylet is our child):
    never touch another cluster's workers on a shared machine."""
    me = os.getpid()
    while pid > 1:
        if pid == me:
            return True
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        pid = int(stat[stat.rindex(")") + 2 :].split()[1])
    return False


def _ray_workers_busy() -> list[int]:
    """This session's Ray worker processes running a brief now (Ray names them after the task)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"ray::_limited_work" in cmd and _descends_from_us(int(entry.name)):
                out.append(int(entry.name))
    return out


@pytest.mark.slow
def test_kill_9_of_a_ray_worker_costs_its_articles_only_until_the_rerun(
    tmp_path: Path, ray_cluster
) -> None:
    n = 40
    src = write_jsonl(tmp_path / "big.jsonl", [article_record(i) for i in range(n)])
    db = tmp_path / "w.db"
    cmd = [*_batch_cmd(db, str(src), jobs=2), "--executor", "ray", "--ray-address", ray_cluster]
    proc = subprocess.Popen(
        cmd, env=env(), cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    killed = []
    deadline = time.monotonic() + 120
    while not killed and proc.poll() is None and time.monotonic() < deadline:
        if _briefed(db) >= 3:
            for pid in _ray_workers_busy()[:1]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
        time.sleep(0.02)
    err = proc.communicate(timeout=300)[1]
    assert killed, "no busy Ray worker was found to kill"
    assert proc.returncode in (0, 1), err
    first = sqlite3.connect(db)
    failed = first.execute("SELECT count(*) FROM failures").fetchone()[0]
    kinds = {k for (k,) in first.execute("SELECT kind FROM failures")}
    # the killed worker's article failed (WorkerDied, not retried by Ray); nothing else did
    assert kinds == {"WorkerDied"} and failed >= 1 and _briefed(db) + failed == n
    first.close()
    rerun = subprocess.run(
        cmd, env=env(), cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"{failed} briefed, {n - failed} already briefed" in rerun.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*), count(DISTINCT article) FROM briefs").fetchone() == (n, n)
    conn.close()


def test_the_llm_engine_on_ray_keeps_one_cap_for_the_cluster(tmp_path: Path, ray_cluster) -> None:
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from brieflow.config import Settings

    from .llm_fakes import article, completion, good_brief

    seen = {"now": 0, "most": 0, "requests": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                seen["now"] += 1
                seen["requests"] += 1
                seen["most"] = max(seen["most"], seen["now"])
            time.sleep(0.3)
            data = json.dumps(completion(good_brief())).encode()
            with lock:
                seen["now"] -= 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = article()
    paragraphs = [p.text for p in base.paragraphs]
    records = [  # 8 texts: the same story with a different closing line, briefed with --force
        {
            "id": f"llm-{i}",
            "title": base.title,
            "lang": "zh",
            "paragraphs": [*paragraphs, f"编号{i}。"],
        }
        for i in range(8)
    ]
    src = write_jsonl(tmp_path / "llm.jsonl", records)
    settings = Settings(
        engine="llm",
        llm_base_url=f"http://127.0.0.1:{httpd.server_address[1]}/v1",
        llm_model="fake",
        llm_api_key="k",
        cache_dir="off",
    )
    gate = None
    try:
        with Store(tmp_path / "llm.db") as store:
            result = run_batch(
                [str(src)],
                store,
                engine="llm",
                settings=settings,
                force=True,
                executor=RayExecutor(llm_limit=2, window=6),
            )
            assert result.progress.briefed == 8, result.failures
        gate = limiter(2)
        # 6 tasks in flight (llm tasks take no CPU), but never more than 2 calls at once
        assert seen["requests"] >= 8 and 1 <= seen["most"] <= 2
    finally:
        httpd.shutdown()
        httpd.server_close()
        if gate is not None:
            ray.kill(gate)
