"""Briefs in worker processes: a runaway is stopped at the deadline, a dead worker is replaced,
and the server answers other requests meanwhile; the apps run on SQLite and PostgreSQL (`db` in
tests/conftest.py)."""

from __future__ import annotations

import threading
import time
import warnings
from pathlib import Path

import pytest

from brieflow.errors import InputError
from brieflow.web import WebSettings, create_app
from brieflow.web.workers import BriefTimeout, WorkerPool

from . import web_jobs
from .conftest import EXAMPLES, backend

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

EN = (EXAMPLES / "en-chip-export.txt").read_text(encoding="utf-8")


def test_pool_runs_jobs_and_passes_errors_back() -> None:
    pool = WorkerPool(1)
    try:
        far = time.monotonic() + 30
        assert pool.run(pow, 2, 10, deadline=far, seconds=30) == 1024
        with pytest.raises(InputError) as info:
            pool.run(_raise_input_error, deadline=far, seconds=30)
        assert info.value.line() == "a.txt: bad (fix it)"
        start = time.monotonic()
        with pytest.raises(BriefTimeout, match="longer than 0.5 s and was stopped"):
            pool.run(web_jobs.hold_gil, deadline=time.monotonic() + 0.5, seconds=0.5)
        assert time.monotonic() - start < 5
        assert pool.killed == 1
        assert pool.run(pow, 3, 2, deadline=time.monotonic() + 30, seconds=30) == 9
    finally:
        pool.close()


def _raise_input_error() -> None:
    raise InputError("bad", source="a.txt", hint="fix it")


def test_runaway_brief_is_stopped_and_the_server_keeps_answering(
    db: Path | str, monkeypatch
) -> None:
    monkeypatch.setattr("brieflow.web.service.read_submission", web_jobs.hold_gil)
    web = WebSettings(db=db, brief_timeout=3.0)
    with TestClient(create_app(web), raise_server_exceptions=False) as client:
        answer: dict = {}

        def stuck() -> None:
            start = time.monotonic()
            answer["response"] = client.post("/api/briefs", json={"text": EN})
            answer["seconds"] = time.monotonic() - start

        thread = threading.Thread(target=stuck)
        thread.start()
        time.sleep(0.5)  # the job is running in its worker
        waits = []
        while thread.is_alive() and len(waits) < 20:
            start = time.monotonic()
            assert client.get("/healthz").json()["status"] == "ok"
            waits.append(time.monotonic() - start)
            time.sleep(0.1)
        thread.join(30)
        assert len(waits) >= 5 and max(waits) < 1.0, waits
        r = answer["response"]
        assert r.status_code == 504
        assert r.json()["error"] == {
            "type": "Timeout",
            "message": "briefing took longer than 3 s and was stopped",
        }
        assert answer["seconds"] < 10
        assert client.app.state.service.pool.killed == 1
        monkeypatch.undo()
        ok = client.post("/api/briefs", json={"text": EN})  # a fresh worker
        assert ok.status_code == 201, ok.text


def test_a_worker_that_dies_is_503_and_replaced(db: Path | str, monkeypatch) -> None:
    monkeypatch.setattr("brieflow.web.service.read_submission", web_jobs.die)
    web = WebSettings(db=db)
    with TestClient(create_app(web), raise_server_exceptions=False) as client:
        r = client.post("/api/briefs", json={"text": EN})
        assert r.status_code == 503
        assert r.json()["error"]["type"] == "WorkerLost"
        monkeypatch.undo()
        assert client.post("/api/briefs", json={"text": EN}).status_code == 201


def test_the_service_reopens_its_database_after_a_shutdown(db: Path | str) -> None:
    """Shutting the app down closes its database connections; starting it again (as test
    clients and schemathesis do) must open new ones, not answer 500 from closed ones."""
    from brieflow.web import Service

    service = Service(WebSettings(db=db, workers="thread"))
    first = service.store
    service.close()
    assert first.closed
    again = service.store
    assert again is not first and again.backend == backend(db)
    assert again.schema_version == again.latest_schema_version
    service.close()


def test_the_app_briefs_again_after_its_lifespan_restarts(db: Path | str) -> None:
    """Shutting down stops the threads and worker processes; starting again (test clients,
    schemathesis and reloaders do) must give new ones, not `cannot schedule new futures`."""
    app = create_app(WebSettings(db=db))
    assert app.state.service.store.backend == backend(db)
    for _ in range(2):
        with TestClient(app, raise_server_exceptions=False) as client:
            r = client.post("/api/briefs", json={"text": EN})
            assert r.status_code == 201, r.text
            assert r.json()["brief_id"] == 1  # the second time, the stored brief
