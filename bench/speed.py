"""Speed and memory: the extractive engine beside sumy's LexRank and TextRank, in one run.

    python bench/speed.py [EVAL_DIR] [--sets GLOB] [--repeat N] [--rounds N]
                          [--lengths 10,100,1000] [--timeout S] [--no-write]

Every system runs in its own fresh process (multiprocessing "spawn") on the same articles:
an untimed warm-up article (imports, the segmenter's dictionary), then the best of N timed
passes over the set (articles per second, from the process's CPU time, so time the machine
gives to other work is not charged to a system), then one pass under tracemalloc (peak Python +
numpy allocation while briefing one article, the largest over the set) and the process's peak
RSS. Ratios are against sumy LexRank measured in the same run. With --rounds R the systems
take turns R times (extractive, LexRank, TextRank, extractive, …) and each keeps its best, so
a slow spell of a shared machine does not land on one system only.

The growth table briefs synthetic articles of 10, 100 and 1,000 paragraphs made at run time by
recycling the dev set's paragraphs in order (nothing is stored), one English and one Chinese.
A system that needs more than --growth-timeout seconds for one length (timing and memory pass)
is reported as such and not run on longer articles.

The engine path is `brieflow.brief` (engine + checks); sumy's path is brieflow's sentence
splitter, our sumy tokenizer and the summarizer's full ranking (what `brieflow eval` times).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _report import default_eval_dir, replace_section, revision  # noqa: E402

SYSTEMS = ("extractive", "lexrank", "textrank")
HEADING = "## Speed and memory (extractive engine vs sumy)"


def _runner(system: str):
    from brieflow.evaluate.baselines import article_sentences, sumy_ranking

    if system == "extractive":
        from brieflow import brief
        from brieflow.engines import get_engine

        engine = get_engine("extractive")
        return lambda article: brief(article, engine=engine)

    def rank(article):
        sentences = [s for _, s in article_sentences(article)]
        return sumy_ranking(system, sentences, article.language or "en")

    return rank


def _measure(system: str, articles: list, repeat: int, queue: Any, warmup: Any = None) -> None:
    """In a fresh process: warm-up, best-of-N timing, then tracemalloc peaks and max RSS."""
    import resource
    import tracemalloc

    run = _runner(system)
    run(warmup if warmup is not None else articles[0])
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for article in articles:
            run(article)
        best = min(best, time.process_time() - start)
    peak = 0
    tracemalloc.start()
    for article in articles:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        run(article)
        peak = max(peak, tracemalloc.get_traced_memory()[1] - base)
    tracemalloc.stop()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put({"seconds": best, "peak": peak, "rss": rss_kb * 1024})


def measure(
    system: str, articles: list, repeat: int, timeout: float, warmup: Any = None
) -> dict[str, Any] | None:
    """One system in a fresh process; None when it ran past `timeout` seconds."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_measure, args=(system, articles, repeat, queue, warmup))
    proc.start()
    try:
        result = queue.get(timeout=timeout)
    except Exception:  # queue.Empty: too slow
        result = None
    proc.join(timeout=5)
    if proc.is_alive():
        proc.kill()
        proc.join()
    return result


def synthetic(articles: list, paragraphs: int, language: str):
    """An article of `paragraphs` paragraphs, recycling the set's paragraphs in order."""
    from brieflow.models import Article

    pool = [p.text for a in articles for p in a.paragraphs]
    texts = [pool[i % len(pool)] for i in range(paragraphs)]
    return Article.from_texts(texts, language=language, id=f"synthetic-{language}-{paragraphs}")


def _mib(n: float) -> str:
    return f"{n / 2**20:.1f}"


