"""Plain text, Markdown, JSON and JSON Lines inputs, decoding and dates."""

import json

import pytest

from brieflow.errors import DecodeError, EmptyArticle, InputError, UnsupportedFormat
from brieflow.extract import detect_format, extract
from brieflow.extract.dates import normalize_published
from brieflow.models import content_id


def one(data: bytes, name: str):
    items = list(extract(data, name))
    assert len(items) == 1 and items[0].error is None
    return items[0].article


def texts(article):
    return [p.text for p in article.paragraphs]


def test_text_title_source_line_and_blank_line_paragraphs():
    data = (
        "白宫会见稀土企业\n新闻日报·2025-08-01 08:41\n\n"
        "第一段内容。\n继续第一段。\n\n第二段内容。\n"
    ).encode()
    a = one(data, "a.txt")
    assert a.title == "白宫会见稀土企业"
    assert (a.source, a.published) == ("新闻日报", "2025-08-01 08:41")
    assert texts(a) == ["第一段内容。继续第一段。", "第二段内容。"]
    assert [p.number for p in a.paragraphs] == [1, 2]


def test_text_one_paragraph_per_line_and_english_hard_wrap():
    a = one(b"Markets Rally\nStocks rose on Monday.\nBonds fell.\n", "a.txt")
    assert a.title == "Markets Rally"
    assert texts(a) == ["Stocks rose on Monday.", "Bonds fell."]
    b = one(b"Stocks rose\non Monday.\n\nBonds fell.\n", "b.txt")
    assert b.title is None
    assert texts(b) == ["Stocks rose on Monday.", "Bonds fell."]


def test_a_sentence_is_not_a_title():
    a = one(b"Stocks rose on Monday.\n\nBonds fell.\n", "a.txt")
    assert a.title is None
    assert len(a.paragraphs) == 2


def test_markdown_heading_front_matter_and_markup():
    data = (
        b"---\nsource: Harbor Daily\npublished: 2026-02-10T14:05:00Z\n---\n"
        b"# Chip Rules Tighten\n\n## Background\n\nThe **draft** rules [were leaked](http://x).\n\n"
        b"- Shares fell 3%.\n\n```\ncode\n```\n"
    )
    a = one(data, "a.md")
    assert a.title == "Chip Rules Tighten"
    assert a.source == "Harbor Daily"
    assert a.published == "2026-02-10 14:05+00:00"
    assert texts(a) == ["The draft rules were leaked.", "Shares fell 3%."]


def test_json_object_and_array():
    record = {"id": "x1", "title": "T", "lang": "zh-CN", "text": "甲。\n\n乙。", "extra": 1}
    a = one(json.dumps(record).encode(), "a.json")
    assert (a.id, a.title, a.language) == ("x1", "T", "zh")
    assert texts(a) == ["甲。", "乙。"]
    items = list(extract(json.dumps([record, {"title": "no text"}]).encode(), "b.json"))
    assert items[0].article.id == "x1"
    assert isinstance(items[1].error, EmptyArticle)
    assert items[1].origin == "b.json#2"


def test_jsonl_ids_order_and_bad_lines_named_by_line_number():
    lines = [
        json.dumps({"id": "a", "paragraphs": ["One.", "Two."], "published": "2025/08/01 08:41"}),
        "{not json",
        "",
        json.dumps({"id": "c", "title": "no text"}),
        json.dumps({"id": "d", "paragraphs": ["   "]}),
        json.dumps({"id": "e", "paragraphs": ["Five."]}),
    ]
    items = list(extract("\n".join(lines).encode(), "in.jsonl"))
    assert [i.origin for i in items] == [
        "in.jsonl:1",
        "in.jsonl:2",
        "in.jsonl:4",
        "in.jsonl:5",
        "in.jsonl:6",
    ]
    assert [i.article.id if i.article else None for i in items] == ["a", None, None, None, "e"]
    assert items[0].article.published == "2025-08-01 08:41"
    assert "in.jsonl:2: line is not valid JSON" in items[1].error.line()
    assert 'no "paragraphs" or "text"' in items[2].error.line()
    assert isinstance(items[3].error, EmptyArticle)


