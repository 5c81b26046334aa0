"""Scale benchmark: local processes vs Ray, SQLite vs PostgreSQL, on this machine, in one run.

    PYTHONPATH=. python bench/scale.py [--n 600] [--rounds 2] [--pg URL]
    PYTHONPATH=. python bench/scale.py --claims-only [--n 600] [--rounds 3]   (part 3 only)

1. Articles per second of `run_batch` (extractive engine, a fresh SQLite store each time) with
   the local executor (2 processes) and with Ray on a local cluster of 1 and of 2 CPUs. The
   systems take turns over `--rounds` rounds and each keeps its best, so a burst of load from
   other jobs on the shared machine hits them alike; Ray's overhead is reported as a ratio to
   the local executor measured in the same run. Ray's start-up (once per cluster) is timed apart.
2. Store write throughput: the same N pre-computed briefs (article + brief, one transaction
   each, as `batch` writes them) into SQLite and into PostgreSQL (a throwaway cluster started
   here with Debian's binaries, or `--pg URL` of a server of yours: a new database is made
   there), and bytes per article (SQLite: the file after a WAL checkpoint; PostgreSQL:
   `pg_database_size` minus that of an empty brieflow database).
3. Claims (brieflow/store/claims.py): what they cost and what they save. (a) The store writes of
   2. with and without a claim per article (claim, then brief + release in one transaction, as
   `batch` does), on SQLite and PostgreSQL, alternating over `--rounds`, each keeping its best.
   (b) Two `brieflow batch` processes at once on PostgreSQL (llm engine, 4 threads each, against
   a loopback OpenAI-compatible server answering in 50 ms that counts the requests) on 300 of
   the tests' English articles (tests/storedata.py), both given all 300, or A the first 200 and
   B the last 200: briefs computed (requests) vs briefs stored, with claims and with claims
   switched off (`claims.claim` patched to always grant: the behaviour before them).

The corpus is bench/batch.py's (dev-set sentences from ../shared/data/eval re-drawn into new
articles with altered numbers, generated articles, 1% exact and 1% near copies), built at run
time; nothing from the dev sets is written into the repository.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import sqlite3
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from batch import build_corpus  # noqa: E402  (bench/batch.py)

from brieflow.batch import PoolExecutor, run_batch  # noqa: E402
from brieflow.store import Store, options_key  # noqa: E402
from brieflow.store.open import open_store  # noqa: E402


def tree_cpu() -> float:
    """CPU seconds of this process and everything under it: its own, its reaped children's
    (local pool workers), and its live descendants' (Ray's gcs_server, raylet and workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            parent[int(entry.name)] = int(fields[1])
            used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    me = os.getpid()

    def under_me(pid: int) -> bool:
        while pid > 1:
            pid = parent.get(pid, 0)
            if pid == me:
                return True
        return False

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    live = sum(cpu for pid, cpu in used.items() if under_me(pid))
    return time.process_time() + children.ru_utime + children.ru_stime + live


