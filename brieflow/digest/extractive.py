"""The extractive digest: sentences of the story's sources, in the digest's language.

1. Each source in the digest's language is briefed by the extractive engine; its viewpoint and
   key points are the candidates (sentences of the source, so each citation is right by
   construction). Sources in the other language are listed, not quoted.
2. The core viewpoint is the most central of the sources' viewpoints (tf-idf cosine to the
   others); the other sources whose viewpoint says the same are cited beside it.
3. Redundancy across sources: a candidate that says what a kept one says (cosine >= SAME) is
   dropped and its source's paragraph is cited beside the kept one (`[A2][C1]`).
4. The remaining points are grouped (average-link merging by cosine, 2-4 groups), each group
   titled by its key phrase, at most `max_points` points each, every source in turn.
5. Where two sources give different figures for the same fact (encoder cosine >= PAIRED
   between the clauses holding them; same kind and currency; no rounding explains it; within
   MAX_DIFFERENCE of each other), a point says so and cites both, in a last group.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from ..engines.base import BriefOptions
from ..engines.extractive import ExtractiveEngine
from ..errors import BrieflowError
from ..models import CheckReport
from ..nlp.keyphrases import key_phrase, phrase_runs
from ..nlp.lang import article_language
from ..nlp.numbers import Quantity, matches, quantities
from ..nlp.sentences import split_sentences
from ..nlp.vectors import Vector, cosine, idf, tfidf
from ..nlp.words import words
from .models import Cite, Digest, Group, Source, Statement

VERSION = "0.1.0"
SAME = 0.5  # tf-idf cosine at which two sentences say the same thing
PAIRED = 0.6  # encoder cosine at which two sentences report the same fact (for figures)
MAX_DIFFERENCE = 0.5  # figures further apart than this are about different things
MAX_DISAGREEMENTS = 3
_CLAUSE = re.compile(r"[，；：]|[,;:](?=\s)")  # a figure's clause says what the figure is

TEXT = {
    "en": {
        "differ": "Sources disagree on a figure: {qa} in {a}, {qb} in {b}",
        "differ_title": "Where the Sources Differ",
        "other": "Other Points",
    },
    "zh": {
        "differ": "各方数据不一：{a}为{qa}，{b}为{qb}",
        "differ_title": "各方说法不一",
        "other": "其他要点",
    },
}


@dataclass
class _Candidate:
    text: str
    cites: list[Cite]
    rank: int  # order within its source's brief
    terms: list[str]
    vector: Vector | None = None


def majority_language(articles: list, first: str | None = None) -> str:
    counts = Counter(article_language(a) for a in articles)
    top = max(counts.values())
    if first is not None and counts.get(first) == top:
        return first
    return min(k for k, c in counts.items() if c == top)


def extractive_digest(
    story: dict,
    sources: list[Source],
    language: str,
    options: BriefOptions,
) -> Digest:
    engine = ExtractiveEngine()
    text = TEXT.get(language, TEXT["en"])
    candidates: list[_Candidate] = []
    viewpoints: list[_Candidate] = []
    for source in sources:
        if not source.quoted:
            continue
        try:
            brief = engine.brief(source.article, BriefOptions(max_groups=4, max_points=4))
        except BrieflowError:
            continue  # a source with nothing to quote is still listed
        vp = brief.viewpoint
        viewpoints.append(_Candidate(vp.text, [Cite(source.label, c) for c in vp.citations], 0, []))
        rank = 1
        for theme in brief.themes:
            for point in theme.points:
                candidates.append(
                    _Candidate(
                        point.text, [Cite(source.label, c) for c in point.citations], rank, []
                    )
                )
                rank += 1
    if not viewpoints:
        raise BrieflowError(
            f"no source of story {story['id']} can be quoted in {language}",
            hint="choose the other --lang, or use --engine llm",
        )
    everything = viewpoints + candidates
    for c in everything:
        c.terms = words(c.text, language)
    weights = idf([c.terms for c in everything])
    for c in everything:
        c.vector = tfidf(c.terms, weights)

    # the core viewpoint: the most central of the sources' viewpoints
    def centrality(i: int) -> float:
        return sum(cosine(viewpoints[i].vector or {}, v.vector or {}) for v in viewpoints)

    core_i = max(range(len(viewpoints)), key=lambda i: (centrality(i), -i))
    core = viewpoints[core_i]
    kept: list[_Candidate] = [core]
    core_cites = list(core.cites)
    pool = [v for i, v in enumerate(viewpoints) if i != core_i] + sorted(
        candidates, key=lambda c: (c.rank, c.cites[0].source)
    )
    points: list[_Candidate] = []
    for c in pool:
        twin = max(kept, key=lambda k: cosine(k.vector or {}, c.vector or {}))
        if cosine(twin.vector or {}, c.vector or {}) >= SAME or twin.text == c.text:
            target = core_cites if twin is core else twin.cites
            for cite in c.cites:
                if all(x.source != cite.source for x in target):
                    target.append(cite)
            continue
        kept.append(c)
        points.append(c)

    differ = disagreements(sources, language)
    slots = options.max_groups - (1 if differ else 0)
    groups = _groups(points, language, max(1, slots), options.max_points, weights, text["other"])
    if differ:
        groups.append(Group(text["differ_title"], tuple(differ)))
    viewpoint = Statement(core.text, tuple(sorted(core_cites)))
    return Digest(
        story=story,
        sources=tuple(sources),
        language=language,
        viewpoint=viewpoint,
        groups=tuple(groups),
        engine="extractive",
        engine_version=VERSION,
        checks=CheckReport(),
    )


def _groups(
    points: list[_Candidate],
    language: str,
    max_groups: int,
    max_points: int,
    weights: dict[str, float],
    other: str,
) -> list[Group]:
    """Average-link merging of the points until at most max_groups remain (and no two groups
    are similar enough to merge when there are fewer points than slots)."""
    if not points:
        return []
    clusters: list[list[_Candidate]] = [[p] for p in points]
    want = min(max_groups, max(2, math.ceil(len(points) / max_points)))
    want = min(want, len(points))

    def link(a: list[_Candidate], b: list[_Candidate]) -> float:
        return sum(cosine(x.vector or {}, y.vector or {}) for x in a for y in b) / (len(a) * len(b))

    def merge_lonely() -> bool:
        """A one-point group joins its nearest group that has room (beyond two groups)."""
        if len(clusters) <= 2:
            return False
        for i, c in enumerate(clusters):
            if len(c) == 1:
                room = [j for j in range(len(clusters)) if j != i and len(clusters[j]) < max_points]
                if room:
                    j = max(room, key=lambda j: (link(c, clusters[j]), -j))
                    clusters[j] = clusters[j] + c
                    del clusters[i]
                    return True
        return False

    while len(clusters) > want:
        best, pair = -1.0, (0, 1)
        for i in range(len(clusters)):
            for j in range(i + 1, len(clusters)):
                s = link(clusters[i], clusters[j])
                if s > best:
                    best, pair = s, (i, j)
        i, j = pair
        clusters[i] = clusters[i] + clusters[j]
        del clusters[j]
    while merge_lonely():
        pass
    out = []
    used: set[str] = set()
    for members in clusters:
        chosen = _round_robin(members, max_points)
        tf = Counter(t for m in members for t in m.terms)

        def weight(term: str, tf=tf.get) -> float:
            return math.log1p(tf(term, 0)) * weights.get(term, 1.0)

        runs = [phrase_runs(m.text, language) for m in members]
        found = key_phrase(runs, language, weight, used)
        if found is None:
            title = other
        else:
            title, terms = found
            used |= terms
        out.append(Group(title, tuple(Statement(m.text, tuple(sorted(m.cites))) for m in chosen)))
    return out


def _round_robin(members: list[_Candidate], k: int) -> list[_Candidate]:
    """Up to k points, taking each source's best in turn (so a group reads several sources)."""
    by_source: dict[str, list[_Candidate]] = {}
    for m in sorted(members, key=lambda m: (m.rank, m.cites[0].source)):
        by_source.setdefault(m.cites[0].source, []).append(m)
    out: list[_Candidate] = []
    while len(out) < k and any(by_source.values()):
        for label in sorted(by_source):
            if by_source[label] and len(out) < k:
                out.append(by_source[label].pop(0))
    return out


