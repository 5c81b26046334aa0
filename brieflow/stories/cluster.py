"""Online clustering of articles into stories: each article, in the order it was stored, joins
the story holding its best-matching earlier article, or opens a new story.

Two articles match by

    score = cosine(lead vectors) + TERMS·word overlap (same language only)
            + ANCHORS·shared names and figures + CROSS (languages differ)
            - DECAY·days apart beyond GRACE

and never when they are more than WINDOW days apart (the same kind of event weeks later is
another story). An article's score for a story is its best score against the story's members
(near-duplicates join their original's story without scoring). Because each article is
decided once, from the articles before it, clustering is incremental and stable: a rerun keeps
every story and its id, and adding articles one at a time gives the same stories as adding
them all at once in the same order. The weights were chosen by a grid search on the first
part of bench/data/stories (s01-s30) and measured on the part written after (see
docs/stories.md; `python bench/stories.py quality --tune` repeats the search).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .features import Features


@dataclass(frozen=True)
class Params:
    threshold: float = 0.5
    terms: float = 0.3
    anchors: float = 0.06  # per shared name or figure, up to three
    cross: float = 0.15
    decay: float = 0.06
    grace: float = 1.0
    window: float = 7.0


DEFAULT = Params()
CANDIDATES = 24  # earlier articles scored in full per new article: the encoder's nearest


def story_id(founder_content_id: str) -> str:
    """A story's id: stable, derived from the article that opened it (not an article id)."""
    return hashlib.sha256(b"story\0" + founder_content_id.encode()).hexdigest()[:12]


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Binary cosine of two word sets."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def pair_score(cos: float, a: Features, b: Features, params: Params = DEFAULT) -> float:
    """How strongly two articles look like reports of one event (see the module docstring);
    -inf when they are too far apart in time."""
    gap = 0.0
    if a.time is not None and b.time is not None:
        gap = abs(a.time - b.time)
        if gap > params.window:
            return -math.inf
    s = cos
    if a.language == b.language:
        s += params.terms * overlap(a.terms, b.terms)
    else:
        s += params.cross
    shared = len(a.anchors & b.anchors)
    s += params.anchors * min(shared, 3)
    return s - params.decay * max(0.0, gap - params.grace)


@dataclass
class Story:
    id: str
    members: list[int] = field(default_factory=list)  # row numbers in the Clusterer


@dataclass(frozen=True)
class Assignment:
    key: str
    story: str
    score: float | None  # None: it opened the story; 1.0 for a near-duplicate
    new_story: bool


class Clusterer:
    """Holds clustered articles (vectors and features) and assigns new ones."""

    def __init__(self, params: Params = DEFAULT, capacity: int = 1024):
        self.params = params
        self._vectors = np.zeros((max(capacity, 1), 512), np.float32)
        self._times = np.full(max(capacity, 1), np.nan)
        self._features: list[Features] = []
        self._story_of: list[int] = []  # story index per row
        self._row: dict[str, int] = {}  # article key -> row
        self._keys: list[str] = []
        self.stories: list[Story] = []
        self._story_index: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._features)

    def _grow(self) -> None:
        n = len(self._features)
        if n < self._vectors.shape[0]:
            return
        vectors = np.zeros((n * 2, 512), np.float32)
        vectors[:n] = self._vectors
        times = np.full(n * 2, np.nan)
        times[:n] = self._times
        self._vectors, self._times = vectors, times

    def _put(self, key: str, vector: np.ndarray, feats: Features, story: str) -> None:
        self._grow()
        row = len(self._features)
        self._vectors[row] = vector
        self._times[row] = np.nan if feats.time is None else feats.time
        self._features.append(feats)
        if story not in self._story_index:
            self._story_index[story] = len(self.stories)
            self.stories.append(Story(story))
        index = self._story_index[story]
        self._story_of.append(index)
        self.stories[index].members.append(row)
        self._row[key] = row
        self._keys.append(key)

    def load(self, key: str, story: str, vector: np.ndarray, feats: Features) -> None:
        """Add an article clustered before (from the store)."""
        self._put(key, vector, feats, story)

    def best(self, vector: np.ndarray, feats: Features) -> tuple[int | None, float]:
        """The story index this article matches best, and the score."""
        n = len(self._features)
        if n == 0:
            return None, -math.inf
        p = self.params
        times = self._times[:n]
        if feats.time is None:
            rows = np.arange(n)
        else:
            rows = np.flatnonzero((np.abs(times - feats.time) <= p.window) | np.isnan(times))
        if rows.size == 0:
            return None, -math.inf
        cos = self._vectors[rows] @ vector
        # the most any bonus can add: rows below this floor cannot reach the threshold
        floor = p.threshold - p.terms - p.anchors * 3 - max(p.cross, 0.0)
        keep = np.flatnonzero(cos >= floor)
        if keep.size > CANDIDATES:
            # only the nearest by the encoder are scored in full (stable: ties by row)
            order = np.argsort(-cos[keep], kind="stable")[:CANDIDATES]
            keep = np.sort(keep[order])
        best_story, best_score = None, -math.inf
        for row, c in zip(rows[keep].tolist(), cos[keep].tolist(), strict=True):
            s = pair_score(c, feats, self._features[row], p)
            story = self._story_of[row]
            # ties go to the older story (the lower index), so the result is order-stable
            tie = s == best_score and best_story is not None and story < best_story
            if s > best_score or tie:
                best_story, best_score = story, s
        return best_story, best_score

    def assign(
        self,
        key: str,
        vector: np.ndarray,
        feats: Features,
        *,
        duplicate_of: str | None = None,
    ) -> Assignment:
        """Put a new article in a story: its original's (near-duplicate), the best-matching
        one (score at least the threshold), or a new one whose id comes from `key`."""
        if duplicate_of is not None and duplicate_of in self._row:
            story = self.stories[self._story_of[self._row[duplicate_of]]].id
            self._put(key, vector, feats, story)
            return Assignment(key, story, 1.0, False)
        index, score = self.best(vector, feats)
        if index is not None and score >= self.params.threshold:
            story = self.stories[index].id
            self._put(key, vector, feats, story)
            return Assignment(key, story, round(score, 4), False)
        story = story_id(key)
        self._put(key, vector, feats, story)
        return Assignment(key, story, None, True)

    def members(self, story: str) -> list[int]:
        return self.stories[self._story_index[story]].members

    def keys(self, story: str) -> list[str]:
        return [self._keys[r] for r in self.members(story)]

    def representative(self, story: str) -> str:
        """The key of the story's most representative article: among the articles in the
        story's majority language (on a tie, the first article's), the one closest to all the
        others (ties: the first)."""
        rows = self.members(story)
        counts = Counter(self._features[r].language for r in rows)
        top = max(counts.values())
        first = self._features[rows[0]].language
        major = first if counts[first] == top else min(k for k, c in counts.items() if c == top)
        pool = [r for r in rows if self._features[r].language == major]
        if len(pool) == 1:
            return self._keys[pool[0]]
        vectors = self._vectors[rows]
        sums = (self._vectors[pool] @ vectors.T).sum(axis=1)
        return self._keys[pool[int(np.argmax(sums))]]  # argmax: the first of equal maxima
