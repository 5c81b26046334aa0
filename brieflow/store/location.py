"""Where a SQLite database lives. A postgresql:// URL is opened by store.open (PgStore); any
other URL reaching the SQLite store is a configuration error, never a file called "mysql:/…"."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ConfigError
from ..redact import without_password

_URL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")


def database_path(location: str | Path) -> Path:
    """The SQLite file `location` names; a URL is a ConfigError (PostgreSQL URLs go through
    store.open.open_store, which never calls this)."""
    if isinstance(location, str) and (m := _URL.match(location)):
        raise ConfigError(
            f"brieflow cannot use {m.group(1).lower()}:// databases",
            source=without_password(location),
            hint="give a file path for a SQLite database (e.g. --db desk.db) "
            "or a postgresql://user@host:port/db URL",
        )
    return Path(location)