def disagreements(sources: list[Source], language: str) -> list[Statement]:
    """Points saying where sources give different figures for the same fact (the quoted
    sources only: the point names the figures as they are written)."""
    from ..nlp import embeddings

    clauses: list[tuple[Cite, str, list[Quantity]]] = []
    for s in sources:
        if not s.quoted:
            continue
        for p in s.article.paragraphs:
            for sent in split_sentences(p.text, language):
                for clause in _CLAUSE.split(sent):
                    qs = [q for q in quantities(clause) if _figure(q)]
                    if qs:
                        clauses.append((Cite(s.label, p.number), clause, qs))
    if len(clauses) < 2:
        return []
    vectors = embeddings.encode([t for _, t, _ in clauses])
    sims = vectors @ vectors.T
    # one point per pair of conflicting values: {value: (figure as written, cites)}
    found: dict[tuple[float, float], dict[float, tuple[str, list[Cite]]]] = {}
    for i, (ci, _, qi) in enumerate(clauses):
        for j in range(i + 1, len(clauses)):
            cj, _, qj = clauses[j]
            if ci.source == cj.source or sims[i, j] < PAIRED:
                continue
            pair = _differing(qi, qj)
            if pair is None:
                continue
            qa, qb = pair
            key = (min(qa.value, qb.value), max(qa.value, qb.value))
            if key not in found and len(found) >= MAX_DISAGREEMENTS:
                continue
            sides = found.setdefault(key, {})
            for q, c in ((qa, ci), (qb, cj)):
                text_cites = sides.setdefault(q.value, (q.text, []))
                if all(x.source != c.source for x in text_cites[1]):
                    text_cites[1].append(c)
    text = TEXT.get(language, TEXT["en"])
    out = []
    for sides in found.values():
        (ta, ca), (tb, cb) = (sides[v] for v in sorted(sides))
        out.append(
            Statement(
                text["differ"].format(a=_names(ca, language), qa=ta, b=_names(cb, language), qb=tb),
                tuple(sorted(ca + cb)),
                kind="disagreement",
            )
        )
    return out


def _names(cites: list[Cite], language: str) -> str:
    labels = sorted({c.source for c in cites})
    if len(labels) == 1:
        return labels[0]
    joined = (
        "、".join(labels) if language == "zh" else ", ".join(labels[:-1]) + " and " + labels[-1]
    )
    return joined


def _figure(q: Quantity) -> bool:
    """Worth comparing: not a year, and not a bare small number (a day of the month)."""
    return not q.exact and (q.kind != "number" or q.currency is not None or abs(q.value) >= 32)


def _differing(a: list[Quantity], b: list[Quantity]) -> tuple[Quantity, Quantity] | None:
    """A figure of `a` and one of `b` of the same kind and currency that no rounding
    reconciles, when neither side carries the other's figure."""
    for qa in a:
        if any(matches(qa, qb) or matches(qb, qa) for qb in b):
            continue
        for qb in b:
            if qa.kind != qb.kind or qa.currency != qb.currency:
                continue
            if any(matches(qb, x) or matches(x, qb) for x in a):
                continue
            big = max(abs(qa.value), abs(qb.value))
            if big and abs(qa.value - qb.value) / big <= MAX_DIFFERENCE:
                return qa, qb
    return None
