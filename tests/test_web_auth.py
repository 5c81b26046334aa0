"""API tokens: `brieflow tokens`, and a server that asks for them (401/403/429 as JSON), on
SQLite and PostgreSQL (`db` in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from brieflow.cli import main
from brieflow.errors import ConfigError, InputError
from brieflow.store import tokens
from brieflow.store.open import open_store
from brieflow.web.auth import Buckets

from .conftest import backend, sql
from .test_web_api import make_client

TEXT = "Test title\n\nThe first paragraph says something.\n\nThe second one adds more detail."


def test_tokens_cli_stores_only_a_hash(db: Path | str, capsys) -> None:
    assert main(["tokens", "create", "alice", "--rate", "5", "--db", str(db)]) == 0
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("bf_") and len(secret) > 40
    # only its SHA-256 is stored (and its first 10 characters, to tell tokens apart)
    assert [(n, p, h) for n, p, h in sql(db, "SELECT name, prefix, hash FROM tokens")] == [
        ("alice", secret[:10], tokens.digest(secret))
    ]
    if backend(db) == "sqlite":  # nowhere in the file either (a page freed by SQLite, say)
        assert secret not in Path(db).read_bytes().decode("latin-1")
    assert main(["tokens", "list", "--db", str(db)]) == 0
    line = capsys.readouterr().out
    assert line.startswith("1\talice\t" + secret[:10] + "…\t5/min\t") and "active" in line
    assert main(["tokens", "revoke", "alice", "--db", str(db)]) == 0
    assert main(["tokens", "list", "--db", str(db)]) == 0
    assert "revoked 20" in capsys.readouterr().out
    assert main(["tokens", "revoke", "bob", "--db", str(db)]) == 6
    with open_store(db) as store, pytest.raises(InputError, match="name"):
        tokens.create(store, "  ")


def test_the_server_asks_for_a_token(tmp_path: Path, db: Path | str) -> None:
    client = make_client(tmp_path, db=db, require_token=True)
    with open_store(db) as store:
        _, good = tokens.create(store, "desk", rate=3)
        _, poster = tokens.create(store, "poster")
        _, gone = tokens.create(store, "old")
        tokens.revoke(store, "old")
    assert client.get("/healthz").status_code == 200  # open for load balancers
    none = client.get("/api/briefs")
    assert none.status_code == 401 and none.json()["error"]["type"] == "Unauthorized"
    assert none.headers["www-authenticate"] == "Bearer"
    assert client.get("/", headers={"accept": "text/html"}).status_code == 401  # pages too
    bad = client.get("/api/briefs", headers={"Authorization": "Bearer bf_nope"})
    assert bad.status_code == 401 and "unknown" in bad.json()["error"]["message"]
    revoked = client.get("/api/briefs", headers={"Authorization": f"Bearer {gone}"})
    assert revoked.status_code == 403 and revoked.json()["error"]["type"] == "Forbidden"
    auth = {"Authorization": f"Bearer {good}"}
    # (another token: a first brief may take seconds, which would refill some of desk's budget)
    made = client.post(
        "/api/briefs", json={"text": TEXT}, headers={"Authorization": f"Bearer {poster}"}
    )
    assert made.status_code in (200, 201), made.text
    assert client.get("/api/briefs", headers=auth).status_code == 200
    # a browser: ?token= once sets a cookie and leaves the address bar
    hop = client.get(f"/?token={good}", follow_redirects=False)
    assert hop.status_code == 303 and hop.headers["location"] == "/"
    assert "httponly" in hop.headers["set-cookie"].lower()
    assert client.get("/", headers={"accept": "text/html"}).status_code == 200
    over = client.get("/api/briefs", headers=auth)  # the 4th request of a burst, at 3 a minute
    # (kept in the database, shared by every server process: brieflow/store/tokens.py take)
    assert over.status_code == 429 and over.json()["error"]["type"] == "TooManyRequests"
    # a token every 20 s: 20 s less the time the burst took (seconds on a busy machine)
    assert 0 < int(over.headers["retry-after"]) <= 20


def test_token_buckets_refill_at_the_rate() -> None:
    now = [0.0]
    buckets = Buckets(clock=lambda: now[0])
    assert [buckets.take(1, 2) for _ in range(3)] == [0.0, 0.0, 30.0]
    assert buckets.take(2, 2) == 0.0  # per token
    now[0] = 30.0
    assert buckets.take(1, 2) == 0.0 and buckets.take(1, 2) == 30.0


def test_serve_off_loopback_needs_a_token_or_a_loud_no_auth(db: Path | str, capsys) -> None:
    from brieflow.commands.serve import needs_tokens

    assert needs_tokens("127.0.0.1", False, db) is False
    with pytest.raises(ConfigError, match="needs API tokens and the database has none"):
        needs_tokens("0.0.0.0", False, db)
    assert needs_tokens("0.0.0.0", True, db) is False
    assert "WARNING: --no-auth" in capsys.readouterr().err
    with open_store(db) as store:
        tokens.create(store, "desk")
    assert needs_tokens("0.0.0.0", False, db) is True
