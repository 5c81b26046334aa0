"""Issue 13 (defects 9, 15, 16, web side): odd requests get their documented status and a JSON
error that names no file path (nor database URL); the OpenAPI description says what the server
does. Requests that reach the store run on SQLite and PostgreSQL (`client`), those answered before
it on SQLite only (`edge_client`)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from brieflow.web import WebSettings, create_app  # noqa: E402

from .conftest import EXAMPLES, backend  # noqa: E402

EN = (EXAMPLES / "en-chip-export.txt").read_text(encoding="utf-8")


def make_client(where: Path | str, **kw) -> TestClient:
    app = create_app(WebSettings(db=where, **kw))
    assert app.state.service.store.backend == backend(where)
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def client(db: Path | str):
    """The app on `db` (tests/conftest.py): on SQLite a file in tmp_path, which must not show."""
    with make_client(db) as c:
        yield c


@pytest.fixture
def edge_client(tmp_path: Path):
    """SQLite only: for requests answered before the store is read or written."""
    with make_client(tmp_path / "secret-folder" / "web.db") as c:
        yield c


def _no_path(response, tmp_path: Path, db: Path | str | None = None) -> dict:
    """The error, which names neither the database's folder nor its URL."""
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"type", "message"}
    assert "secret-folder" not in response.text and str(tmp_path) not in response.text
    if db is not None and backend(db) == "postgresql":
        database = str(db).rsplit("/", 1)[1]
        assert database not in response.text and "127.0.0.1" not in response.text
    return body["error"]


@pytest.mark.parametrize(
    "path", ["/api/briefs/99999999999999999999999", "/api/briefs/99999999999999999999999.md"]
)
def test_a_huge_brief_number_is_404(client, tmp_path, db, path):
    r = client.get(path)
    assert r.status_code == 404
    assert _no_path(r, tmp_path, db)["type"] == "NotFound"


def test_an_unknown_article_is_404_without_the_database_path(client, tmp_path, db):
    r = client.get("/api/articles/nosuchid")
    assert r.status_code == 404
    assert "no article with id 'nosuchid'" in _no_path(r, tmp_path, db)["message"]


def test_a_2000_word_search_is_a_clean_400(client, tmp_path, db):
    r = client.get("/api/briefs", params={"q": " ".join(f"w{i}xyz" for i in range(2000))})
    assert r.status_code == 400
    assert "too many words" in _no_path(r, tmp_path, db)["message"]


@pytest.mark.parametrize("q", ["\x00", "chip\x00s", "\x00\x00 export"])
def test_a_nul_in_a_search_is_ignored(client, q):
    client.post("/api/briefs", json={"text": EN})
    r = client.get("/api/briefs", params={"q": q})
    assert r.status_code == 200
    assert r.json()["count"] == 1  # a NUL is a space: the other words still find the brief


def test_a_store_error_names_no_path(edge_client, tmp_path, monkeypatch):
    client = edge_client
    from brieflow.errors import StoreError
    from brieflow.web.service import Service

    def broken(self, *args, **kwargs):
        raise StoreError("database error: disk I/O error", source=str(tmp_path / "secret-folder"))

    monkeypatch.setattr(Service, "listing", broken)
    r = client.get("/api/briefs")
    assert r.status_code == 500
    assert _no_path(r, tmp_path)["message"].startswith("database error: disk I/O error")


@pytest.mark.parametrize("value", ["²", "٣", "1.0", "-1", "5", "9" * 30])
def test_form_groups_must_be_1_to_4(edge_client, value):
    r = edge_client.post(
        "/briefs",
        data={"text": EN, "groups": value, "points": "2"},
        headers={"accept": "text/html"},
        follow_redirects=False,
    )
    assert r.status_code == 400
    assert "groups must be a number from 1 to 4" in r.text


def test_llm_not_configured_is_503(edge_client, tmp_path):
    r = edge_client.post("/api/briefs", json={"text": EN, "engine": "llm"})
    assert r.status_code == 503
    assert _no_path(r, tmp_path)["type"] == "EngineNotConfigured"


@pytest.mark.parametrize("url", ["http://example.com:99999/a", "http:///a", "http://:80/a"])
def test_a_bad_port_or_missing_host_is_400(edge_client, url):
    r = edge_client.post("/api/briefs", json={"url": url})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["type"] == "RefusedURL"


def test_the_host_check_answers_json(tmp_path):
    with make_client(tmp_path / "secret-folder" / "web.db", allowed_hosts=("127.0.0.1",)) as c:
        r = c.get("/api/briefs", headers={"host": "rebound.example"})
    assert r.status_code == 400
    assert r.json()["error"]["type"] == "InvalidHost"


def test_the_markdown_media_type_matches_openapi(client):
    number = client.post("/api/briefs", json={"text": EN}).json()["brief_id"]
    r = client.get(f"/api/briefs/{number}.md")
    spec = client.get("/openapi.json").json()
    declared = spec["paths"]["/api/briefs/{number}.md"]["get"]["responses"]["200"]["content"]
    assert r.headers["content-type"].split(";")[0] in declared


def test_the_schema_says_exactly_one_input(edge_client, tmp_path):
    client = edge_client
    spec = client.get("/openapi.json").json()
    schema = spec["components"]["schemas"]["BriefRequest"]
    assert schema["oneOf"] == [{"required": [k]} for k in ("text", "html", "url", "article")]
    r = client.post("/api/briefs", json={})
    assert r.status_code == 422
    assert "give exactly one of text, html, url or article" in _no_path(r, tmp_path)["message"]


def test_a_crash_is_a_json_500_naming_no_path(edge_client, tmp_path, monkeypatch):
    client = edge_client
    from brieflow.web.service import Service

    def crash(self, *args, **kwargs):
        raise RuntimeError(f"boom in {tmp_path / 'secret-folder'}")

    monkeypatch.setattr(Service, "listing", crash)
    r = client.get("/api/briefs")
    assert r.status_code == 500
    assert _no_path(r, tmp_path)["type"] == "InternalError"


def test_a_nul_in_a_posted_article_is_stored(client, db):
    # PostgreSQL text cannot hold U+0000: this was a 500 there (stored as U+FFFD now)
    body = {
        "article": {
            "title": "Rates\u0000cut",
            "source": "Port\u0000Gazette",
            "paragraphs": [
                "Harbor Bank cut its lending rates on Monday by half a point.",
                "Shares rose after the cut was announced, traders said.",
            ],
        }
    }
    r = client.post("/api/briefs", json=body)
    assert r.status_code == 201, r.text
    got = client.get(f"/api/briefs/{r.json()['brief_id']}").json()["article"]
    kept = "\u0000" if backend(db) == "sqlite" else "\ufffd"
    assert (got["title"], got["source"]) == (f"Rates{kept}cut", f"Port{kept}Gazette")
