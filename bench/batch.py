"""Batch benchmark: brief N articles into a fresh database with `brieflow batch`.

Measures, on this machine, in one run:
  - articles per second of `brieflow batch --concurrency J` (the real CLI, as a subprocess),
    next to the peer: the engine alone (`pipeline.brief` in a loop, one process) on a sample;
  - peak memory (RSS summed over the batch process and its workers) over the first CHECKPOINT
    articles and over the whole run: it must stay flat as the run grows;
  - database bytes per article (after a WAL checkpoint), split by table when dbstat is there;
  - the cost of a rerun with nothing left to do, as seconds and as a ratio to the first run.

The corpus is built at run time: dev-set articles from /work/shared/data/eval recycled with
changes (sentences of the same language re-drawn into new articles, numbers altered), plus
generated articles, plus 1% exact copies and 1% near-duplicate copies. It is written as JSON
Lines shards of SHARD articles in a folder (the batch reads one shard at a time). Nothing from
the dev sets is written into the repository.

    PYTHONPATH=. python bench/batch.py --n 100000 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EVAL = Path(os.environ.get("BRIEFLOW_EVAL_DIR", "/work/shared/data/eval"))
SOURCES = {
    "zh": ["搜狐财经", "新浪财经", "财新网", "第一财经", "证券时报"],
    "en": ["Test Wire", "Market Desk", "Evening Ledger"],
}


def sentence_pools() -> dict[str, list[str]]:
    from brieflow.nlp.sentences import split_sentences

    pools: dict[str, list[str]] = {"zh": [], "en": []}
    for path in sorted(EVAL.glob("*-dev.jsonl")):
        for line in path.open(encoding="utf-8"):
            rec = json.loads(line)
            lang = rec.get("lang") if rec.get("lang") in pools else "zh"
            for p in rec.get("paragraphs", []):
                pools[lang].extend(s for s in split_sentences(p, lang) if len(s) > 8)
    return pools


def _alter_numbers(text: str, rng: random.Random) -> str:
    return re.sub(r"\d+", lambda m: str(rng.randint(1, 10 ** len(m[0]))), text)


def recycled(rng: random.Random, pools: dict[str, list[str]], lang: str) -> list[str]:
    pool = pools[lang]
    sep = "" if lang == "zh" else " "
    return [
        sep.join(_alter_numbers(rng.choice(pool), rng) for _ in range(rng.randint(2, 4)))
        for _ in range(rng.randint(3, 8))
    ]


ZH_WORDS = ["营收", "净利润", "订单", "产能", "出口", "融资", "估值", "库存", "价格", "需求"]
ZH_ACTORS = ["某新能源车企", "一家城商行", "某光伏龙头", "一家券商", "某地方政府", "某芯片公司"]
EN_ACTORS = ["A regional lender", "A chipmaker", "A carmaker", "A shipping group", "The ministry"]
EN_WORDS = ["revenue", "profit", "orders", "output", "exports", "borrowing", "prices", "demand"]


def generated(rng: random.Random, lang: str) -> list[str]:
    paragraphs = []
    for _ in range(rng.randint(3, 7)):
        if lang == "zh":
            sents = [
                f"{rng.choice(ZH_ACTORS)}第{rng.randint(1, 4)}季度{rng.choice(ZH_WORDS)}"
                f"{rng.choice(['增长', '下降', '持平于'])}{rng.randint(1, 999)}"
                f"{rng.choice(['%', '亿元', '万吨', '家'])}，"
                f"{rng.choice(ZH_WORDS)}{rng.choice(['好于', '弱于', '符合'])}市场预期。"
                for _ in range(rng.randint(2, 4))
            ]
            paragraphs.append("".join(sents))
        else:
            sents = [
                f"{rng.choice(EN_ACTORS)} said {rng.choice(EN_WORDS)} "
                f"{rng.choice(['rose', 'fell', 'held at'])} {rng.randint(1, 999)} "
                f"{rng.choice(['percent', 'million dollars', 'units'])} in quarter "
                f"{rng.randint(1, 4)}, {rng.choice(['above', 'below', 'in line with'])} forecasts."
                for _ in range(rng.randint(2, 4))
            ]
            paragraphs.append(" ".join(sents))
    return paragraphs


def edited(paragraphs: list[str]) -> list[str]:
    out = [p.replace("，", ",").replace("。", ". ") for p in paragraphs]
    out[-1] += "（转载）"
    return out


def build_corpus(folder: Path, n: int, shard: int, seed: int = 2026) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    pools = sentence_pools()
    rng = random.Random(seed)
    kinds = {"recycled": 0, "generated": 0, "exact copies": 0, "near copies": 0}
    recent: list[list[str]] = []
    fh = None
    for i in range(n):
        if i % shard == 0:
            if fh:
                fh.close()
            fh = (folder / f"part-{i // shard:05d}.jsonl").open("w", encoding="utf-8")
        lang = "zh" if rng.random() < 0.75 else "en"
        roll = rng.random()
        if recent and roll < 0.01:
            paragraphs, kind = rng.choice(recent), "exact copies"
        elif recent and roll < 0.02:
            paragraphs, kind = edited(rng.choice(recent)), "near copies"
        elif roll < 0.82:
            paragraphs, kind = recycled(rng, pools, lang), "recycled"
        else:
            paragraphs, kind = generated(rng, lang), "generated"
        kinds[kind] += 1
        if kind in ("recycled", "generated"):
            recent = (recent + [paragraphs])[-200:]
        day = rng.randint(0, 365)
        rec = {
            "id": f"bench-{i:06d}",
            "source": rng.choice(SOURCES[lang]),
            "published": time.strftime(
                "%Y-%m-%d %H:%M", time.gmtime(1704067200 + day * 86400 + rng.randint(0, 86399))
            ),
            "lang": lang,
            "paragraphs": paragraphs,
        }
        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    if fh:
        fh.close()
    return kinds


def tree_rss(pid: int) -> int:
    """RSS bytes of `pid` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def count_briefs(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM briefs").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def run_batch(folder: Path, db: Path, jobs: int, checkpoint: int) -> dict[str, float]:
    cmd = [
        sys.executable,
        "-m",
        "brieflow",
        "batch",
        str(folder),
        "--db",
        str(db),
        "--concurrency",
        str(jobs),
        "--progress",
        "lines",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    peaks = {"early": 0, "all": 0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            rss = tree_rss(proc.pid)
            peaks["all"] = max(peaks["all"], rss)
            if peaks.get("early_done") is None:
                if count_briefs(db) < checkpoint:
                    peaks["early"] = max(peaks["early"], rss)
                else:
                    peaks["early_done"] = 1
            stop.wait(1.0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    last = ""
    for line in proc.stderr:  # type: ignore[union-attr]
        last = line.strip() or last
        if "items (" in line:
            print("   ", line.strip(), flush=True)
    proc.wait()
    stop.set()
    sampler.join()
    seconds = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "load": (load + os.getloadavg()[0]) / 2,
        "rc": proc.returncode,
        "summary": last,
        "peak_early": peaks["early"],
        "peak_all": peaks["all"],
    }


def engine_only_rate(folder: Path, sample: int) -> float:
    """The peer: the engine alone, one process, on the first `sample` articles."""
    from brieflow.engines import get_engine
    from brieflow.pipeline import brief, items

    engine = get_engine("extractive")
    articles = []
    for item in items([str(p) for p in sorted(folder.glob("*.jsonl"))[:3]]):
        if item.article is not None:
            articles.append(item.article)
        if len(articles) >= sample:
            break
    brief(articles[0], engine=engine)  # load dictionaries outside the timing
    start = time.process_time()
    for a in articles:
        brief(a, engine=engine)
    return len(articles) / (time.process_time() - start)


def db_size(db: Path) -> tuple[int, dict[str, int]]:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    tables: dict[str, int] = {}
    try:
        for name, size in conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
        ):
            tables[name] = size
    except sqlite3.Error:
        pass
    conn.close()
    return db.stat().st_size + sum(
        p.stat().st_size for p in (db.with_name(db.name + "-wal"),) if p.exists()
    ), tables


def search_times(db: Path) -> str:
    """Wall milliseconds of a few searches: a two-character Chinese word (scan), longer Chinese
    and English terms (trigram index)."""
    from brieflow.store import Store

    out = []
    with Store(db) as store:
        for query in ("央行", "净利润", "货币政策 增长", "revenue", "interest rates"):
            start = time.perf_counter()
            hits = store.search(query)
            out.append(f"{query} {1000 * (time.perf_counter() - start):.0f} ms ({len(hits)})")
    return ", ".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--shard", type=int, default=1000)
    ap.add_argument("--checkpoint", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=300, help="articles for the engine-only peer")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/brieflow-bench-batch"))
    args = ap.parse_args()

    folder = args.workdir / f"corpus-{args.n}"
    db = args.workdir / f"bench-{args.n}.db"
    for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        p.unlink(missing_ok=True)
    t = time.monotonic()
    if not (folder / "done").exists():
        kinds = build_corpus(folder, args.n, args.shard)
        (folder / "done").write_text(json.dumps(kinds))
    kinds = json.loads((folder / "done").read_text())
    input_bytes = sum(p.stat().st_size for p in folder.glob("*.jsonl"))
    print(
        f"corpus: {args.n} articles {kinds}, {input_bytes / 1e6:.1f} MB of JSON Lines "
        f"({time.monotonic() - t:.1f} s)",
        flush=True,
    )

    peer = engine_only_rate(folder, args.sample)
    print(f"peer: engine alone, 1 process: {peer:.1f} articles/s (CPU time)", flush=True)

    first = run_batch(folder, db, args.jobs, args.checkpoint)
    print(f"first run: {first['summary']}", flush=True)
    rerun = run_batch(folder, db, args.jobs, args.checkpoint)
    print(f"rerun: {rerun['summary']}", flush=True)
    size, tables = db_size(db)
    conn = sqlite3.connect(db)
    articles, briefs, dups = conn.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM briefs), "
        "(SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL)"
    ).fetchone()
    conn.close()

    searches = search_times(db)
    rate = args.n / first["seconds"]
    mib = 1024 * 1024
    print()
    print(f"## Batch ({args.n:,} articles, --concurrency {args.jobs}, {os.cpu_count()} cores)")
    print()
    print("| measure | value |")
    print("| --- | --- |")
    cpu_rate = args.n / first["cpu"]
    print(
        f"| first run, wall | {first['seconds']:.0f} s, {rate:.1f} articles/s (load average "
        f"≈ {first['load']:.1f} on {os.cpu_count()} cores: the machine is shared) |"
    )
    print(
        f"| first run, CPU | {first['cpu']:.0f} CPU-s (batch process + workers), "
        f"{cpu_rate:.1f} articles per CPU-second |"
    )
    print(
        f"| peer: engine alone, 1 process, {args.sample} articles | {peer:.1f} articles per "
        f"CPU-second; batch/peer = {cpu_rate / peer:.2f} (the rest is reading, hashing, "
        "near-duplicate search, storing, process hand-off) |"
    )
    print(f"| stored | {articles:,} articles ({dups:,} near-duplicates), {briefs:,} briefs |")
    print(
        f"| database | {size / 1e6:.1f} MB, {size / articles:,.0f} bytes/article "
        f"(input JSON Lines {input_bytes / args.n:,.0f} bytes/article) |"
    )
    if tables:
        top = ", ".join(f"{k} {v / articles:,.0f}" for k, v in list(tables.items())[:6])
        print(f"| bytes/article by table | {top} |")
    print(
        f"| peak RSS, first {args.checkpoint:,} | {first['peak_early'] / mib:.0f} MiB "
        "(batch process + workers) |"
    )
    print(
        f"| peak RSS, all {args.n:,} | {first['peak_all'] / mib:.0f} MiB "
        f"(ratio {first['peak_all'] / max(first['peak_early'], 1):.2f}) |"
    )
    print(
        f"| rerun, nothing to do | {rerun['seconds']:.0f} s wall, {rerun['cpu']:.0f} CPU-s, "
        f"{args.n / rerun['seconds']:.0f} items/s; CPU = {rerun['cpu'] / first['cpu']:.3f} "
        "of the first run |"
    )
    print(f"| search, 20 newest hits | {searches} |")
    return 0 if first["rc"] in (0, 1) and rerun["rc"] in (0, 1) else 1


if __name__ == "__main__":
    sys.exit(main())
