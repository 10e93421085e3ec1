"""Issue 2 end to end: the real bot process against the fake Bot API, the fake LLM and real Redis."""

from __future__ import annotations

import pytest

from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

CHAT = 4242


def test_start_help_unknown_and_token_never_logged(bot_process, fake_telegram: FakeTelegram) -> None:
    bot = bot_process()

    # the command menu is registered at start-up
    fake_telegram.wait_for_call("setMyCommands", timeout=10)
    registered = {c["command"] for c in fake_telegram.commands}
    assert {"start", "help", "summarize", "subscribe", "digest"} <= registered

    fake_telegram.push_command(CHAT, "/start", first_name="Ann")
    [welcome] = fake_telegram.wait_for_messages(CHAT, 1)
    assert welcome.plain_text.startswith("👋 Hi, Ann! I'm newsbot.")
    assert "Send me a link" in welcome.plain_text and "/help" in welcome.plain_text
    assert welcome.parse_mode == "HTML"

    fake_telegram.push_command(CHAT, "/help")
    messages = fake_telegram.wait_for_messages(CHAT, 2)
    assert "/summarize" in messages[1].plain_text and "/subscribe" in messages[1].plain_text

    fake_telegram.push_command(CHAT, "/frobnicate")
    messages = fake_telegram.wait_for_messages(CHAT, 3)
    assert "/frobnicate" in messages[2].plain_text and "/help" in messages[2].plain_text

    assert not fake_telegram.errors, fake_telegram.errors
    assert bot.stop() == 0  # SIGTERM: a clean shutdown, not the SIGKILL after the stop timeout
    logs = bot.logs()
    assert "bot stopped" in logs
    # LOG_LEVEL=DEBUG: httpx logs every Bot API URL, and each one contained the token
    assert "getUpdates" in logs
    secret = fake_telegram.token.split(":", 1)[1]
    assert fake_telegram.token not in logs and secret not in logs
    assert "sk-test-not-a-real-key" not in logs
    for line in logs.splitlines():
        if line.strip():
            assert line.startswith("ts="), line  # one key=value line per event


def test_private_network_warning_and_allowlist(bot_process, fake_telegram: FakeTelegram) -> None:
    bot = bot_process(ALLOWED_USER_IDS="7")
    fake_telegram.push_command(CHAT, "/start")
    [refusal] = fake_telegram.wait_for_messages(CHAT, 1)
    assert "private" in refusal.plain_text
    fake_telegram.push_command(7, "/start")
    [welcome] = fake_telegram.wait_for_messages(7, 1)
    assert "newsbot" in welcome.plain_text
    assert "FETCH_ALLOW_PRIVATE_NETWORKS is on" in bot.logs()


def test_webhook_mode_for_replicas(bot_process, fake_telegram: FakeTelegram) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    bot_process(WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram", WEBHOOK_LISTEN="127.0.0.1",
                WEBHOOK_PORT=str(port), WEBHOOK_SECRET="s3cret-value")
    assert fake_telegram.webhook and fake_telegram.webhook["url"].endswith("/telegram")
    fake_telegram.push_command(CHAT, "/start")
    [welcome] = fake_telegram.wait_for_messages(CHAT, 1, timeout=15)
    assert "newsbot" in welcome.plain_text
    assert fake_telegram.webhook_deliveries


def test_start_works_while_redis_is_down(bot_process, fake_telegram: FakeTelegram, redis_server) -> None:
    # Redis must answer at start-up (tests/e2e/test_startup.py); an outage after that degrades.
    bot = bot_process()
    redis_server.stop()  # the next test's redis_url fixture starts it again
    fake_telegram.push_command(CHAT, "/start")
    [welcome] = fake_telegram.wait_for_messages(CHAT, 1)
    assert "I'm newsbot" in welcome.plain_text
    assert "unhandled error" not in bot.logs()
