"""Fuzzing, bounded and reproducible: random and structured inputs through every extractor, the
engine, every renderer and the CLI. Anything but a BrieflowError (one clear line) is a bug.

Each test runs a few hundred examples with a fixed seed (`derandomize`), so CI sees the same
inputs every run; the whole file takes well under a minute.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brieflow.cli import main
from brieflow.config import Settings
from brieflow.errors import BrieflowError
from brieflow.extract import extract, formats
from brieflow.pipeline import brief, with_language
from brieflow.render import FORMATS, get_renderer

FUZZ = settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
OFFLINE = Settings(fetch_links=False)
ENCODINGS = ("utf-8", "gbk", "big5", "utf-16")

# Text that looks like news: Chinese and English words, punctuation, digits, whitespace.
WORDS = st.sampled_from(
    "价格 下跌 三成 厂商 记者 来源： 。 ， ！ ？ “ ” 亿元 2025年8月1日 The market rose 3.5% "
    "said Mr. U.S. Inc. ! ? . ... , ; : \n \n\n \t \u3000 &amp; < > [ ] * _ # - 1. ".split(" ")
)
NEWSY = st.lists(WORDS, max_size=80).map(" ".join)
TEXT = st.one_of(NEWSY, st.text(max_size=300))


def _through_everything(data: bytes, name: str, fmt: str | None) -> None:
    """Extract, brief and render; only BrieflowErrors may come out, as items or raised."""
    _run_everything(data, name, fmt)


def _run_everything(data: bytes, name: str, fmt: str | None) -> None:
    try:
        for item in extract(data, name, fmt, settings=OFFLINE):
            if item.article is None:
                assert isinstance(item.error, BrieflowError)
                continue
            article = with_language(item).article
            try:
                result = brief(article)
            except BrieflowError:
                continue
            for f in FORMATS:
                get_renderer(f).render_many([(result, article)])
    except BrieflowError:
        pass


@FUZZ
@given(data=st.binary(max_size=1500), fmt=st.sampled_from([None, *formats()]))
def test_random_bytes_in_every_format(data: bytes, fmt: str | None) -> None:
    _through_everything(data, "input", fmt)


ODD_NUMBERS = st.sampled_from([1e300, -1e300, 10**30, -(10**30), 0, -1, 1.5, 2**63])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ODD_NUMBERS | TEXT,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
# Values of the wrong type or size where text, numbers or dates are expected.
WEIRD = st.sampled_from(
    [1e300, -1e300, float("nan"), float("inf"), 10**30, 2**63, -1, 0, 5, True, None, [], {}, [5],
     {"text": 5}, [{"text": None}], "", " ", "0", "1e300", "9999-99-99", "\x00", "[" * 50]
)  # fmt: skip
FIELD = st.one_of(TEXT, WEIRD, JSON)
ARTICLE = st.fixed_dictionaries(
    {"text": st.one_of(NEWSY, FIELD)},
    optional={
        "title": FIELD,
        "paragraphs": st.one_of(st.lists(st.one_of(TEXT, WEIRD), max_size=5), FIELD),
        "published": FIELD,
        "date": FIELD,
        "source": FIELD,
        "url": FIELD,
        "lang": st.one_of(st.sampled_from(["zh", "en", "zh-CN", "de", "", "x" * 40]), FIELD),
        "id": FIELD,
    },
)


@FUZZ
@given(records=st.lists(st.one_of(ARTICLE, JSON), min_size=1, max_size=4), lines=st.booleans())
def test_json_and_json_lines(records: list, lines: bool) -> None:
    if lines:
        data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()
        _through_everything(data, "a.jsonl", "jsonl")
    else:
        _through_everything(json.dumps(records[0], ensure_ascii=False).encode(), "a.json", "json")


TAGS = st.sampled_from(["p", "div", "span", "article", "h1", "title", "script", "br", "time"])
ATTRS = st.sampled_from(
    ["", ' class="source"', ' class="content"', ' id="time"', ' datetime="2025-08-01T08:41"']
)


@st.composite
def html_pages(draw) -> str:  # noqa: ANN001
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        tag, attrs, text = draw(TAGS), draw(ATTRS), draw(TEXT)
        parts.append(f"<{tag}{attrs}>{text}" + (f"</{tag}>" if draw(st.booleans()) else ""))
    meta = draw(
        st.sampled_from(
            [
                "",
                '<meta charset="gbk">',
                '<meta property="og:title" content="标题">',
                '<meta name="publishdate" content="2025-08-01">',
            ]
        )
    )
    return (
        f"<html><head>{meta}<title>{draw(TEXT)}</title></head><body>{''.join(parts)}</body></html>"
    )


@FUZZ
@given(page=html_pages(), encoding=st.sampled_from(ENCODINGS))
def test_html_pages_in_every_encoding(page: str, encoding: str) -> None:
    _through_everything(page.encode(encoding, errors="ignore"), "page.html", None)


@st.composite
def feeds(draw) -> str:  # noqa: ANN001
    items = []
    for _ in range(draw(st.integers(0, 4))):
        title = draw(TEXT).replace("<", "&lt;").replace("&", "&amp;")
        desc = draw(TEXT).replace("]]>", "")
        link = draw(st.sampled_from(["", "<link>http://news.example/a</link>"]))
        date = draw(st.sampled_from(["", "<pubDate>Fri, 01 Aug 2025 08:41:00 +0800</pubDate>"]))
        items.append(
            f"<item><title>{title}</title>{link}{date}<description><![CDATA[{desc}]]></description></item>"
        )
    if draw(st.booleans()):
        channel = f"<channel><title>{draw(NEWSY)}</title>{''.join(items)}</channel>"
        return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'
    entries = "".join(i.replace("item>", "entry>") for i in items)
    return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>{entries}</feed>'


@FUZZ
@given(feed=feeds(), encoding=st.sampled_from(ENCODINGS))
def test_feeds_in_every_encoding(feed: str, encoding: str) -> None:
    data = feed.encode(encoding, errors="ignore")
    if encoding not in ("utf-8", "utf-16"):
        data = data.replace(
            b'version="1.0"?>', f'version="1.0" encoding="{encoding}"?>'.encode(), 1
        )
    _through_everything(data, "feed.xml", None)


@FUZZ
@given(
    text=st.one_of(TEXT, ARTICLE.map(lambda a: json.dumps(a, ensure_ascii=False))),
    encoding=st.sampled_from(ENCODINGS),
    suffix=st.sampled_from([".txt", ".md", ".html", ".json", ".jsonl", ".xml", ""]),
    fmt=st.sampled_from(["text", "json", "jsonl", "markdown"]),
)
def test_cli_brief_and_extract_never_crash(text: str, encoding: str, suffix: str, fmt: str) -> None:
    """The real CLI entry point in this process: an exit code, never an exception."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(text.encode(encoding, errors="ignore"))
        for argv in (
            ["brief", str(path), "--format", fmt if fmt in FORMATS else "json", "--no-fetch-links"],
            ["extract", str(path), "--no-fetch-links"],
        ):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(argv)
            assert "internal error" not in err.getvalue(), (argv, err.getvalue())
            assert code in (0, 1, 3, 4, 5), (argv, code, err.getvalue())
            if code != 0:
                lines = err.getvalue().splitlines()
                assert lines and all(line.startswith("brieflow: ") for line in lines), lines
