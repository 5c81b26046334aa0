"""The llm digest: every source, in any language, briefed by the llm engine as one text.

The sources' paragraphs are laid end to end as one article (A1, A2, …, B1, … numbered 1, 2, …;
see digest.checks.Combined), which the llm engine briefs in the digest's language, checking each
statement against the paragraphs it cites (range, support, numbers, language), asking once for a
repair and trimming or refusing by its `on_fail` policy. The brief's numbers are then read back
as `[B2]` citations. Where sources in the digest's language disagree on a figure, the same
disagreement points as the extractive digest's are added.
"""

from __future__ import annotations

from dataclasses import replace

from ..engines.base import BriefOptions, Engine
from ..models import Article
from .checks import Combined
from .extractive import TEXT, disagreements
from .models import Digest, Group, Source, Statement


def llm_digest(
    story: dict,
    sources: list[Source],
    language: str,
    options: BriefOptions,
    engine: Engine,
) -> Digest:
    every = [replace(s, quoted=True) for s in sources]
    draft = Digest(story, tuple(every), language, Statement("", ()), (), "llm", engine.version)
    combined = Combined(draft)
    names = list(dict.fromkeys(s.article.source for s in sources if s.article.source))
    article = Article(
        combined.article.paragraphs,
        title=story.get("title"),
        source=", ".join(names) or None,
        published=story.get("first_published"),
        id=story["id"],
    )
    differ = disagreements(sources, language)
    groups = options.max_groups - (1 if differ else 0)
    brief = engine.brief(article, replace(options, language=language, max_groups=max(1, groups)))

    def convert(text: str, cites: tuple[int, ...]) -> Statement:
        return Statement(text, tuple(sorted(combined.cite[n] for n in cites if n in combined.cite)))

    out_groups = [
        Group(t.title, tuple(convert(p.text, p.citations) for p in t.points)) for t in brief.themes
    ]
    if differ:
        out_groups.append(Group(TEXT.get(language, TEXT["en"])["differ_title"], tuple(differ)))
    return replace(
        draft,
        viewpoint=convert(brief.viewpoint.text, brief.viewpoint.citations),
        groups=tuple(out_groups),
        checks=replace(brief.checks, findings=()),  # the digest checks run again on [B2] marks
    )
