"""Fetch + extract throughput against a local server serving tests/data/pages.

    .venv/bin/python bench/fetch_extract.py [-n 300] [-c 8] [--page seed.html ...]

Prints pages/second for the whole fetch → extract path (with concurrency, through the real
Fetcher and its per-host cap), plus per-page latency percentiles: fetch, extract_article (wall,
including the wait for a worker thread) and extract_html alone (sequential, no contention).
The server runs in its own thread and event loop so it doesn't share the fetcher's loop.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings
from bot.errors import ExtractError, FetchError
from bot.extract import extract_article, extract_html
from bot.net.fetch import Fetcher

PAGES = Path(__file__).resolve().parent.parent / "tests" / "data" / "pages"


class PageServer:
    """aiohttp static server for the pages directory, on its own thread and loop."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = 0
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_static("/", self.root)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def __enter__(self) -> PageServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._runner is not None
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(n: int, concurrency: int, names: list[str], port: int) -> None:
    settings = Settings(fetch_allow_private_networks=True, fetch_allowed_ports=[port])
    fetch_ms: list[float] = []
    extract_ms: list[float] = []
    outcomes: Counter[str] = Counter()
    queue: asyncio.Queue[str] = asyncio.Queue()
    for i in range(n):
        queue.put_nowait(f"http://127.0.0.1:{port}/{names[i % len(names)]}")

    async with Fetcher(settings) as fetcher:

        async def worker() -> None:
            while not queue.empty():
                url = queue.get_nowait()
                started = time.perf_counter()
                try:
                    fetched = await fetcher.fetch(url)
                    fetched_at = time.perf_counter()
                    fetch_ms.append((fetched_at - started) * 1000)
                    await extract_article(fetched, url=url)
                    extract_ms.append((time.perf_counter() - fetched_at) * 1000)
                    outcomes["ok"] += 1
                except (FetchError, ExtractError) as exc:
                    outcomes[exc.code] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started

    print(f"pages: {n}  concurrency: {concurrency}  per-host cap: {settings.fetch_per_host_concurrency}")
    print(f"outcomes: {dict(outcomes)}")
    print(f"throughput: {n / elapsed:.1f} pages/s ({elapsed:.2f} s total, cpus={os.cpu_count()})")
    print(f"fetch ms:            p50 {pct(fetch_ms, 0.5):6.1f}  p95 {pct(fetch_ms, 0.95):6.1f}")
    print(f"extract_article ms:  p50 {pct(extract_ms, 0.5):6.1f}  p95 {pct(extract_ms, 0.95):6.1f}  (wall, in thread)")


def sequential_extract(names: list[str], rounds: int) -> None:
    for name in names:
        if not name.endswith((".html", ".htm")):
            continue
        html = (PAGES / name).read_text(encoding="utf-8")
        times: list[float] = []
        for _ in range(rounds):
            started = time.perf_counter()
            try:
                extract_html(html, f"https://bench.example/{name}")
            except ExtractError:
                pass
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"extract_html {name:18s} {len(html) / 1024:5.1f} KiB  "
            f"p50 {pct(times, 0.5):5.1f} ms  p95 {pct(times, 0.95):5.1f} ms  mean {statistics.fmean(times):5.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="fetch+extract operations (default 300)")
    parser.add_argument("-c", "--concurrency", type=int, default=8, help="concurrent workers (default 8)")
    parser.add_argument("--page", action="append", help="page file name(s); default: every page")
    parser.add_argument("--rounds", type=int, default=30, help="sequential extract_html rounds per page")
    args = parser.parse_args()
    names = args.page or sorted(p.name for p in PAGES.iterdir() if p.is_file())
    with PageServer(PAGES) as server:
        asyncio.run(run(args.n, args.concurrency, names, server.port))
    sequential_extract(names, args.rounds)


if __name__ == "__main__":
    main()
