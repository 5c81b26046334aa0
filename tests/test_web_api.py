"""The web app in-process (Starlette's TestClient): API, pages, errors and safety layers.

What reads or writes the store runs on SQLite and on PostgreSQL (`client` and `thread_client`
take `db` from tests/conftest.py); what is answered before the store is touched (validation,
refused URLs, size caps, headers) runs on SQLite only (`edge_client`): the backend cannot change
it."""

from __future__ import annotations

import re
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

from brieflow import pipeline
from brieflow.engines import BUILTIN, BriefOptions
from brieflow.models import Article, Brief, Viewpoint
from brieflow.render import get_renderer
from brieflow.store.open import open_store

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from brieflow.config import Settings  # noqa: E402
from brieflow.web import WebSettings, create_app  # noqa: E402

from .conftest import EXAMPLES, FIXTURES, backend  # noqa: E402
from .httpserver import Handler, Server  # noqa: E402

EN = (EXAMPLES / "en-chip-export.txt").read_text(encoding="utf-8")
ZH = (EXAMPLES / "zh-battery-prices.txt").read_text(encoding="utf-8")

SCRIPT = "<script>document.title='pwned'</script>"
ATTR = '"><img src=x onerror="document.title=1">'
HOSTILE = (
    f"Breaking {SCRIPT} news\n\n"
    f"The council voted on Tuesday {ATTR} to approve the new harbour budget of 12 million.\n\n"
    f"Members said the {SCRIPT} plan would take three years and create two hundred jobs.\n\n"
    "Critics argued that the cost estimate was too low and asked for an independent review."
)


def make_client(tmp_path: Path, **kw) -> TestClient:
    """A client of an app on `db=` (a SQLite path or a postgresql:// URL; by default a SQLite
    file in tmp_path)."""
    kw.setdefault("db", tmp_path / "web.db")
    app = create_app(WebSettings(**kw))
    assert app.state.service.store.backend == backend(kw["db"])
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def client(tmp_path: Path, db: Path | str):
    with make_client(tmp_path, db=db) as c:
        yield c


@pytest.fixture
def thread_client(tmp_path: Path, db: Path | str):
    """Briefs in the server's threads: for tests that patch brieflow in this process (fake
    engines, fake DNS), which worker processes would not see."""
    with make_client(tmp_path, db=db, workers="thread") as c:
        yield c


@pytest.fixture
def edge_client(tmp_path: Path):
    """SQLite only: for requests answered before the store is read or written."""
    with make_client(tmp_path) as c:
        yield c


@pytest.fixture
def edge_thread_client(tmp_path: Path):
    with make_client(tmp_path, workers="thread") as c:
        yield c


def post(client: TestClient, **body) -> dict:
    r = client.post("/api/briefs", json=body)
    assert r.status_code == 201, r.text
    return r.json()


# -- the API ------------------------------------------------------------------------------------


def test_post_text_returns_the_pipeline_brief_with_ids(client: TestClient) -> None:
    data = post(client, text=EN)
    article = pipeline.load(str(EXAMPLES / "en-chip-export.txt"))[0]
    expected = pipeline.brief(article)
    assert data["schema"] == "brieflow.brief/1"
    assert data["brief_id"] == 1
    assert data["id"] == data["article"]["id"] == article.id  # content hash of the text
    assert data["article"]["title"] == "Chipmakers Brace for Tighter Export Rules as Orders Slow"
    assert data["article"]["source"] == "Harbor Business Daily"
    assert data["article"]["published"] == "2026-02-10 14:05"
    assert data["core_viewpoint"] == expected.to_dict()["core_viewpoint"]
    assert data["groups"] == expected.to_dict()["groups"]
    assert data["checks"]["passed"] is True
    assert data["links"]["page"] == "/briefs/1"


