"""Start-up failures: the real process prints exactly one ERROR line, no traceback, no secret, and
exits 2 for a configuration mistake or 1 for an unreachable server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.conftest import BotFactory
from tests.fakes.bot_process import BotProcess
from tests.fakes.redis_server import RedisServer, free_port
from tests.fakes.waiting import wait_until

pytestmark = pytest.mark.e2e

WRONG_TOKEN = "987654321:AAwrong-token-SECRET-0123456789abcdef"
REDIS_PASSWORD = "right-horse-battery"
WRONG_PASSWORD = "wrong-horse-SECRET"


def closed_port() -> int:
    """A port nothing listens on (bound a moment ago, then released)."""
    return free_port()


def failed(proc: BotProcess, code: int) -> list[str]:
    """Wait for the process to exit with ``code``; its ERROR lines."""
    assert proc.wait(timeout=60) == code, proc.logs()
    logs = proc.logs()
    assert "Traceback" not in logs, logs
    errors = [line for line in logs.splitlines() if "level=error" in line]
    assert len(errors) == 1, logs
    return errors


@pytest.fixture
def redis_with_password() -> Iterator[RedisServer]:
    server = RedisServer().start()
    redis.Redis(port=server.port).config_set("requirepass", REDIS_PASSWORD)
    yield server
    server.cleanup()


@pytest.mark.parametrize("command", ["run", "worker"])
def test_rejected_token_is_one_line_without_the_token(bot_process: BotFactory, command: str) -> None:
    proc = bot_process(args=(command,), wait=False, TELEGRAM_BOT_TOKEN=WRONG_TOKEN, LOG_LEVEL="INFO")
    [line] = failed(proc, 2)
    assert "Telegram rejected the bot token (401): check TELEGRAM_BOT_TOKEN" in line
    assert WRONG_TOKEN not in proc.logs() and "AAwrong" not in proc.logs()


def test_rejected_token_never_logged_even_at_debug(bot_process: BotFactory) -> None:
    proc = bot_process(wait=False, TELEGRAM_BOT_TOKEN=WRONG_TOKEN, LOG_LEVEL="DEBUG")
    assert proc.wait(timeout=60) == 2
    logs = proc.logs()
    assert "Telegram rejected the bot token" in logs
    assert "AAwrong" not in logs


@pytest.mark.parametrize("command", ["run", "worker"])
def test_unreachable_bot_api_names_the_url_and_the_reason(bot_process: BotFactory, command: str) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    proc = bot_process(args=(command,), wait=False, TELEGRAM_API_URL=url, LOG_LEVEL="INFO")
    [line] = failed(proc, 1)
    assert f"can't reach the Telegram Bot API at {url}: connection refused" in line
    assert "check the network or TELEGRAM_API_URL" in line


@pytest.mark.parametrize("command", ["run", "worker"])
def test_closed_redis_port_is_one_line(bot_process: BotFactory, command: str) -> None:
    url = f"redis://127.0.0.1:{closed_port()}/0"
    proc = bot_process(args=(command,), wait=False, REDIS_URL=url, LOG_LEVEL="INFO")
    [line] = failed(proc, 1)
    assert f"can't reach Redis at {url}: connection refused" in line


def test_wrong_redis_password_is_a_configuration_error(
    bot_process: BotFactory, redis_with_password: RedisServer
) -> None:
    url = f"redis://:{WRONG_PASSWORD}@127.0.0.1:{redis_with_password.port}/0"
    proc = bot_process(wait=False, REDIS_URL=url, LOG_LEVEL="DEBUG")
    assert proc.wait(timeout=60) == 2, proc.logs()
    logs = proc.logs()
    where = f"redis://127.0.0.1:{redis_with_password.port}/0"
    assert re.search(rf"level=error .*Redis at {where} rejected the password: check REDIS_URL", logs)
    assert WRONG_PASSWORD not in logs


def test_worker_heartbeat_passes_the_healthcheck(bot_process: BotFactory, bot_env: dict[str, str]) -> None:
    heartbeat = Path(bot_env["HEARTBEAT_FILE"])
    health = BotProcess(bot_env, args=("healthcheck",), name="health")
    assert health.start().wait(timeout=60) == 1  # nothing running yet: no heartbeat
    health.cleanup()
    worker = bot_process(args=("worker",), wait=False)
    wait_until(heartbeat.exists, timeout=30, what=lambda: f"no heartbeat file\n{worker.logs()}")
    health = BotProcess(bot_env, args=("healthcheck",), name="health")
    assert health.start().wait(timeout=60) == 0, health.logs()
    health.cleanup()
