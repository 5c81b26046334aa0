"""Markdown: a heading per theme and a bullet per key point."""

from __future__ import annotations

from ..models import Article, Brief
from .labels import check_notes, labels, source_line, statement


def _escape(text: str) -> str:
    # Keep article text literal: no accidental emphasis, links, headings or HTML, and on one
    # line (a line break in a title would end its heading and start a paragraph of its own).
    text = " ".join(text.split())
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def render(brief: Brief, article: Article) -> str:
    lab = labels(brief.language)
    lines = []
    if article.title:
        lines += [f"# {_escape(article.title)}", ""]
    if line := source_line(brief, article):
        lines += [f"*{_escape(line)}*", ""]
    vp = brief.viewpoint
    lines += [
        f"**{lab['viewpoint']}** — {statement(_escape(vp.text), vp.citations, brief.language)}",
        "",
    ]
    for n, theme in enumerate(brief.themes, start=1):
        lines += [f"## {lab['group'].format(n=n, title=_escape(theme.title))}", ""]
        lines += [
            f"- {statement(_escape(p.text), p.citations, brief.language)}" for p in theme.points
        ]
        lines.append("")
    if notes := check_notes(brief):
        lines += ["> **Checks:** " + "; ".join(_escape(n) for n in notes), ""]
    return "\n".join(lines).rstrip("\n")
