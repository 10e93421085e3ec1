"""The CPU worker pool: results and typed errors cross the process boundary intact; a job over its
limit fails alone with a reason for the user."""

from __future__ import annotations

import os
import time

import pytest

from bot import cpu
from bot.errors import ExtractError
from bot.extract import extract_html
from bot.models import Article
from tests.fakes.article_server import PAGES_DIR


def spin(seconds: float) -> int:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return os.getpid()


def refuse() -> None:
    raise ExtractError("No article here.", code="no_text", detail="words=3")


@pytest.fixture
def pool():
    # A generous deadline: a job's deadline includes starting the worker, slow on a loaded machine.
    made = cpu.CpuPool(cpu.PoolSettings(workers=1, queue=1, timeout=120.0))
    yield made
    made.close()


@pytest.fixture
def strict_pool():
    made = cpu.CpuPool(cpu.PoolSettings(workers=1, queue=1, timeout=1.0))
    yield made
    made.close()


async def test_article_comes_back_from_a_worker(pool: cpu.CpuPool) -> None:
    html = (PAGES_DIR / "seed.html").read_text()
    article = await pool.run(extract_html, html, "https://example.com/story", what="extract")
    assert isinstance(article, Article) and article == extract_html(html, "https://example.com/story")


async def test_errors_keep_code_and_detail(pool: cpu.CpuPool) -> None:
    with pytest.raises(ExtractError) as raised:
        await pool.run(refuse, what="refuse")
    assert (raised.value.reason, raised.value.code, raised.value.detail) == ("No article here.", "no_text", "words=3")


async def test_job_over_its_limit_fails_alone(strict_pool: cpu.CpuPool) -> None:
    with pytest.raises(cpu.CpuLimitError) as raised:
        await strict_pool.run(spin, 60.0, what="spin")
    assert raised.value.reason == cpu.TOO_HEAVY
    assert raised.value.code == "cpu_limit"


async def test_work_runs_in_another_process(pool: cpu.CpuPool) -> None:
    assert await pool.run(spin, 0.0, what="spin") != os.getpid()


OWNER = """
import asyncio, os, sys
from bot import cpu
from tests.unit.test_cpu import spin

async def main():
    pool = cpu.CpuPool(cpu.PoolSettings(workers=1, queue=1, timeout=120.0))
    print(await pool.run(spin, 0.0, what="spin"), flush=True)
    os.kill(os.getpid(), 9)  # killed, as by the OOM killer: no shutdown runs

asyncio.run(main())
"""


def test_workers_exit_when_the_bot_is_killed() -> None:
    import subprocess
    import sys

    from tests.fakes.waiting import wait_until

    owner = subprocess.run([sys.executable, "-c", OWNER], capture_output=True, text=True, timeout=120)
    assert owner.returncode == -9, owner.stderr
    worker = int(owner.stdout.split()[0])

    def gone() -> bool:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return True
        with open(f"/proc/{worker}/stat") as stat:  # exited, waiting to be reaped by init
            return stat.read().rsplit(")", 1)[-1].split()[0] == "Z"

    wait_until(gone, 30, "the killed bot's CPU worker to exit")


async def test_workers_run_at_a_lower_priority_than_the_bot() -> None:
    # the event loop must win every core it shares with busy workers
    niced = cpu.CpuPool(cpu.PoolSettings(workers=1, queue=1, timeout=120.0, nice=7))
    try:
        assert await niced.run(os.nice, 0, what="niceness") == os.nice(0) + 7
    finally:
        niced.close()
