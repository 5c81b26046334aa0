"""`brieflow brief --engine llm` end to end against a canned OpenAI-compatible loopback server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from brieflow.cli import main
from tests.llm_fakes import completion, good_brief, pairs


class Canned:
    def __init__(self) -> None:
        self.answers: list[dict | str] = [good_brief()]
        self.requests: list[tuple[str, dict, dict]] = []


@pytest.fixture
def server() -> Iterator[tuple[str, Canned]]:
    canned = Canned()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers["Content-Length"])
            body = json.loads(self.rfile.read(length))
            canned.requests.append((self.path, dict(self.headers), body))
            answer = canned.answers.pop(0) if len(canned.answers) > 1 else canned.answers[0]
            data = json.dumps(completion(answer)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", canned
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def article_file(tmp_path):
    a = pairs()["articles"]["battery"]
    path = tmp_path / "battery.txt"
    path.write_text(
        "\n\n".join([f"{a['title']}\n搜狐财经·2025-08-01 08:41", *a["paragraphs"]]) + "\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in (
        "BRIEFLOW_LLM_BASE_URL",
        "BRIEFLOW_LLM_MODEL",
        "BRIEFLOW_LLM_API_KEY",
        "OPENAI_API_KEY",
        "BRIEFLOW_ENGINE",
        "BRIEFLOW_ON_FAIL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRIEFLOW_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("BRIEFLOW_CACHE_DIR", str(tmp_path / "cache"))
    return monkeypatch


def test_brief_with_flags(server, article_file, env, capsys):
    url, canned = server
    code = main(
        ["brief", str(article_file), "--engine", "llm", "--base-url", url, "--model", "tiny"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "电池原料价格回落 车企加速降价"
    assert lines[1] == "Sou Hu Cai Jing·2025-08-01 08:41"
    assert lines[3].startswith("Core Viewpoint - Falling lithium prices have cut battery costs")
    assert "Group 1: Cheaper raw materials - Lithium carbonate now sells for about 75,000" in out
    path, headers, body = canned.requests[0]
    assert path == "/v1/chat/completions"
    assert body["model"] == "tiny"
    assert "authorization" not in {k.lower() for k in headers}


def test_brief_with_environment_and_key(server, article_file, env, capsys):
    url, canned = server
    env.setenv("BRIEFLOW_LLM_BASE_URL", url)
    env.setenv("BRIEFLOW_LLM_MODEL", "tiny")
    env.setenv("OPENAI_API_KEY", "sk-env-secret-42")
    code = main(["brief", str(article_file), "--engine", "llm", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["language"] == "en"
    assert data["engine"]["name"] == "llm"
    assert data["usage"] == {
        "prompt_tokens": 900,
        "completion_tokens": 300,
        "requests": 1,
        "cached": 0,
    }
    assert canned.requests[0][1]["Authorization"] == "Bearer sk-env-secret-42"
    assert "sk-env-secret-42" not in out + err
    # the rerun is answered from the cache
    code = main(["brief", str(article_file), "--engine", "llm", "--format", "json"])
    out, _ = capsys.readouterr()
    assert code == 0 and len(canned.requests) == 1
    assert json.loads(out)["usage"]["cached"] == 1


def test_on_fail_error_exits_5(server, article_file, env, capsys):
    url, canned = server
    wrong = good_brief()
    wrong["groups"][0]["points"][0]["text"] = "Lithium now costs 7.5 million yuan a tonne."
    canned.answers = [wrong]
    code = main(
        [
            "brief",
            str(article_file),
            "--engine",
            "llm",
            "--base-url",
            url,
            "--model",
            "tiny",
            "--on-fail",
            "error",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 5
    assert out == ""
    assert "7.5 million yuan not in paragraph [1]" in err
    assert len(canned.requests) == 2


def test_missing_model_is_a_config_error(article_file, env, capsys):
    code = main(
        ["brief", str(article_file), "--engine", "llm", "--base-url", "http://127.0.0.1:9/v1"]
    )
    _, err = capsys.readouterr()
    assert code == 7
    assert err.startswith("brieflow: error: the llm engine needs --model (pass --base-url")
