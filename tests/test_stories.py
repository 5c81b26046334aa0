"""Stories: clustering invariants on a small labelled set written for brieflow.

tests/fixtures/stories.jsonl holds 25 articles (Chinese and English) of six stories taken from
bench/data/stories: a graphite export-licence notice and a rare-earth subsidy meeting (same
topic, two events), a reserve-ratio cut and another one seven weeks later (same event type),
a carmaker's results and its recall three days later (same company, two events).
Every test runs on SQLite and on PostgreSQL (tests/storydata.py's `desk`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from brieflow.cli import main
from brieflow.models import Article
from brieflow.store import Store
from brieflow.store import stories as db
from brieflow.store.open import open_store
from brieflow.stories import update

from . import pgserver, storydata
from .storydata import copy_db, new_db, story_article, story_rows

# the fixtures this module uses from elsewhere
pg_server, desks, desk = pgserver.pg_server, storydata.desks, storydata.desk


def _membership(store: Store) -> dict[str, str]:
    """article display id -> story id"""
    return {a.display_id: s.id for s in db.stories(store) for a in s.articles}


def _members_of(target: str) -> dict[str, str]:
    with open_store(target) as store:
        return _membership(store)


def test_same_event_together_across_languages(desk):
    with open_store(desk) as store:
        assert db.story_count(store) == 6
        assert not db.has_pending(store)
        member = _membership(store)
    assert len(member) == 25
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


def test_hard_negatives_stay_apart(desk):
    member = _members_of(desk)
    story = {row["story"]: member[row["id"]] for row in story_rows()}
    assert story["s01"] != story["s02"]  # export licences vs a subsidy fund: critical minerals
    assert story["s03"] != story["s05"]  # a reserve-ratio cut, and another seven weeks later
    assert story["s06"] != story["s07"]  # one carmaker: quarterly results vs a recall
    assert len(set(story.values())) == 6


def test_story_record_shape_and_title(desk):
    with open_store(desk) as store:
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


def test_rerun_keeps_ids_and_new_article_joins(desk, tmp_path):
    with open_store(copy_db(desk, tmp_path)) as store:
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


def test_incremental_equals_batch(desk, request, tmp_path):
    batch = _members_of(desk)
    backend = "postgresql" if desk.startswith("postgresql:") else "sqlite"
    with open_store(new_db(request, backend, tmp_path)) as store:
        for row in story_rows():
            store.add_article(story_article(row))
            update(store)
        incremental = _membership(store)
        # and a rebuild from scratch gives the same stories again
        update(store, rebuild=True)
        rebuilt = _membership(store)
    assert incremental == batch
    assert rebuilt == batch


def test_cli_list_and_show(desk, tmp_path, capsys):
    path = copy_db(desk, tmp_path)
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


def test_same_stories_and_ids_on_both_stores(desks, request):
    with open_store(desks.get(request, "sqlite")) as store:
        on_sqlite = [s.to_dict() for s in db.stories(store)]
    with open_store(desks.get(request, "postgresql")) as store:
        on_postgres = [s.to_dict() for s in db.stories(store)]
    assert len(on_sqlite) == 6
    assert on_postgres == on_sqlite


def _waiting_for_the_clustering_lock(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND classid = %s AND objid = %s AND objsubid = 2",
            (db.BRIEFLOW, db.CLUSTERING),
        ).fetchone()[0]


@pytest.mark.slow
def test_two_processes_cluster_one_postgres_database_once(desks, request, tmp_path):
    """Two `stories update` processes start on the same pending articles: one clusters them,
    the other waits for it and finds nothing left (the test holds the lock until both wait,
    so they truly meet); the stories are the single process's."""
    import psycopg

    url = new_db(request, "postgresql", tmp_path)
    with open_store(url) as store:
        for row in story_rows():
            store.add_article(story_article(row))
    cmd = [sys.executable, "-m", "brieflow", "stories", "update", "--db", url]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    with psycopg.connect(url, autocommit=True) as holder, holder.transaction():
        holder.execute("SELECT pg_advisory_xact_lock(%s, %s)", (db.BRIEFLOW, db.CLUSTERING))
        procs = [
            subprocess.Popen(
                cmd,
                env=env,
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        deadline = time.monotonic() + 120
        while _waiting_for_the_clustering_lock(url) < 2:
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            assert time.monotonic() < deadline, "the processes never waited for the lock"
            time.sleep(0.1)
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sorted(out.split(":")[0] for out, _ in outs) == [
        "0 articles clustered",
        "25 articles clustered",
    ]
    assert _members_of(url) == _members_of(desks.get(request, "sqlite"))
    with open_store(url) as store:
        assert db.story_count(store) == 6


def test_sqlite_clustering_raced_by_another_process_starts_again(
    desks, request, monkeypatch, tmp_path
):
    """SQLite takes no lock to cluster: when another connection clusters the pending articles
    between this update's reading and its writing, the write is refused (nothing written) and
    the update starts again from what is stored, finding nothing left to do."""
    import brieflow.stories as stories

    path = tmp_path / "raced.db"
    with Store(path) as other:
        for row in story_rows():
            other.add_article(story_article(row))
    real_load, raced = stories.load, []

    def load_then_race(store, params=stories.DEFAULT):
        clusterer = real_load(store, params)
        if not raced:  # the other process clusters everything after this one has read
            raced.append(None)
            with Store(path) as other:
                raced.append(update(other))
        return clusterer

    monkeypatch.setattr(stories, "load", load_then_race)
    with Store(path) as store:
        result = update(store)
        assert db.story_count(store) == 6
    assert raced[1].clustered == 25
    assert (result.clustered, result.opened) == (0, 0)
    assert _members_of(str(path)) == _members_of(desks.get(request, "sqlite"))
    with Store(path) as store, pytest.raises(db.Raced, match="at the same moment"):
        db.save(store, [(1, "x" * 12, None, np.zeros(4), {})], {}, known=0)
    with Store(path) as store:
        assert db.story_count(store) == 6
