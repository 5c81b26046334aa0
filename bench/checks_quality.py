"""Precision and recall of the support, numbers and language checks on labelled claims.

The claims and articles are tests/data/check_pairs.json (written for brieflow): true claims,
claims with a subtly wrong number, claims citing a paragraph that does not carry them, and
claims in the other language. Each check is compared with a simple peer measured in the same
run: numbers without normalisation (digits as written), support without the encoder (shared
words, numbers and names only). Writes the "## Checks" section of docs/benchmarks.md.

    PYTHONPATH=. python bench/checks_quality.py [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from brieflow.checks import run_checks  # noqa: E402
from brieflow.models import Article, Brief, Viewpoint  # noqa: E402
from brieflow.nlp import support as support_mod  # noqa: E402
from brieflow.nlp.support import SupportScorer  # noqa: E402

PAIRS = ROOT / "tests" / "data" / "check_pairs.json"
DOC = ROOT / "docs" / "benchmarks.md"
COMMAND = "PYTHONPATH=. python bench/checks_quality.py --write"

# Which labels each check should flag, and which it must leave alone.
TARGETS = {
    "numbers": ({"number"}, {"true", "language"}),
    "support": ({"paragraph"}, {"true", "language", "number"}),
    "language": ({"language"}, {"true", "number", "paragraph"}),
}


def load() -> tuple[dict[str, Article], list[dict]]:
    data = json.loads(PAIRS.read_text(encoding="utf-8"))
    articles = {
        name: Article.from_texts(a["paragraphs"], title=a["title"], language=a["language"])
        for name, a in data["articles"].items()
    }
    return articles, data["claims"]


def flagged(claim: dict, article: Article) -> set[str]:
    brief = Brief(
        Viewpoint(claim["text"], tuple(claim["cites"])), (), claim.get("lang", "en"), "t", "0"
    )
    report = run_checks(brief, article, ("support", "numbers", "language"))
    return {f.check for f in report.findings if f.severity == "error"}


def naive_numbers(claim: dict, article: Article) -> bool:
    """Peer: every digit string of the claim appears as written in a cited paragraph."""
    cited = " ".join(article.paragraph(c).text for c in claim["cites"])
    return any(d not in cited for d in re.findall(r"\d+(?:\.\d+)?", claim["text"]))


def lexical_support(claim: dict, article: Article, scorer: SupportScorer) -> bool:
    """Peer: shared words (same language) or shared numbers and names (across languages)."""
    cites = tuple(claim["cites"])
    if scorer.lexical(claim["text"], cites) >= 0.3:
        return False
    anchors = support_mod._anchors(claim["text"])
    if anchors:
        cited = " ".join(article.paragraph(c).text for c in cites)
        return support_mod._anchor_share(anchors, cited) < 0.5
    return True


def score(rows: list[tuple[str, bool]], check: str) -> tuple[float, float, int, int]:
    positive, negative = TARGETS[check]
    tp = sum(1 for label, hit in rows if hit and label in positive)
    fp = sum(1 for label, hit in rows if hit and label in negative)
    fn = sum(1 for label, hit in rows if not hit and label in positive)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp + fn, sum(1 for label, _ in rows if label in negative)


def run(extra: list[str]) -> str:
    articles, claims = load()
    scorers = {name: SupportScorer(a) for name, a in articles.items()}
    from brieflow.nlp import embeddings

    start = time.perf_counter()
    embeddings.encode(["warm up"])
    loading = time.perf_counter() - start
    start = time.perf_counter()
    results = [(c, flagged(c, articles[c["article"]])) for c in claims]
    elapsed = time.perf_counter() - start
    lines = [
        "## Checks",
        "",
        f"Command: `{COMMAND}` · {len(claims)} labelled claims in `tests/data/check_pairs.json` "
        "(written for brieflow: 4 Chinese and 1 English article, mostly English claims about "
        "Chinese paragraphs; labels: "
        + ", ".join(
            f"{label} {sum(1 for c in claims if c['label'] == label)}"
            for label in ("true", "number", "paragraph", "language")
        )
        + ").",
        "",
        "| check | precision | recall | positives | negatives | peer in the same run | "
        "peer precision | peer recall |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    peers = {
        "numbers": ("digits as written", lambda c: naive_numbers(c, articles[c["article"]])),
        "support": (
            "words/anchors only",
            lambda c: lexical_support(c, articles[c["article"]], scorers[c["article"]]),
        ),
        "language": None,
    }
    for check in ("support", "numbers", "language"):
        rows = [(c["label"], check in found) for c, found in results]
        p, r, npos, nneg = score(rows, check)
        peer = peers[check]
        if peer is None:
            lines.append(f"| {check} | {p:.2f} | {r:.2f} | {npos} | {nneg} | — | — | — |")
            continue
        name, fn = peer
        prow = [(c["label"], fn(c)) for c in claims]
        pp, pr, _, _ = score(prow, check)
        lines.append(
            f"| {check} | {p:.2f} | {r:.2f} | {npos} | {nneg} | {name} | {pp:.2f} | {pr:.2f} |"
        )
    held = [(c, found) for c, found in results if c.get("holdout")]
    if held:
        lines += [
            "",
            f"Hold-out only ({len(held)} claims about an article written after the thresholds "
            "were fixed):",
            "",
            "| check | precision | recall | positives | negatives |",
            "| --- | --- | --- | --- | --- |",
        ]
        for check in ("support", "numbers", "language"):
            p, r, npos, nneg = score([(c["label"], check in f) for c, f in held], check)
            lines.append(f"| {check} | {p:.2f} | {r:.2f} | {npos} | {nneg} |")
    true_claims = [found for c, found in results if c["label"] == "true"]
    wrong_claims = [found for c, found in results if c["label"] != "true"]
    caught = sum(1 for found in wrong_claims if found)
    alarms = sum(1 for found in true_claims if found)
    misses = [
        f"{c['label']}: {c['text'][:60]}"
        for c, found in results
        if (c["label"] == "true") == bool(found)
    ]
    lines += [
        "",
        f"All checks together: {caught}/{len(wrong_claims)} wrong claims flagged, "
        f"{alarms}/{len(true_claims)} true claims flagged. "
        f"Loading the encoder took {loading:.1f} s; checking the {len(claims)} claims one by "
        f"one took {elapsed:.1f} s ({elapsed / len(claims) * 1000:.0f} ms a claim; a brief's "
        "statements are encoded in one batch); load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores during the run.",
    ]
    if misses:
        lines += ["", "Misclassified:", *(f"- {m}" for m in misses)]
    lines += extra
    lines += [
        "",
        "Support thresholds (brieflow/nlp/support.py): a statement is carried when the "
        f"encoder score reaches {support_mod.SUPPORT_THRESHOLD}, or "
        f"{support_mod.SUPPORT_FLOOR} when the cited paragraph is also the article's best "
        "match; same-language statements whose content words are "
        f"{support_mod.LEXICAL_ENOUGH:.0%} in the cited paragraphs pass without the encoder. "
        "The thresholds were set on the first four articles' pairs (true claims scored "
        "0.43-0.95, wrong-paragraph claims -0.06-0.32), so the first table is mostly fit; the "
        "hold-out table is the honest estimate, and a small one.",
        "",
    ]
    return "\n".join(lines)


EVAL = Path(os.environ.get("BRIEFLOW_EVAL_DIR") or ROOT.parent / "shared" / "data" / "eval")


def extractive_on_real(per_file: int) -> list[str]:
    """Findings (false alarms: extractive points are verbatim) and the checks' cost on real
    articles, against the three checks that existed before support and numbers."""
    from brieflow.engines.base import BriefOptions
    from brieflow.engines.extractive import ExtractiveEngine
    from brieflow.errors import BrieflowError
    from brieflow.nlp import embeddings

    engine = ExtractiveEngine()
    briefs = []
    start = time.perf_counter()
    for path in sorted(EVAL.glob("*-dev.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i >= per_file:
                    break
                d = json.loads(line)
                a = Article.from_texts(d["paragraphs"], language=d["lang"])
                try:
                    briefs.append((engine.brief(a, BriefOptions()), a))
                except BrieflowError:
                    continue
    timings = {"engine": time.perf_counter() - start}
    findings: dict[str, int] = {}
    for label, names in (("old", ("range", "shape", "language")), ("all", None)):
        start = time.perf_counter()
        for b, a in briefs:
            report = run_checks(b, a, names)
            if label == "all":
                for f in report.findings:
                    if f.severity == "error":
                        findings[f.check] = findings.get(f.check, 0) + 1
        timings[label] = time.perf_counter() - start
    ratio = timings["all"] / timings["old"] if timings["old"] else float("nan")
    return [
        "",
        f"Extractive briefs of {len(briefs)} real articles (the first {per_file} of each "
        "`shared/data/eval/*-dev.jsonl`, read at run time): error findings "
        f"{findings or 'none'} (every point is a sentence of its paragraph, so any finding "
        f"is a false alarm); encoder loaded: {embeddings.loaded()}; all five checks took "
        f"{ratio:.1f}× the time of range+shape+language alone "
        f"({timings['all'] / max(len(briefs), 1) * 1000:.0f} ms a brief), "
        f"{timings['all'] / timings['engine']:.2f}× the time the extractive engine took to "
        "write the briefs.",
    ]


def write(section: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Checks\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument(
        "--real",
        type=int,
        default=10,
        metavar="N",
        help="also check extractive briefs of N real articles per eval file",
    )
    args = parser.parse_args()
    extra = extractive_on_real(args.real) if args.real and EVAL.is_dir() else []
    section = run(extra)
    print(section)
    if args.write:
        write(section)


if __name__ == "__main__":
    main()
