"""Pathological inputs (issue 13): correct output, and time that grows linearly with size.

A growth check compares the CPU time of one input at n and at 10n. Linear code takes about 10x;
the quadratic or cubic code these inputs once hit takes 100x-1000x. The check passes below 30x
the small run (never less than 20 ms: a tiny small run would make the ratio noise), so on a busy
machine a linear run has plenty of room and a quadratic one at these sizes takes seconds.
Real timings at the issue's sizes are in bench/adversarial.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from brieflow.extract import extract
from brieflow.extract.htmlmeta import page_source
from brieflow.extract.paragraphs import split_paragraphs
from brieflow.nlp.sentences import split_sentences
from brieflow.pipeline import brief, with_language
from brieflow.render import FORMATS, get_renderer
from brieflow.render.labels import statement


def _cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def assert_linear(run: Callable[[int], object], n: int, factor: float = 30.0) -> None:
    """`run(10n)` costs less than `factor` times `run(n)` (best of two small runs)."""
    run(n // 10 or 1)  # warm-up: imports, caches
    small = max(min(_cpu(lambda: run(n)), _cpu(lambda: run(n))), 0.02)
    large = _cpu(lambda: run(10 * n))
    assert large < factor * small, f"n={n}: {small:.3f}s, 10n: {large:.3f}s"


def _whole_path(data: bytes, fmt: str) -> list[str]:
    """What `brieflow brief` does: extract, brief (with the checks), render every format."""
    out = []
    for item in extract(data, "input", fmt):
        assert item.article is not None, item.error
        article = with_language(item).article
        result = brief(article)
        out.extend(get_renderer(f).render_many([(result, article)]) for f in FORMATS)
    return out


# --- `<div>来源` + spaces: cubic in htmlmeta's source pattern --------------------------------


def _laiyuan_page(n: int) -> bytes:
    return ("<html><body><div>来源" + " " * n + "x,</div></body></html>").encode()


def test_source_label_followed_by_spaces_is_linear_and_names_no_source():
    import lxml.html

    tree = lxml.html.document_fromstring(_laiyuan_page(3200).decode())
    assert page_source(tree, {}, []) is None
    ok = lxml.html.document_fromstring("<body><div>来源：  新华社</div><p>x</p></body>")
    assert page_source(ok, {}, []) == "新华社"
    assert_linear(
        lambda n: page_source(lxml.html.document_fromstring(_laiyuan_page(n).decode()), {}, []),
        300,
    )


# --- runs of sentence marks: English ! and ., Chinese ， -------------------------------------


def test_english_run_of_marks_is_one_sentence_in_linear_time():
    for mark in "!.":
        text = "The market rose today. Traders said so " + mark * 5000 + "x and more."
        assert split_sentences(text, "en") == [
            "The market rose today.",
            "Traders said so " + mark * 5000 + "x and more.",
        ]
        assert_linear(lambda n, m=mark: split_sentences("Said " + m * n + "x.", "en"), 2000)


def test_statement_strips_trailing_marks_in_linear_time():
    assert statement("增长，，。 ", (3,), "zh") == "增长[3]。"
    assert statement("It rose . ", (1, 2), "en") == "It rose [1][2]."
    assert statement("增长" + "，" * 4000 + "x", (1,), "zh") == "增长" + "，" * 4000 + "x[1]。"
    assert_linear(lambda n: statement("增长" + "，" * n + "x", (1,), "zh"), 2000)


def test_whole_path_on_runs_of_marks():
    en = _whole_path(
        ("The market rose today. Traders said so " + "!" * 4000 + "x.").encode(), "text"
    )
    assert "Traders said so !!!" in en[0]
    zh = _whole_path(("中国经济持续增长，记者表示" + "，" * 4000 + "增长").encode(), "text")
    assert zh[0].startswith("核心观点")
    assert_linear(
        lambda n: _whole_path(("中国经济持续增长，记者表示" + "，" * n + "增长").encode(), "text"),
        2000,
    )


# --- many short lines: join_lines rescanned what it had built ----------------------------------


def test_block_of_short_lines_joins_in_linear_time():
    lines = "\n".join(f"line {i}" for i in range(3))
    assert split_paragraphs(f"A title\n\n{lines}\n\nEnd.") == [
        "A title",
        "line 0 line 1 line 2",
        "End.",
    ]
    assert split_paragraphs("标题\n\n第一\n第二\nthird\n\n完") == ["标题", "第一第二 third", "完"]

    def run(n: int) -> list[str]:
        return split_paragraphs("T\n\n" + "\n".join(f"line {i}" for i in range(n)) + "\n\nEnd.")

    assert_linear(run, 2000)


# --- Markdown: a parser, not regexes -----------------------------------------------------------


def _md_paragraphs(text: str) -> list[str]:
    (item,) = extract(text.encode(), "a.md", "markdown")
    assert item.article is not None, item.error
    return [p.text for p in item.article.paragraphs]


def test_markdown_star_runs_and_open_brackets_in_linear_time():
    assert _md_paragraphs("# T\n\nFirst words. " + "*a " * 5) == ["First words. *a *a *a *a *a"]
    assert _md_paragraphs("# T\n\nFirst words. " + "[" * 5) == ["First words. [[[[["]
    assert_linear(lambda n: _md_paragraphs("# T\n\nFirst words. " + "*a " * n), 500)
    assert_linear(lambda n: _md_paragraphs("# T\n\nFirst words. " + "[" * n), 2000)


def test_markdown_constructs_become_plain_paragraphs():
    text = (
        '---\ntitle: "Front title"\nsource: Wire\npublished: 2025-08-01 08:41\n---\n'
        "# Heading one\n\n"
        "A *first* paragraph with **bold**, `code` and a [link](http://x.y/z).\n"
        "It wraps here.\n\n"
        "## A subheading\n\n"
        "- a list item\n- another\n\n"
        "> a quote\n\n"
        "```\ncode block\n```\n\n"
        "***\n\n"
        "![an image](a.png) after the image\n"
    )
    (item,) = extract(text.encode(), "a.md", "markdown")
    a = item.article
    assert (a.title, a.source, a.published) == ("Front title", "Wire", "2025-08-01 08:41")
    assert [p.text for p in a.paragraphs] == [
        "A first paragraph with bold, code and a link. It wraps here.",
        "a list item",
        "another",
        "a quote",
        "an image after the image",
    ]


# --- HTML with 100,000 <p> -------------------------------------------------------------------


def test_many_empty_paragraph_tags_in_linear_time():
    page = lambda n: ("<html><body>" + "<p>" * n + "Body text here.</body></html>").encode()  # noqa: E731
    (item,) = extract(page(1000), "p.html", "html")
    assert [p.text for p in item.article.paragraphs] == ["Body text here."]
    assert_linear(lambda n: list(extract(page(n), "p.html", "html")), 1000)