def timed_batch(folder: Path, db: Path, executor) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the whole tree, briefs) of one batch into a new store."""
    with Store(db) as store:
        c0, t0 = tree_cpu(), time.perf_counter()
        result = run_batch([str(folder)], store, executor=executor)
        seconds, cpu = time.perf_counter() - t0, tree_cpu() - c0
    db.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    return seconds, cpu, result.progress.briefed


def executors(folder: Path, tmp: Path, rounds: int) -> list[str]:
    import ray

    from brieflow.batch_ray import RayExecutor

    best: dict[str, tuple[float, float]] = {}  # name -> (best wall s, best CPU s)
    briefed = 0
    startup: dict[int, float] = {}

    def keep(name: str, s: float, cpu: float) -> None:
        old = best.get(name, (1e9, 1e9))
        best[name] = (min(old[0], s), min(old[1], cpu))

    for _ in range(rounds):
        s, cpu, briefed = timed_batch(folder, tmp / "local.db", PoolExecutor(2, processes=True))
        keep("local, 2 processes", s, cpu)
        for cpus in (1, 2):
            t0 = time.perf_counter()
            ray.init(
                num_cpus=cpus,
                include_dashboard=False,
                _node_ip_address="127.0.0.1",
                log_to_driver=False,
                configure_logging=False,
            )
            startup[cpus] = time.perf_counter() - t0
            try:
                timed_batch(folder, tmp / "warm.db", RayExecutor(window=4))  # workers start
                s, cpu, _ = timed_batch(folder, tmp / "ray.db", RayExecutor())
            finally:
                ray.shutdown()
            keep(f"Ray, {cpus} worker{'s' if cpus > 1 else ''}", s, cpu)
    local_s, local_cpu = best["local, 2 processes"]
    rows = [
        "| executor | wall s | articles/s (wall) | CPU s | articles per CPU-s | CPU vs local |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, (s, cpu) in best.items():
        rows.append(
            f"| {name} | {s:.2f} | {briefed / s:.1f} | {cpu:.1f} | {briefed / cpu:.1f} "
            f"| {cpu / local_cpu:.2f} |"
        )
    rows.append("")
    rows.append(
        f"{briefed} briefs per batch; best of {rounds} rounds; Ray start-up (not in the "
        f"times): {startup[1]:.1f} s (1 CPU), {startup[2]:.1f} s (2 CPUs), plus a warm-up "
        "batch per cluster so worker processes are running"
    )
    return rows


def prepared(folder: Path) -> list:
    """(article, brief) pairs, briefed once here so the store timings hold only writes."""
    from brieflow import brief, load
    from brieflow.engines.extractive import ExtractiveEngine

    engine = ExtractiveEngine()
    pairs = []
    for path in sorted(folder.glob("*.jsonl")):
        for article in load(str(path)):
            if article.paragraphs:
                pairs.append((article, brief(article, engine=engine)))
    return pairs


def write_all(store: Store, pairs: list) -> float:
    key = options_key({"language": None})
    run = store.start_run(engine="extractive", engine_version="x", options=key, sources=[])
    t0 = time.perf_counter()
    for article, made in pairs:
        added = store.add_article(article, origin="bench")
        store.add_brief(added.id, made, options=key, run=run)
    return time.perf_counter() - t0


def stores(folder: Path, tmp: Path, pg: str | None) -> list[str]:
    pairs = prepared(folder)
    rows = [
        "| store | articles | seconds | articles/s | bytes/article |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    db = tmp / "w.db"
    with Store(db) as store:
        s = write_all(store, pairs)
        n = store.counts()["articles"]
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    rows.append(f"| SQLite (WAL) | {n} | {s:.2f} | {n / s:.0f} | {db.stat().st_size / n:,.0f} |")
    sys.path.insert(0, str(ROOT / "tests"))  # the tests' throwaway cluster (needs pytest)
    from pgserver import missing, new_database, throwaway_cluster

    with ExitStack() as stack:
        if pg is None:
            if reason := missing():
                rows.append(f"| PostgreSQL | skipped: {reason} | | | |")
                return rows
            pg = stack.enter_context(throwaway_cluster())
        import psycopg

        empty, url = new_database(pg), new_database(pg)
        open_store(empty).close()
        with open_store(url) as store:
            s = write_all(store, pairs)
        with psycopg.connect(pg, autocommit=True) as conn:
            for target in (empty, url):
                with psycopg.connect(target, autocommit=True) as c:
                    c.execute("VACUUM ANALYZE")
            size = {
                t: conn.execute("SELECT pg_database_size(%s)", (t.rsplit("/", 1)[1],)).fetchone()[0]
                for t in (empty, url)
            }
        rows.append(
            f"| PostgreSQL (1 connection) | {n} | {s:.2f} | {n / s:.0f} | "
            f"{(size[url] - size[empty]) / n:,.0f} |"
        )
    return rows


def write_claimed(store: Store, pairs: list, spent: list[float] | None = None) -> float:
    """As `write_all`, claiming each article first and releasing it with its brief; the
    seconds spent in the claim verbs alone are added to `spent`."""
    from brieflow.store import claims

    key = options_key({"language": None})
    run = store.start_run(engine="extractive", engine_version="x", options=key, sources=[])
    in_claims = 0.0
    t0 = time.perf_counter()
    for article, made in pairs:
        added = store.add_article(article, origin="bench")
        c0 = time.perf_counter()
        state = claims.claim(
            store, added.id, made.engine, made.engine_version, key, run=run, lease=120
        ).state
        in_claims += time.perf_counter() - c0
        if state != "mine":  # an exact copy of an article briefed above
            continue
        with store.transaction():
            store.add_brief(added.id, made, options=key, run=run)
            c0 = time.perf_counter()
            claims.release(store, run, added.id)
            in_claims += time.perf_counter() - c0
    total = time.perf_counter() - t0
    if spent is not None:
        spent.append(in_claims)
    return total


class _Asked:
    """A loopback llm's answers: a brief after 50 ms, counting the requests."""

    def __init__(self) -> None:
        import threading

        from tests.chatserver import Reply, quoting_brief

        self.n = 0
        self.lock = threading.Lock()
        self.reply, self.brief = Reply, quoting_brief

    def __call__(self, body: dict) -> object:
        with self.lock:
            self.n += 1
        return self.reply(self.brief(body), delay=0.05)


