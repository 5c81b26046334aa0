"""Extraction quality: brieflow vs plain trafilatura vs readability-lxml, in one run.

Four sets of pages, each with expectations in its folder's `expected.json`:

- test fixtures (tests/fixtures/html) and held-out pages (bench/heldout): portal-like pages with
  the expected paragraphs;
- script-rendered pages (bench/scripted): shells whose article sits in embedded JSON
  (`__NEXT_DATA__`, `window.__INITIAL_STATE__`, `window.DATA`, JSON-LD articleBody), and one
  shell with nothing but "加载中..." whose right answer is "no article";
- real saved pages (bench/pages, see its SOURCES.md): pages from public test folders, with the
  headline, time, author and body landmarks (start, end, key sentences, lines that are not body)
  written by hand before any extractor ran on them.

Per extractor: body F1 (exact paragraphs after whitespace normalisation; on the real pages the
share of body landmarks right), headline exact, time to the minute (the wall time as published;
a date-only expectation wants the date only), author exact, pages whose body brieflow read from
embedded JSON, pages where a placeholder was given as the article, pages with mojibake.

    PYTHONPATH=. python bench/extraction.py            # prints Markdown tables
    pip install 'brieflow[bench]'                      # readability-lxml
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = (
    (
        "Test fixtures (tests/fixtures/html; 12 Chinese incl. GBK and Big5, 3 English)",
        ROOT / "tests" / "fixtures" / "html",
    ),
    ("Held-out pages (bench/heldout; 4 Chinese incl. GBK, 2 English)", ROOT / "bench" / "heldout"),
    (
        "Script-rendered pages (bench/scripted; 2 Chinese, 2 English, 1 shell with no article)",
        ROOT / "bench" / "scripted",
    ),
    ("Real saved pages (bench/pages; 2 English, see SOURCES.md)", ROOT / "bench" / "pages"),
)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()


def brieflow_extract(data: bytes, name: str) -> dict:
    from brieflow.errors import EmptyArticle
    from brieflow.extract.html import read_html

    try:
        article, where = read_html(data, name)
    except EmptyArticle:
        return {"paragraphs": [], "title": None, "published": None, "source": None}
    return {
        "title": article.title,
        "source": article.source,
        "published": article.published,
        "author": article.author,
        "paragraphs": [p.text for p in article.paragraphs],
        "embedded": where != "page",
    }


def trafilatura_extract(data: bytes, name: str) -> dict:
    import trafilatura

    text = trafilatura.extract(data, output_format="txt", with_metadata=False) or ""
    meta = trafilatura.extract_metadata(data)
    return {
        "title": meta.title if meta else None,
        "source": meta.sitename if meta else None,
        "published": meta.date if meta else None,  # a date without the time
        "author": meta.author if meta else None,
        "paragraphs": [ln for ln in text.split("\n") if ln.strip()],
    }


def readability_extract(data: bytes, name: str) -> dict:
    import lxml.html
    from readability import Document

    doc = Document(data)
    summary = lxml.html.fromstring(doc.summary(html_partial=True))
    blocks = [_norm(el.text_content()) for el in summary.iter("p", "li", "h2", "h3")]
    if not any(blocks):
        blocks = [_norm(summary.text_content())]
    return {
        "title": doc.short_title(),
        "source": None,  # readability extracts no source
        "published": None,  # nor a time
        "author": None,  # nor an author
        "paragraphs": [b for b in blocks if b],
    }


def f1(got: list[str], want: list[str]) -> float:
    got_n = [_norm(g) for g in got]
    want_n = [_norm(w) for w in want]
    if not want_n:  # the right answer is "no article"
        return 1.0 if not got_n else 0.0
    hit = sum(1 for g in got_n if g in want_n)
    if not got_n or not hit:
        return 0.0
    precision, recall = hit / len(got_n), sum(1 for w in want_n if w in got_n) / len(want_n)
    return 2 * precision * recall / (precision + recall)


def landmarks(got: list[str], want: dict) -> float:
    """Share of the hand-written body landmarks that hold: the body starts and ends where it
    should, holds each key sentence, and holds none of the lines that are not body."""
    if not got:
        return 0.0
    text = _norm(" ".join(got))
    checks = [
        _norm(got[0]).startswith(_norm(want["body_start"])),
        _norm(got[-1]).endswith(_norm(want["body_end"])),
    ]
    checks += [_norm(k) in text for k in want["key_sentences"]]
    checks += [_norm(n) not in text for n in want["not_in_body"]]
    return sum(checks) / len(checks)


def minute(value: str | None) -> str | None:
    """The wall time as published, to the minute: "YYYY-MM-DD HH:MM" or "YYYY-MM-DD"."""
    return value[:16].rstrip() if value else None


EXTRACTORS = {
    "brieflow": brieflow_extract,
    "trafilatura": trafilatura_extract,
    "readability-lxml": readability_extract,
}


def main() -> int:
    for label, folder in SETS:
        print(f"{label}:\n")
        table(folder)
        print()
    return 0


def table(folder: Path) -> None:
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    real = any("body_start" in want for want in expected.values())
    rows = []
    for label, fn in EXTRACTORS.items():
        try:
            fn(b"<html><body><p>x</p></body></html>", "probe.html")
        except ImportError as exc:
            print(f"skipping {label}: {exc}", file=sys.stderr)
            continue
        s = {
            k: 0.0
            for k in ("body", "title", "time", "author", "source", "json", "placeholder", "moji")
        }
        for name, want in expected.items():
            data = (folder / name).read_bytes()
            try:
                got = fn(data, name)
            except Exception as exc:  # noqa: BLE001 - a crash scores zero for the page
                print(f"{label} failed on {name}: {exc}", file=sys.stderr)
                continue
            paragraphs = got["paragraphs"]
            if real:
                s["body"] += landmarks(paragraphs, want)
            else:
                s["body"] += f1(paragraphs, want["paragraphs"])
            no_article = "paragraphs" in want and not want["paragraphs"]
            if no_article:
                s["placeholder"] += int(bool(paragraphs))
                s["title"] += 1
                s["time"] += 1
                s["author"] += 1
                s["source"] += 1
            else:
                s["title"] += int(got["title"] == want["title"])
                s["time"] += int(minute(got["published"]) == minute(want["published"]))
                s["author"] += int(got.get("author") == want.get("author"))
                s["source"] += int(got.get("source") == want.get("source"))
            s["json"] += int(bool(got.get("embedded")))
            text = " ".join(paragraphs) + (got["title"] or "")
            s["moji"] += int("\ufffd" in text or bool(re.search("[ÃÂæåçèéï][\x80-\xbf]", text)))
        n = len(expected)
        embedded = f"{int(s['json'])}/{n}" if label == "brieflow" else "—"
        # A column is scored only where the set's expectations name that field.
        has = {k: all(k in w for w in expected.values()) for k in ("author", "source")}
        author = f"{int(s['author'])}/{n}" if has["author"] else "—"
        source = f"{int(s['source'])}/{n}" if has["source"] else "—"
        rows.append(
            f"| {label} | {s['body'] / n:.3f} | {int(s['title'])}/{n} | {int(s['time'])}/{n} "
            f"| {author} | {source} | {embedded} | {int(s['placeholder'])}/{n} "
            f"| {int(s['moji'])}/{n} |"
        )
    body = "body landmarks" if real else "body F1"
    print(
        f"| extractor | {body} | headline exact | time to the minute | author exact "
        "| source exact | read from embedded JSON | placeholder as article | mojibake |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    sys.exit(main())
