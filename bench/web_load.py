"""Web load: concurrent clients against `brieflow serve` on loopback, each scenario for a fixed
time; requests per second, p50/p99 latency and errors (which must be zero).

    PYTHONPATH=. python bench/web_load.py [--seconds 8] [--clients 8] [--eval-dir DIR] [--no-write]
    PYTHONPATH=. python bench/web_load.py --team [--seconds 8] [--clients 8] [--pg URL]

The server is the real CLI (`python -m brieflow serve`) in its own process with a fresh
database; the clients are asyncio + httpx in this process, on the same 2-core machine. The peer
measured in the same run is `GET /healthz` (the framework's floor: routing, one SQLite read);
every other scenario is reported as a ratio of its rate. Fresh briefs use the dev-set articles
in ../shared/data/eval (read at run time, never copied); without them that scenario is skipped.
Results replace the `web-load` section of docs/benchmarks.md.

`--team` measures a team server instead: an authenticated `GET /api/briefs/{n}` (API token
checked, its rate limit spent) with the limit kept in the database (`--rate-limit shared`, one
upsert a request) and in each process's memory (`per-process`), with 1 and 2 server processes
(`--processes`), on SQLite and on PostgreSQL (a throwaway cluster from tests/pgserver.py, or
`--pg URL`). It replaces the `web-team` section.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import default_eval_dir, replace_section, revision  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback only


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def run_scenario(
    name: str,
    base: str,
    make: Callable[[httpx.AsyncClient, int], object],
    *,
    clients: int,
    seconds: float,
    expect: int = 200,
    budget: int | None = None,
) -> Result:
    """`clients` loops, each sending `make(client, i)` until `seconds` pass (or `budget`
    requests are sent in all)."""
    result = Result(name)
    counter = iter(range(budget if budget is not None else 10**9))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60.0) as client:
        start = time.perf_counter()
        stop = start + seconds

        async def loop() -> None:
            while time.perf_counter() < stop:
                i = next(counter, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                try:
                    response = await make(client, i)  # type: ignore[misc]
                except httpx.HTTPError as exc:
                    result.errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                dt = time.perf_counter() - t0
                if response.status_code != expect:
                    result.errors.append(f"HTTP {response.status_code}: {response.text[:200]}")
                else:
                    result.latencies.append(dt)

        await asyncio.gather(*(loop() for _ in range(clients)))
        result.seconds = time.perf_counter() - start
    return result


def dev_articles(eval_dir: Path) -> list[dict]:
    """Dev-set records as API article objects, interleaving the languages."""
    sets = []
    for path in sorted(eval_dir.glob("*-dev.jsonl")):
        rows = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                rows.append({k: rec[k] for k in ("title", "paragraphs", "lang") if rec.get(k)})
        sets.append(rows)
    out = []
    for i in range(max((len(s) for s in sets), default=0)):
        out.extend(s[i] for s in sets if i < len(s))
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(
    db: Path | str, port: int, host: str = HOST, extra: tuple[str, ...] = ()
) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "brieflow", "serve", "--host", host, "--port", str(port)]
    proc = subprocess.Popen([*cmd, "--db", str(db), *extra], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{host}:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise SystemExit("the server exited before it answered")
    proc.terminate()
    raise SystemExit("the server did not answer /healthz within 60 s")


async def measure(base: str, args: argparse.Namespace) -> list[Result]:
    examples = [
        (ROOT / "examples" / name).read_text(encoding="utf-8")
        for name in ("en-chip-export.txt", "zh-battery-prices.txt")
    ]
    articles = dev_articles(args.eval_dir)
    seed = articles[:20]
    fresh = articles[20:]
    numbers = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for text in examples:
            numbers.append((await client.post("/api/briefs", json={"text": text})).json())
        for article in seed:
            r = await client.post("/api/briefs", json={"article": article})
            r.raise_for_status()
            numbers.append(r.json())
    ids = [d["brief_id"] for d in numbers]
    rng = random.Random(7)
    picks = [rng.choice(ids) for _ in range(100_000)]
    queries = ["export", "碳酸锂", "电池", "market", "央行"]
    c, s = args.clients, args.seconds

    def get(path: Callable[[int], str]) -> Callable[[httpx.AsyncClient, int], object]:
        return lambda client, i: client.get(path(i))

    # Warm up: every server thread opens its database connection once.
    await run_scenario("warm-up", base, get(lambda i: "/healthz"), clients=c, seconds=1.5)
    results = [
        await run_scenario("GET /healthz", base, get(lambda i: "/healthz"), clients=c, seconds=s),
        await run_scenario(
            "GET /api/briefs/{n}",
            base,
            get(lambda i: f"/api/briefs/{picks[i]}"),
            clients=c,
            seconds=s,
        ),
        await run_scenario(
            "GET /briefs/{n} (page)",
            base,
            get(lambda i: f"/briefs/{picks[i]}"),
            clients=c,
            seconds=s,
        ),
        await run_scenario(
            "GET /briefs?q= (search page)",
            base,
            get(lambda i: f"/briefs?q={queries[i % len(queries)]}"),
            clients=c,
            seconds=s,
        ),
        await run_scenario(
            "POST /api/briefs (stored)",
            base,
            lambda client, i: client.post("/api/briefs", json={"text": examples[i % 2]}),
            clients=c,
            seconds=s,
            expect=201,
        ),
    ]
    if fresh:
        results.append(
            await run_scenario(
                "POST /api/briefs (new article)",
                base,
                lambda client, i: client.post("/api/briefs", json={"article": fresh[i]}),
                clients=c,
                seconds=s,
                expect=201,
                budget=len(fresh),
            )
        )
    return results


def table(results: list[Result]) -> str:
    floor = results[0].rate
    lines = [
        "| scenario | requests | req/s | × /healthz | p50 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {len(r.latencies)} | {r.rate:.1f} | {r.rate / floor:.2f} | "
            f"{r.pct(0.50):.1f} | {r.pct(0.99):.1f} | {len(r.errors)} |"
        )
    return "\n".join(lines)


# Loopback, but not a name `serve` treats as loopback: API tokens are required, as off-machine.
TEAM_HOST = "127.0.0.2"
Sample = tuple[dict[int, float], dict[int, float]]  # CPU seconds by pid: server, database


async def measure_team(
    base: str, secret: str, args: argparse.Namespace, sample: Callable[[], Sample]
) -> tuple[Result, Sample, Sample]:
    """req/s of an authenticated GET of one stored brief, and CPU samples around it."""
    headers = {"Authorization": f"Bearer {secret}"}
    async with httpx.AsyncClient(base_url=base, timeout=60, headers=headers) as client:
        text = (ROOT / "examples" / "en-chip-export.txt").read_text(encoding="utf-8")
        made = await client.post("/api/briefs", json={"text": text})
        made.raise_for_status()
        number = made.json()["brief_id"]

    def get(client: httpx.AsyncClient, i: int) -> object:
        return client.get(f"/api/briefs/{number}", headers=headers)

    # Warm up: every process and every server thread opens its database connection.
    await run_scenario("warm-up", base, get, clients=args.clients, seconds=3)
    before = sample()
    result = await run_scenario(
        "GET /api/briefs/{n}", base, get, clients=args.clients, seconds=args.seconds
    )
    return result, before, sample()


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def process_tree(root: int) -> set[int]:
    parents = {}
    for entry in Path("/proc").glob("[0-9]*"):
        if (fields := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo += [c for c, p in parents.items() if p == pid]
    return found


def backends(database: str) -> set[int]:
    """The PostgreSQL server processes connected to `database` (their titles name it)."""
    found = set()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            title = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            found.add(int(entry.name))
    return found


def cpu(pids: set[int]) -> dict[int, float]:
    """CPU seconds (user + system) so far of each of `pids`."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        if (fields := _stat(pid)) is not None:
            out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def sample_cpu(root: int, database: str | None) -> Sample:
    """CPU seconds so far of the server's process tree, and of the database's backends."""
    return cpu(process_tree(root)), cpu(backends(database)) if database else {}


