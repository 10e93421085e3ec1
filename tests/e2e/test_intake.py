"""Issue 12 F1 end to end: an update the library cannot parse is skipped, never blocks the others."""

from __future__ import annotations

import socket

import pytest

from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.waiting import wait_until

pytestmark = pytest.mark.e2e

CHAT = 12001


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_polling_skips_an_unparsable_update(bot_process, fake_telegram: FakeTelegram) -> None:
    bot = bot_process()
    fake_telegram.push_poll(persistent_ids=False)  # PTB 22.8 requires persistent_id: can't parse it
    fake_telegram.push_poll(persistent_ids=False)
    fake_telegram.push_command(CHAT, "/help")
    [reply] = fake_telegram.wait_for_messages(CHAT, 1, timeout=15)
    assert "How to use newsbot" in reply.plain_text
    logs = bot.logs()
    assert logs.count("skipped updates that could not be parsed") == 1  # once a minute, not per update
    assert "Error while parsing updates" not in logs

    fake_telegram.push_poll(persistent_ids=False)  # last of its batch: acknowledged all the same
    wait_until(lambda: not fake_telegram.pending_updates, 10, "the bad update to be acknowledged")
    polls = len(fake_telegram.calls_of("getUpdates"))
    fake_telegram.push_command(CHAT + 1, "/help")
    fake_telegram.wait_for_messages(CHAT + 1, 1, timeout=15)
    assert len(fake_telegram.calls_of("getUpdates")) - polls < 10  # no refetch storm


def test_webhook_skips_an_unparsable_update(bot_process, fake_telegram: FakeTelegram) -> None:
    port = _free_port()
    bot = bot_process(WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram", WEBHOOK_LISTEN="127.0.0.1",
                      WEBHOOK_PORT=str(port), WEBHOOK_SECRET="s3cret-value")  # fmt: skip
    fake_telegram.push_poll(persistent_ids=False)
    fake_telegram.push_command(CHAT, "/help")
    [reply] = fake_telegram.wait_for_messages(CHAT, 1, timeout=15)
    assert "How to use newsbot" in reply.plain_text
    statuses = [d["status"] for d in fake_telegram.webhook_deliveries]
    assert statuses[:2] == [200, 200], fake_telegram.webhook_deliveries  # skipped, not retried
    assert "skipped updates that could not be parsed" in bot.logs()
