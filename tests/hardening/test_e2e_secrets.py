"""Secrets stay out of the logs at every level, webhook mode needs its secret (issue L)."""

from __future__ import annotations

import socket

import pytest

from bot.config import load_settings
from tests.conftest import OPENAI_KEY
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

SECRET = "whsec-Zq8e1u3Lm0p"
CHAT = 7501


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_webhook_mode_refuses_to_start_without_a_secret(bot_process) -> None:
    port = free_port()
    bot = bot_process(wait=False, WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram", WEBHOOK_LISTEN="127.0.0.1",
                      WEBHOOK_PORT=str(port))  # fmt: skip
    assert bot.wait(30) == 2
    [line] = bot.logs().strip().splitlines()
    assert "WEBHOOK_SECRET is required" in line and "WEBHOOK_ALLOW_NO_SECRET" in line


def test_no_secret_in_any_debug_line(bot_process, fake_telegram: FakeTelegram) -> None:
    port = free_port()
    bot = bot_process(WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram", WEBHOOK_LISTEN="127.0.0.1",
                      WEBHOOK_PORT=str(port), WEBHOOK_SECRET=SECRET, LOG_LEVEL="DEBUG")  # fmt: skip
    fake_telegram.push_command(CHAT, "/start")
    fake_telegram.wait_for_messages(CHAT, 1, timeout=15)
    logs = bot.logs()
    assert "setWebhook" in logs  # DEBUG lines were written, with the call carrying the secret
    for secret in (SECRET, fake_telegram.token, fake_telegram.token.split(":", 1)[1], OPENAI_KEY):
        assert secret not in logs


def test_a_rejected_token_is_not_printed(bot_process) -> None:
    token = "987654:AAE-rejected-Token-value_123"
    bot = bot_process(wait=False, TELEGRAM_BOT_TOKEN=token, LOG_LEVEL="DEBUG")
    assert bot.wait(60) != 0
    assert token.split(":", 1)[1] not in bot.logs()


def test_the_redis_password_counts_as_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_ENV_FILE", "/nonexistent")
    settings = load_settings(redis_url="redis://:p%40ss-word-1@redis:6379/0")
    assert "p@ss-word-1" in settings.secrets() and "p%40ss-word-1" in settings.secrets()
