"""Checks of a brief against its article: citation range, shape, language, support, numbers.

Every engine's brief goes through `run_checks`; the report travels with the brief. The support
check loads the sentence encoder only for statements that do not reuse their paragraphs' words
(see brieflow.nlp.support), so extractive briefs are checked without it.
"""

from __future__ import annotations

from dataclasses import replace

from .models import Article, Brief, CheckReport, Finding
from .nlp.lang import LANGUAGES, detect_language, foreign_words
from .nlp.names import (
    earlier_speakers,
    foreign_names,
    speaker_named_earlier,
    speakers,
    swapped_figures,
    swapped_speaker,
)
from .nlp.numbers import missing_numbers, quantities
from .nlp.periods import swapped_periods
from .nlp.polarity import Readings, conflicts
from .nlp.support import SupportScorer, is_passage

MIN_GROUPS, MAX_GROUPS = 2, 4
MIN_POINTS, MAX_POINTS = 2, 4


def check_range(brief: Brief, article: Article) -> list[Finding]:
    """Every statement cites at least one existing paragraph, in sorted order."""
    numbers = article.numbers
    findings = []
    for where, statement in brief.statements():
        cites = statement.citations
        if not cites:
            findings.append(Finding("range", where, "no citation"))
            continue
        missing = [c for c in cites if c not in numbers]
        if missing:
            last = max(numbers) if numbers else 0
            findings.append(
                Finding(
                    "range",
                    where,
                    f"cites paragraph {', '.join(map(str, missing))}, "
                    f"but the article has paragraphs 1-{last}",
                )
            )
        if list(cites) != sorted(set(cites)):
            findings.append(
                Finding("range", where, "citations are not sorted and unique", "warning")
            )
    return findings


def check_shape(brief: Brief, article: Article) -> list[Finding]:
    """2-4 titled groups of 2-4 points; fewer is a warning when the article is short."""
    findings = []
    n = len(brief.themes)
    short = len(article.paragraphs) < 4
    if not brief.viewpoint.text.strip():
        findings.append(Finding("shape", "viewpoint", "the core viewpoint is empty"))
    if n > MAX_GROUPS:
        findings.append(Finding("shape", "brief", f"{n} groups; at most {MAX_GROUPS}"))
    elif n < MIN_GROUPS:
        findings.append(
            Finding(
                "shape", "brief", f"{n} group(s); {MIN_GROUPS}-{MAX_GROUPS} expected", "warning"
            )
        )
    for g, theme in enumerate(brief.themes, start=1):
        if not theme.title.strip():
            findings.append(Finding("shape", f"group {g}", "the group has no title"))
        k = len(theme.points)
        if k > MAX_POINTS or k == 0:
            findings.append(Finding("shape", f"group {g}", f"{k} points; 1-{MAX_POINTS} allowed"))
        elif k < MIN_POINTS and not short:
            findings.append(
                Finding(
                    "shape",
                    f"group {g}",
                    f"{k} point; {MIN_POINTS}-{MAX_POINTS} expected",
                    "warning",
                )
            )
    return findings


def check_language(brief: Brief, article: Article) -> list[Finding]:
    """Each statement and group title is written in the brief's language."""
    texts = [(where, st.text) for where, st in brief.statements()]
    # a title that is one foreign token ("ETF", "5G") is a name, not drift
    texts += [
        (f"group {g} title", t.title)
        for g, t in enumerate(brief.themes, start=1)
        if brief.language not in LANGUAGES or foreign_words(t.title, brief.language) >= 2
    ]
    findings = []
    for where, text in texts:
        found = detect_language(text, default=brief.language)
        if found != brief.language:
            findings.append(
                Finding(
                    "language", where, f"written in {found}, but the brief is in {brief.language}"
                )
            )
    return findings


def _cited(article: Article, cites: tuple[int, ...]) -> list[int]:
    numbers = article.numbers
    return [c for c in cites if c in numbers]


def _marks(cites: list[int]) -> str:
    return "".join(f"[{c}]" for c in cites)


