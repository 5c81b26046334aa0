"""The llm engine as a service: one engine shared by batch threads and the web app, bounded
concurrency over a real loopback server with 429s and a slow answer, the response mode it
learns, and the max_tokens setting."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from brieflow.batch import run_batch
from brieflow.config import Settings, load_settings
from brieflow.errors import ConfigError
from brieflow.store import Store
from brieflow.web.service import Service, Submission, WebSettings

from .chatserver import ChatServer, Reply, paragraphs_of, quoting_brief
from .llm_fakes import FakeServer, article, engine, good_brief
from .storedata import article_record, write_jsonl

OPTIONS_N = 100


def test_batch_of_100_over_loopback_with_429s_and_a_slow_answer(tmp_path: Path) -> None:
    """100 articles, 4 at a time: every 10th article is first refused with 429 + Retry-After,
    one answer is slower than the timeout (retried), and every article is briefed once."""
    records = [article_record(i, lang="en", seed=31) for i in range(OPTIONS_N)]
    path = write_jsonl(tmp_path / "news.jsonl", records)
    seen: dict[str, int] = {}
    lock = threading.Lock()
    slow_text = records[37]["paragraphs"][0]

    def reply(body: dict) -> Reply:
        first = paragraphs_of(body)[1]
        with lock:
            seen[first] = seen.get(first, 0) + 1
            tries = seen[first]
        index = next(i for i, r in enumerate(records) if r["paragraphs"][0] == first)
        if index % 10 == 0 and tries == 1:
            return Reply(status=429, headers={"Retry-After": "0.05"}, error="slow down")
        if first == slow_text and tries == 1:
            return Reply(quoting_brief(body), delay=1.5)  # longer than llm_timeout: retried
        return Reply(quoting_brief(body))

    server = ChatServer(reply)
    with server as url, Store(tmp_path / "b.db") as store:
        settings = Settings(
            engine="llm",
            llm_base_url=url,
            llm_model="m",
            llm_timeout=0.6,
            llm_max_retries=2,
            cache_dir="off",
        )
        result = run_batch([str(path)], store, engine="llm", settings=settings, concurrency=4)
    assert result.progress.counts() == {
        "seen": OPTIONS_N,
        "briefed": OPTIONS_N,
        "skipped": 0,
        "duplicates": 0,
        "failed": 0,
    }
    assert 1 < server.most_in_flight <= 4  # concurrent, and bounded
    assert len(server.bodies) == OPTIONS_N + 10 + 1  # one extra request per 429, one per timeout
    assert seen[slow_text] == 2


def test_batch_threads_share_one_engine_and_what_it_learns(tmp_path: Path) -> None:
    """The first request learns that the server wants no response_format; no later request of
    any thread asks with json_schema again."""
    records = [article_record(i, lang="en", seed=5) for i in range(12)]
    path = write_jsonl(tmp_path / "news.jsonl", records)
    lock = threading.Lock()
    first_done = threading.Event()

    def reply(body: dict) -> Reply:
        if "response_format" in body:
            return Reply(status=400, error="response_format is not supported")
        with lock:
            first_done.set()
        return Reply(quoting_brief(body))

    server = ChatServer(reply)
    with server as url, Store(tmp_path / "b.db") as store:
        settings = Settings(llm_base_url=url, llm_model="m", cache_dir="off")
        result = run_batch([str(path)], store, engine="llm", settings=settings, concurrency=1)
    assert result.progress.briefed == 12
    formats = [b.get("response_format", {}).get("type") for b in server.bodies]
    assert formats[:4] == ["json_schema", "json_object", "json_object", None]
    assert formats[4:] == [None] * 11


def test_a_bare_400_does_not_downgrade_later_requests(tmp_path: Path) -> None:
    bare = httpx.Response(400, json={"error": {"message": "prompt is too long"}})
    server = FakeServer(bare, good_brief(), good_brief())
    eng = engine(server, tmp_path, cache_dir="off")
    assert eng.brief(article(), _options()).checks.passed  # weaker mode for this request only
    assert eng.client.mode == "json_schema"
    eng.brief(article(), _options())
    formats = [b.get("response_format", {}).get("type") for b in server.bodies]
    assert formats == ["json_schema", "json_object", "json_schema"]


@pytest.mark.parametrize("status", [400, 422])
def test_an_error_naming_the_format_is_remembered(tmp_path: Path, status: int) -> None:
    named = httpx.Response(status, json={"error": {"message": "json_schema: unknown type"}})
    server = FakeServer(named, good_brief(), good_brief())
    eng = engine(server, tmp_path, cache_dir="off")
    eng.brief(article(), _options())
    eng.brief(article(), _options())
    assert eng.client.mode == "json_object_schema"
    formats = [b.get("response_format", {}).get("type") for b in server.bodies]
    assert formats == ["json_schema", "json_object", "json_object"]


def test_max_tokens_setting_reaches_the_request(tmp_path: Path) -> None:
    server = FakeServer(good_brief())
    engine(server, tmp_path, llm_max_tokens=777).brief(article(), _options())
    assert server.bodies[0]["max_tokens"] == 777
    assert load_settings(env={"BRIEFLOW_LLM_MAX_TOKENS": "900"}).llm_max_tokens == 900
    assert Settings().llm_max_tokens == 4096
    with pytest.raises(ConfigError, match="llm_max_tokens = 0"):
        engine(server, tmp_path, llm_max_tokens=0)


def test_max_tokens_flag(tmp_path: Path, capsys, monkeypatch) -> None:
    from brieflow.cli import main

    monkeypatch.setenv("BRIEFLOW_CACHE_DIR", "off")
    records = [article_record(1, lang="en", seed=3)]
    path = write_jsonl(tmp_path / "a.jsonl", records)
    server = ChatServer(lambda body: Reply(quoting_brief(body)))
    with server as url:
        code = main(
            [
                "brief",
                str(path),
                "--engine",
                "llm",
                "--base-url",
                url,
                "--model",
                "m",
                "--max-tokens",
                "321",
            ]
        )
    assert code == 0
    assert server.bodies[0]["max_tokens"] == 321


def test_web_service_keeps_one_llm_engine(tmp_path: Path) -> None:
    calls: list[dict] = []

    def reply(body: dict) -> Reply:
        calls.append(body)
        if "response_format" in body:
            return Reply(status=422, error="response_format json_schema unsupported")
        return Reply(quoting_brief(body))

    server = ChatServer(reply)
    with server as url:
        settings = Settings(llm_base_url=url, llm_model="m", cache_dir="off")
        service = Service(WebSettings(db=tmp_path / "w.db", settings=settings))
        try:
            first = service.engine("llm")
            assert service.engine("llm") is first
            for i in range(2):
                text = "\n\n".join(
                    [f"Story {i}", *article_record(i, lang="en", seed=9)["paragraphs"]]
                )
                stored = service.submit(Submission("text", text, engine="llm"))
                assert stored.brief.checks.passed
        finally:
            service.close()
    formats = [b.get("response_format", {}).get("type") for b in calls]
    # the first article taught the engine; the second asked in the learned mode at once
    assert formats == ["json_schema", "json_object", "json_object", None, None]


def _options():
    from brieflow.engines.base import BriefOptions

    return BriefOptions()
