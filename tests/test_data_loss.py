"""Issue 13, defects 1-4: nothing the user has is lost or changed behind their back — one bad
record costs only itself, `-o` respects what is at the path, a foreign database is left alone,
and a database URL brieflow does not serve is refused."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from brieflow.cli import main
from brieflow.errors import ConfigError
from brieflow.store import Store

from .conftest import EXAMPLES

EN = str(EXAMPLES / "en-chip-export.txt")

GOOD = [
    "The chip maker said sales rose 10 percent in March. Analysts had expected 8 percent.",
    "The bank cut rates by 0.25 points on Tuesday. Markets rallied after the news.",
    "Oil prices fell 3 percent on Friday. Traders cited weak demand from factories.",
    "The council approved the budget on Monday. It totals 2 billion dollars this year.",
    "A storm hit the coast on Sunday. Thousands of homes lost power across the region.",
]
# Each of these once stopped the reader (or raised): every line after it was lost.
BAD = [
    {"title": "bad", "paragraphs": [{"text": 5}]},
    {"title": "bad", "paragraphs": [[1, 2]]},
    {"title": "bad", "text": "Fine text. Second sentence here.", "title2": 1, "lang": "de"},
    {"title": "bad", "paragraphs": [{"text": None}]},
    {"title": {"a": 1}, "text": "Some text here. And more of it."},
]


def _mixed(tmp_path: Path, bad: dict) -> Path:
    lines = [json.dumps({"id": f"g{i}", "title": f"T{i}", "text": t}) for i, t in enumerate(GOOD)]
    lines.insert(2, json.dumps(bad))
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("bad", BAD, ids=[str(i) for i in range(len(BAD))])
def test_a_bad_jsonl_record_costs_only_itself_in_brief(tmp_path, capsys, bad):
    src = _mixed(tmp_path, bad)
    assert main(["brief", str(src), "-f", "jsonl"]) == 1
    out, err = capsys.readouterr()
    assert [json.loads(line)["id"] for line in out.splitlines()] == [f"g{i}" for i in range(5)]
    assert f"{src}:3: " in err
    assert "Traceback" not in err and "internal error" not in err
    assert "brieflow: 1 of 6 items failed" in err


def test_a_bad_jsonl_record_costs_only_itself_in_batch(tmp_path, capsys):
    src = _mixed(tmp_path, BAD[0])
    db = tmp_path / "x.db"
    assert main(["batch", str(src), "--db", str(db), "--concurrency", "1"]) == 1
    err = capsys.readouterr().err
    assert "6 items, 5 briefed" in err and "1 failed (1 InputError)" in err
    with Store(db) as store:
        assert store.counts()["briefs"] == 5


def test_a_bad_eval_record_costs_only_itself(tmp_path, capsys):
    lines = [
        json.dumps({"id": f"e{i}", "lang": "en", "paragraphs": [t], "summary": t})
        for i, t in enumerate(GOOD[:3])
    ]
    lines.insert(1, json.dumps({"id": "bad", "paragraphs": [{"text": 5}], "summary": "x"}))
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["eval", str(path), "--baselines", "lead", "--engine", "none"])
    out, err = capsys.readouterr()
    assert code == 1
    assert f"{path}:2: " in err and "Traceback" not in err
    assert "dataset: set (3 articles;" in out
    assert "paragraph 1 is not text" in err


# -- -o PATH -----------------------------------------------------------------------------------


def test_output_writes_through_a_symlink(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert main(["brief", EN, "-o", str(link)]) == 0
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").startswith("Chipmakers Brace")


def test_output_keeps_an_existing_files_mode_and_new_files_follow_the_umask(tmp_path):
    kept = tmp_path / "kept.txt"
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o640)
    assert main(["brief", EN, "-o", str(kept)]) == 0
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    old = os.umask(0o022)
    try:
        assert main(["brief", EN, "-o", str(tmp_path / "new.txt")]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.txt", "new.txt"]


def test_output_writes_straight_into_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        assert main(["brief", EN, "-o", str(fifo)]) == 0
    finally:
        if stat.S_ISFIFO(fifo.stat().st_mode) and reader.is_alive():  # let the reader go
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    reader.join(10)
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO, not replaced by a file
    assert got and got[0].decode("utf-8").startswith("Chipmakers Brace")


def test_output_writes_straight_into_a_device(tmp_path):
    assert main(["brief", EN, "-o", os.devnull]) == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


# -- the database ------------------------------------------------------------------------------


def test_a_foreign_sqlite_file_is_refused_and_left_unchanged(tmp_path, capsys):
    path = tmp_path / "theirs.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('Ada')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    assert main(["batch", EN, "--db", str(path)]) == 6
    assert "not a brieflow database" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs.db"]


@pytest.mark.parametrize("url", ["mysql://h/db", "sqlite:///tmp/x.db", "postgresq://h/db"])
def test_a_database_url_is_a_configuration_error(tmp_path, capsys, monkeypatch, url):
    monkeypatch.chdir(tmp_path)
    assert main(["batch", EN, "--db", url]) == 7
    err = capsys.readouterr().err
    assert err.startswith("brieflow: error: ") and "give a file path" in err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ConfigError):
        Store(url)
    with pytest.raises(ConfigError):  # the SQLite store is not PostgreSQL's
        Store("postgresql://user@localhost/brief")
