"""Where the database lives. Today a SQLite file path; a URL names a database server, which no
backend serves yet (PostgreSQL comes with issue 17 and registers its scheme in BACKENDS)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ConfigError
from ..redact import without_password

# URL scheme → the backend that serves it; empty until a server backend exists.
BACKENDS: dict[str, object] = {}

_URL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")


def database_path(location: str | Path) -> Path:
    """The SQLite file `location` names; a URL of a scheme no backend serves is a ConfigError
    (rather than a file called "postgresql:/…")."""
    if isinstance(location, str) and (m := _URL.match(location)):
        scheme = m.group(1).lower()
        if scheme not in BACKENDS:
            raise ConfigError(
                f"brieflow cannot use {scheme}:// databases (yet)",
                source=without_password(location),
                hint="give a file path for a SQLite database, e.g. --db desk.db",
            )
    return Path(location)
