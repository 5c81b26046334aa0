"""Extraction quality on the fixture pages: brieflow vs plain trafilatura vs readability-lxml.

Measures, per extractor, paragraph F1 (exact paragraph texts after whitespace normalisation,
against tests/fixtures/html/expected.json) and the share of pages whose title, source and
published time are exactly right. Plain trafilatura and readability get the bytes decoded by
their own means (trafilatura: bytes in; readability: bytes in), as a user of them would.

    PYTHONPATH=. python bench/extraction.py            # prints a Markdown table
    pip install 'brieflow[bench]'                      # readability-lxml
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "html"
# Pages written after brieflow's rules were settled, with expectations written by hand before
# running any extractor on them: a small out-of-sample check.
HELDOUT = ROOT / "bench" / "heldout"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()


def brieflow_extract(data: bytes, name: str) -> dict:
    from brieflow.extract import extract

    article = next(extract(data, name, "html")).article
    return {
        "title": article.title,
        "source": article.source,
        "published": article.published,
        "paragraphs": [p.text for p in article.paragraphs],
    }


def trafilatura_extract(data: bytes, name: str) -> dict:
    import trafilatura

    text = trafilatura.extract(data, output_format="txt", with_metadata=False) or ""
    meta = trafilatura.extract_metadata(data)
    date = meta.date if meta else None
    return {
        "title": meta.title if meta else None,
        "source": meta.sitename if meta else None,
        "published": date,  # trafilatura gives a date without the time
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
        "paragraphs": [b for b in blocks if b],
    }


def f1(got: list[str], want: list[str]) -> float:
    got_n = [_norm(g) for g in got]
    want_n = [_norm(w) for w in want]
    hit = sum(1 for g in got_n if g in want_n)
    if not got_n or not want_n or not hit:
        return 0.0
    precision, recall = hit / len(got_n), sum(1 for w in want_n if w in got_n) / len(want_n)
    return 2 * precision * recall / (precision + recall)


EXTRACTORS = {
    "brieflow": brieflow_extract,
    "trafilatura": trafilatura_extract,
    "readability-lxml": readability_extract,
}


def main() -> int:
    for label, folder in (
        ("Test fixtures (tests/fixtures/html; 12 Chinese incl. GBK and Big5, 3 English)", FIXTURES),
        ("Held-out pages (bench/heldout; 4 Chinese incl. GBK, 2 English)", HELDOUT),
    ):
        print(f"{label}:\n")
        table(folder)
        print()
    return 0


def table(folder: Path) -> None:
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    rows = []
    for label, fn in EXTRACTORS.items():
        try:
            fn(b"<html><body><p>x</p></body></html>", "probe.html")
        except ImportError as exc:
            print(f"skipping {label}: {exc}", file=sys.stderr)
            continue
        scores = {"f1": 0.0, "title": 0, "source": 0, "published": 0, "mojibake": 0}
        for name, want in expected.items():
            data = (folder / name).read_bytes()
            try:
                got = fn(data, name)
            except Exception as exc:  # noqa: BLE001 - a crash scores zero for the page
                print(f"{label} failed on {name}: {exc}", file=sys.stderr)
                continue
            scores["f1"] += f1(got["paragraphs"], want["paragraphs"])
            for key in ("title", "source", "published"):
                scores[key] += int(got[key] == want[key])
            text = " ".join(got["paragraphs"]) + (got["title"] or "")
            scores["mojibake"] += int(
                "\ufffd" in text or bool(re.search("[ÃÂæåçèéï][\x80-\xbf]", text))
            )
        n = len(expected)
        rows.append(
            f"| {label} | {scores['f1'] / n:.3f} | {scores['title']}/{n} | {scores['source']}/{n} "
            f"| {scores['published']}/{n} | {scores['mojibake']}/{n} |"
        )
    print(
        "| extractor | paragraph F1 | title exact | source exact | published exact (minute) "
        "| pages with mojibake |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    sys.exit(main())