def check_support(brief: Brief, article: Article) -> list[Finding]:
    """The cited paragraphs carry each statement (across languages)."""
    scorer = SupportScorer(article)
    todo = [
        (where, st, tuple(_cited(article, st.citations)))
        for where, st in brief.statements()
        if _cited(article, st.citations) and st.text.strip()  # else range/shape report it
    ]
    # Statements that reuse their paragraphs' words are supported; the rest go to the encoder.
    hard = [(where, st, cites) for where, st, cites in todo if scorer.needs_encoder(st.text, cites)]
    if hard:
        scorer.prepare([st.text for _, st, _ in hard])
    findings = []
    numbers = article.numbers
    readings = Readings()  # each cited paragraph read once for the whole brief
    for where, statement, cites in todo:
        if scorer.verbatim(statement.text, cites):
            # a passage of its paragraph cannot turn it around, name someone it does not, or
            # give its figures to another: every extractive point is one, and is done here
            continue
        # a statement that turns its paragraph around is not carried, whatever its score
        texts = [article.paragraph(c).text for c in cites]
        turned = conflicts(statement.text, texts, readings)
        turned += scorer.turned_trends(statement.text, cites)
        if brief.language == "en":
            # who "the manager" or "he" is may have been said in the two paragraphs before, or
            # for "the 31-year-old added" by the nearest speaker named before (captions come
            # between); brieflow.nlp.names decides when those paragraphs count
            near = sorted({n for c in cites for n in (c - 1, c - 2)} - set(cites))
            context = list(texts)
            for c, text in zip(cites, texts, strict=True):
                if speaker_named_earlier(text):
                    before = [article.paragraph(n).text for n in range(c - 1, 0, -1)]
                    context += earlier_speakers(before)
            others = [
                p.text for p in article.paragraphs if p.number not in cites and p.number not in near
            ]
            near_texts = [article.paragraph(n).text for n in near if n in numbers]
            turned += [
                f"names {n}, whom the paragraph does not mention (another paragraph does)"
                for n in foreign_names(statement.text, texts, others, context, near_texts)
            ]
            rest = [st.text for w, st in brief.statements() if w != where]
            turned += swapped_figures(statement.text, texts, rest)
            if speakers(statement.text):
                source = scorer.closest_sentence(statement.text, cites)
                turned += swapped_speaker(statement.text, source) if source else []
        if turned:
            findings.append(
                Finding(
                    "support",
                    where,
                    f"paragraph {_marks(list(cites))} does not carry this statement: "
                    + "; ".join(turned[:3]),
                )
            )
    flagged = {f.where for f in findings}
    for where, statement, cites in hard:
        if where in flagged:
            continue
        verdict = scorer.verdict(statement.text, tuple(cites))
        if verdict.supported:
            # carried as a whole, but an appended clause may still be the model's own
            added = scorer.unsupported_clauses(statement.text, tuple(cites))
            if added:
                findings.append(
                    Finding(
                        "support",
                        where,
                        f"paragraph {_marks(list(cites))} does not carry all of this statement: "
                        + "; ".join(added[:2]),
                    )
                )
            continue
        hint = ""
        if verdict.best is not None and verdict.best not in cites:
            hint = f"; closest is paragraph [{verdict.best}] ({verdict.best_score:.2f})"
        findings.append(
            Finding(
                "support",
                where,
                f"paragraph {_marks(list(cites))} does not carry this statement "
                f"(score {verdict.score:.2f}{hint})",
            )
        )
    return findings


def check_numbers(brief: Brief, article: Article) -> list[Finding]:
    """Every number, percentage, amount and date of a statement is in a cited paragraph."""
    findings = []
    published = _year(article.published)
    for where, statement in brief.statements():
        cites = _cited(article, statement.citations)
        if not cites:
            continue
        texts = [article.paragraph(c).text for c in cites]
        if is_passage(statement.text, texts):
            continue  # a quoted passage has its numbers by definition
        missing = missing_numbers(statement.text, texts, published)
        if not missing:
            for swapped in swapped_periods(statement.text, texts)[:1]:
                findings.append(Finding("numbers", where, swapped))
            continue
        there = list(dict.fromkeys(q.text for t in texts for q in quantities(t)))[:8]
        shown = ", ".join(there) if there else "none"
        findings.append(
            Finding(
                "numbers",
                where,
                f"{', '.join(q.text for q in missing)} not in paragraph {_marks(cites)} "
                f"(its numbers: {shown})",
            )
        )
    return findings


def _year(published: str | None) -> int | None:
    """The publication year ("2025-03-14 09:30" → 2025), for "last year" in a statement."""
    head = (published or "")[:4]
    return int(head) if head.isdigit() else None


CHECKS = {
    "range": check_range,
    "shape": check_shape,
    "language": check_language,
    "support": check_support,
    "numbers": check_numbers,
}


def run_checks(brief: Brief, article: Article, names: tuple[str, ...] | None = None) -> CheckReport:
    """Run the named checks (all by default) and return the report (actions kept)."""
    names = names or tuple(CHECKS)
    findings: list[Finding] = []
    for name in names:
        findings.extend(CHECKS[name](brief, article))
    return CheckReport(checks=names, findings=tuple(findings), actions=brief.checks.actions)


def with_checks(brief: Brief, article: Article) -> Brief:
    return replace(brief, checks=run_checks(brief, article))