_NO_CLAIMS = (  # a batch with claiming switched off: every claim granted, as before claims
    "import sys; from brieflow.store import claims; "
    "claims.claim = lambda *a, **k: claims.Claim('mine'); "
    "from brieflow.cli import main; sys.exit(main(sys.argv[1:]))"
)


def claims_section(
    folder: Path,
    tmp: Path,
    pg: str | None,
    rounds: int,
    two_only: bool = False,
    two_batches: bool = True,
) -> list[str]:
    import re
    import subprocess

    from tests.chatserver import ChatServer  # the tests' llm server and throwaway cluster
    from tests.pgserver import missing, new_database, throwaway_cluster

    pairs = [] if two_only else prepared(folder)
    rows = [
        "| store | articles/s without claims | with claims | in the claim verbs, per article |",
        "| --- | ---: | ---: | ---: |",
    ]
    with ExitStack() as stack:
        if pg is None and not missing():
            pg = stack.enter_context(throwaway_cluster())
        targets = {"SQLite (WAL)": None, "PostgreSQL (1 connection)": pg}
        for name, server in targets.items() if not two_only else ():
            if name.startswith("PostgreSQL") and server is None:
                rows.append(f"| {name} | skipped: {missing()} | | |")
                continue
            best = {"off": 1e9, "on": 1e9}
            spent: list[float] = []
            for i in range(rounds):
                for mode in ("off", "on") if i % 2 == 0 else ("on", "off"):
                    where = new_database(server) if server else str(tmp / f"c{i}{mode}.db")
                    with open_store(where) as store:
                        took = (
                            write_claimed(store, pairs, spent)
                            if mode == "on"
                            else write_all(store, pairs)
                        )
                        best[mode] = min(best[mode], took)
            off, on = len(pairs) / best["off"], len(pairs) / best["on"]
            cost = min(spent) / len(pairs) * 1000
            rows.append(f"| {name} | {off:.0f} | {on:.0f} | {cost:.2f} ms |")
        rows.append(f"\n{len(pairs)} articles; best of {rounds} rounds each\n")
        if pg is None or not two_batches:
            return rows
        rows += [
            "| two batches at once on PostgreSQL | briefs stored | briefs computed "
            "| wasted | briefed (A + B) | skipped (A + B) | wall s |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        print("\n".join(rows), flush=True)
        rows = []
        # the tests' English test articles (tests/storedata.py), which the loopback server's
        # quoting brief knows how to cite: A the first 200 of 300, B the last 200
        from tests.storedata import article_record, write_jsonl

        records = [article_record(i, lang="en", seed=53) for i in range(300)]
        inputs = {
            "the same 300 articles": (records, records),
            "A 0-199, B 100-299": (records[:200], records[100:]),
        }
        for (label, prefix), (what, (a_part, b_part)) in itertools.product(
            (
                ("claims off (before)", [sys.executable, "-c", _NO_CLAIMS]),
                ("claims on", [sys.executable, "-m", "brieflow"]),
            ),
            inputs.items(),
        ):
            a_src = write_jsonl(tmp / "a.jsonl", a_part)
            b_src = write_jsonl(tmp / "b.jsonl", b_part)
            asked = _Asked()
            url_db = new_database(pg)
            with ChatServer(asked) as url:
                env = {
                    **os.environ,
                    "PYTHONPATH": str(ROOT),
                    "BRIEFLOW_LLM_BASE_URL": url,
                    "BRIEFLOW_LLM_MODEL": "m",
                    "BRIEFLOW_CACHE_DIR": "off",
                    "BRIEFLOW_CONFIG": os.devnull,
                }
                t0 = time.perf_counter()
                procs = [
                    subprocess.Popen(
                        [
                            *prefix,
                            "batch",
                            str(src),
                            "--db",
                            url_db,
                            "--engine",
                            "llm",
                            "--concurrency",
                            "4",
                            "--progress",
                            "none",
                        ],
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE,
                        text=True,
                    )
                    for src in (a_src, b_src)
                ]
                errs = [p.communicate()[1] for p in procs]
                wall = time.perf_counter() - t0
            counts = []
            for err in errs:
                found = re.search(r"(\d+) briefed, (\d+) already briefed", err)
                assert found, err
                counts.append((int(found[1]), int(found[2])))
            import psycopg

            with psycopg.connect(url_db, autocommit=True) as conn:
                distinct = conn.execute("SELECT count(*) FROM briefs").fetchone()[0]
            rows.append(
                f"| {what}, {label} | {distinct} | {asked.n} "
                f"| {(asked.n - distinct) / distinct:.0%} "
                f"| {counts[0][0]} + {counts[1][0]} | {counts[0][1]} + {counts[1][1]} "
                f"| {wall:.1f} |"
            )
    return rows


def prompt_sizes(folder: Path) -> list[str]:
    """Characters the llm engine sends and the brief it keeps, per article and language: the
    base of the token estimate in docs/scale.md (no tokenizer is run here: offline)."""
    from brieflow import load
    from brieflow.engines.prompts import brief_request

    sent: dict[str, list[int]] = {"zh": [], "en": []}
    own: dict[str, list[int]] = {"zh": [], "en": []}
    for path in sorted(folder.glob("*.jsonl")):
        for article in load(str(path)):
            lang = "zh" if article.language == "zh" else "en"
            messages = brief_request(
                article, article.paragraphs, language="en", max_groups=4, max_points=4
            )
            sent[lang].append(sum(len(m["content"]) for m in messages))
            own[lang].append(sum(len(p.text) for p in article.paragraphs))
    rows = ["| language | articles | mean prompt characters | of which the article |"]
    rows.append("| --- | ---: | ---: | ---: |")
    for lang, sizes in sent.items():
        if sizes:
            mean = sum(sizes) / len(sizes)
            rows.append(
                f"| {lang} | {len(sizes)} | {mean:,.0f} | {sum(own[lang]) / len(sizes):,.0f} |"
            )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=600, help="articles in the corpus")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--pg", metavar="URL", help="a PostgreSQL server (default: a throwaway one)")
    ap.add_argument("--skip-ray", action="store_true")
    ap.add_argument("--skip-stores", action="store_true")
    ap.add_argument("--claims-only", action="store_true", help="only part 3 (claims)")
    ap.add_argument("--two-batches-only", action="store_true", help="only part 3 (b)")
    ap.add_argument("--skip-two-batches", action="store_true", help="no part 3 (b)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="brieflow-scale-") as tmp_name:
        tmp = Path(tmp_name)
        folder = tmp / "corpus"
        build_corpus(folder, args.n, shard=max(1, args.n // 4))
        print(f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)\n")
        if args.two_batches_only:
            print("\n".join(claims_section(folder, tmp, args.pg, 1, two_only=True)))
            return 0
        if args.claims_only:
            rows = claims_section(
                folder, tmp, args.pg, args.rounds, two_batches=not args.skip_two_batches
            )
            print("\n".join(rows))
            print(f"\nload average at end: {os.getloadavg()[0]:.1f}")
            return 0
        if not args.skip_ray:
            print("\n".join(executors(folder, tmp, args.rounds)) + "\n")
        print("\n".join(prompt_sizes(folder)) + "\n")
        if not args.skip_stores:
            print("\n".join(stores(folder, tmp, args.pg)))
        print(f"\nload average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