def test_location_header_and_get_by_number(client: TestClient) -> None:
    r = client.post("/api/briefs", json={"text": EN})
    assert r.headers["location"] == "/api/briefs/1"
    got = client.get("/api/briefs/1")
    assert got.status_code == 200
    assert got.json()["core_viewpoint"] == r.json()["core_viewpoint"]


def test_equal_brief_is_returned_not_recomputed(client: TestClient, db: Path | str) -> None:
    first = post(client, text=EN)
    again = post(client, text=EN)
    assert again["brief_id"] == first["brief_id"]
    other = post(client, text=EN, options={"groups": 2, "points": 2})
    assert other["brief_id"] == 2
    assert len(other["groups"]) <= 2
    assert all(len(g["points"]) <= 2 for g in other["groups"])
    with open_store(db) as store:
        assert store.counts()["articles"] == 1
        assert store.counts()["briefs"] == 2


def test_markdown_and_text_variants_match_the_renderers(client: TestClient) -> None:
    post(client, text=ZH)
    article = pipeline.load(str(EXAMPLES / "zh-battery-prices.txt"))[0]
    brief = pipeline.brief(article)
    md = client.get("/api/briefs/1.md")
    assert md.headers["content-type"] == "text/markdown; charset=utf-8"
    txt = client.get("/api/briefs/1.txt")
    assert txt.headers["content-type"] == "text/plain; charset=utf-8"
    # The stored article is named by its content hash, like the loaded one.
    assert txt.text == get_renderer("text").render(brief, article) + "\n"
    assert md.text == get_renderer("markdown").render(brief, article) + "\n"
    assert txt.text.startswith(
        "锂价跌回三年前 电池厂商加速洗牌\n财经观察·2026-03-18 09:30\n\n核心观点"
    )


def test_post_html(client: TestClient) -> None:
    page = (FIXTURES / "html" / "bbc.html").read_bytes().decode("utf-8")
    data = post(client, html=page)
    art = client.get(f"/api/articles/{data['id']}").json()
    loaded = pipeline.load(str(FIXTURES / "html" / "bbc.html"))[0]
    assert art["title"] == loaded.title
    assert [p["text"] for p in art["paragraphs"]] == [p.text for p in loaded.paragraphs]


def test_post_article_object_and_read_the_article(client: TestClient) -> None:
    body = {
        "title": "Harbour budget approved",
        "source": "Port Gazette",
        "published": "2025-04-02 08:15",
        "lang": "en",
        "paragraphs": [
            "The city council approved a harbour budget of 12 million on Tuesday.",
            "The money pays for new cranes and a longer pier, officials said.",
            "Work starts in June and should end within three years.",
        ],
    }
    data = post(client, article=body, lang="en")
    assert data["article"]["title"] == "Harbour budget approved"
    art = client.get(f"/api/articles/{data['id']}")
    assert art.status_code == 200
    got = art.json()
    assert got["schema"] == "brieflow.article/1"
    assert [(p["number"], p["text"]) for p in got["paragraphs"]] == [
        (i, t) for i, t in enumerate(body["paragraphs"], start=1)
    ]
    assert got["briefs"] == [
        {"brief_id": 1, "engine": "extractive", "language": "en", "passed": True,
         "link": "/api/briefs/1"}
    ]  # fmt: skip
    assert client.get(f"/api/articles/{data['id'][:6]}").json()["id"] == data["id"]


