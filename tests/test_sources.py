"""Folders, globs, URLs through `brieflow extract`, and romanised source names."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from brieflow.cli import main
from brieflow.errors import InputError
from brieflow.romanize import romanize
from brieflow.sources import read_source

sys.path.insert(0, str(Path(__file__).parent))
from httpserver import Server  # noqa: E402

HTML = Path(__file__).parent / "fixtures" / "html"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    shutil.copy(HTML / "sohu.html", tmp_path / "b" / "sohu.html")
    shutil.copy(HTML / "netease.html", tmp_path / "a.htm")
    (tmp_path / "c.txt").write_text("标题\n\n正文第一段。", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".hidden" / "x.txt").write_text("hidden", encoding="utf-8")
    return tmp_path


def test_folder_reads_supported_files_in_stable_order(folder: Path) -> None:
    names = [Path(n).relative_to(folder).as_posix() for n, _ in read_source(str(folder))]
    assert names == ["a.htm", "b/sohu.html", "c.txt"]


def test_glob_matches_in_sorted_order(folder: Path) -> None:
    names = [Path(n).name for n, _ in read_source(str(folder / "**" / "*.htm*"))]
    assert names == ["a.htm", "sohu.html"]


def test_glob_without_matches(folder: Path) -> None:
    with pytest.raises(InputError, match="the pattern matches no files"):
        list(read_source(str(folder / "*.nothing")))


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="the folder holds no supported files"):
        list(read_source(str(tmp_path)))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("搜狐财经", "Sou Hu Cai Jing"),
        ("新华网", "Xin Hua Wang"),
        ("第一财经", "Di Yi Cai Jing"),
        ("人民网－人民日报", "Ren Min Wang － Ren Min Ri Bao"),
        ("Reuters", "Reuters"),
        ("BBC News", "BBC News"),
    ],
)
def test_romanized_source_names(name: str, expected: str) -> None:
    assert romanize(name) == expected


def test_cli_extract_html_file_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(HTML / "people.html"), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["title"] == "制造业技术改造投资保持较快增长"
    assert out["source"] == "人民网－人民日报"
    assert out["published"] == "2025-08-01 08:41"
    assert out["language"] == "zh"
    assert out["paragraphs"][0] == {
        "number": 1,
        "text": "今年以来，各地持续推进制造业技术改造和设备更新，相关投资保持较快增长。",
    }


def test_cli_extract_url_and_folder(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Server() as base:
        code = main(["extract", f"{base}/gbk-nocharset", str(folder), "--format", "jsonl"])
    assert code == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [a["title"] for a in lines] == [
        "测试页面",
        "民营快递上半年业务量增长两成 单票收入继续下滑",
        "稀土回收企业扩产提速 下游磁材订单回暖",
        "标题",
    ]
    assert lines[0]["url"] == f"{base}/gbk-nocharset"


def test_cli_extract_block_private(capsys: pytest.CaptureFixture[str]) -> None:
    with Server() as base:
        code = main(["extract", f"{base}/utf8", "--block-private"])
    assert code == 3
    err = capsys.readouterr().err
    assert "resolves to 127.0.0.1, a private or local address" in err
