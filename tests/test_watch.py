"""`brieflow watch --once` over a loopback feed server: new items only, 304 handled, a failing
feed backs off (and the state survives between --once runs, as under cron). On SQLite and on
PostgreSQL."""

from __future__ import annotations

import pytest

from brieflow.cli import main
from brieflow.store import stories as db
from brieflow.store.open import open_store
from tests import pgserver
from tests.httpserver import Handler, Server
from tests.storydata import BACKENDS, new_db, story_rows

ROWS = story_rows()
pg_server = pgserver.pg_server  # a fixture new_db uses


@pytest.fixture(params=BACKENDS)
def target(request, tmp_path) -> str:
    """A new database on SQLite, then on PostgreSQL."""
    return new_db(request, request.param, tmp_path)


def _item(row: dict) -> str:
    body = "".join(f"<p>{p}</p>" for p in row["paragraphs"])
    return (
        f"<item><title>{row['title']}</title><link>https://news.example/{row['id']}</link>"
        f"<guid>{row['id']}</guid><pubDate>{row['published']}</pubDate>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
    )


def _feed(rows: list[dict]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Desk</title>'
        "<link>https://news.example/</link><description>test</description>"
        + "".join(_item(r) for r in rows)
        + "</channel></rss>"
    ).encode()


def _serve(rows: list[dict], etag: str) -> None:
    Handler.routes["/feed.xml"] = (
        200,
        {"Content-Type": "application/rss+xml; charset=utf-8", "ETag": etag},
        _feed(rows),
    )


def test_watch_once_new_items_304_and_backoff(target, capsys):
    s03 = [r for r in ROWS if r["story"] == "s03"]  # the reserve-ratio cut: 5 reports
    db_path = target
    with Server() as base:
        _serve(s03[:3], '"v1"')
        sources = [f"{base}/feed.xml", f"{base}/always500"]
        argv = ["watch", *sources, "--db", db_path, "--once", "--every", "10m"]

        assert main(argv) == 1  # one source failed
        out, err = capsys.readouterr()
        assert "3 new articles, 0 not modified, 1 failed, 0 backing off; 1 stories" in out
        assert f"{base}/always500: error: HTTP 500" in err
        assert Handler.hits["/always500"] == 3  # fetch's own retries, then the source fails

        # unchanged feed: a conditional GET answered 304; the failing feed is not asked again
        assert main(argv) == 0
        out, _ = capsys.readouterr()
        assert "0 new articles, 1 not modified, 0 failed, 1 backing off" in out
        assert Handler.hits["/feed.xml"] == 2
        assert Handler.hits["/always500"] == 3

        # the feed changes: only the two new items are stored and briefed
        _serve(s03, '"v2"')
        assert main(argv) == 0
        out, _ = capsys.readouterr()
        assert "2 new articles, 0 not modified" in out

    with open_store(db_path) as store:
        assert store.counts()["articles"] == 5
        assert store.counts()["briefs"] == 5
        stories = db.stories(store)
        assert [s.size for s in stories] == [5]  # one story, Chinese and English
        failing = db.watch_state(store, f"{base}/always500")
        feed = db.watch_state(store, f"{base}/feed.xml")
    assert failing.failures == 1 and failing.next_poll is not None
    assert failing.last_status.startswith("error: HTTP 500")
    assert (feed.etag, feed.failures, feed.last_status) == ('"v2"', 0, "new 2")


def test_watch_once_missing_path_fails_then_backs_off(target, tmp_path, capsys):
    db_path = target
    missing = str(tmp_path / "gone.xml")
    argv = ["watch", missing, "--db", db_path, "--once"]
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert "0 new articles, 0 not modified, 1 failed, 0 backing off; 0 stories" in out
    assert f"brieflow: {missing}: error: no such file" in err
    assert main(argv) == 0  # not tried again before its backoff ends
    out, _ = capsys.readouterr()
    assert "1 failed" not in out and "1 backing off" in out
    with open_store(db_path) as store:
        state = db.watch_state(store, missing)
    assert state.failures == 1 and state.last_status.startswith("error: no such file")
