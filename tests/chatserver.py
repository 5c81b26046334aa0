"""A real OpenAI-compatible chat server on loopback for llm tests that need real HTTP (threads,
timeouts, Retry-After): `reply(body)` decides each answer, the server counts what it saw."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .llm_fakes import completion


@dataclass
class Reply:
    """One answer: a brief (dict or text) with status 200, or an error status; `delay` first."""

    content: dict | str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    error: str = "error"


class ChatServer:
    """`with ChatServer(reply) as url:` gives "http://127.0.0.1:PORT/v1" for the block."""

    def __init__(self, reply: Callable[[dict[str, Any]], Reply]):
        self.reply = reply
        self.bodies: list[dict[str, Any]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = json.loads(handler.rfile.read(length))
        with self._lock:
            self.bodies.append(body)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            answer = self.reply(body)
            if answer.delay:
                time.sleep(answer.delay)
            if answer.status == 200:
                payload = completion(answer.content or "")
            else:
                payload = {"error": {"message": answer.error}}
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            handler.send_response(answer.status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            for k, v in answer.headers.items():
                handler.send_header(k, v)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)
        finally:
            with self._lock:
                self.in_flight -= 1

    def __enter__(self) -> str:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


_NUMBERED = re.compile(r"^\[(\d+)\] (.+)$", re.MULTILINE)


def paragraphs_of(body: dict[str, Any]) -> dict[int, str]:
    """The numbered paragraphs the engine sent in its request."""
    return {int(n): text for n, text in _NUMBERED.findall(body["messages"][-1]["content"])}


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?。！？])\s*", text, maxsplit=1)[0]


def quoting_brief(body: dict[str, Any]) -> dict[str, Any]:
    """A brief that quotes the first sentence of each paragraph it cites: passes every check."""
    paras = paragraphs_of(body)
    numbers = sorted(paras)
    point = lambda n: {"text": first_sentence(paras[n]), "citations": [n]}  # noqa: E731
    half = max(2, len(numbers) // 2)
    return {
        "core_viewpoint": point(numbers[0]),
        "groups": [
            {"title": "First part", "points": [point(n) for n in numbers[:half][:4]]},
            {"title": "Second part", "points": [point(n) for n in numbers[half:][:4]]},
        ],
    }
