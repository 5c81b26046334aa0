"""The URL path against a real HTTP server on loopback (no other network)."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest

from brieflow import fetch as fetch_module
from brieflow.config import Settings
from brieflow.errors import FetchError
from brieflow.extract import extract
from brieflow.fetch import fetch, fetch_bytes, is_public_address
from brieflow.pipeline import load

sys.path.insert(0, str(Path(__file__).parent))
from httpserver import PAGE, Handler, Server  # noqa: E402

FAST = Settings(fetch_timeout=0.5, fetch_retries=0, fetch_max_bytes=50_000)


def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"unexpected sleep({seconds})")


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    # A test that retries passes its own `sleep`; any other wait is a test that really sleeps.
    monkeypatch.setitem(fetch_module.fetch.__kwdefaults__, "sleep", _no_sleep)


@pytest.fixture(scope="module")
def base() -> str:
    with Server() as url:
        yield url


def test_fetch_utf8_page_records_charset_and_url(base: str) -> None:
    got = fetch(f"{base}/utf8", FAST)
    assert got.status == 200
    assert got.content_type == "text/html"
    assert got.charset == "utf-8"
    assert got.url == f"{base}/utf8"


def test_url_to_article_keeps_url_and_text(base: str) -> None:
    [article] = load(f"{base}/utf8", settings=FAST)
    assert article.title == "测试页面"
    assert article.url == f"{base}/utf8"
    assert [p.text for p in article.paragraphs] == [
        "第一段正文内容，用于测试抓取和解码是否正确。",
        "第二段正文内容，包含数字3.5%和日期。",
    ]


def test_big5_page_decodes(base: str) -> None:
    [article] = load(f"{base}/big5-label", settings=FAST)
    assert article.title == "測試頁面"
    assert article.paragraphs[0].text == "第一段正文內容，用於測試抓取和解碼是否正確。"


@pytest.mark.parametrize("path", ["/gbk-nocharset", "/gbk-wrongcharset", "/notype"])
def test_missing_or_wrong_http_charset_decodes_without_mojibake(base: str, path: str) -> None:
    [article] = load(f"{base}{path}", settings=FAST)
    assert article.title == "测试页面"
    assert article.paragraphs[0].text == "第一段正文内容，用于测试抓取和解码是否正确。"


def test_redirects_are_followed_and_final_url_kept(base: str) -> None:
    data = fetch_bytes(f"{base}/redirect/3", FAST)
    assert data.url == f"{base}/utf8"  # type: ignore[attr-defined]
    assert next(extract(data, f"{base}/redirect/3")).article.url == f"{base}/utf8"


def test_redirect_cap(base: str) -> None:
    settings = Settings(fetch_timeout=0.5, fetch_retries=0, fetch_max_redirects=2)
    with pytest.raises(FetchError, match=r"too many redirects \(more than 2\)"):
        fetch(f"{base}/redirect/3", settings)
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(f"{base}/loop", settings)


def test_redirect_to_other_scheme_refused(base: str) -> None:
    with pytest.raises(FetchError, match="refusing the 'file' scheme"):
        fetch(f"{base}/to-file", FAST)


def test_non_http_scheme_refused() -> None:
    with pytest.raises(FetchError, match="refusing the 'ftp' scheme"):
        fetch("ftp://127.0.0.1/x", FAST)


def test_timeout_is_a_fetch_error(base: str) -> None:
    with pytest.raises(FetchError, match=r"timed out after 0.5 s \(gave up after 1 attempts\)"):
        fetch(f"{base}/slow", FAST)


def test_oversize_declared_body_refused(base: str) -> None:
    with pytest.raises(FetchError, match="999,999,999 bytes, more than the 50,000 allowed"):
        fetch(f"{base}/big-declared", FAST)


def test_oversize_streamed_body_refused_while_streaming(base: str) -> None:
    with pytest.raises(FetchError, match="larger than the 50,000 bytes allowed"):
        fetch(f"{base}/stream-big", FAST)


def test_wrong_content_type_refused(base: str) -> None:
    with pytest.raises(FetchError, match="the server sent 'image/png', not an article or feed"):
        fetch(f"{base}/image", FAST)


def test_404_named(base: str) -> None:
    with pytest.raises(FetchError) as info:
        fetch(f"{base}/missing", FAST)
    assert info.value.line().startswith(f"{base}/missing: HTTP 404 Not Found")
    assert info.value.exit_code == 3


def test_500_retried_then_named(base: str) -> None:
    settings = Settings(fetch_timeout=0.5, fetch_retries=2)
    sleeps: list[float] = []
    with pytest.raises(FetchError, match=r"HTTP 500 Internal Server Error \(gave up after 3"):
        fetch(f"{base}/always500", settings, sleep=sleeps.append)
    assert Handler.hits["/always500"] == 3
    assert sleeps == [0.5, 1.0]  # backoff doubling from BACKOFF_SECONDS


@pytest.mark.parametrize("header, waits", [("7", [7.0, 7.0]), ("3600", [10.0, 10.0])])
def test_retry_after_is_honoured_up_to_the_cap(
    base: str, monkeypatch: pytest.MonkeyPatch, header: str, waits: list[float]
) -> None:
    path = f"/busy-{header}"
    monkeypatch.setitem(Handler.routes, path, (429, {"Retry-After": header}, b"slow down"))
    sleeps: list[float] = []
    with pytest.raises(FetchError, match=r"HTTP 429 Too Many Requests \(gave up after 3"):
        fetch(f"{base}{path}", Settings(fetch_timeout=0.5, fetch_retries=2), sleep=sleeps.append)
    assert sleeps == waits


def test_503_then_success_is_retried(base: str) -> None:
    sleeps: list[float] = []
    got = fetch(f"{base}/flaky", Settings(fetch_timeout=0.5, fetch_retries=1), sleep=sleeps.append)
    assert got.status == 200 and sleeps == [0.5]
    assert Handler.hits["/flaky"] == 2


def test_block_private_refuses_loopback(base: str) -> None:
    settings = Settings(fetch_timeout=0.5, fetch_retries=0, block_private=True)
    with pytest.raises(FetchError, match="127.0.0.1 resolves to 127.0.0.1, a private or local"):
        fetch(f"{base}/utf8", settings)
    with pytest.raises(FetchError, match="localhost resolves to"):
        fetch(base.replace("127.0.0.1", "localhost") + "/utf8", settings)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00:ec2::254", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
    ],
)
def test_public_address_rules(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_block_private_also_checks_at_connect_time(
    base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if DNS had answered with a public address when the URL was checked and with a
    # loopback one when the socket connects (DNS rebinding): the connection is still refused.
    monkeypatch.setattr(fetch_module, "_check_url", lambda current, original, block: None)
    settings = Settings(fetch_timeout=0.5, fetch_retries=0, block_private=True)
    with pytest.raises(FetchError, match="resolves to 127.0.0.1, a private or local address"):
        fetch(f"{base}/utf8", settings)


def test_timeouts_are_retried(base: str) -> None:
    Handler.hits.pop("/slow", None)
    with pytest.raises(FetchError, match=r"timed out after 0.5 s \(gave up after 2 attempts\)"):
        fetch(f"{base}/slow", Settings(fetch_timeout=0.5, fetch_retries=1), sleep=lambda s: None)
    assert Handler.hits["/slow"] == 2


def test_connection_refused_is_named() -> None:
    with pytest.raises(FetchError, match=r"^http://127.0.0.1:9/x: cannot connect"):
        fetch("http://127.0.0.1:9/x", FAST)


def test_broken_compressed_body_is_a_fetch_error(base: str) -> None:
    with pytest.raises(FetchError, match="cannot fetch: "):
        fetch(f"{base}/bad-gzip", FAST)


def _gzip_of_zeros(size: int, layers: int) -> bytes:
    """`size` zero bytes gzipped `layers` times, compressed as they are made (no big buffer)."""
    import zlib

    z = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * 1_000_000
    body = b"".join(z.compress(block) for _ in range(size // len(block))) + z.flush()
    for _ in range(layers - 1):
        body = gzip.compress(body, 9)
    return body


def test_nested_gzip_bomb_trips_the_cap_while_decoding(base: str) -> None:
    """`Content-Encoding: gzip, gzip`: a few kB that inflate to 300 MB. Every layer is counted
    as it is decoded, so the cap trips after about the cap's size, not after inflating it all."""
    import tracemalloc

    body = _gzip_of_zeros(300_000_000, 2)
    assert len(body) < 20_000
    Handler.routes["/bomb"] = (
        200, {"Content-Type": "text/html", "Content-Encoding": "gzip, gzip"}, body
    )  # fmt: skip
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="larger than the 50,000 bytes allowed"):
            fetch(f"{base}/bomb", FAST)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000, f"{peak:,} bytes held while decoding"


def test_nested_and_deflate_encodings_decode(base: str) -> None:
    import zlib

    page = PAGE.encode()
    Handler.routes["/gz2"] = (
        200,
        {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip, gzip"},
        gzip.compress(gzip.compress(page)),
    )
    Handler.routes["/deflate"] = (
        200,
        {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "deflate"},
        zlib.compress(page),
    )
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    Handler.routes["/raw-deflate"] = (
        200,
        {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "deflate"},
        raw.compress(page) + raw.flush(),
    )
    for path in ("/gz2", "/deflate", "/raw-deflate"):
        assert fetch(f"{base}{path}", FAST).content == page, path
    Handler.routes["/br"] = (
        200, {"Content-Type": "text/html", "Content-Encoding": "compress"}, b"xx"
    )  # fmt: skip
    with pytest.raises(FetchError, match="'compress' encoding"):
        fetch(f"{base}/br", FAST)
