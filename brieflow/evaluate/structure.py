"""Measure a brief's structure against reference briefs written by an editor: which sentence is
the Core Viewpoint, how the article's sentences fall into themes, and what each theme is called.

A reference brief stores ids and positions only, never article text (the articles are read at run
time), one JSON object a line (bench/data/reference_briefs.jsonl):

    {"set": "zh-zh-finnews-dev", "id": "finna-eval-0009", "batch": 1, "sentences": [6],
     "viewpoint": {"paragraph": 1, "sentence": 5},
     "groups": [{"title": "指数走势", "units": [[1, 0], [1, 2], [1, 5]]}, ...]}

A position is (paragraph number, sentence index within that paragraph) as
`brieflow.nlp.sentences.split_sentences` splits it; `sentences` holds the sentence count of each
paragraph when the reference was written, so a change of the splitter is caught rather than
silently moving every position. `batch` (optional, default 1) tells apart references written
at different times, so that figures on a batch written after an engine change can be read on
their own. The measures are described in docs/evaluation.md.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import permutations
from math import comb
from pathlib import Path
from statistics import mean
from typing import Any

from ..errors import InputError
from ..models import Article, Brief
from ..nlp.lang import article_language
from ..nlp.words import words
from .baselines import article_sentences
from .metrics import rouge, rouge_n, tokenize

Position = tuple[int, int]  # (paragraph number, sentence index within the paragraph)


@dataclass(frozen=True)
class ReferenceGroup:
    title: str
    units: tuple[Position, ...]


@dataclass(frozen=True)
class ReferenceBrief:
    """An editor's brief of one article, by sentence positions."""

    set: str
    id: str
    sentences: tuple[int, ...]  # sentence count per paragraph when the reference was written
    viewpoint: Position
    groups: tuple[ReferenceGroup, ...]
    batch: int = 1


def load_reference_briefs(path: str | Path) -> list[ReferenceBrief]:
    """Every reference brief in the JSON Lines file at `path`; a bad line raises InputError
    naming the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            "no such file", source=str(path), hint="give a JSON Lines file of reference briefs"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file ({exc})", source=str(path)) from None
    out: list[ReferenceBrief] = []
    seen: set[tuple[str, str]] = set()
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        origin = f"{path}:{lineno}"
        try:
            ref = _parse(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON ({exc.msg})", source=origin) from None
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"not a reference brief ({exc})",
                source=origin,
                hint='write {"set", "id", "sentences", "viewpoint": {"paragraph", "sentence"}, '
                '"groups": [{"title", "units": [[p, k], ...]}]}',
            ) from None
        if (ref.set, ref.id) in seen:
            raise InputError(f"a second reference brief for {ref.id}", source=origin)
        seen.add((ref.set, ref.id))
        out.append(ref)
    return out


def _position(value: Any) -> Position:
    p, k = value
    if not (isinstance(p, int) and isinstance(k, int)) or p < 1 or k < 0:
        raise ValueError(f"bad position {value!r}: [paragraph ≥ 1, sentence ≥ 0]")
    return (p, k)


def _parse(record: Any) -> ReferenceBrief:
    if not isinstance(record, dict):
        raise TypeError("expected a JSON object")
    for key in ("set", "id"):
        if not isinstance(record[key], str) or not record[key]:
            raise ValueError(f'"{key}" must be a non-empty string')
    counts = tuple(record["sentences"])
    if not counts or not all(isinstance(c, int) and c >= 0 for c in counts):
        raise ValueError('"sentences" must list a sentence count per paragraph')
    batch = record.get("batch", 1)
    if not isinstance(batch, int) or batch < 1:
        raise ValueError('"batch" must be a whole number ≥ 1')
    vp = record["viewpoint"]
    viewpoint = _position((vp["paragraph"], vp["sentence"]))
    groups = []
    units_seen: set[Position] = set()
    for g in record["groups"]:
        title = g["title"]
        if not isinstance(title, str) or not title.strip():
            raise ValueError("every group needs a title")
        units = tuple(_position(u) for u in g["units"])
        if not units:
            raise ValueError(f"group {title!r} has no units")
        if units_seen & set(units):
            raise ValueError(f"group {title!r} repeats a unit of another group")
        units_seen.update(units)
        groups.append(ReferenceGroup(title.strip(), units))
    if not 2 <= len(groups) <= 4:
        raise ValueError(f"{len(groups)} groups; a brief has 2-4")
    for p, k in (viewpoint, *units_seen):
        if p > len(counts) or k >= counts[p - 1]:
            raise ValueError(f"position [{p}, {k}] is outside the sentence counts")
    return ReferenceBrief(record["set"], record["id"], counts, viewpoint, tuple(groups), batch)


@dataclass(frozen=True)
class Reading:
    """An article's sentences by position (reading order), with its language."""

    positions: tuple[Position, ...]
    texts: tuple[str, ...]
    language: str

    def index(self, position: Position) -> int:
        return self.positions.index(position)

    @property
    def paragraphs(self) -> int:
        return len({p for p, _ in self.positions})


