"""Renderers against golden files. Regenerate after a deliberate layout change with
`UPDATE_GOLDEN=1 python -m pytest tests/test_render.py` and review the diff."""

import json
import os

import pytest

from brieflow import Article, Brief, KeyPoint, Theme, Viewpoint, get_renderer
from brieflow.errors import ConfigError
from brieflow.models import SCHEMA, CheckReport, Finding

from .conftest import FIXTURES

GOLDEN = FIXTURES / "golden"

ARTICLE = Article.from_texts(
    [
        "美国白宫近日召集稀土企业闭门开会。",
        "会议讨论了最低价格保障机制。",
        "分析人士认为<script>alert(1)</script>政策的可持续性存疑。",
        "稀土之争是产业主权之争。",
    ],
    title="白宫密会稀土巨头!稀土战线悄然成形",
    source="搜狐财经",
    published="2025-08-01 08:41",
    language="zh",
    id="a1",
)

BRIEF_EN = Brief(
    viewpoint=Viewpoint("The U.S. is building a state-led rare earth strategy.", (1, 2)),
    themes=(
        Theme(
            "U.S. Rare Earth Strategy",
            (
                KeyPoint("A closed-door meeting discussed a minimum price guarantee.", (2,)),
                KeyPoint('Officials want "wartime" speed <b>now</b>.', (1,)),
            ),
        ),
        Theme(
            "Challenges & Contradictions",
            (
                KeyPoint("Analysts doubt the policy will last.", (3,)),
                KeyPoint("The contest is about industrial sovereignty.", (4,)),
            ),
        ),
    ),
    language="en",
    engine="test",
    engine_version="1",
    article_id="a1",
)

BRIEF_ZH = Brief(
    viewpoint=Viewpoint("美国白宫近日召集稀土企业闭门开会。", (1,)),
    themes=(Theme("价格机制", (KeyPoint("会议讨论了最低价格保障机制。", (2,)),)),),
    language="zh",
    engine="test",
    engine_version="1",
    article_id="a1",
    checks=CheckReport(
        checks=("range",),
        findings=(Finding("numbers", "group 1 point 1", "7.6万 not found in [2]"),),
        actions=("dropped group 1 point 2: wrong number",),
    ),
)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "jsonl", "html"])
@pytest.mark.parametrize("which", ["en", "zh"])
def test_golden(fmt, which):
    renderer = get_renderer(fmt)
    brief = BRIEF_EN if which == "en" else BRIEF_ZH
    check_golden(f"{which}{renderer.suffix}", renderer.render_many([(brief, ARTICLE)]))


def test_text_layout_matches_the_seed():
    out = get_renderer("text").render(BRIEF_EN, ARTICLE)
    assert out.split("\n") == [
        "白宫密会稀土巨头!稀土战线悄然成形",
        "Sou Hu Cai Jing·2025-08-01 08:41",
        "",
        "Core Viewpoint - The U.S. is building a state-led rare earth strategy [1][2]. "
        "Group 1: U.S. Rare Earth Strategy - A closed-door meeting discussed a minimum price "
        'guarantee [2]. - Officials want "wartime" speed <b>now</b> [1]. Group 2: Challenges & '
        "Contradictions - Analysts doubt the policy will last [3]. - The contest is about "
        "industrial sovereignty [4].",
    ]


def test_chinese_brief_keeps_chinese_source_and_labels():
    out = get_renderer("text").render(BRIEF_ZH, ARTICLE)
    assert out.split("\n")[1] == "搜狐财经·2025-08-01 08:41"
    assert out.split("\n")[3] == (
        "核心观点 - 美国白宫近日召集稀土企业闭门开会[1]。 "
        "主题1：价格机制 - 会议讨论了最低价格保障机制[2]。"
    )


def test_missing_metadata_never_prints_none():
    bare = Article.from_texts(["Only text."], language="en")
    out = get_renderer("text").render(BRIEF_EN, bare)
    assert out.startswith("Core Viewpoint - ")
    assert "None" not in out
    only_date = Article.from_texts(["x"], published="2025-08-01 08:41")
    assert get_renderer("text").render(BRIEF_EN, only_date).split("\n")[0] == "2025-08-01 08:41"


def test_json_follows_the_schema_and_round_trips():
    data = json.loads(get_renderer("json").render(BRIEF_EN, ARTICLE))
    assert data["schema"] == SCHEMA == "brieflow.brief/1"
    assert data["id"] == "a1"
    assert data["article"]["source"] == "搜狐财经"
    assert data["core_viewpoint"] == {
        "text": "The U.S. is building a state-led rare earth strategy.",
        "citations": [1, 2],
    }
    assert data["groups"][1]["points"][0] == {
        "text": "Analysts doubt the policy will last.",
        "citations": [3],
    }
    assert Brief.from_dict(data) == BRIEF_EN
    zh = json.loads(get_renderer("json").render(BRIEF_ZH, ARTICLE))
    assert Brief.from_dict(zh) == BRIEF_ZH


def test_json_many_is_an_array_and_jsonl_one_line_each():
    pairs = [(BRIEF_EN, ARTICLE), (BRIEF_ZH, ARTICLE)]
    assert [d["language"] for d in json.loads(get_renderer("json").render_many(pairs))] == [
        "en",
        "zh",
    ]
    lines = get_renderer("jsonl").render_many(pairs).splitlines()
    assert [json.loads(line)["language"] for line in lines] == ["en", "zh"]


def test_html_escapes_every_piece_of_text():
    out = get_renderer("html").render(BRIEF_EN, ARTICLE)
    assert "<script>alert(1)</script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<b>now</b>" not in out and "&lt;b&gt;now&lt;/b&gt;" in out
    assert "Challenges &amp; Contradictions" in out
    assert '<a class="cite" href="#p3" data-target="p3">[3]</a>' in out
    assert '<li id="p3">' in out
    assert "http" not in out.replace("http-equiv", "")  # no external assets


def test_html_many_keeps_paragraph_ids_unique():
    out = get_renderer("html").render_many([(BRIEF_EN, ARTICLE), (BRIEF_ZH, ARTICLE)])
    assert out.count('<li id="b1-p1">') == 1 and out.count('<li id="b2-p1">') == 1


def test_unknown_format():
    with pytest.raises(ConfigError, match="unknown format 'pdf'"):
        get_renderer("pdf")
