"""The ASGI app: `create_app(web_settings)` wires the pages, the JSON API and the safety layers.

Safety layers, outermost first: a Host check (DNS rebinding; on for loopback binds), a refusal
of POSTs sent by pages of other origins (cross-site form posts), a request
size cap that answers 413 before any handler runs (the body is counted as it streams in, so a
missing or false Content-Length does not get past it), security headers with a Content Security
Policy that allows only this server's own scripts and styles, and error handlers that turn every
failure into `{"error": {"type", "message"}}` (API) or an error page (HTML) — never a traceback.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._version import __version__
from ..errors import BrieflowError, StoreError
from ..render import html as html_renderer
from . import api
from .service import Service, WebSettings
from .workers import BriefTimeout, WorkerLost

HERE = Path(__file__).parent
log = logging.getLogger("brieflow.web")
access = logging.getLogger("brieflow.web.access")
# The WebSettings (as JSON) of the server processes `brieflow serve` starts: uvicorn starts
# each with a fresh interpreter that imports `from_environment` by name.
SETTINGS_VARIABLE = "BRIEFLOW_WEB_SETTINGS"

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make form posts `Origin: null`
    (b"x-frame-options", b"DENY"),
]


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {"error": {"type": kind, "message": message}}


class BodyLimit:
    """Answer 413 to a request whose body is larger than `limit` bytes. The body is read here
    (up to the limit) and replayed to the app, so handlers never see a partial one."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request is larger than the {self.limit:,} bytes allowed"
        response = JSONResponse(
            error_body("RequestTooLarge", message + "; send a smaller article"),
            status_code=413,
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


class SameOrigin:
    """Refuse a POST that a page from another origin sent (a form on some web site aimed at
    this server on loopback): browsers always send `Origin` on cross-origin POSTs. Clients
    that send no Origin (curl, scripts) are let through."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            headers = dict(scope["headers"])
            origin = headers.get(b"origin")
            if origin is not None:
                netloc = origin.split(b"://", 1)[-1]
                if netloc != headers.get(b"host"):
                    response = JSONResponse(
                        error_body(
                            "CrossOrigin",
                            "a page from another site tried to post here; refused",
                        ),
                        status_code=403,
                    )
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


class HostCheck:
    """Answer 400 (as JSON, like every other error) to a request whose Host header is not one
    of `allowed`: a page on another name resolving to loopback (DNS rebinding) gets nothing."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]):
        self.app = app
        self.allowed = frozenset(h.lower() for h in allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1").lower()
            name = host[: host.find("]") + 1] if host.startswith("[") else host.split(":")[0]
            if name not in self.allowed:
                response = JSONResponse(
                    error_body("InvalidHost", "this server answers only to its own host name"),
                    status_code=400,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


class AccessLog:
    """One line per request on stderr: the serving process's id, the client, the method, the
    path (never the query string, which may carry `?token=`), the status and the time taken."""

    def __init__(self, app: ASGIApp):
        self.app = app
        if not access.handlers:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(asctime)s brieflow[%(process)d] %(message)s"))
            access.addHandler(handler)
            access.setLevel(logging.INFO)
            access.propagate = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            client = scope.get("client") or ("-", 0)
            access.info(
                '%s "%s %s" %d %.1fms',
                client[0],
                scope.get("method", "-"),
                scope.get("path", ""),
                status,
                (time.perf_counter() - start) * 1000,
            )


def wants_json(request: Request) -> bool:
    path = request.url.path
    return (
        path.startswith("/api/")
        or path in ("/healthz", "/openapi.json")
        or ("text/html" not in request.headers.get("accept", ""))
    )


def create_app(web: WebSettings, service: Service | None = None) -> FastAPI:
    """The brieflow web app over the database `web.db` (created when missing)."""
    service = service or Service(web)

    def new_pool() -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max(1, web.brief_workers), thread_name_prefix="brieflow-brief")

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        # A fresh pool on every start: an app can be shut down and started again (test
        # clients, reloaders), and a shut-down pool takes no more work.
        app.state.pool.shutdown(wait=False)
        app.state.pool = new_pool()
        yield
        app.state.pool.shutdown(wait=False, cancel_futures=True)
        service.close()

    app = FastAPI(
        title="brieflow",
        version=__version__,
        description="Cited, checkable briefs of Chinese and English news articles.",
        docs_url=None,  # FastAPI's pages load Swagger UI from a CDN; /docs is served locally
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.pool = new_pool()
    app.state.web = web
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["version"] = __version__
    app.state.templates = templates

    def render_error(request: Request, status: int, kind: str, message: str) -> Response:
        if wants_json(request):
            return JSONResponse(error_body(kind, message), status_code=status)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "kind": kind, "message": message},
            status_code=status,
        )

    app.state.render_error = render_error

    @app.exception_handler(BrieflowError)
    async def brieflow_error(request: Request, exc: BrieflowError) -> Response:
        line = exc.line()
        if isinstance(exc, StoreError):  # its source is the server's database path
            log.error("store error on %s %s: %s", request.method, request.url.path, line)
            line = BrieflowError(exc.message, hint=exc.hint).line()
        return render_error(request, exc.http_status, type(exc).__name__, line)

    @app.exception_handler(BriefTimeout)
    async def too_slow(request: Request, exc: BriefTimeout) -> Response:
        return render_error(request, 504, "Timeout", str(exc))

    @app.exception_handler(WorkerLost)
    async def worker_lost(request: Request, exc: WorkerLost) -> Response:
        return render_error(request, 503, "WorkerLost", str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return render_error(request, 422, "ValidationError", validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        kind = "NotFound" if exc.status_code == 404 else "HTTPError"
        return render_error(request, exc.status_code, kind, str(exc.detail))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return render_error(
            request, 500, "InternalError", "an unexpected error; the server log has the details"
        )

    @app.get("/static/render.css", include_in_schema=False)
    def render_css() -> Response:
        """The standalone HTML renderer's style, shared so the page and `--format html` agree."""
        return Response(html_renderer.STYLE, media_type="text/css")

    @app.get("/static/render.js", include_in_schema=False)
    def render_js() -> Response:
        return Response(html_renderer.SCRIPT, media_type="text/javascript")

    from . import pages, stories

    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(stories.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    if web.require_token:
        from .auth import TokenAuth

        app.add_middleware(TokenAuth, service=service)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, limit=web.max_body_bytes)
    app.add_middleware(SameOrigin)
    if web.allowed_hosts is not None:
        app.add_middleware(HostCheck, allowed=web.allowed_hosts)
    if web.access_log:
        app.add_middleware(AccessLog)
    return app


def from_environment() -> FastAPI:
    """The app of one server process of `brieflow serve --processes N`, from the WebSettings
    the command put in $BRIEFLOW_WEB_SETTINGS (uvicorn's `factory`). The variable is removed
    from this process's environment: the brief workers it starts need not inherit settings
    that may hold an LLM key."""
    text = os.environ.pop(SETTINGS_VARIABLE, None)
    if not text:
        from ..errors import ConfigError

        raise ConfigError(
            f"${SETTINGS_VARIABLE} is not set",
            hint="start the server with `brieflow serve`, which sets it",
        )
    return create_app(WebSettings.from_json(text))


def validation_message(exc: RequestValidationError) -> str:
    """FastAPI's validation errors as one line: `body.engine: Input should be a string`."""
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "the request is not valid"