def read(article: Article) -> Reading:
    """The article's sentences as the reference positions count them."""
    positions: list[Position] = []
    texts: list[str] = []
    counter: Counter[int] = Counter()
    for number, text in article_sentences(article):
        positions.append((number, counter[number]))
        counter[number] += 1
        texts.append(text)
    return Reading(tuple(positions), tuple(texts), article_language(article))


def check(reference: ReferenceBrief, article: Article) -> Reading:
    """The article read, after checking that the reference's positions still name the same
    sentences (the splitter gives the same counts); InputError otherwise."""
    reading = read(article)
    counts = Counter(p for p, _ in reading.positions)
    actual = tuple(counts.get(p.number, 0) for p in article.paragraphs)
    if actual != reference.sentences:
        raise InputError(
            "the article's sentences no longer match the reference brief's positions "
            f"(sentences per paragraph {list(actual)}, reference {list(reference.sentences)})",
            source=f"{reference.set}/{reference.id}",
            hint="the sentence splitter changed: re-check the reference brief's positions",
        )
    return reading


# -- our brief, read as positions ------------------------------------------------------------


def locate(text: str, citations: Sequence[int], reading: Reading) -> int:
    """The index of the article sentence a statement rests on: the sentence of its cited
    paragraphs with the highest ROUGE-1 F1 against it (the first on a tie; every sentence when
    no citation names a paragraph that has sentences)."""
    cited = set(citations)
    candidates = [i for i, (p, _) in enumerate(reading.positions) if p in cited]
    if not candidates:
        candidates = list(range(len(reading.positions)))
    tokens = tokenize(text, reading.language)
    best, best_score = candidates[0], -1.0
    for i in candidates:
        score = rouge_n(tokens, tokenize(reading.texts[i], reading.language), 1).f1
        if score > best_score:
            best, best_score = i, score
    return best


def labels(groups: Sequence[Sequence[int]], size: int) -> list[int]:
    """A theme label for every one of `size` sentences: a grouped sentence keeps its group
    (the first, if a brief puts it in two); every other sentence takes the group of the nearest
    grouped sentence in reading order (the earlier one on a tie). No groups → one label."""
    owner: dict[int, int] = {}
    for g, members in enumerate(groups):
        for i in members:
            owner.setdefault(i, g)
    if not owner:
        return [0] * size
    anchors = sorted(owner)
    out = []
    for i in range(size):
        nearest = min(anchors, key=lambda a: (abs(a - i), a))
        out.append(owner[nearest])
    return out