def test_content_id_is_stable_and_used_when_no_id():
    a = one(b"First paragraph.\n\nSecond paragraph.", "a.txt")
    assert a.id == content_id(["First paragraph.", "Second paragraph."])
    assert one(b"First  paragraph.\n\nSecond paragraph.\n", "b.txt").id == a.id


def test_detect_format():
    assert detect_format(b'{"a": 1}', "-") == "json"
    assert detect_format(b'{"a": 1}\n{"a": 2}\n', "x") == "jsonl"
    assert detect_format(b"<!DOCTYPE html><html>", "x") == "html"
    assert detect_format(b'<?xml version="1.0"?><rss>', "x") == "feed"
    assert detect_format(b"# Title\n\nText", "x") == "markdown"
    assert detect_format(b"anything", "a.jsonl") == "jsonl"
    assert detect_format(b"plain words", "x") == "text"


def test_gbk_and_big5_text_decode():
    assert texts(one("稀土价格上涨。\n\n企业扩大产能。".encode("gbk"), "a.txt")) == [
        "稀土价格上涨。",
        "企业扩大产能。",
    ]
    assert texts(one("稀土價格上漲，企業擴大產能。".encode("big5"), "b.txt")) == [
        "稀土價格上漲，企業擴大產能。"
    ]
    assert texts(one("\ufeffBOM text here.".encode(), "c.txt")) == ["BOM text here."]


@pytest.mark.parametrize("text", ["經濟部長說明產業政策。", "香港特區政府今日公佈最新經濟數據。"])
def test_big5_text_that_also_decodes_as_gb18030_is_read_as_big5(text: str) -> None:
    # These Big5 bytes are valid GB18030 too (as rare characters): the text reader chooses as
    # the HTML reader does, by which reads as common Chinese.
    data = text.encode("big5")
    data.decode("gb18030")  # valid, so the first decoder to succeed is not enough
    assert texts(one(data, "b.txt")) == [text]
    assert texts(one(b"<html><body><p>" + data + b"</p></body></html>", "b.html")) == [text]


def test_one_gb18030_big5_decoder() -> None:
    # The plain-text reader asks the HTML reader's sniffer rather than decoding on its own.
    from pathlib import Path

    import brieflow.extract

    folder = Path(brieflow.extract.__file__).parent
    decoding = [
        p.name for p in sorted(folder.glob("*.py")) if '"big5"' in p.read_text(encoding="utf-8")
    ]
    assert decoding == ["htmlbytes.py"]


@pytest.mark.parametrize(
    "data, error, message",
    [
        (b"", EmptyArticle, "a.txt: no article text found"),
        (b"  \n\n \t\n", EmptyArticle, "a.txt: no article text found"),
        (b"--- *** ...", EmptyArticle, "a.txt: no article text found"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            UnsupportedFormat,
            "a.txt: this looks like a binary file",
        ),
        (b"caf\xe9 \xff\xfe\xfd", DecodeError, "a.txt: cannot decode the bytes at offset 3"),
    ],
)
def test_bad_text_inputs(data, error, message):
    with pytest.raises(error) as info:
        list(extract(data, "a.txt"))
    assert info.value.line().startswith(message)
    assert isinstance(info.value, InputError)


def test_bad_json_file():
    with pytest.raises(InputError, match=r"a.json: not valid JSON \(Expecting"):
        list(extract(b"{oops", "a.json"))


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025-08-01 08:41", "2025-08-01 08:41"),
        ("2025-08-01T08:41:12+08:00", "2025-08-01 08:41+08:00"),
        ("2025/8/1 8:41", "2025-08-01 08:41"),
        ("2025年8月1日 08:41", "2025-08-01 08:41"),
        ("2025年08月01日08:41", "2025-08-01 08:41"),
        ("2025-08-01", "2025-08-01"),
        ("Fri, 01 Aug 2025 08:41:00 +0000", "2025-08-01 08:41+00:00"),
        ("3 hours ago", None),
        ("昨天 08:41", None),
        ("2025-13-40", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_published(value, expected):
    assert normalize_published(value) == expected
