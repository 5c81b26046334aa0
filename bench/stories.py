"""Stories: clustering quality on the labelled story set beside baselines, and scale.

    python bench/stories.py quality [--tune] [--no-write]
    python bench/stories.py scale [--sizes 1000,10000,50000] [--db sqlite,postgresql]
                                  [--pg URL] [--no-write]

quality: bench/data/stories/stories.jsonl (203 articles, 52 stories, Chinese and English,
written for brieflow; s01-s30 were written first and used to choose the weights, s31-s52 were
written last and are held out). Articles are clustered in order of publication. Reported for
brieflow's clustering and three baselines in the same run, on the tuning part, the held-out
part and all: B-cubed precision / recall / F1, adjusted Rand index, and recall on cross-language
pairs (pairs of articles of one story in different languages that land in one cluster).
Baselines (single-link online clustering, same order): MinHash near-duplicates only
(brieflow.store.dedupe, Jaccard >= 0.8); tf-idf cosine >= t over title + lead words; encoder
cosine >= t over the same lead text brieflow encodes. Each baseline's threshold is the best
one for it on the tuning part (a grid), so the comparison favours the baselines.
`--tune` searches brieflow's weights on the tuning part (a grid, printed) instead.

scale: stores N synthetic articles (sentences drawn from pools, Chinese and English, published
over N/200 days, about one story per five articles) in a fresh database and times
`brieflow.stories.update` on them: CPU seconds (this machine is shared), wall seconds, peak
Python/numpy memory (tracemalloc) and peak RSS, each size in its own process. `--db` names the
stores to time, one after the other in the same run: SQLite (a file) and PostgreSQL (a new
database on `--pg URL`, or on a throwaway cluster started here with Debian's binaries, as
tests/pgserver.py does).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import multiprocessing as mp
import queue
import random
import resource
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _report import replace_section, revision  # noqa: E402

DATA = ROOT / "bench" / "data" / "stories" / "stories.jsonl"
HEADING_QUALITY = "## Stories: clustering quality"
HEADING_SCALE = "## Stories: clustering time and memory"


# -- data -------------------------------------------------------------------------------------


def load_set() -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    rows.sort(key=lambda r: (r["published"], r["id"]))
    return rows


def to_article(row: dict[str, Any]):
    from brieflow.models import Article

    return Article.from_texts(
        row["paragraphs"],
        title=row["title"],
        source=row["source"],
        published=row["published"],
        language=row["lang"],
        url=row.get("url"),
        id=row["id"],
    )


# -- metrics ----------------------------------------------------------------------------------


def bcubed(gold: list[str], pred: list[str]) -> tuple[float, float, float]:
    by_gold: dict[str, set[int]] = defaultdict(set)
    by_pred: dict[str, set[int]] = defaultdict(set)
    for i, (g, p) in enumerate(zip(gold, pred, strict=True)):
        by_gold[g].add(i)
        by_pred[p].add(i)
    precision = recall = 0.0
    for g, p in zip(gold, pred, strict=True):
        both = len(by_gold[g] & by_pred[p])
        precision += both / len(by_pred[p])
        recall += both / len(by_gold[g])
    n = len(gold)
    precision, recall = precision / n, recall / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def adjusted_rand(gold: list[str], pred: list[str]) -> float:
    pairs = Counter(zip(gold, pred, strict=True))
    a = Counter(gold)
    b = Counter(pred)
    index = sum(math.comb(v, 2) for v in pairs.values())
    sa = sum(math.comb(v, 2) for v in a.values())
    sb = sum(math.comb(v, 2) for v in b.values())
    total = math.comb(len(gold), 2)
    expected = sa * sb / total if total else 0.0
    top = (sa + sb) / 2
    return (index - expected) / (top - expected) if top != expected else 1.0


def cross_language_recall(rows: list[dict[str, Any]], pred: list[str]) -> tuple[float, int]:
    hit = total = 0
    for i, j in itertools.combinations(range(len(rows)), 2):
        if rows[i]["story"] == rows[j]["story"] and rows[i]["lang"] != rows[j]["lang"]:
            total += 1
            hit += pred[i] == pred[j]
    return (hit / total if total else 1.0), total


def scores(rows: list[dict[str, Any]], pred: list[str]) -> dict[str, float]:
    gold = [r["story"] for r in rows]
    p, r, f = bcubed(gold, pred)
    cross, pairs = cross_language_recall(rows, pred)
    return {
        "precision": p,
        "recall": r,
        "f1": f,
        "ari": adjusted_rand(gold, pred),
        "cross": cross,
        "cross_pairs": pairs,
        "clusters": len(set(pred)),
    }


# -- systems ----------------------------------------------------------------------------------


def single_link(n: int, linked) -> list[str]:
    """Online single-link clustering: each item joins the cluster of the first earlier item it
    links to with the highest similarity (the baselines' rule)."""
    labels: list[str] = []
    for i in range(n):
        best, best_j = None, None
        for j in range(i):
            s = linked(i, j)
            if s is not None and (best is None or s > best):
                best, best_j = s, j
        labels.append(labels[best_j] if best_j is not None else f"c{i}")
    return labels


def minhash_only(articles) -> list[str]:
    from brieflow.store import dedupe

    sigs = [dedupe.signature(p.text for p in a.paragraphs) for a in articles]

    def linked(i: int, j: int) -> float | None:
        s = dedupe.similarity(sigs[i], sigs[j])
        return s if s >= dedupe.THRESHOLD else None

    return single_link(len(articles), linked)


def tfidf_matrix(articles) -> Any:
    import numpy as np

    from brieflow.nlp.lang import article_language
    from brieflow.nlp.vectors import cosine, idf, tfidf
    from brieflow.stories.features import TERM_CHARS, _head

    docs = []
    for a in articles:
        lang = article_language(a)
        from brieflow.nlp.words import words

        docs.append(words(_head(a, TERM_CHARS[lang]), lang))
    weights = idf(docs)
    vecs = [tfidf(d, weights) for d in docs]
    n = len(vecs)
    m = np.zeros((n, n))
    for i in range(n):
        for j in range(i):
            m[i, j] = m[j, i] = cosine(vecs[i], vecs[j])
    return m


def threshold_clusters(matrix, t: float) -> list[str]:
    return single_link(matrix.shape[0], lambda i, j: matrix[i, j] if matrix[i, j] >= t else None)


def best_threshold(matrix, rows, grid) -> tuple[float, list[str]]:
    best = None
    for t in grid:
        pred = threshold_clusters(matrix, t)
        f = scores(rows, pred)["f1"]
        if best is None or f > best[0]:
            best = (f, t, pred)
    assert best is not None
    return best[1], best[2]


# -- quality ----------------------------------------------------------------------------------


def _split(rows, pred, which: str):
    keep = [i for i, r in enumerate(rows) if which == "all" or r["split"] == which]
    return [rows[i] for i in keep], [pred[i] for i in keep]


def quality(tune: bool, write: bool) -> None:
    import numpy as np

    from brieflow.stories import DEFAULT, cluster
    from brieflow.stories.features import encode, lead

    rows = load_set()
    articles = [to_article(r) for r in rows]
    dup_index = {r["id"]: i for i, r in enumerate(rows)}
    # near-duplicates as the store marks them (MinHash against earlier articles)
    from brieflow.store import dedupe

    sigs = [dedupe.signature(p.text for p in a.paragraphs) for a in articles]
    duplicates = {}
    for i in range(len(rows)):
        best = max(
            ((dedupe.similarity(sigs[i], sigs[j]), j) for j in range(i)), default=(0.0, None)
        )
        if best[1] is not None and best[0] >= dedupe.THRESHOLD:
            duplicates[i] = best[1]
    del dup_index
    t0 = time.process_time()
    vectors = encode([lead(a) for a in articles])
    encode_s = time.process_time() - t0
    tune_idx = [i for i, r in enumerate(rows) if r["split"] == "tune"]
    tune_rows = [rows[i] for i in tune_idx]

    if tune:
        search(articles, rows, vectors, duplicates, tune_idx, tune_rows)
        return

    systems: dict[str, list[str]] = {}
    t0 = time.process_time()
    systems["brieflow"] = cluster(articles, vectors=vectors, duplicates=duplicates)
    ours_s = time.process_time() - t0 + encode_s
    systems["MinHash near-duplicates"] = minhash_only(articles)
    grid = [round(x, 2) for x in np.arange(0.10, 0.95, 0.025)]

    def tuned(matrix, name):
        sub = matrix[np.ix_(tune_idx, tune_idx)]
        t, _ = best_threshold(sub, tune_rows, grid)
        systems[f"{name} ≥ {t:.3f}"] = threshold_clusters(matrix, t)

    tuned(tfidf_matrix(articles), "tf-idf cosine")
    enc = vectors.astype(np.float16).astype(np.float32)
    tuned(enc @ enc.T, "encoder cosine")

    lines = [
        f"{len(rows)} articles, {len(set(r['story'] for r in rows))} stories "
        f"({Counter(r['lang'] for r in rows)['zh']} Chinese, "
        f"{Counter(r['lang'] for r in rows)['en']} English); tuning part s01-s30 "
        f"({len(tune_rows)} articles), held-out part s31-s52 "
        f"({len(rows) - len(tune_rows)} articles, written last, not tuned on). brieflow's "
        f"clustering took {ours_s:.1f} s CPU for the whole set (encoder included).",
        "",
        "| system | part | B³ precision | B³ recall | B³ F1 | ARI "
        "| cross-language recall (pairs) | clusters |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, pred in systems.items():
        for part in ("held-out", "tune", "all"):
            sub_rows, sub_pred = _split(rows, pred, part)
            s = scores(sub_rows, sub_pred)
            lines.append(
                f"| {name} | {part} | {s['precision']:.3f} | {s['recall']:.3f} | "
                f"**{s['f1']:.3f}** | {s['ari']:.3f} | {s['cross']:.3f} ({s['cross_pairs']}) "
                f"| {s['clusters']} / {len(set(r['story'] for r in sub_rows))} |"
            )
    lines.append("")
    lines.append(f"Weights: `{DEFAULT}`.")
    # the mistakes, for the record
    wrong = _mistakes(rows, systems["brieflow"])
    if wrong:
        lines += ["", "brieflow's mistakes on the whole set:", ""]
        lines += [f"- {w}" for w in wrong]
    text = "\n".join(lines)
    print(text)
    if write:
        _write(
            HEADING_QUALITY,
            text,
            "python bench/stories.py quality",
        )


def _mistakes(rows, pred) -> list[str]:
    out = []
    by_pred: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pred):
        by_pred[p].append(i)
    for members in by_pred.values():
        stories = Counter(rows[i]["story"] for i in members)
        if len(stories) > 1:
            out.append("merged: " + ", ".join(f"{s}×{c}" for s, c in sorted(stories.items())))
    by_gold: dict[str, set[str]] = defaultdict(set)
    for i, r in enumerate(rows):
        by_gold[r["story"]].add(pred[i])
    for story, clusters in sorted(by_gold.items()):
        if len(clusters) > 1:
            parts = [
                "+".join(
                    rows[i]["id"][4:]
                    for i in range(len(rows))
                    if pred[i] == c and rows[i]["story"] == story
                )
                for c in clusters
            ]
            out.append(f"split: {story} into {' | '.join(sorted(parts))}")
    return out


GRID = {
    "threshold": (0.5, 0.55, 0.6, 0.62, 0.65, 0.7),
    "terms": (0.3, 0.45, 0.6),
    "anchors": (0.0, 0.06, 0.12),
    "cross": (0.0, 0.08, 0.15),
}


def search(articles, rows, vectors, duplicates, tune_idx, tune_rows) -> None:
    """The grid on the tuning part only. Many settings can tie at the top, so the pick is the
    best setting whose grid neighbours (one step in one weight) score best on average: the
    middle of the good region, not its edge."""
    from brieflow.stories import DEFAULT, cluster

    sub_articles = [articles[i] for i in tune_idx]
    sub_vectors = vectors[tune_idx]
    pos = {i: k for k, i in enumerate(tune_idx)}
    sub_dups = {pos[i]: pos[j] for i, j in duplicates.items() if i in pos and j in pos}
    names = list(GRID)
    f1: dict[tuple[int, ...], float] = {}
    for at in itertools.product(*(range(len(GRID[n])) for n in names)):
        p = replace(DEFAULT, **{n: GRID[n][k] for n, k in zip(names, at, strict=True)})
        pred = cluster(sub_articles, params=p, vectors=sub_vectors, duplicates=sub_dups)
        f1[at] = scores(tune_rows, pred)["f1"]

    def neighbours(at: tuple[int, ...]) -> float:
        near = []
        for d in range(len(at)):
            for step in (-1, 1):
                other = (*at[:d], at[d] + step, *at[d + 1 :])
                if other in f1:
                    near.append(f1[other])
        return sum(near) / len(near)

    ranked = sorted(f1, key=lambda at: (-f1[at], -neighbours(at), at))
    for at in ranked[:10]:
        values = {n: GRID[n][k] for n, k in zip(names, at, strict=True)}
        print(f"tune F1 {f1[at]:.4f}  neighbours {neighbours(at):.4f}  {values}")


# -- scale ------------------------------------------------------------------------------------


def _vocabulary() -> dict[str, list[str]]:
    """Content words of the labelled set, per language (the synthetic articles' words)."""
    from brieflow.nlp.words import segment

    vocab: dict[str, set[str]] = {"zh": set(), "en": set()}
    for row in load_set():
        text = " ".join([row["title"], *row["paragraphs"]])
        if row["lang"] == "zh":
            vocab["zh"].update(w for w in segment(text) if len(w) >= 2 and w.isalnum())
        else:
            vocab["en"].update(w for w in text.split() if w.isalpha() and len(w) >= 3)
    return {k: sorted(v) for k, v in vocab.items()}


def synthetic(n: int, seed: int = 7):
    """n articles of about n/5 events (one language each), published over n/200 days: an
    event is a random draw of the labelled set's words and a figure; each of its articles keeps
    most of those words in another order and adds words of its own, so articles of one event
    are alike and events are not (as in a day's news, unlike template text)."""
    from brieflow.models import Article

    vocab = _vocabulary()
    rng = random.Random(seed)
    days = max(1, n // 200)
    events = max(1, n // 5)
    out = []
    for i in range(n):
        e = rng.randrange(events)
        erng = random.Random(e * 7919 + seed)
        lang = "zh" if erng.random() < 0.5 else "en"
        words = vocab[lang]
        core = [erng.choice(words) for _ in range(14)]
        figure = f"{erng.randrange(2, 999)}{'亿元' if lang == 'zh' else ' million dollars'}"
        day = erng.randrange(days)
        published = (
            f"2025-{1 + day // 28 % 12:02d}-{1 + day % 28:02d} "
            f"{rng.randrange(24):02d}:{rng.randrange(60):02d}"
        )
        kept = [w for w in core if rng.random() < 0.8]
        rng.shuffle(kept)
        extra = [rng.choice(words) for _ in range(16)]
        sep = "" if lang == "zh" else " "
        end = "。" if lang == "zh" else "."
        title = sep.join(kept[:7])
        paras = [
            sep.join(kept) + sep + figure + end,
            sep.join(extra[:8]) + end,
            sep.join(extra[8:]) + end,
        ]
        out.append(
            Article.from_texts(
                paras,
                title=title,
                source=f"Outlet {i % 17}",
                published=published,
                language=lang,
            )
        )
    return out


def _scale_one(n: int, target: str, q: mp.Queue) -> None:
    from brieflow.store.open import open_store
    from brieflow.stories import update

    with open_store(target) as store:
        articles = synthetic(n)
        for start in range(0, n, 50):  # 50 a transaction: PostgreSQL locks each article's
            with store.transaction():  # near-duplicate buckets until the transaction ends
                for a in articles[start : start + 50]:
                    store.add_article(a)
        from brieflow.nlp import embeddings

        embeddings._encoder().encode(["warm up"])  # the model load is not clustering
        tracemalloc.start()
        c0, w0 = time.process_time(), time.perf_counter()
        result = update(store)
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    q.put(
        {
            "store": "PostgreSQL" if store.backend == "postgresql" else "SQLite",
            "n": n,
            "cpu": cpu,
            "wall": wall,
            "peak": peak / 2**20,
            "rss": rss,
            "stories": result.stories,
        }
    )


def scale(sizes: list[int], dbs: list[str], pg: str | None, write: bool) -> None:
    import tempfile
    from contextlib import ExitStack

    ctx = mp.get_context("spawn")
    out = []
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        for db in dbs:
            for n in sizes:
                if db == "sqlite":
                    target = str(Path(folder) / f"scale-{n}.db")
                else:
                    sys.path.insert(0, str(ROOT / "tests"))  # the tests' throwaway cluster
                    from pgserver import missing, new_database, throwaway_cluster

                    if pg is None:
                        if reason := missing():
                            sys.exit(f"bench/stories.py: no PostgreSQL: {reason}")
                        pg = stack.enter_context(throwaway_cluster())
                    target = new_database(pg)
                q: mp.Queue = ctx.Queue()
                p = ctx.Process(target=_scale_one, args=(n, target, q))
                p.start()
                while True:  # a child that dies (killed, out of memory) sends nothing
                    try:
                        r = q.get(timeout=5)
                        break
                    except queue.Empty:
                        if not p.is_alive():
                            sys.exit(f"bench/stories.py: the {db} run of {n} died ({p.exitcode})")
                p.join()
                print(r, flush=True)
                out.append(r)
    lines = [
        "Synthetic articles (words of the labelled set drawn at random: about five articles per "
        "event, published over N/200 days), stored in a fresh database, then clustered by "
        "`brieflow.stories.update` in a process of its own: CPU seconds (the machine is shared "
        "by other work, so wall time is longer), the encoder included (its model load is not); "
        "peak memory traced by tracemalloc during clustering, and the process's peak RSS.",
        "",
        "| store | articles | CPU s | wall s | articles / CPU s | peak traced MiB "
        "| peak RSS MiB | stories |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in out:
        lines.append(
            f"| {r['store']} | {r['n']:,} | {r['cpu']:.1f} | {r['wall']:.1f} | "
            f"{r['n'] / r['cpu']:.0f} | {r['peak']:.1f} | {r['rss']:.0f} | {r['stories']:,} |"
        )
    text = "\n".join(lines)
    print(text)
    if write:
        _write(
            HEADING_SCALE,
            text,
            "python bench/stories.py scale --sizes "
            + ",".join(map(str, sizes))
            + " --db "
            + ",".join(dbs),
        )


def _write(heading: str, body: str, command: str) -> None:
    name = "stories-quality" if heading == HEADING_QUALITY else "stories-scale"
    replace_section(name, f"`{command}` (revision {revision()}).\n\n{body}", heading)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["quality", "scale"])
    ap.add_argument("--tune", action="store_true")
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--db", default="sqlite", help="stores to time: sqlite,postgresql")
    ap.add_argument("--pg", metavar="URL", help="a PostgreSQL server (default: a throwaway one)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    dbs = args.db.split(",")
    if not set(dbs) <= {"sqlite", "postgresql"}:
        ap.error("--db takes sqlite, postgresql or both (comma-separated)")
    if args.what == "quality":
        quality(args.tune, not args.no_write)
    else:
        scale([int(x) for x in args.sizes.split(",")], dbs, args.pg, not args.no_write)


if __name__ == "__main__":
    main()
