"""Web load: concurrent clients against `brieflow serve` on loopback, each scenario for a fixed
time; requests per second, p50/p99 latency and errors (which must be zero).

    PYTHONPATH=. python bench/web_load.py [--seconds 8] [--clients 8] [--eval-dir DIR] [--no-write]

The server is the real CLI (`python -m brieflow serve`) in its own process with a fresh
database; the clients are asyncio + httpx in this process, on the same 2-core machine. The peer
measured in the same run is `GET /healthz` (the framework's floor: routing, one SQLite read);
every other scenario is reported as a ratio of its rate. Fresh briefs use the dev-set articles
in ../shared/data/eval (read at run time, never copied); without them that scenario is skipped.
Results replace the `web-load` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
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


def start_server(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "brieflow", "serve", "--host", HOST, "--port", str(port)]
    proc = subprocess.Popen([*cmd, "--db", str(db)], cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise SystemExit("the server exited before it answered")
    proc.terminate()
    raise SystemExit("the server did not answer /healthz within 30 s")


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per scenario (default 8)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--eval-dir", type=Path, default=default_eval_dir())
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    load = os.getloadavg()[0]
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