def test_list_search_chinese_and_english_with_filters(client: TestClient) -> None:
    post(client, text=EN)
    post(client, text=ZH)
    post(client, text=HOSTILE)

    def ids(**params) -> list[str]:
        r = client.get("/api/briefs", params=params)
        assert r.status_code == 200, r.text
        return [b["article"]["title"] for b in r.json()["briefs"]]

    zh_title = "锂价跌回三年前 电池厂商加速洗牌"
    en_title = "Chipmakers Brace for Tighter Export Rules as Orders Slow"
    assert ids(q="碳酸锂") == [zh_title]  # three characters: the trigram index
    assert ids(q="锂价") == [zh_title]  # two characters: the scan
    assert ids(q="储能 工信部") == [zh_title]
    assert ids(q="export") == [en_title]
    assert ids(q="export 碳酸锂") == []
    assert ids(lang="zh") == [zh_title]
    assert sorted(ids(lang="en"))[0] == "Breaking <script>document.title='pwned'</script> news"
    assert len(ids()) == 3
    assert ids(passed="false") == []
    assert ids(engine="llm") == []
    assert ids(source="财经观察") == [zh_title]
    assert ids(since="2026-03-01") == [zh_title]
    assert ids(until="2026-02-28") == [en_title]
    bad = client.get("/api/briefs", params={"since": "yesterday-ish"})
    assert bad.status_code == 400
    assert bad.json()["error"]["type"] == "InputError"


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "kind"),
    [
        ({}, 422, "ValidationError"),
        ({"text": "a", "url": "http://x"}, 422, "ValidationError"),
        ({"text": EN, "lang": "fr"}, 422, "ValidationError"),
        ({"text": EN, "options": {"groups": 9}}, 422, "ValidationError"),
        ({"text": EN, "surprise": 1}, 422, "ValidationError"),
        ({"text": "   \n\n  "}, 422, "EmptyArticle"),
        ({"text": EN, "engine": "nope"}, 400, "UnknownEngine"),
        ({"text": EN, "engine": "extractive", "lang": "zh"}, 422, "UnsupportedLanguage"),
        ({"article": {"title": "no text"}}, 422, "EmptyArticle"),
        ({"html": "<html><body><nav>menu</nav></body></html>"}, 422, "EmptyArticle"),
    ],
)
def test_errors_are_json_with_the_class_status(
    edge_client: TestClient, body: dict, status: int, kind: str
) -> None:
    r = edge_client.post("/api/briefs", json=body)
    assert r.status_code == status, r.text
    assert set(r.json()) == {"error"}
    assert r.json()["error"]["type"] == kind
    assert r.json()["error"]["message"]
    assert "Traceback" not in r.text


