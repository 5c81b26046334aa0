"""The command line: stdin, outputs, exit codes and one-line errors (no tracebacks)."""

import json
import subprocess
import sys

import pytest

from brieflow.cli import main

from .conftest import EXAMPLES

ZH = str(EXAMPLES / "zh-battery-prices.txt")
EN = str(EXAMPLES / "en-chip-export.txt")


def run(*args, stdin: bytes | None = None):
    """The real CLI in a subprocess: what a user sees."""
    proc = subprocess.run(
        [sys.executable, "-m", "brieflow", *args], input=stdin, capture_output=True, timeout=120
    )
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def test_brief_prints_the_seed_layout(capsys):
    assert main(["brief", EN]) == 0
    out = capsys.readouterr().out.split("\n")
    assert out[0] == "Chipmakers Brace for Tighter Export Rules as Orders Slow"
    assert out[1] == "Harbor Business Daily·2026-02-10 14:05"
    assert out[2] == ""
    assert out[3].startswith("Core Viewpoint - Semiconductor equipment makers are preparing")
    assert " Group 1: " in out[3] and " Group 2: " in out[3]


def test_stdin_and_formats():
    data = (EXAMPLES / "zh-battery-prices.txt").read_bytes()
    code, out, err = run("brief", "-", "--format", "json", stdin=data)
    assert code == 0, err
    brief = json.loads(out)
    assert brief["schema"] == "brieflow.brief/1"
    assert brief["language"] == "zh"
    assert brief["article"]["title"] == "锂价跌回三年前 电池厂商加速洗牌"
    assert err == ""  # no jieba chatter, no warnings


def test_jsonl_in_jsonl_out_keeps_ids_and_order(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    zh = [p.text for p in __import__("brieflow").load(ZH)[0].paragraphs]
    lines = [
        json.dumps({"id": "first", "paragraphs": zh}, ensure_ascii=False),
        "not json at all",
        json.dumps({"id": "third", "text": "\n\n".join(zh[:3]), "lang": "zh"}, ensure_ascii=False),
        json.dumps({"id": "fourth", "title": "no body"}),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["brief", str(src), "--format", "jsonl", "-o", str(out)]) == 1
    briefs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [b["id"] for b in briefs] == ["first", "third"]
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"brieflow: error: {src}:2: line is not valid JSON")
    assert err[1].startswith(
        f'brieflow: error: {src}:4: the article has no "paragraphs" or "text" field'
    )
    assert err[2] == "brieflow: 2 of 4 items failed"


@pytest.mark.parametrize(
    "content, code, message",
    [
        (None, 3, "no such file (check the path)"),
        (b"", 3, "no article text found"),
        (b"\n \n\t\n", 3, "no article text found"),
        (b"\x00\x01\x02binary\x00", 3, "this looks like a binary file"),
        (b"caf\xe9 \xff\xfe\xfd", 3, "cannot decode the bytes at offset 3"),
    ],
    ids=["missing", "empty", "blank", "binary", "undecodable"],
)
def test_bad_input_is_one_line_and_an_exit_code(tmp_path, content, code, message):
    path = tmp_path / "article.txt"
    if content is not None:
        path.write_bytes(content)
    rc, out, err = run("brief", str(path))
    assert rc == code
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"brieflow: error: {path}: ")
    assert message in err


def test_wrong_language_exit_code_4(capsys):
    assert main(["brief", ZH, "--lang", "en"]) == 4
    err = capsys.readouterr().err
    assert "use --engine llm for a brief in another language" in err


@pytest.mark.parametrize(
    "flags", [["--format", "pdf"], ["--groups", "9"], ["--points", "0"], ["--groups", "two"]]
)
def test_usage_error_exit_code_2(flags, capsys):
    with pytest.raises(SystemExit) as info:
        main(["brief", EN, *flags])
    assert info.value.code == 2
    assert f"{flags[0]}: " in capsys.readouterr().err


def test_output_is_atomic_and_untouched_on_failure(tmp_path):
    out = tmp_path / "brief.txt"
    out.write_text("previous", encoding="utf-8")
    assert main(["brief", str(tmp_path / "missing.txt"), "-o", str(out)]) == 3
    assert out.read_text(encoding="utf-8") == "previous"
    assert main(["brief", EN, "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("Chipmakers Brace")
    assert [p.name for p in tmp_path.iterdir()] == ["brief.txt"]  # no temporary files left


def test_output_into_missing_folder(tmp_path, capsys):
    assert main(["brief", EN, "-o", str(tmp_path / "nope" / "x.txt")]) == 3
    assert "the output folder does not exist" in capsys.readouterr().err


def test_folder_input_in_stable_order(tmp_path, capsys):
    (tmp_path / "b.txt").write_bytes((EXAMPLES / "zh-battery-prices.txt").read_bytes())
    (tmp_path / "a.txt").write_bytes((EXAMPLES / "en-chip-export.txt").read_bytes())
    (tmp_path / "skip.bin").write_bytes(b"\x00")
    assert main(["brief", str(tmp_path), "--format", "jsonl"]) == 0
    langs = [json.loads(x)["language"] for x in capsys.readouterr().out.splitlines()]
    assert langs == ["en", "zh"]


def test_extract_shows_numbered_paragraphs(capsys):
    assert main(["extract", EN]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        "title: Chipmakers Brace for Tighter Export Rules as Orders Slow",
        "source: Harbor Business Daily",
        "published: 2026-02-10 14:05",
    ]
    assert out[6].startswith("[1] Semiconductor equipment makers")


def test_help_teaches():
    rc, out, _ = run("brief", "--help")
    assert rc == 0
    for needle in ("--format", "--engine", "--lang", "examples:", "exit code is 1"):
        assert needle in out


def test_feed_without_fetching_links_briefs_what_it_has(capsys):
    from .conftest import FIXTURES

    feed = str(FIXTURES / "feeds" / "finance.rss")
    assert main(["brief", feed, "--no-fetch-links", "--format", "jsonl"]) == 1
    captured = capsys.readouterr()
    titles = [json.loads(line)["article"]["title"] for line in captured.out.splitlines()]
    assert titles == ["铜价创两周新高", "纯文本描述"]
    assert "finance.rss#2: the item has only a link and fetching links is off" in captured.err


def test_other_url_schemes_are_named(capsys):
    assert main(["brief", "ftp://example.com/a.txt"]) == 3
    err = capsys.readouterr().err
    assert err == (
        "brieflow: error: ftp://example.com/a.txt: cannot read ftp:// addresses "
        "(give an http(s) URL or a file)\n"
    )
