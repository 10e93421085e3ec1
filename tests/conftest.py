"""Shared fixtures: real local fakes for Telegram, OpenAI, article sites and Redis.

Every fake is a real server on 127.0.0.1 (a free port) in a background thread, so the same
fixtures serve in-process async tests and the bot running as a subprocess (``bot_process``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as redis_async

from bot.store.redis import connect
from tests.fakes.article_server import ArticleServer
from tests.fakes.bot_process import BotProcess
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.redis_server import RedisServer
from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeTelegram

BOT_TOKEN = DEFAULT_TOKEN  # "123456:TEST-token-SECRET"
LLM_MODEL = "fake-model"
OPENAI_KEY = "sk-test-not-a-real-key"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Make the outcome visible to fixtures (bot_process prints the bot logs when a test failed).
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    rep = getattr(request.node, "rep_call", None)
    return rep is None or rep.failed


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One throwaway redis-server for the session (no persistence). Prefer ``redis_url``."""
    server = RedisServer()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """URL of the session Redis, FLUSHALLed before the test (restarted if a test stopped it)."""
    if not redis_server.running:
        redis_server.restart()
    redis_server.flushall()
    return redis_server.url


@pytest.fixture
async def clients(redis_url: str) -> AsyncIterator[list[redis_async.Redis]]:
    """Two Redis clients on the test's Redis: two "processes" sharing it."""
    pair = [connect(redis_url) for _ in range(2)]
    yield pair
    for client in pair:
        await client.aclose()


@pytest.fixture
def redis_aof() -> Iterator[RedisServer]:
    """A fresh Redis with ``--appendonly yes --appendfsync everysec`` for durability tests."""
    server = RedisServer(aof=True)
    server.start()
    yield server
    server.cleanup()


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=BOT_TOKEN) as fake:
        yield fake


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def article_server() -> Iterator[ArticleServer]:
    with ArticleServer() as server:
        yield server


@pytest.fixture
def bot_env(
    fake_telegram: FakeTelegram,
    fake_openai: FakeOpenAI,
    article_server: ArticleServer,
    redis_url: str,
    tmp_path: Path,
) -> dict[str, str]:
    """Environment wiring ``python -m bot`` to the fakes. Copy and extend it per test."""
    return {
        "NEWSBOT_ENV_FILE": str(tmp_path / "no.env"),  # a developer's ./.env must not leak in
        "HEARTBEAT_FILE": str(tmp_path / "heartbeat"),
        "TELEGRAM_BOT_TOKEN": fake_telegram.token,
        "TELEGRAM_API_URL": fake_telegram.base_url,
        "REDIS_URL": redis_url,
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_API_KEY": OPENAI_KEY,
        "LLM_MODEL": LLM_MODEL,
        "FETCH_ALLOW_PRIVATE_NETWORKS": "true",
        "FETCH_ALLOWED_PORTS": f"80,443,{article_server.port}",
        "LOG_LEVEL": "DEBUG",
        # The placeholder-and-edit path most tests look at; the streaming tests turn drafts on.
        "STREAM_REPLIES": "false",
    }


BotFactory = Callable[..., BotProcess]


@pytest.fixture
def bot_process(
    request: pytest.FixtureRequest, bot_env: dict[str, str], fake_telegram: FakeTelegram
) -> Iterator[BotFactory]:
    """Factory: ``bot_process(env=None, args=("run",), wait=True, name="bot", **extra_env)``.

    Starts ``python -m bot *args`` with ``bot_env`` (+ ``env`` + ``extra_env``) and, unless
    ``wait=False``, waits until it polls the fake Telegram (or sets a webhook). Processes still
    running at teardown are killed (a graceful stop costs seconds and no test is looking; tests
    that check shutdown stop the process themselves); when the test failed, their logs are printed.
    """
    if request.node.get_closest_marker("e2e") is None:
        pytest.fail("a test that starts bot processes must be marked e2e (pytest -m 'not e2e' skips them)")
    started: list[BotProcess] = []

    def factory(
        env: Mapping[str, str] | None = None,
        args: Sequence[str] = ("run",),
        *,
        wait: bool = True,
        name: str = "bot",
        ready_timeout: float = 20.0,
        **extra_env: str,
    ) -> BotProcess:
        full_env = {**bot_env, **(env or {}), **{k: str(v) for k, v in extra_env.items()}}
        proc = BotProcess(full_env, args=args, name=f"{name}{len(started) or ''}")
        started.append(proc)
        proc.start()
        if wait:
            proc.wait_ready(fake_telegram, timeout=ready_timeout)
        return proc

    yield factory
    for proc in started:
        proc.kill()
    if _failed(request):  # keep the logs on disk and show their tails
        for proc in started:
            print(f"\n===== {proc.name} (exit {proc.returncode}) log: {proc.log_path} =====")
            print(proc.logs()[-20000:])
    else:
        for proc in started:
            proc.cleanup()
