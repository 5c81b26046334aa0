"""Checks of a digest against its sources, by brieflow.checks.

The sources' paragraphs are laid end to end as one article (A1, A2, …, B1, … numbered 1, 2, …),
the digest becomes a Brief citing those numbers, and the brief checks run unchanged: range,
shape, language, support (the cited source paragraphs carry each statement, across languages)
and numbers. Findings are translated back to `[B2]` marks. A disagreement point is built from
the figures of the paragraphs it cites, not quoted; the support check skips it (its wording is
ours), the numbers check does not.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..checks import CHECKS
from ..models import Article, Brief, CheckReport, Finding, KeyPoint, Paragraph, Theme, Viewpoint
from .models import Cite, Digest, Statement

_MARK = re.compile(r"\[(\d+)\]")
_RANGE = re.compile(r"paragraphs? ([\d, ]+)")


class Combined:
    """The sources' paragraphs as one article, and the numbering both ways."""

    def __init__(self, digest: Digest):
        paragraphs: list[Paragraph] = []
        self.number: dict[Cite, int] = {}
        self.cite: dict[int, Cite] = {}
        for source in digest.sources:
            for p in source.article.paragraphs:
                n = len(paragraphs) + 1
                paragraphs.append(Paragraph(n, p.text))
                self.number[Cite(source.label, p.number)] = n
                self.cite[n] = Cite(source.label, p.number)
        self.article = Article(tuple(paragraphs), language=digest.language, id=digest.story["id"])

    def numbers(self, cites: tuple[Cite, ...]) -> tuple[int, ...]:
        return tuple(sorted({self.number[c] for c in cites if c in self.number}))

    def marks(self, message: str) -> str:
        return _MARK.sub(
            lambda m: self.cite[int(m.group(1))].mark() if int(m.group(1)) in self.cite else m[0],
            message,
        )


def _range(digest: Digest) -> list[Finding]:
    """Every statement cites at least one paragraph that exists in a listed source."""
    known = {s.label: s.article.numbers for s in digest.sources}
    findings = []
    for where, st in digest.statements():
        if not st.citations:
            findings.append(Finding("range", where, "no citation"))
            continue
        bad = [c for c in st.citations if c.paragraph not in known.get(c.source, frozenset())]
        if bad:
            findings.append(
                Finding(
                    "range",
                    where,
                    "cites "
                    + ", ".join(c.mark() for c in bad)
                    + ", which no source has (sources: "
                    + ", ".join(f"{s.label}1-{len(s.article.paragraphs)}" for s in digest.sources)
                    + ")",
                )
            )
    return findings


def _as_brief(digest: Digest, combined: Combined, *, support: bool = False) -> Brief:
    def convert(st: Statement) -> tuple[str, tuple[int, ...]]:
        if support and st.kind == "disagreement":
            return "", ()  # left out of the support check
        return st.text, combined.numbers(st.citations)

    text, cites = convert(digest.viewpoint)
    themes = []
    for g in digest.groups:
        points = tuple(KeyPoint(*convert(p)) for p in g.points)
        themes.append(Theme(g.title, points))
    return Brief(Viewpoint(text, cites), tuple(themes), digest.language, digest.engine, "")


def run_digest_checks(digest: Digest) -> CheckReport:
    combined = Combined(digest)
    findings = _range(digest)
    brief = _as_brief(digest, combined)
    for name in ("shape", "language", "numbers"):
        findings += CHECKS[name](brief, combined.article)
    findings += CHECKS["support"](_as_brief(digest, combined, support=True), combined.article)
    findings = [replace(f, message=combined.marks(f.message)) for f in findings]
    return CheckReport(
        checks=("range", "shape", "language", "numbers", "support"),
        findings=tuple(findings),
        actions=digest.checks.actions,
    )


def with_checks(digest: Digest) -> Digest:
    return replace(digest, checks=run_digest_checks(digest))
