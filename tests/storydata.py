"""The story fixture (tests/fixtures/stories.jsonl: 25 articles of six stories, written for the
tests) as rows, as Articles, and stored and clustered in a database; and the `desk` fixture that
runs a suite on both stores (a SQLite file and a database on tests/pgserver.py's throwaway
PostgreSQL cluster, which starts only when a PostgreSQL case runs)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from brieflow.models import Article
from brieflow.store.open import is_postgres, open_store

FIXTURE = Path(__file__).parent / "fixtures" / "stories.jsonl"
BACKENDS = ("sqlite", "postgresql")


def story_rows() -> list[dict]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def story_article(row: dict) -> Article:
    return Article.from_texts(
        row["paragraphs"],
        title=row["title"],
        source=row["source"],
        published=row["published"],
        language=row["lang"],
        url=row["url"],
        id=row["id"],
    )


def clustered_desk(target: str | Path) -> str:
    """Every fixture article stored in the database `target` names, then clustered."""
    from brieflow.stories import update

    with open_store(target) as store:
        for row in story_rows():
            store.add_article(story_article(row))
        update(store)
    return str(target)


def new_db(request: pytest.FixtureRequest, backend: str, folder: Path) -> str:
    """A new, empty database: a SQLite file in `folder`, or a database on the cluster."""
    if backend == "postgresql":
        from .pgserver import new_database

        return new_database(request.getfixturevalue("pg_server"))
    return str(folder / f"desk-{uuid.uuid4().hex[:8]}.db")


def copy_db(target: str, folder: Path) -> str:
    """A copy of the database `target` (closed) names, for a test that changes it."""
    if not is_postgres(target):
        path = folder / f"copy-{uuid.uuid4().hex[:8]}.db"
        path.write_bytes(Path(target).read_bytes())
        return str(path)
    import psycopg

    server, name = target.rsplit("/", 1)
    copy = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {copy} TEMPLATE {name}")
    return f"{server}/{copy}"


class Desks:
    """The clustered story fixture on each store, built once per test module when first asked."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.built: dict[str, str] = {}

    def get(self, request: pytest.FixtureRequest, backend: str) -> str:
        if backend not in self.built:
            self.built[backend] = clustered_desk(new_db(request, backend, self.folder))
        return self.built[backend]


@pytest.fixture(scope="module")
def desks(tmp_path_factory) -> Desks:
    return Desks(tmp_path_factory.mktemp("desks"))


@pytest.fixture(scope="module", params=BACKENDS)
def desk(request, desks: Desks) -> str:
    """The 25 fixture articles stored and clustered, on SQLite and on PostgreSQL (the same
    database for every test of a module: copy it with copy_db before changing it)."""
    return desks.get(request, request.param)