def _kib(n: float) -> str:
    return f"{n / 2**10:.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("eval_dir", nargs="?", type=Path, default=default_eval_dir())
    parser.add_argument("--sets", default="*-dev.jsonl")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per process")
    parser.add_argument("--rounds", type=int, default=2, help="fresh processes per system")
    parser.add_argument("--lengths", default="10,100,1000")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per system and set")
    parser.add_argument(
        "--growth-timeout", type=float, default=90.0, help="seconds per system and length"
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)

    from brieflow.evaluate.datasets import load_dataset

    paths = sorted(args.eval_dir.glob(args.sets))
    if not paths:
        print(f"speed: no {args.sets} in {args.eval_dir}", file=sys.stderr)
        return 3
    rows = [
        "| dev set | system | articles/s | × LexRank speed | peak alloc KiB | × LexRank "
        "| max RSS MiB |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    sets: dict[str, list] = {}
    for path in paths:
        articles = [item.article for item in load_dataset(path)]
        sets[path.stem] = articles
        results = {}
        for r in range(args.rounds):
            for system in SYSTEMS:
                if r and results[system] is None:
                    continue  # timed out before: not again
                print(f"speed: {path.stem} {system} (round {r + 1})…", file=sys.stderr)
                got = measure(system, articles, args.repeat, args.timeout)
                best = results.get(system)
                if best is None or (got is not None and got["seconds"] < best["seconds"]):
                    results[system] = got
        ref = results.get("lexrank")
        for system, r in results.items():
            if r is None:
                rows.append(f"| {path.stem} | {system} | > {args.timeout:.0f} s | | | | |")
                continue
            aps = len(articles) / r["seconds"]
            ratio = f"{(ref['seconds'] / r['seconds']):.1f}" if ref else ""
            mem = f"{(r['peak'] / ref['peak']):.2f}" if ref and ref["peak"] else ""
            rows.append(
                f"| {path.stem} | {system} | {aps:.1f} | {ratio} | {_kib(r['peak'])} | {mem} "
                f"| {_mib(r['rss'])} |"
            )
        print("\n".join(rows[-len(results) :]))

    growth = [
        "| language | paragraphs | system | seconds per article | peak alloc KiB |",
        "| --- | ---: | --- | ---: | ---: |",
    ]
    sources = {"en": "en-en-news-dev", "zh": "zh-zh-finnews-dev"}
    lengths = [int(n) for n in args.lengths.split(",") if n.strip()]
    for language, stem in sources.items():
        pool = sets.get(stem) or next(
            (a for a in sets.values() if a and a[0].language == language), None
        )
        if not pool:
            continue
        warmup = synthetic(pool, 3, language)
        gave_up: set[str] = set()
        for n in lengths:
            article = synthetic(pool, n, language)
            for system in SYSTEMS:
                if system in gave_up:
                    growth.append(f"| {language} | {n} | {system} | not run (slower before) | |")
                    continue
                print(f"speed: {language} {n} paragraphs {system}…", file=sys.stderr)
                r = measure(system, [article], 1, args.growth_timeout, warmup)
                if r is None:
                    gave_up.add(system)
                    growth.append(
                        f"| {language} | {n} | {system} | > {args.growth_timeout:.0f} "
                        "(timing + memory pass) | |"
                    )
                else:
                    growth.append(
                        f"| {language} | {n} | {system} | {r['seconds']:.3f} | {_kib(r['peak'])} |"
                    )
                print(growth[-1])
    body = "\n\n".join(
        [
            f"`python bench/speed.py` (commit {revision()}; per system the best of "
            f"{args.repeat} passes in each of {args.rounds} fresh processes, the systems taking "
            "turns; CPU time; same articles, same run). × LexRank: how many times "
            "faster (speed) or how much of LexRank's peak allocation (memory). Peak alloc: the "
            "largest tracemalloc peak while handling one article; max RSS: the whole process.",
            "\n".join(rows),
            "Growth with article length (synthetic articles recycling the paragraphs of "
            "en-en-news-dev and zh-zh-finnews-dev in order; one timed pass after a warm-up on a "
            "3-paragraph article, then a tracemalloc pass):",
            "\n".join(growth),
        ]
    )
    print(body)
    if not args.no_write:
        replace_section("speed", body, HEADING)
        print("speed: wrote docs/benchmarks.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
