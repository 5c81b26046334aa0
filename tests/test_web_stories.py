"""Stories on the web: the JSON API, the pages, and in headless Chromium a click on `[B2]` that
opens source B's tab and lights its paragraph 2 (see test_web_browser.py for the browser set-up
and BRIEFLOW_SKIP_BROWSER). The API and the pages are tested on SQLite and on PostgreSQL (the
browser test on SQLite: the page is the same)."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from fastapi.testclient import TestClient

from brieflow.web import WebSettings, create_app

from . import pgserver, storydata
from .test_web_browser import CHROMIUM, HIGHLIGHT, SKIP, browser_context  # noqa: F401

# the fixtures this module uses from elsewhere
pg_server, desks, desk = pgserver.pg_server, storydata.desks, storydata.desk


@pytest.fixture(scope="module")
def client(desk):
    with TestClient(create_app(WebSettings(db=desk))) as c:
        yield c


def _lanshan(client) -> str:
    for s in client.get("/api/stories").json():
        if s["articles"][0]["id"] == "s06-01":
            return s["id"]
    raise AssertionError("no Lanshan story")


def test_api_stories_story_and_digest(client):
    listed = client.get("/api/stories").json()
    assert len(listed) == 6
    assert list(listed[0]) == [
        "id",
        "title",
        "first_published",
        "last_published",
        "languages",
        "articles",
    ]
    assert [s["last_published"] for s in listed] == sorted(
        (s["last_published"] for s in listed), reverse=True
    )
    assert len(client.get("/api/stories", params={"since": "2025-09-01"}).json()) == 1
    sid = _lanshan(client)
    story = client.get(f"/api/stories/{sid[:6]}").json()
    assert story["id"] == sid and len(story["articles"]) == 4
    digest = client.get(f"/api/stories/{sid}/digest", params={"lang": "en"}).json()
    assert digest["schema"] == "brieflow.digest/1"
    assert digest["language"] == "en"
    assert [s["label"] for s in digest["sources"]] == ["A", "B", "C", "D"]
    assert digest["checks"]["passed"] is True
    r = client.get("/api/stories/ffffffffffff")
    assert r.status_code == 404
    assert r.json()["error"]["type"] == "NotFound"
    assert client.get(f"/api/stories/{sid}/digest", params={"lang": "fr"}).status_code == 422


def test_pages(client):
    page = client.get("/stories")
    assert page.status_code == 200
    assert 'id="story-list"' in page.text and "岚山汽车二季度营收623亿元" in page.text
    sid = _lanshan(client)
    page = client.get(f"/stories/{sid}", params={"lang": "en"})
    assert page.status_code == 200
    assert '<script src="/static/digest.js"></script>' in page.text
    assert 'data-source="B" data-paragraph="2">[B2]</a>' in page.text
    assert client.get("/static/digest.js").headers["content-type"].startswith("text/javascript")


@pytest.fixture(scope="module")
def server(desks, request):
    import uvicorn

    db = desks.get(request, "sqlite")
    app = create_app(WebSettings(db=db, allowed_hosts=("127.0.0.1",)))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    sock.close()


@pytest.mark.skipif(SKIP, reason="BRIEFLOW_SKIP_BROWSER=1")
def test_click_b2_opens_source_b_and_lights_paragraph_2(
    browser_context,  # noqa: F811
    server,
):
    page = browser_context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{server}/stories")
        with page.expect_navigation():
            page.locator("#story-list a", has_text="岚山汽车二季度营收623亿元").click()
        page.goto(page.url + "?lang=en")
        b2 = page.locator('.panel li[data-source="B"][data-paragraph="2"]')
        assert not b2.is_visible()  # source A's tab is open at first
        cite = page.locator('.summary a.cite[data-source="B"][data-paragraph="2"]').first
        assert cite.inner_text() == "[B2]"
        cite.click()
        assert b2.is_visible()
        assert b2.evaluate("e => e.classList.contains('lit')")
        assert b2.evaluate("e => getComputedStyle(e).backgroundColor") == HIGHLIGHT
        assert page.locator(".panel li.lit").count() == 1
        assert page.locator('.tabs button[data-source="B"]').get_attribute("aria-selected") == (
            "true"
        )
        assert not page.locator('.panel[data-source="A"]').is_visible()
        # another source's citation moves the light
        other = page.locator('.summary a.cite[data-source="C"]').first
        other.click()
        assert not b2.is_visible()
        assert page.locator(".panel li.lit").count() == 1
    finally:
        page.close()
