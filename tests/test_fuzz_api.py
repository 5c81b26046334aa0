"""Schema-driven fuzzing of the JSON API (schemathesis): every operation of /openapi.json with
generated valid and invalid requests, a few hundred in all, from a fixed seed. No request may
get a 500 (an error the app did not mean)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from brieflow.config import Settings
from brieflow.web import WebSettings, create_app

# Briefs in threads: the same code as in worker processes, and a crash surfaces as a 500.
_DB = Path(tempfile.mkdtemp(prefix="brieflow-fuzz-")) / "api.db"
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    create_app(WebSettings(db=_DB, workers="thread", settings=Settings(fetch_retries=0))),
)


@schema.parametrize()
@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_is_a_500(case) -> None:  # noqa: ANN001
    """502/503/504 are answers the API documents (a URL or engine failed, a deadline passed);
    500 is a crash."""
    response = case.call()
    assert response.status_code != 500, f"{case.as_curl_command()}\n{response.text}"
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.split(";")[0] in (
        "application/json",
        "text/markdown",
        "text/plain",
    )
