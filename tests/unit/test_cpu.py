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
