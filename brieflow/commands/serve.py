"""`brieflow serve`: the web page and the HTTP API on loopback (or where --host says)."""

from __future__ import annotations

import argparse
import importlib
import math
import sys
from pathlib import Path

from ._common import settings_from
from ._store import add_db_flag

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the web page and the HTTP API",
        description="Serve the page (paste, upload or link an article; read its brief beside the "
        "numbered source) and the JSON API (/docs, /openapi.json). Briefs are kept in the "
        "database. Binds to 127.0.0.1 unless --host says otherwise.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    add_db_flag(p)
    p.add_argument(
        "--max-body",
        type=int,
        default=5_000_000,
        metavar="BYTES",
        help="largest request accepted; larger ones get 413 (default 5000000)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="longest a brief may take before the request gets 504 (default 60)",
    )
    p.add_argument(
        "--no-auth",
        action="store_true",
        help="DANGEROUS: serve without API tokens on an address other than loopback "
        "(tokens are required there otherwise; see `brieflow tokens`)",
    )
    p.set_defaults(func=run)


def needs_tokens(host: str, no_auth: bool, db: Path | str) -> bool:
    """Whether the server must ask for API tokens; refuses to start a server that would ask
    for tokens none of which exists, and warns loudly about --no-auth off loopback."""
    if host in LOOPBACK:
        return False
    if no_auth:
        print(
            f"brieflow: WARNING: --no-auth: anyone who can reach {host} can read every stored "
            "brief and make the server brief and fetch on their behalf",
            file=sys.stderr,
        )
        return False
    from ..errors import ConfigError
    from ..store import tokens
    from ..store.open import open_store

    with open_store(db) as store:
        active = [t for t in tokens.listed(store) if t.active]
    if not active:
        raise ConfigError(
            f"serving on {host} needs API tokens and the database has none",
            hint="create one with `brieflow tokens create NAME --db …`, or pass --no-auth",
        )
    return True


# What `brieflow serve` needs beyond the core (the `web` extra), as import names.
WEB_MODULES = ("fastapi", "uvicorn", "jinja2", "multipart")


def run(args: argparse.Namespace) -> int:
    from ..errors import ConfigError

    for name in WEB_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            raise ConfigError(
                f"brieflow serve needs the web extra ({name} is not installed)",
                hint='pip install "brieflow[web]"',
            ) from None
    import uvicorn

    from ..redact import without_password
    from ..store.open import is_postgres
    from ..web import WebSettings, create_app

    if not 0 <= args.port <= 65535:
        raise ConfigError(f"--port {args.port} is not a port number", hint="use 1-65535")
    if args.max_body < 1 or not 0 < args.timeout < math.inf:  # nan fails both comparisons
        raise ConfigError(
            f"--max-body {args.max_body} and --timeout {args.timeout} must be positive numbers"
        )
    settings = settings_from(args, db="db")
    hosts = None  # any Host header when bound to a public interface (a proxy names it)
    if args.host in LOOPBACK:
        hosts = ("127.0.0.1", "localhost", "[::1]", "::1")  # refuses DNS rebinding
    db = settings.db if settings.db and is_postgres(settings.db) else settings.db_path
    web = WebSettings(
        db=db,
        settings=settings,
        max_body_bytes=args.max_body,
        brief_timeout=args.timeout,
        allowed_hosts=hosts,
        require_token=needs_tokens(args.host, args.no_auth, db),
    )
    app = create_app(web)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"brieflow: serving http://{shown}:{args.port}/ (database {without_password(str(web.db))})",
        file=sys.stderr,
    )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        timeout_keep_alive=5,
        timeout_graceful_shutdown=5,
        server_header=False,
    )
    return 0
