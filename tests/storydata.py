"""The story fixture (tests/fixtures/stories.jsonl: 25 articles of six stories, written for the
tests) as rows, as Articles, and stored and clustered in a database."""

from __future__ import annotations

import json
from pathlib import Path

from brieflow.models import Article
from brieflow.store import Store

FIXTURE = Path(__file__).parent / "fixtures" / "stories.jsonl"


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


def clustered_desk(path: Path) -> Path:
    """Every fixture article stored at `path`, then clustered into stories."""
    from brieflow.stories import update

    with Store(path) as store:
        for row in story_rows():
            store.add_article(story_article(row))
        update(store)
    return path
