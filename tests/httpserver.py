"""A real HTTP server on loopback for fetch tests: each path plays one server behaviour."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = (
    "<html><head><title>测试页面_测试网</title></head><body><h1>测试页面</h1>"
    "<div class='content'><p>第一段正文内容，用于测试抓取和解码是否正确。</p>"
    "<p>第二段正文内容，包含数字3.5%和日期。</p></div></body></html>"
)


PAGE_TW = (
    "<html><head><title>測試頁面_測試網</title></head><body><h1>測試頁面</h1>"
    "<div class='content'><p>第一段正文內容，用於測試抓取和解碼是否正確。</p>"
    "<p>第二段正文內容，包含數字和日期。</p></div></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        path = self.path
        Handler.hits[path] = Handler.hits.get(path, 0) + 1
        if path.startswith("/redirect/"):
            n = int(path.rsplit("/", 1)[1])
            target = "/utf8" if n == 0 else f"/redirect/{n - 1}"
            return self._send(302, {"Location": target}, b"")
        if path == "/loop":
            return self._send(302, {"Location": "/loop"}, b"")
        if path == "/to-file":
            return self._send(302, {"Location": "file:///etc/passwd"}, b"")
        if path == "/slow":
            time.sleep(1.5)
            return self._send(200, {"Content-Type": "text/html"}, PAGE.encode())
        if path == "/flaky":
            if Handler.hits[path] < 2:
                return self._send(503, {"Content-Type": "text/plain"}, b"busy")
            return self._send(200, {"Content-Type": "text/html; charset=utf-8"}, PAGE.encode())
        if path == "/always500":
            return self._send(500, {"Content-Type": "text/plain"}, b"boom")
        if path == "/stream-big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"x" * 1000 + b"</p>"
            try:
                for _ in range(200):  # 200 kB, more than the test's cap, sent without a length
                    self.wfile.write(chunk)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading, as it should
            return None
        if path in Handler.routes:
            status, headers, body = Handler.routes[path]
            etag = headers.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:  # conditional GET
                return self._send(304, {"ETag": etag}, b"")
            return self._send(status, headers, body)
        return self._send(404, {"Content-Type": "text/plain"}, b"not here")

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)


Handler.routes.update(
    {
        "/utf8": (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE.encode("utf-8")),
        "/gbk-nocharset": (200, {"Content-Type": "text/html"}, PAGE.encode("gbk")),
        "/gbk-wrongcharset": (
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            PAGE.encode("gbk"),
        ),
        "/big5-label": (200, {"Content-Type": "text/html; charset=big5"}, PAGE_TW.encode("big5")),
        "/image": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n"),
        "/big-declared": (
            200,
            {"Content-Type": "text/html", "Content-Length": "999999999"},
            b"",
        ),
        "/notype": (200, {}, PAGE.encode("utf-8")),
    }
)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up early (as fetch does on an oversize body) is expected here.
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class Server:
    """`with Server() as base:` gives "http://127.0.0.1:PORT" for the length of the block."""

    def __enter__(self) -> str:
        Handler.hits = {}
        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


Handler.routes["/bad-gzip"] = (
    200,
    {"Content-Type": "text/html", "Content-Encoding": "gzip"},
    b"this is not gzip data at all",
)
