"""The built-in extractive engine: offline, deterministic, Chinese and English.

Every point is a sentence of the article (or, with `Weights.cuts`, that sentence with an aside
or a source taken out), so each citation is the number of the paragraph the sentence stands in:
true by construction. The scorer's knobs live in `Weights` so they can be tuned against the
eval sets without touching the algorithm.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import chain

from ..errors import EngineError, UnsupportedLanguage
from ..models import Article, Brief, KeyPoint, Theme, Viewpoint
from ..nlp.keyphrases import key_phrase, phrase_runs
from ..nlp.lang import article_language, require_language
from ..nlp.sentences import split_sentences
from ..nlp.trim import cut, trim_lead
from ..nlp.vectors import Vector, centroid, cosine, idf, tfidf
from ..nlp.words import words
from .base import BriefOptions

# 0.2.0: jieba-rs words and tags, the figures penalty. 0.3.0: the viewpoint as the thesis
# (centrality, claim cues), weights per language by cross-validation, noun-phrase titles.
# 0.4.0: the strongest points (English) and themes (Chinese) read first (points_by_score,
# themes_by_score), chosen by cross-validation. 0.5.0: Chinese statements lose asides in
# brackets and a leading source ("据…，", "…显示，") and name their speaker as a headline does
# ("国资委：…"); English points that carry the viewpoint on read first (points_viewpoint);
# both chosen by cross-validation (Weights.cuts, bench/tune.py --grid cuts).
VERSION = "0.5.0"


@dataclass(frozen=True)
class Weights:
    centrality: float = 1.0  # similarity to the article's centroid
    title: float = 0.6  # similarity to the title (when there is one)
    # News puts the point first, both in the article (lead paragraphs) and in each paragraph
    # (topic sentences): two position priors rather than one over the sentence index, so that
    # a one-paragraph story and a ten-paragraph report are both read the way they are written.
    paragraph_position: float = 0.8  # 1/sqrt(1 + paragraph index)
    sentence_position: float = 0.8  # 1/sqrt(1 + sentence index in its paragraph)
    mmr_lambda: float = 0.5  # relevance vs. novelty when picking points
    lead_window: int = 4  # the viewpoint comes from the first N sentences…
    lead_paragraphs: int = 10  # …or from the first N paragraphs, whichever holds more
    # The article-position priors are scaled by trust**lead_trust, where trust is how central
    # the first sentence is (its percentile): full for a news lead that sums the story up,
    # weak for a report that opens with a label ("事项：") or an aside.
    lead_trust: float = 2.0
    # A sentence that is mostly figures ("营收13.52亿元，同比下滑9.8%，归母净利8234万元，同比
    # 下滑66.9%") reads out the data behind a point rather than making it: its score loses
    # `figures` × the share of its characters that are digits beyond `figures_free`, scaled by
    # 1 - 1/paragraphs, because in a one-paragraph flash the figures are the news itself.
    figures: float = 10.0
    figures_free: float = 0.3
    # The Core Viewpoint is the article's thesis, not its opening scene: among the candidates
    # its choice adds more centrality, a bonus for claim and conclusion cues (认为, 表明,
    # means, because…) and a penalty for scene-setting and dateline openings (a date, a
    # meeting being held). These fall on the viewpoint only: a cue bonus for every point
    # cost 1.0 ROUGE-1 on en-news. Values chosen by cross-validation (bench/tune.py).
    viewpoint_centrality: float = 0.0
    viewpoint_cue: float = 0.0
    viewpoint_scene: float = 0.0
    # The order a brief reads in: a theme's points by score rather than by place in the
    # article, and the themes by their best point rather than by place. A reader (and ROUGE
    # against a short reference) meets the strongest sentences first. Chosen per language by
    # cross-validation (bench/tune.py).
    points_by_score: bool = False
    # With points_by_score, a point's place also counts how close it stays to the Core
    # Viewpoint (+ points_viewpoint × cosine): the point that carries the viewpoint on reads
    # before a strong aside. Chosen by cross-validation (bench/tune.py --grid cuts).
    points_viewpoint: float = 0.0
    themes_by_score: bool = False
    # Cuts inside every statement (brieflow.nlp.trim.CUTS: asides in brackets, a source named
    # before the news, a speaker's 表示，, a caption's label), applied in this order. Chosen per
    # language by cross-validation (bench/tune.py --grid cuts).
    cuts: tuple[str, ...] = ()
    title_sentences: int = 6  # theme titles come from this many of its best sentences
    min_chars_zh: int = 12  # shorter sentences are not points unless nothing else is left
    min_words_en: int = 6
    max_chars_zh: int = 160
    max_words_en: int = 60


# Per-language weights chosen by cross-validation over the dev sets and then fitted on all of
# them (`python bench/tune.py --by-language`; figures in docs/benchmarks.md).
LANGUAGE_WEIGHTS: dict[str, Weights] = {
    # English news: 0.3.0's weights (less trust in a sentence's place inside its paragraph and
    # in the lead's position, more in centrality for the viewpoint) with a theme's points
    # strongest first (chosen in every fold). The English fit with the order choices scored
    # 41.2 ROUGE-1 held-out but moved the viewpoint off the reference briefs' (78.6% → 60.7%).
    # 0.5.0: points closest to the viewpoint a little earlier (points_viewpoint 0.25, chosen
    # in every fold) and a caption's label cut ("Sacked: But Jeremy Clarkson…", chosen in four
    # folds of five and on all: `bench/tune.py --by-language --start v0.4.0 --grid cuts`).
    "en": Weights(
        sentence_position=0.1,
        lead_trust=0.0,
        viewpoint_centrality=1.0,
        points_by_score=True,
        points_viewpoint=0.25,
        cuts=("label",),
    ),
    # Chinese keeps engine 0.2.0's scoring weights and reads its themes strongest first (chosen
    # in every fold). The Chinese fit of the other weights (paragraph_position 0.4,
    # sentence_position 1.0, mmr_lambda 0.3, lead_trust 3, figures 20, figures_free 0.2,
    # viewpoint centrality 0.25, cue 0.2) costs 10.5 ROUGE-1 on the hard-news articles of
    # tests/fixtures/eval (never tuned on), where it takes an analyst's comment over the news.
    # Its statements take the cuts chosen in every fold (`bench/tune.py --by-language --start
    # v0.4.0 --grid cuts`): asides in brackets without a figure, a leading 据…， or "…显示，",
    # a named speaker as "X：", a pronoun speaker ("我们认为，") dropped.
    "zh": Weights(
        themes_by_score=True,
        cuts=("brackets", "according_to", "source", "speaker_colon", "speaker_drop"),
    ),
}


@dataclass(eq=False)  # compared by identity: "is this sentence picked?" must not compare fields
class Sentence:
    index: int  # position in the article, 0-based
    paragraph: int  # the Paragraph.number it comes from
    text: str
    terms: list[str]
    vector: Vector
    rank: int = 0  # index within its paragraph
    paragraph_rank: int = 0  # index of its paragraph among those with sentences
    score: float = 0.0
    fits: bool = True  # long enough and short enough to be a point
    dependent: bool = False  # opens by pointing back ("其中", "However", "He"): not a viewpoint
    figures: float = 0.0  # share of its non-space characters that are digits or %
    central: float = 0.0  # cosine to the article's centroid


@dataclass
class Reading:
    """One article as the engine reads it: its sentences and the weights of their terms."""

    sentences: list[Sentence]
    idf: dict[str, float]
    # How far the article reads as a news lead (0–1, see _lead_trust), set by score().
    lead: float = 0.0


class ExtractiveEngine:
    name = "extractive"
    version = VERSION

    def __init__(self, weights: Weights | None = None):
        self.weights = weights or Weights()
        # Without weights given, each language is briefed with the weights chosen for it by
        # cross-validation on the dev sets (LANGUAGE_WEIGHTS, bench/tune.py --by-language).
        self._tuned = (
            {}
            if weights is not None
            else {lang: ExtractiveEngine(w) for lang, w in LANGUAGE_WEIGHTS.items()}
        )

    def for_language(self, language: str) -> ExtractiveEngine:
        """The engine that briefs `language`: this one, or the one with that language's
        weights."""
        return self._tuned.get(language, self)

    def brief(self, article: Article, options: BriefOptions) -> Brief:
        language = article_language(article)
        require_language(language, source=article.id, engine=self.name)
        if options.language and options.language != language:
            raise UnsupportedLanguage(
                f"the extractive engine writes in the article's language ({language}), "
                f"not {options.language}",
                source=article.id,
                hint="use --engine llm for a brief in another language",
            )
        worker = self.for_language(language)
        reading = worker.read(article, language)
        if not reading.sentences:
            raise EngineError("the article has no sentences to brief", source=article.id)
        worker.score(reading, article.title, language)
        viewpoint = worker.viewpoint(reading, language)
        themes = worker.themes(reading, viewpoint, language, options)
        return Brief(
            viewpoint=Viewpoint(worker.statement(viewpoint.text, language), (viewpoint.paragraph,)),
            themes=themes,
            language=language,
            engine=self.name,
            engine_version=self.version,
            article_id=article.id,
        )

    def statement(self, text: str, language: str) -> str:
        """A sentence as the brief states it: tidied, its leading dateline or attribution cut,
        then the cuts the weights list."""
        text = _clean(text, language)
        return cut(text, language, self.weights.cuts) if self.weights.cuts else text

    # -- stages ---------------------------------------------------------------------------

    def read(self, article: Article, language: str) -> Reading:
        """The article's sentences with their terms and TF-IDF vectors (no state is kept on
        the engine, so one engine can brief in several threads at once)."""
        w = self.weights
        dependent = _DEPENDENT[language].match
        out: list[Sentence] = []
        for paragraph in article.paragraphs:
            texts = split_sentences(paragraph.text, language)
            prank = out[-1].paragraph_rank + 1 if out else 0
            for k, text in enumerate(texts):
                terms = words(text, language)
                pieces = text.split()  # once, for both sizes
                chars = sum(map(len, pieces))
                if language == "zh":
                    fits = w.min_chars_zh <= chars <= w.max_chars_zh
                else:
                    fits = w.min_words_en <= len(pieces) <= w.max_words_en
                out.append(
                    Sentence(
                        len(out),
                        paragraph.number,
                        text,
                        terms,
                        {},
                        k,
                        prank,
                        fits=fits and bool(terms),
                        dependent=dependent(text) is not None,
                        figures=len(_DIGIT.findall(text)) / max(1, chars),
                    )
                )
        weights = idf([s.terms for s in out])
        for s in out:
            s.vector = tfidf(s.terms, weights)
        return Reading(out, weights)

    def score(self, reading: Reading, title: str | None, language: str) -> None:
        w = self.weights
        sentences = reading.sentences
        center = centroid(s.vector for s in sentences)
        title_vec = tfidf(words(title, language), reading.idf) if title else {}
        central = [cosine(s.vector, center) for s in sentences]
        reading.lead = _lead_trust(sentences, central)
        trust = reading.lead**w.lead_trust
        paragraphs = sentences[-1].paragraph_rank + 1
        figures = w.figures * (1 - 1 / paragraphs)  # none in a one-paragraph flash
        for s, c in zip(sentences, central, strict=True):
            s.central = c
            s.score = (
                w.centrality * c
                + (w.title * cosine(s.vector, title_vec) if title_vec else 0.0)
                + trust * w.paragraph_position / math.sqrt(1 + s.paragraph_rank)
                + w.sentence_position / math.sqrt(1 + s.rank)
                - figures * max(0.0, s.figures - w.figures_free)
            )

    def viewpoint(self, reading: Reading, language: str) -> Sentence:
        """The article's thesis: the best sentence among the first few that can stand as a
        point, with more weight on centrality and claim or conclusion cues and less on a
        sentence that sets a scene or a date. Cues and scenes count as far as the article
        does not read as a news lead: in hard news the lead is the news, position counts."""
        w = self.weights
        window = [
            s
            for s in reading.sentences
            if s.index < w.lead_window or s.paragraph_rank < w.lead_paragraphs
        ]
        pool = [s for s in window if s.fits and not s.dependent] or [s for s in window if s.fits]
        pool = pool or window
        vc = w.viewpoint_centrality
        commentary = 1.0 - reading.lead
        cue, scene = w.viewpoint_cue * commentary, w.viewpoint_scene * commentary
        cues, scenes = _CUE[language].search, _SCENE[language].search

        def thesis(s: Sentence) -> tuple[float, int]:
            value = s.score + vc * s.central
            if cue and cues(s.text):
                value += cue
            if scene and scenes(s.text):
                value -= scene
            return value, -s.index

        return max(pool, key=thesis)

    def select(
        self, reading: Reading, viewpoint: Sentence, options: BriefOptions
    ) -> list[tuple[list[Sentence], list[Sentence]]]:
        """The themes as (their sentences, their points in reading order), before titles."""
        w = self.weights
        sentences = reading.sentences
        rest = [s for s in sentences if s is not viewpoint and s.fits and s.text != viewpoint.text]
        if not rest:
            rest = [s for s in sentences if s is not viewpoint and s.terms]
        if not rest:
            return []
        # 2+ groups when there is enough to say, but never more than asked for (1 × 1 is 1 × 1).
        n_groups = 1 if len(rest) < 4 else min(options.max_groups, max(2, len(rest) // 5))
        chosen: list[Sentence] = [viewpoint]
        out = []
        for seg in _segment(rest, n_groups):
            k = max(1, round(len(seg) / 3))
            if len(seg) >= 2:
                k = max(2, k)
            picked = self._mmr(seg, chosen, min(options.max_points, k))
            if not picked:  # everything here repeats what is chosen: no group without points
                continue
            chosen.extend(picked)
            if w.points_by_score and w.points_viewpoint:
                pv, vector = w.points_viewpoint, viewpoint.vector
                picked.sort(key=lambda s: (-(s.score + pv * cosine(s.vector, vector)), s.index))
            else:
                picked.sort(key=_by_score if w.points_by_score else _by_place)
            out.append((seg, picked))
        if w.themes_by_score:  # stable: equal best scores keep reading order
            out.sort(key=lambda theme: -max(s.score for s in theme[1]))
        return out

    def themes(
        self, reading: Reading, viewpoint: Sentence, language: str, options: BriefOptions
    ) -> tuple[Theme, ...]:
        w = self.weights
        selected = self.select(reading, viewpoint, options)
        said: dict[int, str] = {}  # each sentence as the brief states it, by index

        def statement(s: Sentence) -> str:
            text = said.get(s.index)
            if text is None:
                text = said[s.index] = self.statement(s.text, language)
            return text

        titles: dict[int, str] = {}
        used_terms: set[str] = set()
        # Class-based tf-idf (each theme one class): a term weighs by how often this theme
        # uses it, against how often the whole article does, so a title names what sets the
        # theme apart rather than the article's subject or a word said once.
        counts = [Counter(chain.from_iterable(s.terms for s in seg)) for seg, _ in selected]
        total: Counter[str] = Counter()
        for c in counts:
            total.update(c)
        average = sum(total.values()) / max(1, len(counts))
        # Titles are chosen in reading order, whatever order the brief shows the themes and
        # points in: an earlier theme's title never depends on how strong a later one is.
        for i in sorted(range(len(selected)), key=lambda i: selected[i][0][0].index):
            (seg, picked), tf = selected[i], counts[i]
            picked = sorted(picked, key=_by_place)
            size = max(1, sum(tf.values()))

            def weight(term: str, tf=tf.get, size=size, total=total.get) -> float:
                return tf(term, 0) / size * math.log1p(average / total(term, 1))

            # The title names what the points say: phrases from the points and the theme's
            # next-best sentences (tagging every sentence of a long theme costs too much).
            top = picked + [
                s for s in sorted(seg, key=lambda s: (-s.score, s.index)) if s not in picked
            ]
            # Phrases from the sentences as the brief states them: a title never names an
            # aside or a source the statements have cut.
            runs = [phrase_runs(statement(s), language) for s in top[: w.title_sentences]]
            found = key_phrase(runs, language, weight, used_terms)
            if found is None:
                titles[i] = "其他要点" if language == "zh" else "Other Points"
            else:
                titles[i], terms = found
                used_terms |= terms
        return tuple(
            Theme(
                titles[i],
                tuple(KeyPoint(statement(s), (s.paragraph,)) for s in picked),
            )
            for i, (_, picked) in enumerate(selected)
        )

    def _mmr(self, pool: list[Sentence], chosen: list[Sentence], k: int) -> list[Sentence]:
        """Maximal marginal relevance: good sentences that do not repeat what is chosen.

        Lazy greedy: a candidate's redundancy (its highest similarity to anything chosen) only
        grows as points are picked, so a value computed against fewer chosen sentences is an
        upper bound; only the candidate on top is brought up to date. Same picks as computing
        every value every round, with far fewer similarities."""
        lam = self.weights.mmr_lambda
        candidates = sorted(pool, key=lambda s: (-s.score, s.index))[: max(3 * k, 12)]
        refs = list(chosen)  # everything chosen so far, this call's picks appended
        redundancy = [0.0] * len(candidates)
        seen = [0] * len(candidates)  # how many of refs each redundancy accounts for
        heap = [(-lam * s.score, s.index, i) for i, s in enumerate(candidates)]
        heapq.heapify(heap)
        picked: list[Sentence] = []
        while heap and len(picked) < k:
            _, index, i = heapq.heappop(heap)
            s = candidates[i]
            if seen[i] < len(refs):
                r = redundancy[i]
                for c in refs[seen[i] :]:
                    r = max(r, cosine(s.vector, c.vector))
                redundancy[i], seen[i] = r, len(refs)
                heapq.heappush(heap, (-(lam * s.score - (1 - lam) * r), index, i))
                continue
            if redundancy[i] > 0.8:
                continue  # a near-repeat of a chosen sentence
            picked.append(s)
            refs.append(s)
        return picked


def _by_place(s: Sentence) -> int:
    return s.index


def _by_score(s: Sentence) -> tuple[float, int]:
    return -s.score, s.index


_DIGIT = re.compile(r"[0-9０-９%％]")

# Openings that lean on an earlier sentence: such a sentence cannot stand as the core viewpoint.
_DEPENDENT = {
    "zh": re.compile(
        r"^[“\"]?(?:其中|此外|另外|同时|与此同时|除此之外|但是?|不过|然而|而且?|并且|因此|所以|对此|"
        r"随后|这|该|此|他们?|她们?|它们?)"
    ),
    "en": re.compile(
        r"^[\"“]?(?:But|However|Also|And|Or|So|Yet|Still|Meanwhile|Moreover|Furthermore|"
        r"In addition|This|That|These|Those|It|Its|They|Their|He|She|His|Her)\b"
    ),
}


# Claim and conclusion cues: a sentence that argues, concludes or explains.
_CUE = {
    "zh": re.compile(
        r"认为|表明|意味着|关键在于|关键是|核心|指出|强调|显示出|说明|预计|有望|趋势|本质|实质|"
        r"根本|必须|旨在|目的是|原因|导致|因为|由于|总体来看|整体来看|可见|总之|综合来看"
    ),
    "en": re.compile(
        r"\b(?:signals?|means|meaning|because|suggests?|shows?|indicates?|argues?|argued|"
        r"concluded?|key|central|critical|crucial|likely|expected to|reflects?|underscores?|"
        r"highlights?|reveals?|warns?|warned|believes?|the reason|the result)\b",
        re.IGNORECASE,
    ),
}

# Scene-setting and datelines: a date or time to open with, a meeting or event taking place.
_SCENE = {
    "zh": re.compile(
        r"^[“\"]?(?:当地时间|(?:\d{4}年)?\d{1,2}月\d{1,2}日|近日|日前|今天|今日|昨天|昨日|本周|上周|"
        r"\d{4}年|[上下]午|晚间|早间)"
        r"|召开|举行|举办|开幕|闭幕|出席|主持|发布会|记者会|座谈会|推进会|论坛|峰会|记者获悉|"
        r"记者了解到|走进|来到|坐落"
    ),
    "en": re.compile(
        r"^[\"“]?(?:On|Last|Earlier|This|At|During|When|As|In (?:January|February|March|April|"
        r"May|June|July|August|September|October|November|December|\d{4}))\b"
        r"|\b(?:gathered|convened|took place|was held|were held|ceremony|attended)\b"
    ),
}


def _lead_trust(sentences: list[Sentence], central: list[float]) -> float:
    """How far the article reads as a news lead: the share of sentences no more central than
    its first sentence that can stand as a point. A story whose lead sums it up gets its position
    priors in full; a report that opens with a label or an aside gets them weakened."""
    first = next((i for i, s in enumerate(sentences) if s.fits), 0)
    lead = central[first]
    return sum(1 for c in central if c <= lead) / len(central)


def _segment(sentences: list[Sentence], k: int) -> list[list[Sentence]]:
    """Split sentences (in reading order) into k contiguous themes, cutting where neighbouring
    paragraphs say least alike; each theme keeps at least two sentences when it can."""
    if k <= 1:
        return [sentences]
    # Units are paragraphs: a theme never splits a paragraph.
    units: list[list[Sentence]] = []
    for s in sentences:
        if units and units[-1][-1].paragraph == s.paragraph:
            units[-1].append(s)
        else:
            units.append([s])
    if len(units) < k:
        units = [[s] for s in sentences]
    vectors = [u[0].vector if len(u) == 1 else centroid(s.vector for s in u) for u in units]
    gaps = sorted((similarity, i) for i, similarity in enumerate(_gaps(vectors), start=1))
    min_size = 2 if len(sentences) >= 2 * k else 1
    before = [0]  # before[i]: how many sentences units[:i] hold, so a theme's size is a difference
    for u in units:
        before.append(before[-1] + len(u))
    cuts: list[int] = []
    for _, i in gaps:
        trial = sorted(cuts + [i])
        bounds = [0, *trial, len(units)]
        sizes = [before[b] - before[a] for a, b in zip(bounds, bounds[1:], strict=False)]
        if min(sizes) >= min_size:
            cuts = trial
        if len(cuts) == k - 1:
            break
    if len(cuts) < k - 1:  # fall back to equal shares of sentences
        step = len(sentences) / k
        return [sentences[round(i * step) : round((i + 1) * step)] for i in range(k)]
    bounds = [0, *cuts, len(units)]
    return [[s for u in units[a:b] for s in u] for a, b in zip(bounds, bounds[1:], strict=False)]


def _gaps(vectors: list[Vector]) -> list[float]:
    """How alike the text before and after each gap between units is: for the gap before
    unit i, the cosine of the sums u[i-2] + u[i-1] and u[i] + u[i+1] (one unit at either end),
    from the dot products of units at most three apart, so no window vector is built."""
    n = len(vectors)
    dot = {(a, a): 1.0 if vectors[a] else 0.0 for a in range(n)}  # unit length, or empty
    dot.update(
        ((a, b), cosine(vectors[a], vectors[b]))
        for a in range(n)
        for b in range(a + 1, min(n, a + 4))
    )
    # Squared length of the window of units [j, j + 1] (or of unit j alone at the end).
    window = [dot[j, j] + dot[j + 1, j + 1] + 2 * dot[j, j + 1] for j in range(n - 1)]
    window.append(dot[n - 1, n - 1])
    out = []
    for i in range(1, n):
        left, right = range(max(0, i - 2), i), range(i, min(n, i + 2))
        cross = sum(dot[a, b] for a in left for b in right)
        norms = (window[i - 2] if i >= 2 else dot[0, 0]) * window[i]
        out.append(cross / math.sqrt(norms) if norms > 0 else 0.0)
    return out


def _clean(text: str, language: str) -> str:
    """The sentence as a statement: whitespace tidied, a leading dateline or attribution cut."""
    text = text.strip() if language == "zh" else " ".join(text.split())
    return trim_lead(text, language)
