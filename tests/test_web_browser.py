"""End to end in headless Chromium: the real server on loopback, the form, a click on a citation.

Needs Debian's `chromium` (/usr/bin/chromium; `.ci/run` installs it) and Playwright for Python
(the `test` extra); Playwright drives the system browser, it never downloads one. Without the
browser these tests fail with a message saying so; set BRIEFLOW_SKIP_BROWSER=1 to skip them
on purpose. BRIEFLOW_SCREENSHOT=docs/screenshot-brief.png also saves the brief page there.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import EXAMPLES

# Read at import: the autouse fixture clears BRIEFLOW_* variables before each test.
SKIP = os.environ.get("BRIEFLOW_SKIP_BROWSER") == "1"
SCREENSHOT = os.environ.get("BRIEFLOW_SCREENSHOT")
CHROMIUM = os.environ.get("BRIEFLOW_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HIGHLIGHT = "rgb(255, 243, 176)"  # .source li.lit / .picked in render.css and web.css

pytestmark = pytest.mark.skipif(SKIP, reason="BRIEFLOW_SKIP_BROWSER=1")

HOSTILE = (
    "Harbour vote <script>window.__pwned = 1</script>\n\n"
    'The council approved the harbour budget of 12 million "><img src=x '
    'onerror="window.__pwned = 2"> on Tuesday after a long debate.\n\n'
    "Members said the plan would take three years and create two hundred jobs in the port.\n\n"
    "Critics argued that the cost estimate was too low and asked for an independent review."
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`brieflow serve`'s app under uvicorn on 127.0.0.1, on a free port, in a thread."""
    import uvicorn

    from brieflow.web import WebSettings, create_app

    db = tmp_path_factory.mktemp("web") / "e2e.db"
    app = create_app(WebSettings(db=db, allowed_hosts=("127.0.0.1",)))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
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


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; "
            ".ci/run does) or set BRIEFLOW_SKIP_BROWSER=1 to skip the browser tests",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "playwright is missing: pip install -e '.[test]' (or BRIEFLOW_SKIP_BROWSER=1)",
            pytrace=False,
        )
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh user-data-dir
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1400, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser_context):
    p = browser_context.new_page()
    p.set_default_timeout(15_000)
    yield p
    p.close()


def submit_text(page, server: str, text: str) -> None:
    page.goto(f"{server}/")
    page.fill("#text", text)
    with page.expect_navigation():
        page.click("#submit")
    assert "/briefs/" in page.url, page.content()[:2000]


def test_submit_see_brief_click_citation(page, server: str, tmp_path: Path) -> None:
    submit_text(page, server, (EXAMPLES / "en-chip-export.txt").read_text(encoding="utf-8"))
    assert page.inner_text("h1") == "Chipmakers Brace for Tighter Export Rules as Orders Slow"
    assert page.inner_text("#checks-state") == "checks passed"
    assert page.locator(".viewpoint").inner_text().startswith("Core Viewpoint")
    # The last citation of the brief points far down the source column.
    cite = page.locator(".summary a.cite").last
    target = cite.get_attribute("data-target")
    number = int(target.removeprefix("p"))
    para = page.locator(f"#{target}")
    assert para.inner_text().startswith(f"[{number}]")
    assert para.evaluate("e => getComputedStyle(e).backgroundColor") != HIGHLIGHT
    cite.click()
    page.mouse.move(0, 0)  # hover lights too; move away so only the click's light remains
    assert para.evaluate("e => e.classList.contains('picked')")
    assert para.evaluate("e => getComputedStyle(e).backgroundColor") == HIGHLIGHT
    others = page.locator(".source li.picked")
    assert others.count() == 1
    # scrolled into view inside the source column
    box = para.bounding_box()
    column = page.locator(".brief .source").bounding_box()
    assert box and column
    assert (
        column["y"] <= box["y"]
        and box["y"] + min(box["height"], 50) <= column["y"] + column["height"]
    )
    assert page.url.endswith(f"#{target}")
    # hovering another citation lights its paragraph while the pointer is on it
    first = page.locator(".summary a.cite").first
    first_para = page.locator("#" + first.get_attribute("data-target"))
    first.hover()
    assert first_para.evaluate("e => e.classList.contains('lit')")
    page.mouse.move(0, 0)
    assert not first_para.evaluate("e => e.classList.contains('lit')")
    # the seed's text layout is on the page too
    page.click("#text-layout summary")
    assert page.inner_text("pre.layout").startswith(
        "Chipmakers Brace for Tighter Export Rules as Orders Slow\n"
        "Harbor Business Daily·2026-02-10 14:05\n\nCore Viewpoint - "
    )
    page.click("#text-layout summary")
    page.evaluate("window.scrollTo(0, 0)")
    page.locator(".summary a.cite").nth(3).click()  # a paragraph mid-column, for the picture
    page.mouse.move(0, 0)
    shot = tmp_path / "brief.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if SCREENSHOT:
        shutil.copyfile(shot, SCREENSHOT)


def test_hostile_text_stays_text(page, server: str) -> None:
    submit_text(page, server, HOSTILE)
    assert page.evaluate("window.__pwned") is None
    assert page.inner_text("h1") == "Harbour vote <script>window.__pwned = 1</script>"
    assert page.locator("img").count() == 0
    assert '"><img src=x onerror="window.__pwned = 2">' in page.inner_text(".source")
    page.goto(f"{server}/briefs")
    assert page.evaluate("window.__pwned") is None
    assert "Harbour vote <script>" in page.inner_text("#brief-list")


def test_list_search_in_chinese(page, server: str) -> None:
    submit_text(page, server, (EXAMPLES / "zh-battery-prices.txt").read_text(encoding="utf-8"))
    assert page.locator(".viewpoint").inner_text().startswith("核心观点")
    page.goto(f"{server}/briefs")
    page.fill("input[name=q]", "碳酸锂")
    with page.expect_navigation():
        page.click("#filters button")
    rows = page.locator("#brief-list tbody tr")
    assert rows.count() == 1
    assert "锂价跌回三年前" in rows.first.inner_text()
    with page.expect_navigation():
        rows.first.locator("a").click()
    assert page.inner_text("h1") == "锂价跌回三年前 电池厂商加速洗牌"