def test_not_json_body(edge_client: TestClient) -> None:
    r = edge_client.post(
        "/api/briefs", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422
    assert r.json()["error"]["type"] == "ValidationError"


def test_not_found(client: TestClient) -> None:
    assert client.get("/api/briefs/7").json() == {
        "error": {
            "type": "NotFound",
            "message": "no brief number 7 (see the list of briefs at /briefs)",
        }
    }
    assert client.get("/api/briefs/7").status_code == 404
    assert client.get("/api/briefs/7.md").status_code == 404
    assert client.get("/api/articles/abcdef0123").status_code == 404
    assert client.get("/nowhere").json()["error"]["type"] == "NotFound"
    page = client.get("/briefs/7", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "no brief number 7" in page.text
    assert page.headers["content-type"].startswith("text/html")


def test_an_unexpected_crash_is_a_plain_500(edge_client: TestClient, monkeypatch) -> None:
    client = edge_client

    def boom(self, number):  # noqa: ANN001
        raise RuntimeError("secret internals at /srv/app.py line 3")

    monkeypatch.setattr("brieflow.web.service.Service.brief", boom)
    for path in ("/api/briefs/1", "/briefs/1"):
        r = client.get(path)
        assert r.status_code == 500
        assert "secret" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text
    assert client.get("/api/briefs/1").json()["error"]["type"] == "InternalError"


def test_brief_deadline_gives_504(tmp_path: Path, monkeypatch) -> None:
    @dataclass
    class Sleepy:
        name: str = "sleepy"
        version: str = "1"

        def brief(self, article: Article, options: BriefOptions) -> Brief:
            time.sleep(0.6)
            return Brief(Viewpoint("slow.", (1,)), (), "en", self.name, self.version)

    monkeypatch.setitem(BUILTIN, "sleepy", lambda settings: Sleepy())
    with make_client(tmp_path, brief_timeout=0.2, workers="thread") as c:
        r = c.post("/api/briefs", json={"text": EN, "engine": "sleepy"})
        assert r.status_code == 504
        assert r.json()["error"]["type"] == "Timeout"
        assert r.json()["error"]["message"].startswith("briefing took longer than 0.2 s")


def test_failed_checks_are_shown_and_filterable(thread_client: TestClient, monkeypatch) -> None:
    client = thread_client

    @dataclass
    class Sloppy:  # cites a paragraph the article does not have
        name: str = "sloppy"
        version: str = "1"

        def brief(self, article: Article, options: BriefOptions) -> Brief:
            return Brief(Viewpoint("Chipmakers brace.", (99,)), (), "en", self.name, self.version)

    monkeypatch.setitem(BUILTIN, "sloppy", lambda settings: Sloppy())
    data = post(client, text=EN, engine="sloppy")
    assert data["checks"]["passed"] is False
    findings = [f for f in data["checks"]["findings"] if f["check"] == "range"]
    assert findings and findings[0]["where"] == "viewpoint"
    page = client.get(f"/briefs/{data['brief_id']}").text
    assert "checks failed" in page
    assert f"<strong>range</strong> · viewpoint: {findings[0]['message']}" in page
    failed = client.get("/api/briefs", params={"passed": "false"}).json()["briefs"]
    assert [b["brief_id"] for b in failed] == [data["brief_id"]]
    assert "sloppy" in client.get("/briefs", params={"passed": "no"}).text


# -- safety -------------------------------------------------------------------------------------


def test_request_size_cap(tmp_path: Path) -> None:
    with make_client(tmp_path, max_body_bytes=2000) as c:
        r = c.post("/api/briefs", json={"text": "x" * 3000})
        assert r.status_code == 413
        assert r.json()["error"]["type"] == "RequestTooLarge"

        def chunks():  # no Content-Length: counted as it arrives
            for _ in range(10):
                yield b"y" * 500

        r = c.post("/api/briefs", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413
        r = c.post("/briefs", files={"file": ("a.txt", b"z" * 5000)})
        assert r.status_code == 413
        assert c.post("/api/briefs", json={"text": EN[:1500]}).status_code == 201


def test_article_text_is_escaped_everywhere(client: TestClient) -> None:
    data = post(client, text=HOSTILE)
    pages = [
        client.get(f"/briefs/{data['brief_id']}").text,
        client.get("/briefs").text,
        client.get("/briefs", params={"q": "harbour"}).text,
        # the form, shown again with the error and what was typed
        client.post("/briefs", data={"text": HOSTILE, "url": "http://x.test/"}).text,
    ]
    for page in pages:
        assert "<script>document" not in page
        assert "<img" not in page
        assert "&lt;script&gt;document.title=" in page
    brief_page = pages[0]
    assert "&#34;&gt;&lt;img src=x onerror=&#34;document.title=1&#34;&gt;" in brief_page or (
        "&quot;&gt;&lt;img src=x onerror=&quot;document.title=1&quot;&gt;" in brief_page
    )
    scripts = re.findall(r"<script[^>]*>", brief_page)
    assert scripts == ['<script src="/static/render.js">', '<script src="/static/web.js">']


def test_pages_use_only_local_assets_and_a_strict_csp(edge_client: TestClient) -> None:
    client = edge_client
    post(client, text=EN)
    for path in ("/", "/briefs", "/briefs/1", "/docs"):
        r = client.get(path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        refs = re.findall(r'(?:src|href)="([^"]+)"', r.text)
        assert refs, path
        assert [u for u in refs if not u.startswith(("/", "#"))] == [], path
    for asset in ("/static/render.css", "/static/render.js", "/static/web.css", "/static/web.js"):
        assert client.get(asset).status_code == 200


def test_openapi_json_and_local_docs(edge_client: TestClient) -> None:
    client = edge_client
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "brieflow"
    assert set(spec["paths"]) >= {
        "/api/briefs",
        "/api/briefs/{number}",
        "/api/briefs/{number}.md",
        "/api/briefs/{number}.txt",
        "/api/articles/{ref}",
        "/healthz",
    }
    assert "201" in spec["paths"]["/api/briefs"]["post"]["responses"]
    docs = client.get("/docs").text
    assert "POST</span> <code>/api/briefs</code>" in docs
    assert "cdn" not in docs.lower()
    assert client.get("/redoc").status_code == 404


def test_healthz(client: TestClient) -> None:
    store = client.app.state.service.store  # type: ignore[attr-defined]
    assert client.get("/healthz").json() == {
        "status": "ok",
        "schema_version": store.latest_schema_version,
    }
    assert store.schema_version == store.latest_schema_version


def test_host_check_refuses_other_names(tmp_path: Path) -> None:
    with make_client(tmp_path, allowed_hosts=("127.0.0.1", "localhost")) as c:
        assert c.get("/healthz", headers={"host": "127.0.0.1:8000"}).status_code == 200
        assert c.get("/healthz", headers={"host": "rebound.example"}).status_code == 400


def test_cross_origin_posts_are_refused(edge_client: TestClient) -> None:
    client = edge_client
    evil = {"origin": "http://attacker.example", "host": "testserver"}
    r = client.post("/api/briefs", json={"text": EN}, headers=evil)
    assert r.status_code == 403
    assert r.json()["error"]["type"] == "CrossOrigin"
    assert client.post("/briefs", data={"text": EN}, headers=evil).status_code == 403
    sandboxed = {"origin": "null", "host": "testserver"}
    assert client.post("/briefs", data={"text": EN}, headers=sandboxed).status_code == 403
    same = {"origin": "http://testserver", "host": "testserver"}
    r = client.post("/briefs", data={"text": EN}, headers=same, follow_redirects=False)
    assert r.status_code == 303


# -- URLs ---------------------------------------------------------------------------------------


@pytest.fixture
def literal_dns(monkeypatch):
    """IP literals resolve to themselves (as real DNS does), names still refuse: offline."""
    import socket

    real = socket.getaddrinfo

    def literal(host, port=None, *args, **kw):  # noqa: ANN001
        if host and re.fullmatch(r"[\d.]+|[0-9a-f:]+", str(host)) and not host.startswith("127."):
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (host, port or 80))]
        return real(host, port, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", literal)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "/etc/passwd",
        "ftp://example.com/a.html",
        "javascript:alert(1)",
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://[::1]/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/internal",
        "http://192.168.1.1/",
        "http://metadata.google.internal/computeMetadata/v1/",
    ],
)
def test_refused_urls_are_400(edge_client: TestClient, literal_dns, url: str) -> None:
    r = edge_client.post("/api/briefs", json={"url": url})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["type"] == "RefusedURL"


@pytest.fixture
def public_loopback(monkeypatch, literal_dns):
    """A loopback test server that the guard takes for a public host named news.test, so that
    redirects from it to private addresses can be tested offline."""
    from brieflow import fetch

    real = fetch.resolve_public

    def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.1"] if host == "news.test" else real(host, port)

    monkeypatch.setattr(fetch, "resolve_public", resolve)
    with Server() as base:
        port = base.rsplit(":", 1)[1]
        Handler.routes["/to-private"] = (302, {"Location": f"{base}/utf8"}, b"")
        Handler.routes["/to-metadata"] = (302, {"Location": "http://169.254.169.254/"}, b"")
        yield f"http://news.test:{port}"


def test_public_url_is_fetched_and_briefed(thread_client: TestClient, public_loopback: str) -> None:
    client = thread_client

    data = post(client, url=f"{public_loopback}/utf8")
    assert data["article"]["title"] == "测试页面"
    assert data["article"]["url"] == f"{public_loopback}/utf8"
    assert data["language"] == "zh"


@pytest.mark.parametrize("path", ["/to-private", "/to-metadata", "/to-file"])
def test_redirects_to_private_or_other_schemes_are_400(
    edge_thread_client: TestClient, public_loopback: str, path: str
) -> None:
    client = edge_thread_client

    r = client.post("/api/briefs", json={"url": f"{public_loopback}{path}"})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["type"] == "RefusedURL"
    assert "redirected to" in r.json()["error"]["message"]


def test_fetch_timeout_is_a_502(tmp_path: Path, public_loopback: str) -> None:
    settings = Settings(fetch_timeout=0.3, fetch_retries=0)
    with make_client(tmp_path, settings=settings, workers="thread") as c:
        r = c.post("/api/briefs", json={"url": f"{public_loopback}/slow"})
        assert r.status_code == 502
        assert "timed out after 0.3 s" in r.json()["error"]["message"]


def test_pasted_feed_of_many_items_is_refused_before_any_link_is_fetched(
    edge_thread_client: TestClient, public_loopback: str
) -> None:
    thread_client = edge_thread_client
    items = "".join(
        f"<item><title>Story {i}</title><link>{public_loopback}/utf8?{i}</link></item>"
        for i in range(30)
    )
    feed = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
    )
    html = {"accept": "text/html"}
    r = thread_client.post("/briefs", data={"text": feed}, headers=html)
    assert r.status_code == 400
    assert "&lt;paste&gt;: the input holds 30 articles, not one" in r.text
    r = thread_client.post("/briefs", files={"file": ("news.xml", feed.encode())}, headers=html)
    assert r.status_code == 400
    assert "news.xml: the input holds 30 articles, not one" in r.text
    assert not any(path.startswith("/utf8") for path in Handler.hits), Handler.hits