def adjusted_rand_index(a: Sequence[int], b: Sequence[int]) -> float:
    """Adjusted Rand index of two labelings of the same items (Hubert and Arabie 1985): 1 for
    the same partition, about 0 for chance agreement. As scikit-learn, 1.0 when the expected
    and the maximum index coincide (e.g. both put everything in one cluster)."""
    if len(a) != len(b):
        raise ValueError("labelings of different lengths")
    pairs = sum(comb(n, 2) for n in Counter(zip(a, b, strict=True)).values())
    rows = sum(comb(n, 2) for n in Counter(a).values())
    cols = sum(comb(n, 2) for n in Counter(b).values())
    total = comb(len(a), 2)
    expected = rows * cols / total if total else 0.0
    maximum = (rows + cols) / 2
    if maximum == expected:
        return 1.0
    return (pairs - expected) / (maximum - expected)


# -- titles ---------------------------------------------------------------------------------


def _title_f1(ours: str, theirs: str, language: str) -> float:
    return rouge_n(tokenize(ours, language), tokenize(theirs, language), 1).f1


def title_match(ours: Sequence[str], theirs: Sequence[str], language: str) -> float:
    """ROUGE-1 F1 of our titles against the reference titles under the best one-to-one pairing,
    summed and divided by the mean number of titles on both sides (an unpaired title counts 0)."""
    if not ours or not theirs:
        return 0.0
    f1 = [[_title_f1(o, t, language) for t in theirs] for o in ours]
    short, long_ = (ours, theirs) if len(ours) <= len(theirs) else (theirs, ours)
    best = 0.0
    for perm in permutations(range(len(long_)), len(short)):
        if short is ours:
            total = sum(f1[i][j] for i, j in enumerate(perm))
        else:
            total = sum(f1[j][i] for i, j in enumerate(perm))
        best = max(best, total)
    return 2 * best / (len(ours) + len(theirs))


def grounded(title: str, points: Sequence[str], language: str) -> bool:
    """Every content word of the title occurs among the words of its group's points."""
    terms = set(words(title, language))
    return bool(terms) and terms <= set(words(" ".join(points), language))


