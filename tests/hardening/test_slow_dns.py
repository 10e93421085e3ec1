"""Slow DNS doesn't starve summaries (issue M7). Links to hosts whose name servers never answer tie
up the fetcher's DNS threads (bot/net/guard.py has its own pool); the LLM client's own look-up
(httpx resolves through the event loop's default executor) and the summary still go through while
every one of those look-ups is still hanging. Shown by order and counters: the summary is done
before a single slow look-up is let go."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from bot.config import Settings
from bot.engines.llm_summary import summarize_llm
from bot.errors import FetchError
from bot.llm.client import LLM
from bot.models import Article
from bot.net.fetch import Fetcher
from bot.net.guard import DNS_THREADS
from tests.e2e.llm_scripts import seed_summary
from tests.fakes.openai_api import FakeOpenAI

SLOW = ".slow.example"
LINKS = DNS_THREADS * 6  # many more than the DNS threads: the rest queue behind them
GUARD = 30.0  # only ends a hang if the summary was starved (then the order check below fails)
# Stuck enough to starve the loop's default executor, had the look-ups been made there (as before)
STUCK = min(DNS_THREADS, min(32, (os.cpu_count() or 1) + 4))


class SlowNameServers:
    """socket.getaddrinfo for *.slow.example hangs until released, then finds nothing."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.hanging = 0
        self.answered = 0  # slow look-ups that have returned
        self.all_stuck = asyncio.Event()  # STUCK threads hang on a slow name
        self.loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._real = socket.getaddrinfo

    def __call__(self, host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(SLOW):
            with self._lock:
                self.hanging += 1
                if self.hanging == STUCK and self.loop is not None:
                    self.loop.call_soon_threadsafe(self.all_stuck.set)
            self.release.wait()
            with self._lock:
                self.answered += 1
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self._real(host, *args, **kwargs)


@pytest.fixture
def slow_dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowNameServers]:
    servers = SlowNameServers()
    monkeypatch.setattr(socket, "getaddrinfo", servers)
    yield servers
    servers.release.set()  # never leave the shared DNS threads blocked


async def test_many_slow_lookups_do_not_starve_a_summary(fake_openai: FakeOpenAI, slow_dns: SlowNameServers) -> None:
    slow_dns.loop = asyncio.get_running_loop()
    fetcher = Fetcher(Settings(fetch_timeout=GUARD + 10, fetch_connect_timeout=GUARD + 10))
    fetches = [asyncio.create_task(fetcher.fetch(f"http://link{n}{SLOW}/story")) for n in range(LINKS)]
    await slow_dns.all_stuck.wait()

    fake_openai.push_reply(seed_summary())
    # "localhost", not 127.0.0.1: the LLM client must look its host up too
    llm = LLM(Settings(openai_base_url=fake_openai.base_url.replace("127.0.0.1", "localhost"),  # type: ignore[arg-type]
                       openai_api_key="k", llm_model="m", llm_timeout=GUARD + 10, llm_max_retries=0))  # fmt: skip
    article = Article(url="https://ex.com/a", title="Harbour reopens", paragraphs=["The harbour reopened."] * 3)
    try:
        summarizing = asyncio.create_task(summarize_llm(llm, article, "en", 1000))
        done, _ = await asyncio.wait({summarizing}, timeout=GUARD)
        if not done:  # starved: let the slow look-ups go so the test ends (and fails below)
            slow_dns.release.set()
        summary = await summarizing
        answered_at_summary, hanging_at_summary = slow_dns.answered, slow_dns.hanging
    finally:
        slow_dns.release.set()
        await llm.aclose()
    results = await asyncio.gather(*fetches, return_exceptions=True)
    await fetcher.aclose()

    assert summary.engine == "llm"
    assert answered_at_summary == 0  # done while every slow look-up still hung
    assert STUCK <= hanging_at_summary <= DNS_THREADS  # the rest queued behind them, not in front of others
    assert all(isinstance(r, FetchError) and r.code == "dns" for r in results)  # and each link got its answer