# -- the form -----------------------------------------------------------------------------------


def test_form_paste_redirects_to_the_brief_page(client: TestClient) -> None:
    r = client.post("/briefs", data={"text": ZH, "lang": "", "engine": "extractive"},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert r.headers["location"] == "/briefs/1"
    page = client.get("/briefs/1").text
    assert '<html lang="zh-CN">' in page
    assert "锂价跌回三年前 电池厂商加速洗牌" in page
    assert 'id="p1"' in page and 'data-target="p1"' in page
    assert "核心观点" in page
    assert "checks passed" in page


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("page.html", FIXTURES / "html" / "sohu.html"),
        ("article.txt", EXAMPLES / "en-chip-export.txt"),
    ],
)
def test_form_upload(client: TestClient, name: str, path: Path) -> None:
    r = client.post(
        "/briefs", files={"file": (name, path.read_bytes())}, data={"text": "", "url": ""},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303, r.text
    data = client.get(r.headers["location"].replace("/briefs/", "/api/briefs/")).json()
    assert data["article"]["title"] == pipeline.load(str(path))[0].title


def test_form_upload_json(client: TestClient) -> None:
    body = b'{"title": "Pier", "text": "The pier opens in May.\\n\\nIt cost 3 million."}'
    r = client.post("/briefs", files={"file": ("a.json", body)}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/briefs/1").json()["article"]["title"] == "Pier"


def test_form_errors_show_on_the_form(edge_client: TestClient) -> None:
    client = edge_client
    r = client.post("/briefs", data={"text": ""})
    assert r.status_code == 400
    assert "give one input: paste text, choose a file, or enter a URL" in r.text
    r = client.post("/briefs", data={"url": "http://127.0.0.1:1/"})
    assert r.status_code == 400
    assert "private or local address" in r.text
    assert 'value="http://127.0.0.1:1/"' in r.text


def test_serve_binds_loopback_by_default() -> None:
    from brieflow.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.db) == ("127.0.0.1", 8000, None)