def _normal(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip().casefold()


def repeated(titles: Sequence[str]) -> bool:
    """Two groups of one brief carry the same title (case and spacing aside)."""
    normal = [_normal(t) for t in titles]
    return len(set(normal)) < len(normal)


# -- one article, then a set ------------------------------------------------------------------


def score_article(reference: ReferenceBrief, article: Article, brief: Brief | None) -> dict:
    """The structure measures of one brief (None: the engine made none) and of the Lead
    baseline's viewpoint (the article's first sentence)."""
    reading = check(reference, article)
    language = reading.language
    ref_vp = reading.index(reference.viewpoint)
    ref_text = reading.texts[ref_vp]
    ref_tokens = [tokenize(ref_text, language)]

    def viewpoint(index: int | None, text: str, citations: Sequence[int]) -> dict:
        scores = rouge([tokenize(text, language)], ref_tokens) if text else None
        return {
            "paragraph": float(reference.viewpoint[0] in citations),
            "sentence": float(index == ref_vp),
            "rouge1": scores["rouge1"].f1 if scores else 0.0,
            "rougeL": scores["rougeL"].f1 if scores else 0.0,
        }

    ref_groups = [[reading.index(u) for u in g.units] for g in reference.groups]
    ref_labels = labels(ref_groups, len(reading.positions))
    out: dict[str, Any] = {
        "id": reference.id,
        "batch": reference.batch,
        "one_paragraph": reading.paragraphs == 1,
        "lead": viewpoint(0, reading.texts[0], [reading.positions[0][0]]),
        "reference_titles_grounded": [
            grounded(g.title, [reading.texts[reading.index(u)] for u in g.units], language)
            for g in reference.groups
        ],
    }
    if brief is None:
        out["brief"] = None
        return out
    vp = brief.viewpoint
    vp_index = locate(vp.text, vp.citations, reading) if vp.text else None
    our_groups = [
        [locate(point.text, point.citations, reading) for point in theme.points]
        for theme in brief.themes
    ]
    titles = [theme.title for theme in brief.themes]
    out["brief"] = {
        "viewpoint": viewpoint(vp_index, vp.text, vp.citations),
        "titles_rouge1": title_match(titles, [g.title for g in reference.groups], language),
        "titles_grounded": [
            grounded(theme.title, [p.text for p in theme.points], language)
            for theme in brief.themes
        ],
        "titles_repeated": repeated(titles),
        "ari": adjusted_rand_index(labels(our_groups, len(reading.positions)), ref_labels),
    }
    return out


def score_rows(
    references: Sequence[ReferenceBrief],
    articles: Mapping[str, Article],
    briefs: Mapping[str, Brief | None],
) -> list[dict]:
    """`score_article` for every reference whose article is in `articles` (by id)."""
    return [
        score_article(ref, articles[ref.id], briefs.get(ref.id))
        for ref in references
        if ref.id in articles
    ]


def _pct(values: Sequence[float]) -> float | None:
    return round(100 * mean(values), 1) if values else None


def summarize(rows: Sequence[dict]) -> dict[str, Any]:
    """Shares and means ×100 over the articles scored by `score_article`."""
    one = [r for r in rows if r["one_paragraph"]]
    made = [r for r in rows if r["brief"] is not None]

    def viewpoint(rows_: Sequence[dict], key: str) -> dict[str, Any]:
        def get(r: dict) -> dict:
            return r[key] if key == "lead" else r["brief"]["viewpoint"]

        one_ = [r for r in rows_ if r["one_paragraph"]]
        return {
            "paragraph": _pct([get(r)["paragraph"] for r in rows_]),
            "sentence": _pct([get(r)["sentence"] for r in rows_]),
            "sentence_one_paragraph": _pct([get(r)["sentence"] for r in one_]),
            "rouge1": _pct([get(r)["rouge1"] for r in rows_]),
            "rougeL": _pct([get(r)["rougeL"] for r in rows_]),
        }

    ours_titles = [g for r in made for g in r["brief"]["titles_grounded"]]
    ref_titles = [g for r in rows for g in r["reference_titles_grounded"]]
    return {
        "articles": len(rows),
        "one_paragraph": len(one),
        "briefs": len(made),
        "viewpoint": viewpoint(made, "brief") if made else None,
        "lead_viewpoint": viewpoint(rows, "lead") if rows else None,
        "titles_rouge1": _pct([r["brief"]["titles_rouge1"] for r in made]),
        "titles_grounded": _pct([float(g) for g in ours_titles]),
        "reference_titles_grounded": _pct([float(g) for g in ref_titles]),
        "titles_repeated": _pct([float(r["brief"]["titles_repeated"]) for r in made]),
        "ari": round(mean(r["brief"]["ari"] for r in made), 3) if made else None,
    }


def format_structure(report: dict[str, Any]) -> str:
    """The plain-text lines `brieflow eval --reference-briefs` prints."""
    if not report["articles"]:
        return "structure: no reference brief for these articles\n"
    lines = [
        f"structure against reference briefs: {report['articles']} articles "
        f"({report['one_paragraph']} of one paragraph), {report['briefs']} briefs",
        f"{'viewpoint':<10} {'para%':>6} {'sent%':>6} {'1-para sent%':>12} {'R1':>6} {'RL':>6}",
    ]
    for name, v in (("brieflow", report["viewpoint"]), ("lead", report["lead_viewpoint"])):
        if v is None:
            continue
        one = v["sentence_one_paragraph"]
        lines.append(
            f"{name:<10} {v['paragraph']:>6.1f} {v['sentence']:>6.1f} "
            f"{(one if one is not None else float('nan')):>12.1f} "
            f"{v['rouge1']:>6.1f} {v['rougeL']:>6.1f}"
        )
    if report["briefs"]:
        lines.append(
            f"titles: ROUGE-1 {report['titles_rouge1']:.1f} against the reference titles; "
            f"{report['titles_grounded']:.1f}% grounded in their points "
            f"(reference titles {report['reference_titles_grounded']:.1f}%); "
            f"{report['titles_repeated']:.1f}% of briefs repeat a title"
        )
        lines.append(f"grouping: adjusted Rand index {report['ari']:.3f} (mean over articles)")
    return "\n".join(lines) + "\n"
