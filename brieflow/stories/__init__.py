"""Stories: the articles (any source, any language) that report one event.

`update(store)` puts every stored article that is in no story yet into one, in the order the
articles were stored (see cluster.py for how); `cluster(articles)` does the same in memory, for
benchmarks and tests. Stories are read back with brieflow.store.stories.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..models import Article, content_id
from ..store import Store
from ..store import stories as db
from .cluster import DEFAULT, Assignment, Clusterer, Params, story_id
from .features import Features, encode, features, from_dict, lead

__all__ = [
    "DEFAULT",
    "Assignment",
    "Clusterer",
    "Params",
    "Update",
    "cluster",
    "story_id",
    "update",
]


@dataclass(frozen=True)
class Update:
    clustered: int  # articles put into a story by this call
    joined: int  # of which joined a story that already existed (or opened by this call)
    opened: int  # new stories
    stories: int  # stories in the database after the call


def _rounded(vectors: np.ndarray) -> np.ndarray:
    """Vectors as the store keeps them (float16), so a rerun compares exactly what the
    first run compared."""
    return vectors.astype(np.float16).astype(np.float32)


def load(store: Store, params: Params = DEFAULT) -> Clusterer:
    """A Clusterer holding every clustered article of the store."""
    clusterer = Clusterer(params)
    for row in db.clustered(store):
        feats = from_dict(row.language or "en", row.published, row.features)
        clusterer.load(row.id, row.story, row.vector, feats)
    return clusterer


def update(
    store: Store,
    *,
    params: Params = DEFAULT,
    rebuild: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Update:
    """Cluster the stored articles that are in no story yet (all of them with `rebuild`)."""
    with _one_blas_thread():
        return _update(store, params, rebuild, progress)


def _one_blas_thread():
    """Clustering's matrix-vector products are small: OpenBLAS's threads would only spin (on a
    busy machine, 7x the CPU time for 10,000 articles)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def _update(
    store: Store, params: Params, rebuild: bool, progress: Callable[[int], None] | None
) -> Update:
    if not rebuild and not db.has_pending(store):  # nothing new: no need to read the stories
        return Update(0, 0, 0, db.story_count(store))
    with db.clustering(store):
        if rebuild:
            db.clear(store)
        elif not db.has_pending(store):  # another process clustered them while this one waited
            return Update(0, 0, 0, db.story_count(store))
        done = _Tally()
        while True:
            try:
                stories = _cluster_pending(store, params, progress, done)
            except db.Raced:  # SQLite: start again from what the other process stored
                continue
            return Update(done.clustered, done.joined, done.opened, stories)


@dataclass
class _Tally:
    """What one update has saved so far (over its attempts, when one Raced)."""

    clustered: int = 0
    joined: int = 0
    opened: int = 0


def _cluster_pending(
    store: Store, params: Params, progress: Callable[[int], None] | None, done: _Tally
) -> int:
    """Cluster the pending articles, counting into `done`; the number of stories after."""
    clusterer = load(store, params)
    for batch in db.pending(store):
        feats = [features(p.article) for p in batch]
        vectors = _rounded(encode([lead(p.article) for p in batch]))
        rows = []
        touched: dict[str, None] = {}
        known, before = len(clusterer), len(clusterer.stories)
        for p, f, v in zip(batch, feats, vectors, strict=True):
            a = clusterer.assign(p.id, v, f, duplicate_of=p.duplicate_of)
            rows.append((p.pk, a.story, a.score, v, f.to_dict()))
            touched[a.story] = None
        titles = {story: clusterer.representative(story) for story in touched}
        db.save(store, rows, titles, known=known)
        opened = len(clusterer.stories) - before
        done.clustered += len(batch)
        done.opened += opened
        done.joined += len(batch) - opened  # each new story is opened by one article
        if progress is not None:
            progress(done.clustered)
    return len(clusterer.stories)


def cluster(
    articles: Sequence[Article],
    *,
    params: Params = DEFAULT,
    vectors: np.ndarray | None = None,
    duplicates: dict[int, int] | None = None,
) -> list[str]:
    """The story id of each article (in memory, in the given order); `vectors` may hold the
    encoder vectors of `lead(article)` already; `duplicates` maps an article's index to its
    original's."""
    feats: list[Features] = [features(a) for a in articles]
    if vectors is None:
        vectors = encode([lead(a) for a in articles])
    vectors = _rounded(vectors)
    clusterer = Clusterer(params, capacity=len(articles))
    keys = [content_id(a.paragraphs) + f"#{i}" for i, a in enumerate(articles)]
    out = []
    with _one_blas_thread():
        for i, (key, f) in enumerate(zip(keys, feats, strict=True)):
            dup = (duplicates or {}).get(i)
            a = clusterer.assign(
                key, vectors[i], f, duplicate_of=keys[dup] if dup is not None else None
            )
            out.append(a.story)
    return out
