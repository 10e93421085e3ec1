"""Issue 12, F5 and F6 end to end: Redis stops mid-conversation (real bot process, real Redis)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot.store.chats import language_key
from bot.telegram import texts
from tests.e2e.llm_scripts import answer, responder
from tests.fakes.article_server import ArticleServer
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.redis_server import RedisServer
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.waiting import wait_until

pytestmark = pytest.mark.e2e

CHAT = 7001


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A Redis of this test's own: it is stopped and restarted (the session's Redis is shared)."""
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.cleanup()


def settled(fake: FakeTelegram, chat: int, count: int):
    return fake.wait_for_messages(chat, count, timeout=30, predicate=lambda m: not m.plain_text.startswith("⏳"))


def reply_to(fake: FakeTelegram, text: str) -> str:
    """Send ``text`` and return the bot's reply (the next message in the chat)."""
    before = len(settled(fake, CHAT, 0))
    fake.push_message(CHAT, text)
    return settled(fake, CHAT, before + 1)[-1].plain_text


def test_redis_down_questions_answered_writes_refused_then_recovered(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer,
    own_redis: RedisServer,
) -> None:  # fmt: skip
    fake_openai.set_responder(responder(reply=answer("Russia is ready to send a delegation to Minsk.")))
    bot = bot_process(REDIS_URL=own_redis.url)
    reply_to(fake_telegram, article_server.url("/seed.html"))
    own_redis.kill()
    wait_until(lambda: "redis unreachable" in bot.logs(), 20, "the outage to be noticed")

    assert "Minsk" in reply_to(fake_telegram, "Where will the talks be?")  # the article this process summarized
    assert reply_to(fake_telegram, "/language de") == texts.NOT_SAVED
    assert reply_to(fake_telegram, "/new") == texts.NOT_SAVED
    for command in ("/subscriptions", "/subscribe example.com/feed.xml", "/unsubscribe 1", "/digest_time 08:00",
                    "/timezone Europe/Berlin", "/digest"):  # fmt: skip
        assert reply_to(fake_telegram, command) == texts.STORE_UNAVAILABLE, command

    own_redis.restart()
    wait_until(lambda: reply_to(fake_telegram, "/language de") != texts.NOT_SAVED, 20, "/language to be saved again")
    assert own_redis.client().get(language_key(CHAT)) == "de"
    assert reply_to(fake_telegram, "/subscriptions") != texts.STORE_UNAVAILABLE

    wait_until(lambda: "redis is back" in bot.logs(), 20, "the end of the outage to be logged")
    logs = bot.logs()
    # one line where the outage began and one where it ended, for the whole process: the store, saq's
    # workers and the send budget all failed during it; their failures (saq's with tracebacks
    # without the filter) are counted, not logged
    assert "Traceback" not in logs and "unhandled error" not in logs
    noticed = [line for line in logs.splitlines() if re.search(r"redis|send budget", line, re.I)
               and re.search(r"level=(error|warning)", line)]  # fmt: skip
    assert len(noticed) == 1 and "redis unreachable" in noticed[0], noticed
    [back] = re.findall(r'msg="redis is back" outage_s=[\d.]+ failed_calls=(\d+)', logs)
    assert int(back) >= 2


def test_bot_api_outage_is_two_log_lines(bot_process, fake_telegram: FakeTelegram) -> None:
    bot = bot_process()
    fake_telegram.push_command(CHAT, "/help")
    settled(fake_telegram, CHAT, 1)
    fake_telegram.fail_next("*", 502, "Bad Gateway", times=4)  # polling fails four times, backing off
    fake_telegram.push_command(CHAT, "/help")
    settled(fake_telegram, CHAT, 2)  # answered once the Bot API is back
    wait_until(lambda: "telegram is back" in bot.logs(), 20, "the end of the outage to be logged")

    logs = bot.logs()
    assert logs.count("telegram unreachable") == 1
    assert re.search(r'telegram is back" outage_s=[\d.]+ failed_calls=4', logs)
    assert "Traceback" not in logs and "unhandled error" not in logs