def team(args: argparse.Namespace) -> tuple[str, list[str]]:
    """The --team table and the errors seen."""
    from contextlib import ExitStack

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))  # the tests' throwaway cluster
    from pgserver import missing, new_database, throwaway_cluster

    from brieflow.store import tokens
    from brieflow.store.open import open_store

    rows = [
        "| database | processes | rate limit | req/s, each round | server CPU ms/request | "
        "database CPU ms/request | p50 ms | p99 ms | errors |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    errors: list[str] = []
    seen: dict[tuple[str, int, str], list[tuple[Result, float, float]]] = {}
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        pg = args.pg
        if pg is None and missing() is None and args.team_db != "sqlite":
            pg = stack.enter_context(throwaway_cluster())
        kinds = [k for k in ("SQLite", "PostgreSQL") if args.team_db in ("both", k.lower())]
        if "PostgreSQL" in kinds and pg is None:
            kinds.remove("PostgreSQL")
            rows.append(f"| PostgreSQL | | | skipped: {missing()} | | | | | |")
        cells = [(k, n, lim) for k in kinds for n in (1, 2) for lim in ("shared", "per-process")]
        for round_ in range(args.rounds):  # rounds interleave the cells: load drifts
            for kind, processes, limit in cells:
                db: Path | str
                if kind == "SQLite":
                    db = Path(tmp) / f"team-{processes}-{limit}-{round_}.db"
                else:
                    db = new_database(pg)
                with open_store(db) as store:  # a budget no scenario reaches: no 429s
                    _, secret = tokens.create(store, "bench", rate=10**9)
                port = free_port()
                extra = ("--processes", str(processes), "--rate-limit", limit)
                server = start_server(db, port, TEAM_HOST, extra)
                name = str(db).rsplit("/", 1)[1]

                pg_name = name if kind == "PostgreSQL" else None
                sample = functools.partial(sample_cpu, server.pid, pg_name)
                try:
                    r, before, after = asyncio.run(
                        measure_team(f"http://{TEAM_HOST}:{port}", secret, args, sample)
                    )
                finally:
                    server.terminate()
                    server.wait(30)
                errors += r.errors
                n = max(1, len(r.latencies))
                mine, theirs = spent(before[0], after[0]), spent(before[1], after[1])
                seen.setdefault((kind, processes, limit), []).append(
                    (r, mine * 1000 / n, theirs * 1000 / n)
                )
                print(kind, processes, limit, f"{r.rate:.1f} req/s", flush=True)
        for (kind, processes, limit), runs in seen.items():
            rates = ", ".join(f"{r.rate:.0f}" for r, _, _ in runs)
            server_ms = sum(m for _, m, _ in runs) / len(runs)
            db_ms = sum(d for _, _, d in runs) / len(runs)
            shown_db = f"{db_ms:.2f}" if kind == "PostgreSQL" else "(in the server)"
            lat = sorted(x for r, _, _ in runs for x in r.latencies)
            pct = Result("all", lat)
            rows.append(
                f"| {kind} | {processes} | {limit} | {rates} | {server_ms:.2f} | {shown_db} | "
                f"{pct.pct(0.5):.1f} | {pct.pct(0.99):.1f} | "
                f"{sum(len(r.errors) for r, _, _ in runs)} |"
            )
    return "\n".join(rows), errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per scenario (default 8)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--eval-dir", type=Path, default=default_eval_dir())
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--team", action="store_true", help="the team-server table instead")
    parser.add_argument("--pg", metavar="URL", help="--team: a PostgreSQL server of yours")
    parser.add_argument("--rounds", type=int, default=2, help="--team: rounds (default 2)")
    parser.add_argument(
        "--team-db", choices=("both", "sqlite", "postgresql"), default="both", help="--team only"
    )
    args = parser.parse_args()
    load = os.getloadavg()[0]
    if args.team:
        body, errors = team(args)
        print(body)
        for e in errors[:10]:
            print("error:", e, file=sys.stderr)
        if not args.no_write:
            command = (
                f"PYTHONPATH=. python bench/web_load.py --team --seconds {args.seconds:g} "
                f"--clients {args.clients} --rounds {args.rounds}"
            )
            text = (
                f"`{command}` — `brieflow serve --host {TEAM_HOST}` (API tokens required) with "
                f"--processes 1 and 2 and each --rate-limit, {args.clients} concurrent "
                f"keep-alive clients (asyncio + httpx) on the same 2-core machine, each sending "
                f"an authenticated `GET /api/briefs/{{n}}` for {args.seconds:g} s, "
                f"{args.rounds} rounds interleaving the cells; PostgreSQL is "
                f"a throwaway local cluster (loopback, fsync off); revision {revision()}; load "
                f"average {load:.1f} before the run (other jobs share the machine).\n\n{body}\n\n"
                "`shared` keeps each token's bucket in the database (one upsert a request, "
                "shared by every process and server on the database); `per-process` keeps it "
                "in each process's memory (no write; N processes allow N times the rate). CPU "
                "ms/request is the user + system CPU time of the server's process tree (and of "
                "the PostgreSQL backends serving its database) during the measured seconds, "
                "divided by the requests answered: steadier than req/s on a shared machine."
            )
            replace_section("web-team", text, "## Web load, team server")
        return 1 if errors else 0
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = start_server(Path(tmp) / "bench.db", port)
        try:
            results = asyncio.run(measure(f"http://{HOST}:{port}", args))
        finally:
            server.terminate()
            server.wait(10)
    body = table(results)
    print(body)
    errors = [e for r in results for e in r.errors]
    for e in errors[:10]:
        print("error:", e, file=sys.stderr)
    if not args.no_write:
        command = (
            f"PYTHONPATH=. python bench/web_load.py --seconds {args.seconds:g} "
            f"--clients {args.clients}"
        )
        text = (
            f"`{command}` — `brieflow serve` (uvicorn, one process) on 127.0.0.1 with a fresh "
            f"database, {args.clients} concurrent keep-alive clients (asyncio + httpx) on the same "
            f"2-core machine, {args.seconds:g} s a scenario; revision {revision()}; load "
            f"average {load:.1f} before the run (other jobs share the machine).\n\n"
            f"{body}\n\n"
            "`× /healthz` is the rate relative to the framework's floor measured in the same run. "
            '"stored" posts an article already briefed (read, hash, look up, answer); "new '
            'article" briefs dev-set articles never seen before (one each, so it may stop '
            "before the time is up), with the extractive engine in the server's two brief "
            "workers."
        )
        replace_section("web-load", text, "## Web load")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
