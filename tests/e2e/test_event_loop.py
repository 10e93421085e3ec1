"""CPU work never blocks the event loop: while one user's 4.5 MB feed is parsed, another user's
commands are answered (ordering, not timing: several /start round trips finish first)."""

from __future__ import annotations

import pytest

from tests.fakes.article_server import ArticleServer
from tests.fakes.big_feed import big_feed
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

SUBSCRIBER = 3101
PROBES = [3201, 3202, 3203]  # one user each: Telegram's ~1 message/s per chat must not pace the probes


def test_big_feed_parse_does_not_delay_another_users_start(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer
) -> None:
    feed = article_server.add("/big.xml", big_feed(), content_type="application/rss+xml")
    bot = bot_process(CPU_WORKERS="1", DIGEST_WORKER="false")
    fake_telegram.push_command(SUBSCRIBER, "/subscribe", feed)
    bot.wait_for_log(r'fetch ok" url=\S*/big\.xml', timeout=30)  # parsing starts right after this line

    for n, probe in enumerate(PROBES, 1):
        fake_telegram.push_command(probe, "/start")
        fake_telegram.wait_for_messages(probe, 1, timeout=30)
        assert not fake_telegram.messages(SUBSCRIBER), f"the feed finished before /start number {n}"

    [subscribed] = fake_telegram.wait_for_messages(SUBSCRIBER, 1, timeout=60)
    assert "Big Feed" in subscribed.plain_text
    assert not fake_telegram.errors
