"""Issue 13, defects 5-8: odd values where text, dates or numbers are expected, deep nesting,
odd settings and damaged rows each get their own clear error line — never a traceback. These
run with BRIEFLOW_RAISE_ERRORS=1, so the CLI's last-resort net cannot hide a crash."""

from __future__ import annotations

import json
import math
import os
import sqlite3
from pathlib import Path

import httpx
import pytest

from brieflow.cli import main
from brieflow.config import Settings, load_settings
from brieflow.errors import ConfigError, EngineResponseError
from brieflow.extract.dates import normalize_published
from brieflow.models import Usage
from brieflow.pipeline import load
from tests.llm_fakes import FakeServer, article, completion, engine, good_brief

from .conftest import EXAMPLES

EN = str(EXAMPLES / "en-chip-export.txt")
TEXT = "The chip maker said sales rose 10 percent in March. Analysts had expected 8 percent."


@pytest.fixture(autouse=True)
def _raise(monkeypatch):
    monkeypatch.setenv("BRIEFLOW_RAISE_ERRORS", "1")


@pytest.mark.parametrize("value", ["1e300", "NaN", "-Infinity", str(10**40), "-1e20"])
def test_a_published_number_out_of_range_is_no_date(tmp_path, value):
    path = tmp_path / "a.json"
    path.write_text(f'{{"title": "T", "published": {value}, "text": "{TEXT}"}}', "utf-8")
    assert load(str(path))[0].published is None
    page = tmp_path / "a.html"
    page.write_text(
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        f'"datePublished": {value}}}</script></head><body><article><p>{TEXT}</p>'
        f"<p>{TEXT} Again.</p></article></body></html>",
        "utf-8",
    )
    assert load(str(page))[0].published is None


def test_timestamps_in_range_still_read():
    assert normalize_published(1_700_000_000) == "2023-11-14 22:13+00:00"
    assert normalize_published(1_700_000_000_000) == "2023-11-14 22:13+00:00"  # milliseconds
    assert normalize_published(math.inf) is None


def test_deep_json_ld_is_skipped_like_any_broken_block(tmp_path):
    page = tmp_path / "deep.html"
    page.write_text(
        '<html><head><title>Deep</title><script type="application/ld+json">'
        + "[" * 100_000
        + f"</script></head><body><article><p>{TEXT}</p><p>{TEXT} More.</p></article></body>"
        "</html>",
        "utf-8",
    )
    assert load(str(page))[0].title == "Deep"


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_deep_json_is_one_error_line(tmp_path, capsys, suffix):
    path = tmp_path / f"deep{suffix}"
    path.write_text("[" * 100_000 + "\n", "utf-8")
    assert main(["brief", str(path)]) == 3
    err = capsys.readouterr().err
    assert "nested too deeply" in err and len(err.splitlines()) == 1


def test_deep_llm_answer_is_an_engine_error(tmp_path):
    server = FakeServer("[" * 100_000)
    eng = engine(server, tmp_path)
    with pytest.raises(EngineResponseError, match="nested too deeply"):
        eng.brief(article(), __import__("brieflow").engines.BriefOptions())


def test_a_deep_completion_body_is_an_engine_error(tmp_path):
    server = FakeServer(httpx.Response(200, content=b"[" * 100_000))
    eng = engine(server, tmp_path)
    with pytest.raises(EngineResponseError, match="not an OpenAI chat completion"):
        eng.brief(article(), __import__("brieflow").engines.BriefOptions())


@pytest.mark.parametrize("usage", [{"prompt_tokens": "many"}, {"prompt_tokens": math.inf}, []])
def test_odd_llm_usage_counts_as_nothing(tmp_path, usage):
    body = completion(good_brief())
    body["usage"] = usage
    text = json.dumps(body, allow_nan=True)
    server = FakeServer(httpx.Response(200, content=text.encode()))
    result = engine(server, tmp_path).brief(
        article(), __import__("brieflow").engines.BriefOptions()
    )
    assert result.usage == Usage(0, 0, 1, 0)


@pytest.mark.parametrize("value", ["nan", "-1", "inf", "0"])
def test_a_fetch_timeout_must_be_a_positive_number(value):
    with pytest.raises(ConfigError, match="BRIEFLOW_FETCH_TIMEOUT"):
        load_settings(env={"BRIEFLOW_CONFIG": os.devnull, "BRIEFLOW_FETCH_TIMEOUT": value})
    with pytest.raises(ConfigError, match="fetch_timeout"):
        Settings(fetch_timeout=float(value))


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_serve_timeout_must_be_a_positive_number(tmp_path, capsys, value):
    assert main(["serve", "--db", str(tmp_path / "s.db"), "--timeout", value]) == 7
    assert "--timeout" in capsys.readouterr().err


