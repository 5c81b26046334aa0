"""The seed's text layout (DESIGN.md §5)."""

from __future__ import annotations

from ..models import Article, Brief
from .labels import check_notes, labels, source_line, statement


def render(brief: Brief, article: Article) -> str:
    lab = labels(brief.language)
    head = [line for line in (article.title, source_line(brief, article)) if line]
    vp = brief.viewpoint
    body = [f"{lab['viewpoint']} - {statement(vp.text, vp.citations, brief.language)}"]
    for n, theme in enumerate(brief.themes, start=1):
        body.append(lab["group"].format(n=n, title=theme.title))
        for point in theme.points:
            body.append(f"- {statement(point.text, point.citations, brief.language)}")
    # Joined by spaces this reads as the seed: "Group 1: title - point [3]. - point [4]."
    text = " ".join(body)
    lines = head + ([""] if head else []) + [text]
    if notes := check_notes(brief):
        lines += ["", "Checks - " + "; ".join(notes)]
    return "\n".join(lines)
