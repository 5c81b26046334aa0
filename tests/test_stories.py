"""Stories: clustering invariants on a small labelled set written for brieflow.

tests/fixtures/stories.jsonl holds 25 articles (Chinese and English) of six stories taken from
bench/data/stories: a graphite export-licence notice and a rare-earth subsidy meeting (same
topic, two events), a reserve-ratio cut and another one seven weeks later (same event type),
a carmaker's results and its recall three days later (same company, two events).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from brieflow.cli import main
from brieflow.models import Article
from brieflow.store import Store
from brieflow.store import stories as db
from brieflow.stories import update

from .storydata import story_article, story_rows


def _membership(store: Store) -> dict[str, str]:
    """article display id -> story id"""
    return {a.display_id: s.id for s in db.stories(store) for a in s.articles}


@pytest.fixture(scope="module")
def batch_db(tmp_path_factory) -> Path:
    """All 25 articles stored, then clustered in one call (the encoder loads once here)."""
    path = tmp_path_factory.mktemp("stories") / "batch.db"
    with Store(path) as store:
        for row in story_rows():
            store.add_article(story_article(row))
        result = update(store)
    assert result.clustered == 25
    return path


def test_same_event_together_across_languages(batch_db):
    with Store(batch_db) as store:
        member = _membership(store)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for row in story_rows():
        by_gold[row["story"]].add(member[row["id"]])
    # every labelled story is one story: Chinese and English reports together
    assert {k: len(v) for k, v in by_gold.items()} == {
        "s01": 1,
        "s02": 1,
        "s03": 1,
        "s05": 1,
        "s06": 1,
        "s07": 1,
    }


def test_hard_negatives_stay_apart(batch_db):
    with Store(batch_db) as store:
        member = _membership(store)
    story = {row["story"]: member[row["id"]] for row in story_rows()}
    assert story["s01"] != story["s02"]  # export licences vs a subsidy fund: critical minerals
    assert story["s03"] != story["s05"]  # a reserve-ratio cut, and another seven weeks later
    assert story["s06"] != story["s07"]  # one carmaker: quarterly results vs a recall
    assert len(set(story.values())) == 6


def test_story_record_shape_and_title(batch_db):
    with Store(batch_db) as store:
        found = [s for s in db.stories(store) if any(a.id == "s01-01" for a in s.articles)]
        assert found == []  # display ids are the input's ids; content ids are hashes
        s01 = next(
            s for s in db.stories(store) if any(a.display_id == "s01-01" for a in s.articles)
        )
    data = s01.to_dict()
    assert list(data) == [
        "id",
        "title",
        "first_published",
        "last_published",
        "languages",
        "articles",
    ]
    assert data["languages"] == ["en", "zh"]
    assert data["first_published"] == "2025-08-01 08:41"
    assert data["last_published"] == "2025-08-02 09:30"  # the syndicated copy
    assert list(data["articles"][0]) == ["id", "title", "source", "published", "language", "url"]
    assert len(data["articles"]) == 5  # the syndicated copy is in its original's story
    # the title is a headline of the story's majority language (en: 3 of 5, with the copy)
    assert data["title"] in {a["title"] for a in data["articles"] if a["language"] == "en"}


def test_rerun_keeps_ids_and_new_article_joins(batch_db, tmp_path):
    path = tmp_path / "copy.db"
    path.write_bytes(batch_db.read_bytes())
    with Store(path) as store:
        before = _membership(store)
        assert update(store).clustered == 0
        assert _membership(store) == before
        late = Article.from_texts(
            [
                "Chinese graphite exporters began filing licence applications on Monday, two "
                "weeks before the September 15 start of the new export licence rule.",
                "The commerce ministry said applications for graphite anode materials would be "
                "handled within 45 working days.",
            ],
            title="Graphite exporters rush to apply for licences before Sept 15 rule",
            source="Harbor Wire",
            published="2025-08-03 09:00",
            language="en",
            id="late-graphite",
        )
        store.add_article(late)
        result = update(store)
        after = _membership(store)
    assert (result.clustered, result.opened) == (1, 0)
    assert after["late-graphite"] == before["s01-01"]
    assert {k: v for k, v in after.items() if k != "late-graphite"} == before


def test_incremental_equals_batch(batch_db, tmp_path):
    with Store(batch_db) as store:
        batch = _membership(store)
    with Store(tmp_path / "one-by-one.db") as store:
        for row in story_rows():
            store.add_article(story_article(row))
            update(store)
        incremental = _membership(store)
        # and a rebuild from scratch gives the same stories again
        update(store, rebuild=True)
        rebuilt = _membership(store)
    assert incremental == batch
    assert rebuilt == batch


def test_cli_list_and_show(batch_db, tmp_path, capsys):
    path = tmp_path / "cli.db"
    path.write_bytes(batch_db.read_bytes())
    assert main(["stories", "list", "--db", str(path), "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 6
    assert [s["last_published"] for s in listed] == sorted(
        (s["last_published"] for s in listed), reverse=True
    )
    assert main(["stories", "list", "--db", str(path), "--since", "2025-09-01"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 2 and "0.25" in out  # only the September cut
    assert main(["stories", "list", "--db", str(path), "--until", "2025-08-02"]) == 0
    assert capsys.readouterr().out.count("\n") == 4  # the two critical-minerals stories
    target = listed[-1]["id"]
    assert main(["stories", "show", target[:6], "--db", str(path)]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith(target) and "s01-01" in shown
    assert main(["stories", "show", "nope", "--db", str(path)]) == 6
    assert "no story with id 'nope'" in capsys.readouterr().err