def test_a_non_ascii_api_key_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="API key") as info:
        engine(FakeServer(good_brief()), tmp_path, llm_api_key="sk-ключ")
    assert "ключ" not in str(info.value)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("db")
    src = folder / "a.jsonl"
    texts = [
        TEXT,
        "The bank cut rates by 0.25 points on Tuesday. Markets rallied after the news.",
        "A storm hit the coast on Sunday. Thousands of homes lost power across the region.",
    ]
    src.write_text(
        "\n".join(
            json.dumps({"id": f"a{i}", "title": f"T{i}", "text": t}) for i, t in enumerate(texts)
        ),
        "utf-8",
    )
    path = folder / "d.db"
    assert main(["batch", str(src), "--db", str(path), "--concurrency", "1"]) == 0
    return path


@pytest.mark.parametrize("command", [["articles", "list"], ["briefs", "list"]])
def test_a_huge_limit_means_no_limit(db, capsys, command):
    assert main([*command, "--db", str(db), "-n", str(10**30)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


@pytest.mark.parametrize("limit", ["0", "-3"])
def test_a_limit_below_one_is_a_usage_error(db, capsys, limit):
    with pytest.raises(SystemExit) as info:
        main(["articles", "list", "--db", str(db), "-n", limit])
    assert info.value.code == 2


@pytest.mark.parametrize("damage", ["{not json", "{}", '{"core_viewpoint": 5}'])
@pytest.mark.parametrize("command", [["briefs", "list"], ["briefs", "export"]])
def test_a_damaged_brief_row_is_a_store_error(tmp_path, db, capsys, damage, command):
    copy = tmp_path / "d.db"
    copy.write_bytes(db.read_bytes())
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE briefs SET brief = ? WHERE pk = 2", (damage,))
    conn.commit()
    conn.close()
    assert main([*command, "--db", str(copy)]) == 6
    err = capsys.readouterr().err
    assert "brief 2 is damaged" in err and len(err.splitlines()) == 1


def test_an_unreadable_config_file_is_a_config_error(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text('engine = "extractive"\n', "utf-8")
    real = Path.read_text

    def refuse(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", refuse)
    with pytest.raises(ConfigError, match="cannot read the config file: Permission denied"):
        load_settings(env={"BRIEFLOW_CONFIG": str(path)})


def test_an_unreadable_config_folder_is_a_config_error(tmp_path, monkeypatch):
    path = tmp_path / "conf" / "config.toml"
    real = Path.is_file

    def refuse(self):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "is_file", refuse)
    with pytest.raises(ConfigError, match="cannot read the config file"):
        load_settings(env={"BRIEFLOW_CONFIG": str(path)})


def test_an_unreadable_subfolder_is_reported_not_skipped(tmp_path, capsys, monkeypatch):
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text(f"Title\n\n{TEXT}\n", "utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text(f"Title\n\n{TEXT}\n", "utf-8")
    real = os.scandir

    def scandir(path="."):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert main(["brief", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("Title")
    assert f"{tmp_path / 'locked'}: cannot read the folder: Permission denied" in err


def test_output_to_a_full_disk_is_one_error_line(capsys):
    assert main(["brief", EN, "-o", "/dev/full"]) == 3
    err = capsys.readouterr().err
    assert err == (
        "brieflow: error: /dev/full: cannot write the output: No space left on device "
        "(check the path, its permissions and the free space)\n"
    )


def test_output_into_an_unwritable_folder_is_one_error_line(tmp_path, capsys, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert main(["brief", EN, "-o", str(tmp_path / "x.txt")]) == 3
    assert "cannot write the output: Permission denied" in capsys.readouterr().err


@pytest.mark.parametrize(
    "page",
    [
        b'<html><head><meta charset="undefined"></head><body><p>%s</p></body></html>',
        b'<html><head><meta charset="x-nonsense-99"></head>'
        b"<body><p>%s \xe4\xb8\xad</p></body></html>",
        b"<html><head><title>a\x01\x0b</title></head><body><p>%s\x00\x01\x0b</p></body></html>",
    ],
)
def test_odd_charsets_and_control_characters_read(tmp_path, page):
    path = tmp_path / "p.html"
    path.write_bytes(page % TEXT.encode())
    assert load(str(path))[0].paragraphs[0].text.startswith("The chip maker")


def test_the_net_reports_an_unexpected_error_as_one_line(monkeypatch, capsys):
    from brieflow.commands import brief as brief_command

    def boom(args):
        raise ValueError("something\nunexpected")

    monkeypatch.setattr(brief_command, "run", boom)
    monkeypatch.delenv("BRIEFLOW_RAISE_ERRORS")
    parser_main = main  # the parser binds `run` at build time: patch before building
    assert parser_main(["brief", EN]) == 1
    assert capsys.readouterr().err == (
        "brieflow: internal error: ValueError: something unexpected (please report it)\n"
    )
    monkeypatch.setenv("BRIEFLOW_RAISE_ERRORS", "1")
    with pytest.raises(ValueError):
        main(["brief", EN])


def test_deep_json_lines_on_stdin_are_one_error_each(monkeypatch, capsys):
    import io

    data = '{"a": ' + "[" * 100_000 + "\n" + json.dumps({"title": "T", "text": TEXT}) + "\n"
    stdin = io.TextIOWrapper(io.BytesIO(data.encode()))
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["brief", "-"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("T\n")
    assert "<stdin>:1: line is not valid JSON (nested too deeply" in err
