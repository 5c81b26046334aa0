"""Digests: citations valid for every source, disagreements cited on both sides, golden
renderings in every format, the CLI. Regenerate the golden files after a deliberate change with
`UPDATE_GOLDEN=1 python -m pytest tests/test_digest.py` and review the diff. Every test runs on
SQLite and on PostgreSQL (tests/storydata.py's `desk`), and both give the same digests."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from brieflow.cli import main
from brieflow.digest import digest_story
from brieflow.digest.render import render
from brieflow.store import Store
from brieflow.store import stories as db
from brieflow.store.open import open_store

from . import pgserver, storydata
from .storydata import copy_db

# the fixtures this module uses from elsewhere
pg_server, desks, desk = pgserver.pg_server, storydata.desks, storydata.desk

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = FIXTURES / "golden"
SUFFIX = {"text": "txt", "markdown": "md", "json": "json", "html": "html"}


def _story_with(store: Store, article_id: str) -> str:
    for s in db.stories(store):
        if any(a.display_id == article_id for a in s.articles):
            return s.id
    raise AssertionError(article_id)


def test_citations_valid_for_every_source(desk):
    with open_store(desk) as store:
        for story in db.stories(store):
            for lang in ("zh", "en"):
                digest = digest_story(store, story.id, language=lang)
                paragraphs = {s.label: s.article.numbers for s in digest.sources}
                quoted = {s.label for s in digest.sources if s.quoted}
                assert digest.checks.passed, (story.id, lang, digest.checks.findings)
                assert 1 <= len(digest.groups) <= 4
                for where, st in digest.statements():
                    assert st.citations, where
                    for c in st.citations:
                        assert c.paragraph in paragraphs[c.source], (where, c)
                        # the extractive engine quotes only sources in the digest's language
                        assert c.source in quoted, (where, c)
                    if st.kind == "point":  # a sentence of one of its cited paragraphs
                        # (or that sentence with words cut: extractive Weights.cuts)
                        assert any(
                            _taken_from(
                                st.text,
                                digest.source(c.source).article.paragraph(c.paragraph).text,
                            )
                            for c in st.citations
                        ), where


def _taken_from(text: str, source: str) -> bool:
    """`text`'s characters occur in `source` in order (a speaker's 表示， may read "：")."""
    rest = iter(source)
    return all(ch in rest for ch in text.replace("：", "") if not ch.isspace())


def test_sources_in_order_and_other_language_listed(desk):
    with open_store(desk) as store:
        story = _story_with(store, "s03-01")
        digest = digest_story(store, story)
    assert [s.label for s in digest.sources] == ["A", "B", "C", "D", "E"]
    assert [s.article.id for s in digest.sources] == [f"s03-0{i}" for i in range(1, 6)]
    assert digest.language == "zh"  # three of five sources are Chinese
    assert [s.label for s in digest.sources if not s.quoted] == ["B", "D"]


def test_disagreement_cites_both_sides(desk):
    with open_store(desk) as store:
        digest = digest_story(store, _story_with(store, "s03-01"))
        en = digest_story(store, _story_with(store, "s06-01"), language="en")
    differ = [st for _, st in digest.statements() if st.kind == "disagreement"]
    assert [(d.text, [c.mark() for c in d.citations]) for d in differ] == [
        ("各方数据不一：A、E为1万亿元，C为1.1万亿元", ["[A1]", "[C1]", "[E1]"])
    ]
    differ = [st for _, st in en.statements() if st.kind == "disagreement"]
    assert [(d.text, [c.mark() for c in d.citations]) for d in differ] == [
        (
            "Sources disagree on a figure: 62.1 billion yuan in C, 62.3 billion yuan in B",
            ["[B1]", "[C1]"],
        )
    ]


def test_checks_catch_a_bad_citation(desk):
    from dataclasses import replace

    from brieflow.digest import Cite, Statement, run_digest_checks

    with open_store(desk) as store:
        digest = digest_story(store, _story_with(store, "s03-01"))
    # the viewpoint's sentence as A1 writes it (the engine's statement may be cut shorter),
    # cited to a paragraph that does not carry it
    text = digest.source("A").article.paragraph(1).text
    wrong = replace(digest, viewpoint=Statement(text, (Cite("C", 2),)))
    missing = replace(digest, viewpoint=Statement(digest.viewpoint.text, (Cite("Z", 1),)))
    report = run_digest_checks(wrong)
    errors = {(f.check, f.where): f.message for f in report.findings if f.severity == "error"}
    assert sorted(errors) == [("numbers", "viewpoint"), ("support", "viewpoint")]
    assert "[C2]" in errors[("support", "viewpoint")]  # named as the digest cites it
    assert "not in paragraph [C2]" in errors[("numbers", "viewpoint")]
    report = run_digest_checks(missing)
    assert [f.message for f in report.findings if f.check == "range"] == [
        "cites [Z1], which no source has (sources: A1-3, B1-3, C1-2, D1-2, E1-2)"
    ]


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_golden(desk, fmt):
    with open_store(desk) as store:
        digest = digest_story(store, _story_with(store, "s03-01"))
    text = render(digest, fmt) + "\n"
    path = GOLDEN / f"digest.{SUFFIX[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_cli_story_and_morning_brief(desk, tmp_path, capsys):
    path = copy_db(desk, tmp_path)
    with open_store(path) as store:
        story = _story_with(store, "s06-01")
    assert main(["digest", story[:5], "--db", str(path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("岚山汽车二季度营收623亿元 同比增长18%\nA: Dong Fang Cai Jing Ri Bao·")
    assert "Not quoted (in another language): A, D" in out
    assert (
        main(["digest", "--since", "2025-08-10", "--top", "2", "--db", str(path), "-f", "json"])
        == 0
    )
    listed = json.loads(capsys.readouterr().out)
    assert [d["schema"] for d in listed] == ["brieflow.digest/1"] * 2
    # since Aug 10: the September cut (4 articles), Lanshan's results (4), its recall (3);
    # the two largest, newest first on a tie
    assert [(d["sources"][0]["article"]["id"], len(d["sources"])) for d in listed] == [
        ("s05-01", 4),
        ("s06-01", 4),
    ]
    assert main(["digest", "--db", str(path)]) == 3
    assert "give a STORY_ID" in capsys.readouterr().err
    assert main(["digest", "--since", "yesterday-ish", "--db", str(path)]) == 3


def test_llm_digest_cites_every_source_and_is_checked(desk, tmp_path):
    """The llm engine sees the sources' paragraphs numbered end to end (A1-3 → 1-3, B1-3 →
    4-6, C1-2 → 7-8, D1-2 → 9-10 for the Lanshan results) and its numbers come back as
    [B2] marks; a point whose cited paragraph does not carry it is trimmed by the engine."""
    from tests.llm_fakes import FakeServer, engine

    reply = {
        "core_viewpoint": {
            "text": "Chinese electric-vehicle maker Lanshan Auto reported second-quarter revenue "
            "of 62.3 billion yuan on Tuesday, up 18% from a year earlier.",
            "citations": [1, 4],
        },
        "groups": [
            {
                "title": "Profit and sales",
                "points": [
                    {
                        "text": "Net profit rose 26% to 4.15 billion yuan, and overseas markets "
                        "accounted for 15% of its 382,000 vehicle sales.",
                        "citations": [1, 5],
                    },
                    {
                        "text": "The company kept its full-year target of 1.5 million vehicles.",
                        "citations": [6],
                    },
                ],
            },
            {
                "title": "Margins",
                "points": [
                    {
                        "text": "The carmaker said three new models would launch in the second "
                        "half of the year.",
                        "citations": [8],
                    },
                    {
                        "text": "The company plans to open 300 stores in Brazil next year.",
                        "citations": [9],
                    },
                ],
            },
        ],
    }
    server = FakeServer(reply)
    with open_store(desk) as store:
        digest = digest_story(
            store,
            _story_with(store, "s06-01"),
            engine=engine(server, tmp_path),
            language="en",
        )
    prompt = server.bodies[0]["messages"][-1]["content"]
    assert "岚山汽车8月12日晚发布二季度财报" in prompt  # the Chinese sources are read too
    assert all(s.quoted for s in digest.sources)
    marks = [(st.text[:20], [c.mark() for c in st.citations]) for _, st in digest.statements()]
    assert marks == [
        ("Chinese electric-veh", ["[A1]", "[B1]"]),
        ("Net profit rose 26% ", ["[A1]", "[B2]"]),
        ("The company kept its", ["[B3]"]),
        ("The carmaker said th", ["[C2]"]),
        ("Sources disagree on ", ["[B1]", "[C1]"]),
    ]
    assert digest.engine == "llm" and digest.checks.passed
    assert digest.checks.actions == (
        "asked the model once to repair 2 problems",
        "dropped group 2 point 2 (numbers, support check failed)",
    )


def _every_digest(target: str) -> list[str]:
    with open_store(target) as store:
        return [
            render(digest_story(store, s.id, language=lang), "json")
            for s in db.stories(store)
            for lang in ("zh", "en")
        ]


def test_same_digests_on_both_stores(desks, request):
    """The JSON digest of every story, in both languages, is the same on SQLite and on
    PostgreSQL for the same input."""
    on_sqlite = _every_digest(desks.get(request, "sqlite"))
    assert len(on_sqlite) == 12
    assert _every_digest(desks.get(request, "postgresql")) == on_sqlite
