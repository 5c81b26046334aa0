"""Open the store a `--db` value names: a postgresql:// URL or a SQLite file path."""

from __future__ import annotations

from pathlib import Path

from .store import Store


def is_postgres(target: str | Path) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def open_store(target: str | Path, *, create: bool = True) -> Store:
    """A PgStore for a postgresql:// (or postgres://) URL, else the SQLite Store at the path."""
    if is_postgres(target):
        from .postgres import PgStore

        return PgStore(str(target), create=create)
    return Store(target, create=create)
