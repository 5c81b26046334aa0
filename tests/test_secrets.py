"""Issue 13, defects 14-15: keys and passwords never reach an error line, exports are safe to
open (no spreadsheet formulas, no raw HTML)."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest
from markdown_it import MarkdownIt

from brieflow.cli import main
from brieflow.config import Settings, load_settings
from brieflow.engines import BriefOptions
from brieflow.errors import EngineUnavailable
from brieflow.models import Article, Brief, KeyPoint, Theme, Viewpoint
from brieflow.render import get_renderer
from tests.llm_fakes import FakeServer, article, engine, good_brief

KEY = "sk-Secret-Key-0123456789abcdef"


def test_a_key_with_a_trailing_newline_is_stripped(tmp_path):
    assert Settings(llm_api_key=KEY + "\n").llm_api_key == KEY
    env = {"BRIEFLOW_CONFIG": "/dev/null", "OPENAI_API_KEY": f"  {KEY}\r\n"}
    assert load_settings(env=env).llm_api_key == KEY
    server = FakeServer(good_brief())
    engine(server, tmp_path, llm_api_key=KEY + "\n").brief(article(), BriefOptions())
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize(
    "echo",
    [
        f"invalid key {KEY}",
        f"invalid key {KEY.lower()}",  # a server that lower-cases what it quotes
        "x" * 185 + KEY,  # the key straddles the 200-character cut
        f"Illegal header value b'Bearer {KEY}\\n'",
    ],
)
def test_the_key_never_appears_in_an_error_line(tmp_path, echo):
    server = FakeServer(httpx.Response(500, json={"error": {"message": echo}}))
    eng = engine(server, tmp_path, llm_api_key=KEY, llm_max_retries=0)
    with pytest.raises(EngineUnavailable) as info:
        eng.brief(article(), BriefOptions())
    line = info.value.line()
    assert "***" in line
    for secret in (KEY, KEY.lower(), KEY[:12], KEY[-12:].lower()):
        assert secret not in line


def test_a_password_in_the_base_url_never_appears(tmp_path):
    server = FakeServer(httpx.ConnectError("refused: http://ann:hunter2@llm.test/v1"))
    eng = engine(server, tmp_path, llm_base_url="http://ann:hunter2@llm.test/v1", llm_max_retries=0)
    with pytest.raises(EngineUnavailable) as info:
        eng.brief(article(), BriefOptions())
    line = info.value.line()
    assert "hunter2" not in line and "hunter2" not in repr(eng)
    assert line.startswith("http://ann:***@llm.test/v1/chat/completions: ")


FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_csv_export_defuses_formulas(tmp_path, capsys):
    lines = [
        json.dumps(
            {
                "id": f"f{i}",
                "title": formula,
                "source": formula,
                "text": f"{formula} the council voted on Tuesday to approve the harbour budget "
                f"of {i + 12} million. Members said the plan would take three years.",
            }
        )
        for i, formula in enumerate(FORMULAS)
    ]
    src = tmp_path / "f.jsonl"
    src.write_text("\n".join(lines) + "\n", "utf-8")
    db = str(tmp_path / "f.db")
    assert main(["batch", str(src), "--db", db, "--concurrency", "1", "--force"]) == 0
    capsys.readouterr()
    assert main(["briefs", "export", "--db", db, "-f", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == len(FORMULAS)
    for row, formula in zip(rows, FORMULAS, strict=True):
        assert row["title"] == "'" + formula.strip()  # the reader strips metadata
        assert row["source"] == "'" + formula.strip()
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_markdown_passes_no_raw_html():
    art = Article.from_texts(
        ["<img src=x onerror=alert(1)> one.", "two <script>alert(2)</script>"],
        title="T <b>x</b>\n<script>alert(3)</script>",
        source="S<i>",
        language="en",
    )
    brief = Brief(
        Viewpoint("Look <img src=x onerror=alert(1)> here", (1,)),
        (Theme("G<b>", (KeyPoint("pt <a href=javascript:x>l</a>", (2,)),)),),
        "en",
        "extractive",
        "1",
    )
    html = MarkdownIt().render(get_renderer("markdown").render(brief, art))
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<b>" not in html and "<i>" not in html
    assert html.startswith("<h1>T &lt;b&gt;x&lt;/b&gt; &lt;script&gt;")  # one heading line
