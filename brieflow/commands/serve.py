"""`brieflow serve`: the web page and the HTTP API on loopback (or where --host says)."""

from __future__ import annotations

import argparse
import importlib
import math
import os
import sys
from pathlib import Path
from typing import Any

from ._common import at_least_one, settings_from
from ._store import add_db_flag

LOOPBACK = ("127.0.0.1", "localhost", "::1")
RATE_LIMITS = ("shared", "per-process")  # brieflow.web.service.RATE_LIMITS (not imported here)

HELP = """\
For a team: bind an address other than loopback (API tokens are then required on every call
and page: `brieflow tokens create NAME --db …`), keep the database on PostgreSQL, and run
several server processes on the one port with --processes N. Each token's requests a minute are
counted in the database, so every process, and every server on the same database, shares one
budget per token. Ctrl-C or SIGTERM stops every process. Put an HTTPS proxy in front.

examples:
  brieflow serve                                   # http://127.0.0.1:8000/, one process
  brieflow serve --port 8080 --db desk.db
  brieflow tokens create alice --db postgresql://brieflow@db.internal/brieflow
  brieflow serve --host 0.0.0.0 --processes 4 --access-log \\
      --db postgresql://brieflow@db.internal/brieflow
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the web page and the HTTP API",
        description="Serve the page (paste, upload or link an article; read its brief beside the "
        "numbered source) and the JSON API (/docs, /openapi.json). Briefs are kept in the "
        "database. Binds to 127.0.0.1 unless --host says otherwise.",
        epilog=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        "--processes",
        type=at_least_one,
        default=1,
        metavar="N",
        help="server processes answering on the one port (default 1); each has its own "
        "database connections and its own brief workers (2), so N uses up to 2N cores for "
        "briefing. Ctrl-C or SIGTERM stops them all",
    )
    p.add_argument(
        "--rate-limit",
        choices=RATE_LIMITS,
        default="shared",
        help="where each API token's requests-a-minute budget is kept: shared (default) in the "
        "database, so all processes and servers on it share one budget per token (one small "
        "write per request); per-process in memory (no write, but N processes allow N times "
        "the rate)",
    )
    p.add_argument(
        "--access-log",
        action="store_true",
        help="print one line per request on stderr: process id, client, method, path "
        "(without the query string), status, milliseconds",
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
    from ..store.open import is_postgres, open_store
    from ..web import WebSettings, create_app
    from ..web.app import SETTINGS_VARIABLE

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
        rate_limit=args.rate_limit,
        access_log=args.access_log,
    )
    app: Any
    if args.processes == 1:
        app = create_app(web)  # opens (and migrates) the database now: errors show here
    else:
        # Each process is a fresh interpreter (uvicorn spawns them) that imports the app by
        # name and rebuilds it from these settings; the database is opened (and migrated)
        # once here first, so a bad --db fails here with one line, not in N processes.
        with open_store(db):
            pass
        os.environ[SETTINGS_VARIABLE] = web.to_json()
        app = "brieflow.web.app:from_environment"
    shown = f"[{args.host}]" if ":" in args.host else args.host
    many = f", {args.processes} processes" if args.processes > 1 else ""
    print(
        f"brieflow: serving http://{shown}:{args.port}/ "
        f"(database {without_password(str(web.db))}{many})",
        file=sys.stderr,
    )
    uvicorn.run(
        app,
        factory=args.processes > 1,
        workers=args.processes,
        host=args.host,
        port=args.port,
        log_level="warning",
        timeout_keep_alive=5,
        timeout_graceful_shutdown=5,
        server_header=False,
    )
    return 0
