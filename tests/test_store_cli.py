"""`brieflow articles …` and `brieflow briefs …` over a database filled by a batch, on SQLite and
on PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from brieflow.cli import main
from brieflow.store.open import open_store

from .conftest import BACKENDS, backend, sql
from .pgserver import new_database
from .storedata import article_record, edited, write_jsonl


@pytest.fixture(scope="module", params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One database filled by a batch for the module's readers (on PostgreSQL a database of
    its own: the per-test `db` of tests/conftest.py is emptied before each test)."""
    from brieflow.batch import run_batch

    folder = tmp_path_factory.mktemp("cli")
    records = [article_record(i) for i in range(6)]
    records.append(
        {
            **article_record(1),
            "id": "copy-1",
            "source": "转载网",
            "paragraphs": edited(article_record(1)["paragraphs"]),
        }
    )
    src = write_jsonl(folder / "desk.jsonl", records)
    (folder / "plain.txt").write_text(
        "Harbor Bank trims rates\n\nHarbor Bank said on Monday it would cut lending rates for "
        "small firms, citing weaker demand.\n\nAnalysts expect other lenders to follow within "
        "weeks, as tariffs weigh on exporters.\n",
        "utf-8",
    )
    if request.param == "postgresql":
        path = new_database(request.getfixturevalue("pg_server"))
    else:
        path = str(folder / "desk.db")
    with open_store(path) as store:
        assert store.backend == backend(path) == request.param
        run_batch([str(src), str(folder / "plain.txt")], store, concurrency=1)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_articles_list_and_filters(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "articles", "list", "--db", db)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 8
    assert lines[0].startswith("art-00005  2024-03-06 09:05  测试财经  测试新闻第5号")
    assert any(
        line.startswith("copy-1  2024-03-02 09:01  转载网") and "near-duplicate of" in line
        for line in lines
    )
    assert lines[-1].endswith("Harbor Bank trims rates")  # no date: listed last
    _, out, _ = run(capsys, "articles", "list", "--db", db, "--source", "Test Wire")
    assert [line.split()[0] for line in out.splitlines()] == ["art-00003", "art-00000"]
    _, out, _ = run(
        capsys,
        "articles",
        "list",
        "--db",
        db,
        "--since",
        "2024-03-04",
        "--until",
        "2024-03-05",
        "-f",
        "jsonl",
    )
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["art-00004", "art-00003"]
    _, out, _ = run(capsys, "articles", "list", "--db", db, "--no-duplicates")
    assert "copy-1" not in out


def test_articles_show_and_search(db: str, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.setenv("BRIEFLOW_DB", db)  # as --db
    code, out, _ = run(capsys, "articles", "show", "art-00002")
    assert code == 0
    assert out.startswith("id: art-00002\ncontent id: ")
    assert "\n[1] " in out and "title: 测试新闻第2号" in out
    code, out, _ = run(capsys, "articles", "search", "tariffs", "small firms", "--db", db)
    assert code == 0 and out.splitlines()[0].endswith("Harbor Bank trims rates")
    assert "    [2] Analysts expect other lenders" in out
    record = article_record(2)
    word = record["paragraphs"][0][:2]  # a two-character Chinese company-name prefix
    _, out, _ = run(capsys, "articles", "search", word, "--db", db, "-f", "jsonl")
    found = [json.loads(line) for line in out.splitlines()]
    assert "art-00002" in [f["id"] for f in found]
    assert all(any(word in m["text"] for m in f["matches"]) for f in found)
    code, out, _ = run(capsys, "articles", "search", "不存在的词语组合", "--db", db)
    assert code == 1 and out == ""
    code, _, err = run(capsys, "articles", "show", "nope", "--db", db)
    assert code == 6 and "no article with id 'nope'" in err


def test_briefs_list_show_export(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "briefs", "list", "--db", db)
    assert code == 0 and len(out.splitlines()) == 7  # the near-duplicate was not briefed
    assert "copy-1" not in out
    code, out, _ = run(capsys, "briefs", "show", "art-00003", "--db", db, "-f", "json")
    data = json.loads(out)
    assert data["id"] == "art-00003" and data["article"]["source"] == "Test Wire"
    assert data["engine"]["name"] == "extractive"
    target = tmp_path / "out.jsonl"
    code, _, _ = run(capsys, "briefs", "export", "--db", db, "-o", str(target))
    rows = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert code == 0 and len(rows) == 7
    ids = [r["id"] for r in rows]  # in input order
    assert ids[:6] == ["art-00000", "art-00001", "art-00002", "art-00003", "art-00004", "art-00005"]
    assert len(ids[6]) == 16  # the text file had no id of its own: its content id
    assert all(r["schema"] == "brieflow.brief/1" and r["core_viewpoint"]["citations"] for r in rows)
    code, out, _ = run(capsys, "briefs", "export", "--db", db, "-f", "csv", "--source", "测试财经")
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in table] == ["art-00001", "art-00002", "art-00004", "art-00005"]
    assert all(r["language"] == "zh" and r["core_viewpoint"] for r in table)
    code, out, _ = run(capsys, "briefs", "export", "--db", db, "-f", "markdown", "-n", "2")
    assert out.startswith("# Test story number 0") and out.count("\n---\n") == 1


def test_store_commands_need_an_existing_database(tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "briefs", "list", "--db", str(tmp_path / "none.db"))
    assert code == 6 and "no database here" in err
    assert not (tmp_path / "none.db").exists()


def test_store_commands_need_a_brieflow_database_on_postgresql(pg_url: str, capsys) -> None:
    code, _, err = run(capsys, "briefs", "list", "--db", pg_url)
    assert code == 6 and "no brieflow database here" in err
    assert sql(pg_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == []


def test_default_database_lives_in_the_data_dir(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("BRIEFLOW_DB", raising=False)
    monkeypatch.setenv("BRIEFLOW_CONFIG", str(tmp_path / "none.toml"))
    src = write_jsonl(tmp_path / "a.jsonl", [article_record(9)])
    code, _, err = run(capsys, "batch", str(src), "--progress", "none", "-j", "1")
    assert code == 0, err
    assert (tmp_path / "brieflow" / "brieflow.db").is_file()
    assert err.strip().endswith(f"→ {tmp_path / 'brieflow' / 'brieflow.db'}")
